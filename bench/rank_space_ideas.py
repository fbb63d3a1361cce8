"""Learned-space ideas for the default ranking (issue 22), chosen inside TRAIN, reported once on TEST.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python bench/rank_space_ideas.py --train TRAIN.jsonl \\
        --test TEST.jsonl --pairs bench/data/ko_en_pairs.jsonl --embedding-cache /tmp/eval.npz

Each configuration is measured with `evaluate`'s own functions (`_app_world`, `_app_rows`: the app's
`rank_startups_for` for partner queries, the description and lexical components for similar startups)
against "as deployed" in the same run, with paired bootstrap intervals (P@10 over test startups,
nDCG@10 over partner queries) and Korean->English top-1 on the 78 `--pairs`:

- learned: the space the app learns from sectors and tags (`matching.space.SPACE_SETTINGS`, chosen by
  `evaluate` on the validation year), mapped on both sides of every pair;
- by language: the same space only where both sides write in the same language; a Korean text
  against an English one keeps the model's plain cosine on its cross-language calibration (the test
  startups and partner queries are all English, so P@10 and nDCG@10 are the learned space's; top-1
  is then read on plain cosine). Because both scales are calibrated at the same quantiles of random
  pairs, a mixed pool is also measured: each Korean pair text against the 78 English texts, the test
  startups AND the other 77 Korean texts (ko->mixed), and each English one against the 78 Korean
  texts and the test startups (en->mixed), ranked by the calibrated (unclipped) description score;
- invariant: the space learned with translation pairs as classes of two (`fit_linear_space`'s
  `translations`), from the demo's bilingual startups and tests/data/ko_en_startups.json (never the
  78 evaluation pairs); the weight is chosen inside TRAIN: the smallest for which the held-out half of
  those training pairs (2 folds) all find their translation first among the validation year's
  startups, ties to the best validation P@10 + nDCG@10;
- invariant, 78 by halves: the same plus one half of the 78 pairs, top-1 read on the other half;
- + neighbours / + glossary: each startup's mapped vector plus alpha times the mean of its m nearest
  (similar startups only), the lexical component with glossary concepts; settings on validation.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

import harness  # noqa: F401  (offline settings, repository on sys.path)
import numpy as np

from matchmaker.engine.encoder import CachingEncoder, l2_normalise
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.profiles import embed_texts
from matchmaker.engine.scoring import ScoringConfig, calibrate
from matchmaker.engine.similarity import fit_linear_space
from matchmaker.engine.space import LinearSpace
from matchmaker.evaluation import evaluate as ev
from matchmaker.matching.space import SPACE_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = (0.0, 1.0, 4.0, 16.0)
SWEEP = (1.0, 16.0)
NEIGHBOURS = {"alpha": (0.0, 0.3, 0.6, 1.0), "m": (3, 5, 10)}
FEEDBACK = {"beta": (0.0, 0.3, 0.6, 1.0), "m": (3, 5, 10)}


def training_pairs() -> list[dict[str, str]]:
    """Korean/English pairs that are not the 78 evaluation pairs: the demo's bilingual fields
    ("Korean\\n\\nEnglish") and the 8 startups of tests/data/ko_en_startups.json (three fields each)."""
    pairs = []
    for row in json.loads((ROOT / "matchmaker/demo/startups.json").read_text(encoding="utf-8")):
        for name in ("description", "offers", "seeks"):
            parts = (row.get(name) or "").split("\n\n")
            korean = [p for p in parts if any("\uac00" <= c <= "\ud7a3" for c in p)]
            english = [p for p in parts if p not in korean]
            if korean and english:
                pairs.append({"ko": "\n\n".join(korean), "en": "\n\n".join(english)})
    for row in json.loads((ROOT / "tests/data/ko_en_startups.json").read_text(encoding="utf-8")):
        for name in ("description", "offers", "seeks"):
            if row["ko"].get(name) and row["en"].get(name):
                pairs.append({"ko": row["ko"][name], "en": row["en"][name]})
    return pairs


def vectors(texts: list[str], encoder: Any) -> np.ndarray:
    return ev._stack(embed_texts(texts, encoder), encoder.dimension)


def fit(train: list[dict], encoder: Any, pairs: list[dict], weight: float) -> LinearSpace | None:
    config = ev.as_deployed_config(encoder.model_id)
    translations = None
    if pairs and weight > 0:
        translations = (
            vectors([p["ko"] for p in pairs], encoder),
            vectors([p["en"] for p in pairs], encoder),
        )
    return fit_linear_space(
        vectors([ev.description_of(r) for r in train], encoder),
        [ev.stored_labels(r) for r in train],
        config.cosine_floor,
        config.cosine_ceiling,
        translations=translations,
        translation_weight=weight,
        **SPACE_SETTINGS,
    )


def top1(pairs: list[dict], distractors: list[str], encoder: Any, space: LinearSpace | None) -> int:
    """Korean texts whose English version comes first, `space` mapping BOTH sides of every pair (as the
    engine did before a space applied only within a language)."""
    korean = vectors([p["ko"] for p in pairs], encoder)
    english = vectors([p["en"] for p in pairs] + list(distractors), encoder)
    if space is not None:
        korean = space.transform([""] * len(korean), korean)
        english = space.transform([""] * len(english), english)
    similarity = korean @ english.T
    return int(sum((similarity[i] >= similarity[i, i]).sum() == 1 for i in range(len(pairs))))


def by_language_top1(
    pairs: list[dict], distractors: list[str], encoder: Any, space: LinearSpace | None
) -> int:
    """The same as `evaluate` reads it now: the space only where both texts share a script."""
    return sum(r == 1 for r in ev.crosslingual_ranks(pairs, distractors, encoder, space))


def mixed_ranks(
    pairs: list[dict], distractors: list[str], encoder: Any, space: LinearSpace | None, config: ScoringConfig
) -> tuple[int, int]:
    """Top-1 counts (ko->mixed, en->mixed) when same-language pairs are scored in `space` (calibrated by
    it) and cross-language pairs by plain cosine on the cross-language calibration, unclipped."""
    ko, en, other = (
        vectors([p["ko"] for p in pairs], encoder),
        vectors([p["en"] for p in pairs], encoder),
        vectors(distractors, encoder),
    )
    lo, hi = config.crosslingual_floor or 0.0, config.crosslingual_ceiling or 1.0

    def same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if space is None:
            return (a @ b.T - config.cosine_floor) / (config.cosine_ceiling - config.cosine_floor)
        ma, mb = space.transform([""] * len(a), a), space.transform([""] * len(b), b)
        return (ma @ mb.T - space.floor) / (space.ceiling - space.floor)

    def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a @ b.T - lo) / (hi - lo)

    n = len(pairs)
    ko_ko = same(ko, ko)
    np.fill_diagonal(ko_ko, -np.inf)
    ko_scores = np.hstack([cross(ko, en), cross(ko, other), ko_ko])
    en_en = same(en, en)
    np.fill_diagonal(en_en, -np.inf)
    en_scores = np.hstack([cross(en, ko), same(en, other), en_en])
    own = np.arange(n)
    ko_first = int(sum((ko_scores[i] >= ko_scores[i, i]).sum() == 1 for i in own))
    en_first = int(sum((en_scores[i] >= en_scores[i, i]).sum() == 1 for i in own))
    return ko_first, en_first


def similar_rows(
    world: ev._AppWorld, space: LinearSpace | None, config: ScoringConfig, alpha: float = 0.0, m: int = 5
) -> np.ndarray:
    """`_app_rows`' P@10 per test startup, optionally with each vector moved towards its m nearest."""
    weights = config.weights_for("partner")
    if space is None:
        mapped, (floor, ceiling) = (
            world.vectors.astype(np.float64),
            (config.cosine_floor, config.cosine_ceiling),
        )
    else:
        mapped, (floor, ceiling) = (
            space.transform(world.texts, world.vectors).astype(np.float64),
            space.calibration_,
        )
    if alpha > 0:
        cos = mapped @ mapped.T
        np.fill_diagonal(cos, -np.inf)
        nearest = np.argsort(-cos, axis=1)[:, :m]
        mapped = l2_normalise(mapped + alpha * mapped[nearest].mean(axis=1))
    similarity = (
        weights["description"] * calibrate(mapped @ mapped.T, floor, ceiling)
        + weights["lexical"] * world.lexical_similarity
    )
    test = world.test
    return ev.precision_rows(similarity, [ev.subindustry_of(r) for r in test], [r["id"] for r in test])


