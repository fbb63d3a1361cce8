"""The shipped consistency thresholds (matchmaker/organisations/bilingual.py) on Korean/English pairs.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python bench/bilingual_threshold.py

The thresholds were chosen with branch mt's bench/bilingual_consistency.py (5-fold cross-validation over
startups, 99% of true translations passing). This script checks what they do on the 78 description pairs
of bench/data/ko_en_pairs.jsonl with the app's encoder, the same way the refresh job compares them (the
cosine of the two whole texts):

- true: a Korean description against its own English translation (should pass);
- other: against another startup's English description (should be flagged);
- same sector: against another startup's of the same sector (the hard case).

Baseline in the same run: no check at all passes everything (0% flagged of every kind), and the
median cosine of each kind shows how far apart the distributions sit.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.config import DefaultConfig  # noqa: E402
from matchmaker.engine.multilingual import make_encoder  # noqa: E402
from matchmaker.organisations.bilingual import CONSISTENCY_THRESHOLDS  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "ko_en_pairs.jsonl"
THRESHOLD = CONSISTENCY_THRESHOLDS["description"]


def main() -> int:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    encoder = make_encoder(DefaultConfig.MATCHMAKER_EMBEDDING_MODEL)
    if hasattr(encoder, "num_threads"):
        encoder.num_threads = 1
    ko = np.asarray(encoder.encode([r["ko"] for r in rows]), dtype=np.float64)
    en = np.asarray(encoder.encode([r["en"] for r in rows]), dtype=np.float64)
    ko /= np.linalg.norm(ko, axis=1, keepdims=True)
    en /= np.linalg.norm(en, axis=1, keepdims=True)
    cosine = ko @ en.T
    sectors = [r["sector"] for r in rows]
    n = len(rows)
    kinds = {
        "true": [cosine[i, i] for i in range(n)],
        "other": [cosine[i, j] for i in range(n) for j in range(n) if i != j],
        "same sector": [
            cosine[i, j] for i in range(n) for j in range(n) if i != j and sectors[i] == sectors[j]
        ],
    }
    print(f"encoder {encoder.model_id}; {n} description pairs; threshold {THRESHOLD}")
    print(f"  {'kind':<12} {'n':>5} {'median':>7}  {'flagged (no check)':>18}  {'flagged (check)':>15}")
    for kind, values in kinds.items():
        array = np.array(values)
        flagged = float(np.mean(array < THRESHOLD))
        print(f"  {kind:<12} {array.size:>5} {np.median(array):7.3f}  {0.0:18.1%}  {flagged:15.1%}")
    print("  true flagged = false alarms; other/same sector flagged = mismatches caught")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
