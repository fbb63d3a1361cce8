"""Whether a Korean description gets the sectors of its English translation, setting by setting.

    .venv/bin/python bench/sector_agreement.py --cache /tmp/sectors.npz \\
        --variant '{}' --variant '{"language_thresholds": true}' [--rolling]

For each variant (keyword arguments of `SectorSuggester`; the first is the baseline, the app's
defaults unless given), the suggester learns from the startups of 2021 and before (as `evaluate` does)
and prints, in the same run:

- agreement on the report pairs (`bench/data/ko_en_pairs.jsonl`, 78 pairs): the share whose Korean text
  gets exactly its English translation's sectors, `evaluate --pairs`' `crosslingual_sector_agreement`;
- agreement on development pairs that are not the report set: the Korean and English versions of the
  description, offers and seeks of the 8 startups in `tests/data/ko_en_startups.json` and of the demo's
  bilingual startups (36 texts). Settings are chosen on these, never on the report pairs;
- with `--oracle`, the ceiling of calibration: the agreement reached when each sector's threshold for
  the Korean texts is chosen knowing the English texts' decisions on those very pairs (per sector, then
  a few rounds of one sector at a time). A bound to read, never a setting;
- sector macro-F1 on the 2022 startups; with `--rolling`, also the macro-F1 pooled over the test
  years 2019-2022, each learned from every earlier year (`bench/sectors.py`'s rolling origin).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

import harness  # noqa: F401  (offline settings, repository on sys.path)
import numpy as np
from harness import REPO_ROOT

from matchmaker.engine.encoder import CachingEncoder
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.sectors import SectorSuggester
from matchmaker.evaluation.evaluate import read_jsonl, sector_macro_f1, sector_text_of

DATA = REPO_ROOT.parent / "shared" / "data" / "startups_dev.jsonl"
REPORT_PAIRS = REPO_ROOT / "bench" / "data" / "ko_en_pairs.jsonl"
_HANGUL = re.compile("[\uac00-\ud7a3]")
# SectorSuggester options that change only how a fitted suggester scores, with their defaults.
PREDICT_OPTIONS = {"language_thresholds": True, "glossary_lexical": True, "lexical_for_korean": False}


def development_pairs() -> list[dict[str, str]]:
    """Korean/English text pairs that are not the report set: each field of the test startups written
    in both languages, and of the demo startups whose fields hold a Korean then an English paragraph."""
    pairs = []
    for startup in json.loads((REPO_ROOT / "tests/data/ko_en_startups.json").read_text(encoding="utf-8")):
        for field in ("description", "offers", "seeks"):
            pairs.append({"ko": startup["ko"][field], "en": startup["en"][field]})
    demo = json.loads((REPO_ROOT / "matchmaker/demo/startups.json").read_text(encoding="utf-8"))
    for startup in demo:
        for field in ("description", "offers", "seeks"):
            parts = (startup.get(field) or "").split("\n\n")
            if len(parts) == 2 and _HANGUL.search(parts[0]) and not _HANGUL.search(parts[1]):
                pairs.append({"ko": parts[0], "en": parts[1]})
    return pairs


def agreement(suggester: SectorSuggester, pairs: list[dict[str, str]]) -> tuple[float, int]:
    """(share, count) of pairs whose two texts get the same set of sectors."""
    korean = suggester.suggest([p["ko"] for p in pairs])
    english = suggester.suggest([p["en"] for p in pairs])
    same = [{s for s, _ in k} == {s for s, _ in e} for k, e in zip(korean, english, strict=True)]
    return float(np.mean(same)), int(sum(same))


def oracle_agreement(suggester: SectorSuggester, pairs: list[dict[str, str]]) -> int:
    """How many pairs agree when the Korean texts' threshold of each sector is chosen on ``pairs``
    themselves to match the English texts' decisions (coordinate search over the Korean scores)."""
    korean = suggester.predict_proba([p["ko"] for p in pairs])
    english = suggester.predict_proba([p["en"] for p in pairs])
    wanted = english >= np.array([suggester.threshold(s) for s in suggester.sectors])
    cuts = [np.unique(np.r_[korean[:, j], np.inf]) for j in range(korean.shape[1])]
    chosen = [
        max(c, key=lambda t, j=j: int(((korean[:, j] >= t) == wanted[:, j]).sum()))
        for j, c in enumerate(cuts)
    ]

    def agreeing(thresholds: list[float]) -> int:
        return int(((korean >= np.array(thresholds)) == wanted).all(axis=1).sum())

    for _ in range(3):
        for j, candidates in enumerate(cuts):
            chosen[j] = max(candidates, key=lambda t, j=j: agreeing([*chosen[:j], t, *chosen[j + 1 :]]))
    return agreeing(chosen)