def partner_rows(
    world: ev._AppWorld,
    encoder: Any,
    space: LinearSpace | None,
    config: ScoringConfig,
    beta: float = 0.0,
    m: int = 5,
) -> np.ndarray:
    """`_app_rows`' nDCG@10 per partner query as matrices (seeks against description, lexical), with
    pseudo-relevance feedback: the mapped query plus beta times the mean of its m best results."""
    weights = config.weights_for("partner")
    seeks = [q for _, q in world.queries]
    queries = vectors(seeks, encoder)
    if space is None:
        q, v, (floor, ceiling) = queries, world.vectors, (config.cosine_floor, config.cosine_ceiling)
    else:
        q = space.transform(seeks, queries)
        v, (floor, ceiling) = space.transform(world.texts, world.vectors), space.calibration_
    q, v = q.astype(np.float64), v.astype(np.float64)
    words = world.lexical.transform(world.texts)
    lexical = calibrate(
        (world.lexical.transform(seeks) @ words.T).toarray(), config.lexical_floor, config.lexical_ceiling
    )
    scores = weights["offers_seeks"] * calibrate(q @ v.T, floor, ceiling) + weights["lexical"] * lexical
    if beta > 0:
        top = np.argsort(-scores, axis=1)[:, :m]
        q = l2_normalise(q + beta * v[top].mean(axis=1))
        scores = weights["offers_seeks"] * calibrate(q @ v.T, floor, ceiling) + weights["lexical"] * lexical
    ids = np.array([r["id"] for r in world.test])
    labels = [ev.subindustry_of(r) for r in world.test]
    out = []
    for (label, _), row in zip(world.queries, scores, strict=True):
        order = np.lexsort((ids, -row))[: ev.K]
        out.append(ev.ndcg_at_k([labels[i] == label for i in order], labels.count(label)))
    return np.array(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--model", default=None)
    parser.add_argument("--embedding-cache", default=None)
    parser.add_argument(
        "--given",
        action="store_true",
        help="skip the validation year: translation weight 0 (what it chose: the held-out training pairs "
        "all come first without pairs), neighbours 1.0/3 and feedback 1.0/5 (bench/rank_ideas.py's "
        "choices on 2021 with the glossary), for a loaded machine",
    )
    parser.add_argument("--only", choices=("ideas", "sweep"), default=None, help="run one half")
    args = parser.parse_args()
    train, test, pairs = ev.read_jsonl(args.train), ev.read_jsonl(args.test), ev.read_jsonl(args.pairs)
    encoder = CachingEncoder(make_encoder(args.model))
    path = ev._cache_file(args.embedding_cache, encoder)
    if path and Path(path).exists():
        ev.log(f"loaded {encoder.load(path)} cached embeddings")
    config = ev.as_deployed_config(encoder.model_id)
    own_pairs = training_pairs()
    last = max(int(r["year"]) for r in train)
    fit_rows = [r for r in train if int(r["year"]) < last]
    validation = [r for r in train if int(r["year"]) == last]
    ev.log(f"{len(own_pairs)} training translation pairs; validation {last}: fit {len(fit_rows)}")

    # ---- choose inside TRAIN
    if args.given:
        chosen, (alpha, m), (beta, fm), trials = 0.0, (1.0, 3), (1.0, 5), []
    else:
        chosen, (alpha, m), (beta, fm), trials = choose(fit_rows, validation, encoder, config, own_pairs)
    return report(
        args, train, test, pairs, encoder, path, config, own_pairs, chosen, alpha, m, beta, fm, trials
    )


def choose(
    fit_rows: list[dict], validation: list[dict], encoder: Any, config: ScoringConfig, own_pairs: list[dict]
) -> tuple[float, tuple[float, int], tuple[float, int], list]:
    """The translation weight, neighbour and feedback settings, chosen on the validation year."""
    vworld = ev._app_world(fit_rows, validation, encoder, ev.partner_queries(fit_rows, validation))
    vtexts = vworld.texts
    halves = [own_pairs[0::2], own_pairs[1::2]]
    learned_validation = ev._fit_space(fit_rows, encoder, ev.stored_labels, **SPACE_SETTINGS)
    trials = []
    for weight in WEIGHTS:
        if weight == 0:  # no pairs: the learned space itself, fitted once
            space = learned_validation
            held = 2 * top1(own_pairs, vtexts, encoder, space) // 2
        else:
            space = fit(fit_rows, encoder, own_pairs, weight)
            held = sum(
                top1(halves[1 - k], vtexts, encoder, fit(fit_rows, encoder, halves[k], weight))
                for k in (0, 1)
            )
        p, n = ev._app_rows(vworld, encoder, space, config)
        trials.append((weight, held, float(p.mean()), float(n.mean())))
        ev.log(
            f"validation weight {weight}: held-out training pairs {held}/{len(own_pairs)} "
            f"P@10 {p.mean():.3f} nDCG {n.mean():.3f}"
        )
        if held == len(own_pairs):
            break  # the smallest weight that keeps every held-out training pair is the choice
    full = [t for t in trials if t[1] == len(own_pairs)]
    chosen = (
        min(full, key=lambda t: (t[0], -(t[2] + t[3])))[0]
        if full
        else max(trials, key=lambda t: (t[1], t[2] + t[3]))[0]
    )
    neighbour_trials = []
    for alpha, m in itertools.product(*NEIGHBOURS.values()):
        if alpha == 0 and m != NEIGHBOURS["m"][0]:
            continue
        value = float(similar_rows(vworld, learned_validation, config, alpha, m).mean())
        neighbour_trials.append(((alpha, m), value))
    (alpha, m), _ = max(neighbour_trials, key=lambda t: t[1])
    ev._LEXICAL_OPTIONS["glossary"] = True
    gvworld = ev._app_world(fit_rows, validation, encoder, ev.partner_queries(fit_rows, validation))
    ev._LEXICAL_OPTIONS["glossary"] = False
    feedback_trials = []
    for beta, fm in itertools.product(*FEEDBACK.values()):
        if beta == 0 and fm != FEEDBACK["m"][0]:
            continue
        value = float(partner_rows(gvworld, encoder, learned_validation, config, beta, fm).mean())
        feedback_trials.append(((beta, fm), value))
    (beta, fm), _ = max(feedback_trials, key=lambda t: t[1])
    check = float(partner_rows(vworld, encoder, learned_validation, config).mean())
    ev.log(f"feedback (glossary, learned space) {feedback_trials}; matrices reproduce _app_rows: {check:.3f}")
    return chosen, (alpha, m), (beta, fm), trials


def report(
    args: Any,
    train: list[dict],
    test: list[dict],
    pairs: list[dict],
    encoder: Any,
    path: str | None,
    config: ScoringConfig,
    own_pairs: list[dict],
    chosen: float,
    alpha: float,
    m: int,
    beta: float,
    fm: int,
    trials: list,
) -> int:
    """Every configuration on TEST, once, against as deployed."""
    last = max(int(r["year"]) for r in train)
    ev.log(f"chosen: translation weight {chosen}; neighbours {alpha}, {m}; feedback {beta}, {fm}")

    # ---- TEST, once per configuration
    queries = ev.partner_queries(train, test)
    world = ev._app_world(train, test, encoder, queries)
    texts = world.texts
    base_p, base_n = ev._app_rows(world, encoder, None, config)
    rows: list[tuple[str, np.ndarray, np.ndarray, str, str]] = []

    def add(name: str, p: np.ndarray, n: np.ndarray, top: str, mixed: str = "") -> None:
        rows.append((name, p, n, top, mixed))

    k = len(pairs)
    if args.only == "sweep":
        add("as deployed (today)", base_p, base_n, f"{top1(pairs, texts, encoder, None)}/{k}")
        for weight in SWEEP:  # a sweep shown for what the weight does; the choice is TRAIN's
            space = fit(train, encoder, own_pairs, weight)
            sp, sn = ev._app_rows(world, encoder, space, config)
            add(f"  sweep: invariant, weight {weight}", sp, sn, f"{top1(pairs, texts, encoder, space)}/{k}")
        return print_rows(rows, base_p, base_n, trials, last, own_pairs)
    ev._LEXICAL_OPTIONS["glossary"] = True
    gworld = ev._app_world(train, test, encoder, queries)
    ev._LEXICAL_OPTIONS["glossary"] = False
    learned = ev._fit_space(train, encoder, ev.stored_labels, **SPACE_SETTINGS)
    invariant = learned if chosen == 0 else fit(train, encoder, own_pairs, chosen)
    add(
        "as deployed (today)",
        base_p,
        base_n,
        f"{top1(pairs, texts, encoder, None)}/{k}",
        "{}/{}".format(*mixed_ranks(pairs, texts, encoder, None, config)),
    )
    lp, ln = ev._app_rows(world, encoder, learned, config)
    add("learned (sectors+tags), every pair", lp, ln, f"{top1(pairs, texts, encoder, learned)}/{k}")
    add(
        "by language: learned same-lang, plain across",
        lp,
        ln,
        f"{by_language_top1(pairs, texts, encoder, learned)}/{k}",
        "{}/{}".format(*mixed_ranks(pairs, texts, encoder, learned, config)),
    )
    ip, in_ = ev._app_rows(world, encoder, invariant, config)
    add(
        f"invariant (demo+tests pairs, weight {chosen})",
        ip,
        in_,
        f"{top1(pairs, texts, encoder, invariant)}/{k}",
    )
    gp, gn = ev._app_rows(gworld, encoder, None, config)
    add("as deployed + glossary lexical", gp, gn, "—")
    add(
        f"by language + neighbours ({alpha}, {m})",
        similar_rows(world, learned, config, alpha, m),
        ln,
        f"{by_language_top1(pairs, texts, encoder, learned)}/{k}",
    )
    _, lgn = ev._app_rows(gworld, encoder, learned, config)
    add(
        "by language + neighbours + glossary",
        similar_rows(gworld, learned, config, alpha, m),
        lgn,
        f"{by_language_top1(pairs, texts, encoder, learned)}/{k}",
    )
    add(
        f"by language + neighbours + glossary + feedback ({beta}, {fm})",
        similar_rows(gworld, learned, config, alpha, m),
        partner_rows(gworld, encoder, learned, config, beta, fm),
        f"{by_language_top1(pairs, texts, encoder, learned)}/{k}",
    )
    if path and args.only is None:
        encoder.save(path)
    return print_rows(rows, base_p, base_n, trials, last, own_pairs)


def print_rows(
    rows: list, base_p: np.ndarray, base_n: np.ndarray, trials: list, last: int, own_pairs: list
) -> int:
    """The table: each configuration with its paired bootstrap gains over as deployed."""
    print(
        f"{'configuration':<48} {'P@10':>6} {'nDCG@10':>8}  {'P@10 gain [95%]':<24} "
        f"{'nDCG@10 gain [95%]':<24} ko->en  mixed ko/en"
    )
    for name, p, n, top, mixed in rows:
        gp_ = ev.paired_bootstrap(p, base_p)
        gn_ = ev.paired_bootstrap(n, base_n)
        print(
            f"{name:<48} {p.mean():6.3f} {n.mean():8.3f}  "
            f"{gp_['gain']:+.3f} [{gp_['low']:+.3f},{gp_['high']:+.3f}]     "
            f"{gn_['gain']:+.3f} [{gn_['low']:+.3f},{gn_['high']:+.3f}]     {top:>6}  {mixed}"
        )
    print(f"validation {last} (weight, held-out training pairs of {len(own_pairs)}, P@10, nDCG@10): {trials}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
