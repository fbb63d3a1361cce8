"""Flask command for learning from outcomes: ``flask --app matchmaker learn-weights`` (run nightly)."""

from __future__ import annotations

import click


@click.command("learn-weights")
@click.option("--no-rematch", is_flag=True, help="Only learn; leave the stored matches as they are.")
def learn_weights_command(no_rematch: bool) -> None:
    """Learn component weights from every recorded outcome, then rank every match again with them."""
    from matchmaker.engine.scoring import ScoringConfig
    from matchmaker.services import learning, matching
    from matchmaker.services.embeddings import app_encoder

    weights = learning.learn(None, ScoringConfig.for_model(app_encoder().model_id))
    state = "on" if learning.learning_enabled() else "off"
    click.echo(f"learned from {weights.history} outcomes; learning is {state}")
    for kind in ("partner", "investor"):
        learned = getattr(weights, kind)
        click.echo(f"  {kind}: " + ", ".join(f"{name} {100 * w:.1f}" for name, w in learned.items()))
    if weights.counterparts:
        click.echo(f"  own weights for {len(weights.counterparts)} partners or investors")
    if not no_rematch:
        click.echo(f"ranked {matching.rematch_all()} matches again")