def fitted(rows: list[dict[str, Any]], encoder: CachingEncoder, options: dict[str, Any]) -> SectorSuggester:
    """A suggester learned from ``rows``' sector texts and sectors."""
    suggester = SectorSuggester(encoder=encoder, **options)
    return suggester.fit([sector_text_of(r) for r in rows], [r.get("sectors") or [] for r in rows])


def predictions(suggester: SectorSuggester, rows: list[dict[str, Any]]) -> list[list[str]]:
    """The suggested sectors of each row."""
    return [[s for s, _ in row] for row in suggester.suggest([sector_text_of(r) for r in rows])]


def main() -> int:
    """Print one line per variant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=None, help=".npz embedding cache reused between runs")
    parser.add_argument("--variant", action="append", default=[], help="JSON options of SectorSuggester")
    parser.add_argument("--oracle", action="store_true", help="also the ceiling of Korean thresholds")
    parser.add_argument("--rolling", action="store_true", help="also pooled macro-F1, test years 2019-2022")
    args = parser.parse_args()
    variants = [json.loads(v) for v in args.variant] or [{}]
    encoder = CachingEncoder(make_encoder(None))
    if args.cache and Path(args.cache).exists():
        encoder.load(args.cache)
    rows = [r for r in read_jsonl(DATA) if r.get("year")]
    train = [r for r in rows if r["year"] <= 2021]
    test = [r for r in rows if r["year"] == 2022]
    report, development = read_jsonl(REPORT_PAIRS), development_pairs()
    print(
        f"{len(train)} train, {len(test)} test startups; {len(report)} report, {len(development)} dev pairs"
    )
    header = f"{'variant':<60} {'report agree':>13} {'dev agree':>10} {'F1 2022':>8}"
    header += f" {'oracle report dev':>17}" if args.oracle else ""
    print(header + (f" {'F1 pooled 2019-22':>18}" if args.rolling else ""))
    fits: dict[str, SectorSuggester] = {}
    for options in variants:
        started = time.perf_counter()
        # Options read only when predicting share one fit (the same model, scored another way).
        fit_options = {k: v for k, v in options.items() if k not in PREDICT_OPTIONS}
        key = json.dumps(fit_options, sort_keys=True)
        if key not in fits:
            fits[key] = fitted(train, encoder, fit_options)
        suggester = fits[key]
        for name, default in PREDICT_OPTIONS.items():
            setattr(suggester, name, options.get(name, default))
        share, count = agreement(suggester, report)
        dev_share, dev_count = agreement(suggester, development)
        f1 = sector_macro_f1([r.get("sectors") or [] for r in test], predictions(suggester, test))
        line = (
            f"{json.dumps(options):<60} {share:6.3f} {count:>2}/{len(report)} "
            f"{dev_share:5.3f} {dev_count:>2}/{len(development)} {f1:8.3f}"
        )
        if args.oracle:
            line += f"       {oracle_agreement(suggester, report):>2}/{len(report)}"
            line += f" {oracle_agreement(suggester, development):>2}/{len(development)}"
        if args.rolling:
            truth, predicted = [], []
            for year in (2019, 2020, 2021, 2022):
                part = [r for r in rows if r["year"] == year]
                earlier = fitted([r for r in rows if r["year"] < year], encoder, options)
                truth += [r.get("sectors") or [] for r in part]
                predicted += predictions(earlier, part)
            line += f" {sector_macro_f1(truth, predicted):18.3f}"
        print(line + f"   ({time.perf_counter() - started:.0f} s)", flush=True)
        if args.cache:
            encoder.save(args.cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
