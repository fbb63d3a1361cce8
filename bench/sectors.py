"""Rolling-origin evaluation of sector suggestions on the real startups, by year.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/sectors.py                 # cutoffs 2019..2022
    HF_HUB_OFFLINE=1 .venv/bin/python bench/sectors.py --years 2021 2022 --cache /tmp/sectors.npz

For every test year Y, the suggester learns from all startups of earlier years and tags the startups
of year Y: the same shape as the issue's split (learn from every cohort so far, tag the next ones).
Per-year macro-F1 is noisy (a year has 2-13 automotive or energy startups), so the predictions of
all test years are also pooled into one macro-F1, the number to compare settings by. The baselines
of `matchmaker.evaluation.evaluate` (TF-IDF and MiniLM with logistic regression) run on the same splits
in the same run. It prints a table; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.engine.encoder import CachingEncoder  # noqa: E402
from matchmaker.engine.multilingual import make_encoder  # noqa: E402
from matchmaker.engine.profiles import SECTORS  # noqa: E402
from matchmaker.engine.sectors import SectorSuggester  # noqa: E402
from matchmaker.evaluation.evaluate import (  # noqa: E402
    _baseline_tfidf,
    _sector_lr,
    read_jsonl,
    sector_text_of,
)

DATA = ROOT.parent / "shared" / "data" / "startups_dev.jsonl"


def labels_matrix(label_sets: list[list[str]]) -> np.ndarray:
    """(n, 4) booleans, one column per sector."""
    return np.array([[s in set(t) for s in SECTORS] for t in label_sets], dtype=bool)


def per_sector_f1(truth: np.ndarray, predicted: np.ndarray) -> list[float]:
    """F1 of each sector column."""
    return [float(f1_score(truth[:, j], predicted[:, j], zero_division=0)) for j in range(len(SECTORS))]


def bootstrap_interval(
    truth: np.ndarray, predicted: np.ndarray, other: np.ndarray | None = None, n: int = 1000
):
    """95% interval of pooled macro-F1 (or of its difference with `other`) over resampled test rows."""
    rng = np.random.default_rng(0)
    values = []
    for _ in range(n):
        rows = rng.integers(0, len(truth), len(truth))
        value = np.mean(per_sector_f1(truth[rows], predicted[rows]))
        if other is not None:
            value -= np.mean(per_sector_f1(truth[rows], other[rows]))
        values.append(value)
    return np.percentile(values, [2.5, 97.5])


def suggester_predictions(rows_train, rows_test, encoder, options) -> np.ndarray:
    """Engine: `SectorSuggester(**options)` fitted on train, predictions on test."""
    suggester = SectorSuggester(encoder=encoder, **options)
    suggester.fit([sector_text_of(r) for r in rows_train], [r.get("sectors") or [] for r in rows_train])
    suggested = suggester.suggest([sector_text_of(r) for r in rows_test])
    return labels_matrix([[s for s, _ in row] for row in suggested])


def baseline_predictions(rows_train, rows_test, encoder) -> dict[str, np.ndarray]:
    """The evaluate module's TF-IDF and MiniLM baselines."""
    train_texts = [sector_text_of(r) for r in rows_train]
    test_texts = [sector_text_of(r) for r in rows_test]
    tfidf = _baseline_tfidf().fit(train_texts)
    return {
        "tfidf": labels_matrix(
            _sector_lr(tfidf.transform(train_texts), rows_train, tfidf.transform(test_texts))
        ),
        "minilm": labels_matrix(
            _sector_lr(encoder.encode(train_texts), rows_train, encoder.encode(test_texts))
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--years", type=int, nargs="+", default=[2019, 2020, 2021, 2022])
    parser.add_argument("--cache", default=None, help=".npz embedding cache reused between runs")
    parser.add_argument("--options", default="{}", help="JSON keyword arguments for SectorSuggester")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--model", default=None, help="the engine's model (default: the app's)")
    parser.add_argument("--save", default=None, help=".npz file for the pooled predictions")
    args = parser.parse_args()
    if not Path(args.data).exists():
        print(f"{args.data} is absent: nothing to measure", file=sys.stderr)
        return 1
    rows = [r for r in read_jsonl(args.data) if r.get("year")]
    # The engine with the app's model; the MiniLM baseline always with MiniLM.
    encoder = CachingEncoder(make_encoder(args.model))
    baseline_encoder = CachingEncoder(make_encoder("minilm"))
    baseline_cache = args.cache.replace(".npz", ".minilm.npz") if args.cache else None
    if args.cache and Path(args.cache).exists():
        encoder.load(args.cache)
    if baseline_cache and Path(baseline_cache).exists():
        baseline_encoder.load(baseline_cache)
    options = json.loads(args.options)
    methods = ["engine"] + ([] if args.no_baselines else ["tfidf", "minilm"])
    truth_all, predicted_all = [], {m: [] for m in methods}
    print(f"options: {options}")
    print(
        f"{'test year':>9} {'train':>6} {'test':>5} {'method':>7} {'macro':>6} "
        + " ".join(f"{s[:6]:>6}" for s in SECTORS)
    )
    for year in args.years:
        train = [r for r in rows if r["year"] < year]
        test = [r for r in rows if r["year"] == year]
        started = time.perf_counter()
        predictions = {"engine": suggester_predictions(train, test, encoder, options)}
        seconds = time.perf_counter() - started
        if not args.no_baselines:
            predictions.update(baseline_predictions(train, test, baseline_encoder))
        truth = labels_matrix([r.get("sectors") or [] for r in test])
        truth_all.append(truth)
        for method in methods:
            predicted_all[method].append(predictions[method])
            f1s = per_sector_f1(truth, predictions[method])
            print(
                f"{year:>9} {len(train):>6} {len(test):>5} {method:>7} {np.mean(f1s):6.3f} "
                + " ".join(f"{f:6.3f}" for f in f1s)
                + (f"   fit+predict {seconds:.0f} s" if method == "engine" else "")
            )
        if args.cache:
            encoder.save(args.cache)
            baseline_encoder.save(baseline_cache)
    truth = np.vstack(truth_all)
    pooled = {m: np.vstack(p) for m, p in predicted_all.items()}
    print("pooled over test years (95% bootstrap interval over test startups):")
    for method in methods:
        f1s = per_sector_f1(truth, pooled[method])
        low, high = bootstrap_interval(truth, pooled[method])
        print(
            f"{'pooled':>9} {'':>6} {len(truth):>5} {method:>7} {np.mean(f1s):6.3f} "
            + " ".join(f"{f:6.3f}" for f in f1s)
            + f"   [{low:.3f}, {high:.3f}]"
        )
    for method in methods[1:]:
        low, high = bootstrap_interval(truth, pooled["engine"], pooled[method])
        print(f"engine - {method}: [{low:+.3f}, {high:+.3f}]")
    if args.save:
        np.savez(args.save, truth=truth, **pooled)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
