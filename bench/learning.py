"""Learning from outcomes, on a simulation: nDCG@10 on held-out outcomes as history grows.

    python bench/learning.py [--seeds 10] [--partners 20]

A hidden preference decides outcomes: partners mostly take startups in their own sector whose work
answers what they seek (sectors 0.45, offers_seeks 0.35, seeks_offers 0.15, lexical 0.05, and the
description's similarity counts for nothing), where today's fixed weights spread over all
components. Component similarities are drawn with the structure real ones have (text components
and shared words follow one topical closeness; sectors agree more often when topics are close).

History is what the app would have produced: each partner is introduced to startups from the top
of its list under today's weights (plus a few from further down) and each introduction ends well
or not by the hidden preference. Held-out: startups never in any history, ranked for each partner
by today's weights and by the learned ones, nDCG@10 against their outcomes. Both columns come from
the same run and the same outcomes; mean and standard error over seeds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.engine.learning import Observation, OutcomeLearner  # noqa: E402
from matchmaker.engine.scoring import COMPONENTS, ScoringConfig, combine  # noqa: E402

HIDDEN = {"sectors": 0.45, "offers_seeks": 0.35, "seeks_offers": 0.15, "lexical": 0.05, "description": 0.0}
HISTORY_SIZES = (0, 10, 25, 50, 100, 200, 400, 800, 1600)


def similarities(rng: np.random.Generator, n: int) -> np.ndarray:
    """n pairs' calibrated components (partners: no stage_ticket), correlated as real ones are."""
    closeness = rng.beta(2, 4, n)
    out = np.full((n, len(COMPONENTS)), np.nan)
    for name in ("seeks_offers", "offers_seeks", "description"):
        out[:, COMPONENTS.index(name)] = np.clip(closeness + rng.normal(0, 0.18, n), 0, 1)
    out[:, COMPONENTS.index("lexical")] = np.clip(0.7 * closeness + rng.normal(0, 0.12, n), 0, 1)
    out[:, COMPONENTS.index("sectors")] = (rng.uniform(size=n) < 0.15 + 0.6 * closeness).astype(float)
    return out


def outcomes(rng: np.random.Generator, sims: np.ndarray) -> np.ndarray:
    """Good (True) or not, by the hidden preference."""
    utility = combine(sims, HIDDEN)[1]
    return rng.uniform(size=len(utility)) < 1 / (1 + np.exp(-14 * (utility - 0.65)))


def ndcg_at_10(scores: np.ndarray, relevant: np.ndarray) -> float:
    """nDCG@10 of one ranked list with binary relevance (0 when nothing is relevant is skipped: NaN)."""
    if not relevant.any():
        return float("nan")
    order = np.lexsort((np.arange(len(scores)), -scores))[:10]
    discounts = 1 / np.log2(np.arange(2, 12))
    gain = (relevant[order] * discounts[: len(order)]).sum()
    ideal = discounts[: min(10, int(relevant.sum()))].sum()
    return float(gain / ideal)


def one_run(seed: int, partners: int, history_size: int, base: ScoringConfig) -> tuple[float, float]:
    """(fixed, learned) mean nDCG@10 over partners on held-out startups, for one history size."""
    rng = np.random.default_rng(seed)
    fixed = dict(base.partner_weights)
    observations = []
    per_partner = int(np.ceil(history_size / partners)) if history_size else 0
    for p in range(partners):
        if not per_partner:
            break
        shown = similarities(rng, 300)
        order = np.argsort(-combine(shown, fixed)[1])
        picked = np.concatenate(
            [order[: max(1, int(0.8 * per_partner))], rng.choice(order[30:], per_partner)]
        )
        picked = picked[:per_partner]
        good = outcomes(rng, shown[picked])
        observations += [
            Observation(tuple(s), bool(g), "partner", p) for s, g in zip(shown[picked], good, strict=True)
        ]
    observations = observations[:history_size]
    learned = OutcomeLearner().fit(observations, base).config(base)
    test_rng = np.random.default_rng(10_000 + seed)  # the same held-out pairs for every history size
    fixed_scores, learned_scores = [], []
    for p in range(partners):
        held_out = similarities(test_rng, 200)
        relevant = outcomes(test_rng, held_out)
        weights = learned.weights_for("partner", counterpart_id=p)
        fixed_scores.append(ndcg_at_10(combine(held_out, base.weights_for("partner"))[1], relevant))
        learned_scores.append(ndcg_at_10(combine(held_out, weights)[1], relevant))
    return float(np.nanmean(fixed_scores)), float(np.nanmean(learned_scores))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--partners", type=int, default=20)
    args = parser.parse_args()
    base = ScoringConfig()
    print(f"hidden preference: {HIDDEN}")
    print(f"today's partner weights: {dict(base.partner_weights)}")
    print(f"{args.partners} partners, 200 held-out startups each, {args.seeds} seeds\n")
    print("| outcomes in history | nDCG@10 fixed weights | nDCG@10 learned weights | learned - fixed |")
    print("| ---: | ---: | ---: | ---: |")
    for size in HISTORY_SIZES:
        runs = np.array([one_run(seed, args.partners, size, base) for seed in range(args.seeds)])
        diff = runs[:, 1] - runs[:, 0]
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
        print(
            f"| {size} | {runs[:, 0].mean():.3f} | {runs[:, 1].mean():.3f} | {diff.mean():+.3f} ± {se:.3f} |"
        )


if __name__ == "__main__":
    main()
