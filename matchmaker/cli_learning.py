"""Flask commands for learning: ``flask --app matchmaker learn-weights`` (run nightly; it also relearns
the similarity space) and ``flask --app matchmaker learn-space``."""

from __future__ import annotations

import click


def _echo_space() -> None:
    from matchmaker.matching import space

    state = space.space_state()
    if state is None:
        return
    switch = "on" if space.space_enabled() else "off"
    if state.fitted:
        click.echo(
            f"similarity space {state.version}: learned from {state.labelled} of {state.organisations}"
            f" organisations' sectors and tags ({state.info.get('labels')} labels); it is {switch}"
        )
    else:
        click.echo(
            f"no similarity space: {state.labelled} organisations carry sectors or tags,"
            f" {state.needed} are needed; ranking stays plain cosine"
        )


@click.command("learn-weights")
@click.option("--no-rematch", is_flag=True, help="Only learn; leave the stored matches as they are.")
@click.option("--no-space", is_flag=True, help="Learn the weights only, not the similarity space.")
def learn_weights_command(no_rematch: bool, no_space: bool) -> None:
    """Learn component weights from every recorded outcome (and the similarity space from the
    organisations' sectors and tags), then rank every match again with them."""
    from matchmaker.engine.scoring import ScoringConfig
    from matchmaker.matching import learning, space
    from matchmaker.matching import refresh as matching
    from matchmaker.matching.embeddings import app_encoder

    base = ScoringConfig.for_model(app_encoder().model_id)
    weights = learning.learn(None, base)
    state = "on" if learning.learning_enabled() else "off"
    click.echo(f"learned from {weights.history} outcomes; learning is {state}")
    for kind in ("partner", "investor"):
        learned = getattr(weights, kind)
        click.echo(f"  {kind}: " + ", ".join(f"{name} {100 * w:.1f}" for name, w in learned.items()))
    if weights.counterparts:
        click.echo(f"  own weights for {len(weights.counterparts)} partners or investors")
    if not no_space:
        space.learn_space(None, base)
        _echo_space()
    if not no_rematch:
        click.echo(f"ranked {matching.rematch_all()} matches again")


@click.command("learn-space")
@click.option("--no-rematch", is_flag=True, help="Only learn; leave the stored matches as they are.")
def learn_space_command(no_rematch: bool) -> None:
    """Learn the similarity space from the organisations' sectors and tags, then rank every match again."""
    from matchmaker.engine.scoring import ScoringConfig
    from matchmaker.matching import refresh as matching
    from matchmaker.matching import space
    from matchmaker.matching.embeddings import app_encoder

    space.learn_space(None, ScoringConfig.for_model(app_encoder().model_id))
    _echo_space()
    if not no_rematch:
        click.echo(f"ranked {matching.rematch_all()} matches again")
