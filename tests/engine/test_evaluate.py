"""The evaluation command runs end to end on a small slice of the real data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matchmaker.evaluation.evaluate import ndcg_at_k, paired_bootstrap, sector_macro_f1

REPO_ROOT = Path(__file__).resolve().parents[2]
KEYS = {"sector_macro_f1", "similar_p_at_10", "partner_ndcg_at_10"}


def test_metric_helpers() -> None:
    assert ndcg_at_k([True, False], n_relevant=1) == 1.0
    assert 0 < ndcg_at_k([False, True], n_relevant=1) < 1
    assert sector_macro_f1([["energy"], []], [["energy"], []]) == 0.25  # 3 sectors never occur


def test_paired_bootstrap_tells_a_steady_gain_from_noise() -> None:
    rng = np.random.default_rng(0)
    old = rng.uniform(0, 1, 300)
    steady = paired_bootstrap(old + 0.05, old)
    assert steady["low"] == steady["high"] == steady["gain"] == 0.05 or steady["low"] > 0
    noisy = paired_bootstrap(old + rng.normal(0, 0.3, 300), old)
    assert noisy["low"] < 0 < noisy["high"]
    assert paired_bootstrap(old + 0.05, old) == steady  # a fixed seed: the same interval every run


def _write_slice(source: Path, tmp_path: Path) -> tuple[Path, Path]:
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").split("\n") if line.strip()]
    rows = [r for r in rows if r.get("year")]
    train = [r for r in rows if r["year"] <= 2019][:300]
    test = [r for r in rows if r["year"] >= 2021][:200]
    paths = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    for path, part in zip(paths, (train, test), strict=True):
        path.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
    return paths


@pytest.mark.long
def test_evaluate_prints_json_metrics(shared_data: Path, tmp_path: Path) -> None:
    train, test = _write_slice(shared_data, tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "matchmaker.evaluation.evaluate",
            "--train",
            str(train),
            "--test",
            str(test),
            "--model",
            "hashing",
            "--baseline-model",
            "hashing",
            "--pairs",
            str(REPO_ROOT / "bench" / "data" / "ko_en_pairs.jsonl"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= metrics.keys() and {"baselines", "n_train", "n_test", "seconds"} <= metrics.keys()
    for key in (
        "as_deployed_similar_p_at_10",
        "as_deployed_partner_ndcg_at_10",
        "as_learned_similar_p_at_10",
        "as_learned_partner_ndcg_at_10",
        "as_learned_subindustry_similar_p_at_10",
    ):
        assert 0.0 <= metrics[key] <= 1.0
    # Settings were chosen on a year inside TRAIN, and the table shows the configurations side by side.
    assert metrics["as_learned_validation"]["as_learned"]["settings"] == metrics["as_learned_settings"]
    assert "as learned (space from sectors + tags)" in result.stdout
    # Today's configuration beside the default, and paired intervals of the gain over it.
    assert "today's as deployed" in result.stdout and "95% paired bootstrap" in result.stdout
    for key in ("as_deployed_gain_p_at_10", "as_deployed_gain_ndcg_at_10"):
        gain = metrics[key]
        assert gain["low"] <= gain["gain"] <= gain["high"]
    assert metrics["n_train"] == 300 and metrics["n_test"] == 200
    assert set(metrics["baselines"]) == {"tfidf", "minilm"}
    for values in [metrics, *metrics["baselines"].values()]:
        assert all(0.0 <= values[key] <= 1.0 for key in KEYS)
    assert "engine:" in result.stderr
    lines = (REPO_ROOT / "bench/data/ko_en_pairs.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = sum(1 for line in lines if line.strip())
    assert metrics["crosslingual_candidates"] == pairs + 200
    assert 0.0 <= metrics["crosslingual_top1"] <= 1.0
    assert 0.0 <= metrics["crosslingual_sector_agreement"] <= 1.0
    assert 1.0 <= metrics["crosslingual_mean_rank"] <= pairs + 200


def test_crosslingual_rank_finds_the_translation() -> None:
    """With identical texts as the 'translation', every pair ranks first; a swapped pair does not."""
    from matchmaker.engine.encoder import HashingEncoder
    from matchmaker.evaluation.evaluate import crosslingual_ranks

    pairs = [{"ko": "battery storage for solar farms", "en": "battery storage for solar farms"}]
    pairs.append({"ko": "music streaming for creators", "en": "music streaming for creators"})
    assert crosslingual_ranks(pairs, ["payroll software for shops"], HashingEncoder()) == [1, 1]
    swapped = [{"ko": pairs[0]["ko"], "en": pairs[1]["en"]}, {"ko": pairs[1]["ko"], "en": pairs[0]["en"]}]
    assert crosslingual_ranks(swapped, [], HashingEncoder()) == [2, 2]


def test_crosslingual_rank_reads_a_space_only_within_a_language() -> None:
    """As the engine scores: a Korean text against English ones is never mapped by a learned space, so
    its ranks are plain cosine's; an English 'Korean' side is mapped, and its ranks can move."""
    import numpy as np

    from matchmaker.engine.encoder import HashingEncoder
    from matchmaker.engine.similarity import fit_linear_space
    from matchmaker.evaluation.evaluate import crosslingual_ranks

    encoder = HashingEncoder()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, encoder.dimension)).astype(np.float32)
    space = fit_linear_space(vectors, [[f"t{i % 3}"] for i in range(300)], 0.25, 0.75, min_organisations=10)
    assert space is not None
    korean = [
        {"ko": "배터리 진단 소프트웨어", "en": "battery diagnostics software"},
        {"ko": "음악 스트리밍 플랫폼", "en": "music streaming platform"},
        {"ko": "물류 트럭 군집주행", "en": "truck platooning for logistics"},
    ]
    distractors = ["payroll software for shops", "battery recycling", "music lessons online"]
    assert crosslingual_ranks(korean, distractors, encoder, space) == crosslingual_ranks(
        korean, distractors, encoder
    )
    english = [{"ko": "battery software diagnostics", "en": p["en"]} for p in korean[:1]]
    english += [{"ko": "platform for music streaming", "en": korean[1]["en"]}]
    english += [{"ko": "logistics truck platooning", "en": korean[2]["en"]}]
    shuffled = [
        {"ko": p["ko"], "en": q["en"]} for p, q in zip(english, english[1:] + english[:1], strict=True)
    ]
    assert crosslingual_ranks(shuffled, distractors, encoder, space) != crosslingual_ranks(
        shuffled, distractors, encoder
    )


