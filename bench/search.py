"""Where a search query counts as close in meaning: the threshold of `engine.search`, measured.

    nice -n 10 .venv/bin/python bench/search.py                  # 800 dev startups of years <= 2021

Startups: English dev startups of the training years (never the test year 2022, never the demo data).
Queries: glossary concepts that name something in those texts, each asked in English and in Korean, the
way the review page asks (the query with its glossary equivalents, `engine.search.query_vector`).
Silver relevance: the startup's text names the concept (any of its English terms, `glossary.find`).
Silver labels miss startups about a thing that never name it, so precision is a lower bound; the
threshold is the one with the best F1 of Korean queries (the cross-language case the search is for),
printed beside the English queries' F1 and beside a plain "top 10" cut-off as the baseline.
It prints a table; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.engine import glossary  # noqa: E402
from matchmaker.engine.multilingual import make_encoder  # noqa: E402
from matchmaker.engine.profiles import embed_texts  # noqa: E402
from matchmaker.engine.search import MEANING_THRESHOLD, closeness, query_vector, search_terms  # noqa: E402
from matchmaker.evaluation.evaluate import description_of, read_jsonl  # noqa: E402

DATA = Path("/work/shared/data/startups_dev.jsonl")


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _row(values: tuple[float, float, float]) -> str:
    return " ".join(f"{value:5.3f}" for value in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--startups", type=int, default=800)
    parser.add_argument("--model", default=None, help="encoder name (default: the app's)")
    args = parser.parse_args()

    rows = [r for r in read_jsonl(args.data) if r.get("year") and int(r["year"]) <= 2021]
    rng = np.random.default_rng(0)
    rows = [rows[i] for i in sorted(rng.choice(len(rows), min(args.startups, len(rows)), replace=False))]
    texts = [description_of(r) for r in rows]
    encoder = make_encoder(args.model)
    vectors = embed_texts(texts, encoder)

    named: dict[glossary.Concept, set[int]] = defaultdict(set)
    for i, text in enumerate(texts):
        for match in glossary.load().find(text):
            named[match.concept].add(i)
    # Concepts named by 3 startups or more, and by at most a tenth of them (a query, not a stop word).
    concepts = [c for c, ids in named.items() if 3 <= len(ids) <= len(texts) // 10]
    print(f"{len(texts)} startups (years <= 2021), {len(concepts)} concepts asked in English and Korean")

    thresholds = np.round(np.arange(0.08, 0.42, 0.02), 2)
    counts = {lang: np.zeros((len(thresholds), 3), dtype=int) for lang in ("en", "ko")}
    top10 = {lang: np.zeros(3, dtype=int) for lang in ("en", "ko")}
    for concept in concepts:
        relevant = named[concept]
        for lang, term in (("en", concept.english[0]), ("ko", concept.korean[0])):
            query = query_vector(search_terms(term), encoder)
            scores = np.array([closeness(query, [v]) for v in vectors])
            for j, threshold in enumerate(thresholds):
                found = set(np.flatnonzero(scores >= threshold))
                counts[lang][j] += (len(found & relevant), len(found - relevant), len(relevant - found))
            found = set(np.argsort(-scores)[:10])
            top10[lang] += (len(found & relevant), len(found - relevant), len(relevant - found))

    print(f"{'threshold':>9}  {'en P':>5} {'en R':>5} {'en F1':>5}  {'ko P':>5} {'ko R':>5} {'ko F1':>5}")
    best = max(range(len(thresholds)), key=lambda j: f1(*counts["ko"][j])[2])
    for j, threshold in enumerate(thresholds):
        en, ko = f1(*counts["en"][j]), f1(*counts["ko"][j])
        mark = " <- best ko F1" if j == best else ""
        mark += " (in use)" if abs(threshold - MEANING_THRESHOLD) < 1e-9 else ""
        print(f"{threshold:9.2f}  {_row(en)}  {_row(ko)}{mark}")
    en, ko = f1(*top10["en"]), f1(*top10["ko"])
    print(f"{'top 10':>9}  {_row(en)}  {_row(ko)}  (baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
