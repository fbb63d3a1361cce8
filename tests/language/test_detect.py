"""The language a profile text is written in."""

from __future__ import annotations

import pytest

from matchmaker.language.detect import hangul_share, written_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("AI 기반 배터리 진단", "ko"),
        ("전기버스 배터리의 수명을 AI로 예측합니다.", "ko"),
        ("볼트버스 진단", "ko"),
        ("EV, ESS, LiDAR 센서 데이터를 실시간으로 분석하는 플랫폼", "ko"),
        ("NVIDIA Jetson과 TensorRT로 배터리 셀 불량을 검사합니다", "ko"),
        ("배터리", "ko"),
        ("Battery diagnostics for electric buses, built on AI.", "en"),
        ("We help 볼트버스 진단 and other Gwangju startups reach partners in the energy sector.", "en"),
        ("NVIDIA", "en"),
        ("HomeWatt", "en"),
        ("Über die Batterie", "en"),  # Latin script other than English reads as English
    ],
)
def test_written_language(text: str, language: str) -> None:
    assert written_language(text) == language


@pytest.mark.parametrize("text", [None, "", "   ", "2026", "₩2,000,000,000", "🙂 ...", "-"])
def test_nothing_to_tell_is_none(text: str | None) -> None:
    assert written_language(text) is None


def test_share() -> None:
    assert hangul_share("배터리") == 1.0
    assert hangul_share("battery") == 0.0
    assert hangul_share("123") is None
