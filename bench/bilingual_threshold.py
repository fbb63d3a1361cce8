"""The shipped consistency check (matchmaker/organisations/bilingual.py) on Korean/English pairs.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python bench/bilingual_threshold.py

The thresholds were chosen by bench/bilingual_consistency.py (5-fold cross-validation over startups, the
quantile of true translations that lets 99% of them pass; its held-out rates are the honest estimate).
This script applies the shipped values, as the refresh job does, to the same cases: true translations,
another startup's text (any / same sector), and versions missing one sentence or carrying one extra
sentence of a same-sector startup (drop/add en/ko). It compares three rules in one run:

- none: no check at all (the baseline: flags nothing);
- field only: the whole texts' cosine below the field's threshold, as shipped before the sentence rule
  (description 0.45, offers/seeks 0.60);
- shipped: the field threshold now shipped, or a sentence of either version whose best cosine in the
  other is below SENTENCE_THRESHOLD (engine/phrases.py coverage_gap).

These rates are in-sample (the thresholds were read from these true pairs); see bilingual_consistency.py
for held-out ones.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bilingual_consistency import GROUPS, Scorer, build_cases, load_pairs  # noqa: E402

from matchmaker.engine.multilingual import UniversalSentenceEncoder  # noqa: E402
from matchmaker.organisations.bilingual import CONSISTENCY_THRESHOLDS, SENTENCE_THRESHOLD  # noqa: E402

KINDS = ("true", "other", "same sector", "drop en", "drop ko", "add en", "add ko")
FIELD_ONLY_BEFORE = {"description": 0.45, "offers/seeks": 0.60}  # the rule shipped before this one


def main() -> int:
    scorer = Scorer(UniversalSentenceEncoder(num_threads=1))
    pairs = load_pairs()
    rng = random.Random(0)  # the same cases as bilingual_consistency.py's default seed
    print(f"encoder {scorer.encoder.model_id}; sentence threshold {SENTENCE_THRESHOLD}")
    for name, fields in GROUPS.items():
        cases = build_cases([p for p in pairs if p.field in fields], rng)
        field_threshold = CONSISTENCY_THRESHOLDS[fields[0]]
        rules = {
            "none": lambda f, s: False,
            f"field < {FIELD_ONLY_BEFORE[name]}": lambda f, s, t=FIELD_ONLY_BEFORE[name]: f < t,
            f"field < {field_threshold} or sentence < {SENTENCE_THRESHOLD}": (
                lambda f, s, t=field_threshold: f < t or s < SENTENCE_THRESHOLD
            ),
        }
        scored = [(c.kind, scorer.field(c.ko, c.en), scorer.sentence(c.ko, c.en)) for c in cases]
        print(f"\n{name}: share flagged (true = false alarms; the others = mismatches caught)")
        print(f"  {'rule':<36} " + " ".join(f"{k:>11}" for k in KINDS))
        for rule, flags in rules.items():
            cells = []
            for kind in KINDS:
                hits = [flags(f, s) for k, f, s in scored if k == kind]
                cells.append(f"{np.mean(hits):11.1%}" if hits else f"{'-':>11}")
            print(f"  {rule:<36} " + " ".join(cells))
        counts = " ".join(f"{k} {sum(1 for x in scored if x[0] == k)}" for k in KINDS)
        print(f"  n: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