def test_baseline_sector_classifier_is_untuned() -> None:
    """Baselines: TF-IDF word 1-2 grams (sublinear, min_df 2), balanced LR, decision at 0.5."""
    from matchmaker.evaluation.evaluate import _baseline_tfidf, _sector_lr

    vectorizer = _baseline_tfidf()
    assert vectorizer.ngram_range == (1, 2) and vectorizer.sublinear_tf and vectorizer.min_df == 2
    train = [{"sectors": ["energy"]}] * 5 + [{"sectors": []}] * 15
    texts = ["solar power battery"] * 5 + ["accounting payroll software"] * 15
    x = vectorizer.fit(texts)
    predicted = _sector_lr(x.transform(texts), train, x.transform(["solar battery", "payroll software"]))
    assert predicted == [["energy"], []]


def test_the_evaluation_runs_blas_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its matrices are too small for BLAS threads to pay: with one per core the same metrics took
    half as long again and two and a half times the CPU (see ``main``)."""
    from threadpoolctl import threadpool_info

    from matchmaker.evaluation import evaluate

    seen: list[int] = []

    def run(*args: object, **kwargs: object) -> dict[str, object]:
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return {}

    monkeypatch.setattr(evaluate, "run", run)
    assert evaluate.main(["--test", "unused.jsonl"]) == 0
    assert seen and set(seen) == {1}
