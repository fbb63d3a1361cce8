"""Revised Romanization suggestions for Hangul names, as the official rules spell them."""

from __future__ import annotations

import pytest

from matchmaker.language.romanise import bracketed_latin_name, has_hangul, romanise

CASES = [
    ("볼트버스 진단", "Bolteubeoseu Jindan"),
    ("빛고을셀테크", "Bitgoeulseltekeu"),
    ("에이치투웨이", "Eichituwei"),
    ("광주", "Gwangju"),
    ("부산", "Busan"),
    ("울산", "Ulsan"),
    ("현대자동차", "Hyeondaejadongcha"),
    ("삼성전자", "Samseongjeonja"),
    ("광주과학기술원", "Gwangjugwahakgisurwon"),
    # liaison, and ㅎ silent before a vowel
    ("한국어", "Hangugeo"),
    ("읽어", "Ilgeo"),
    ("닭고기", "Dakgogi"),
    # ㄹㄹ, ㄴㄹ and ㄹㄴ are ll
    ("에너지밸리", "Eneojibaelli"),
    ("카카오모빌리티", "Kakaomobilliti"),
    ("신라", "Silla"),
    ("설날", "Seollal"),
    ("한국전력", "Hangukjeollyeok"),
    ("물류로봇", "Mullyurobot"),
    # ㄹ after other consonants is n, and the consonant before it nasalises
    ("종로", "Jongno"),
    ("독립문", "Dongnimmun"),
    ("국립", "Gungnip"),
    # nasalisation before ㄴ/ㅁ
    ("백마", "Baengma"),
    ("딥노이드", "Dimnoideu"),
    # palatalisation
    ("같이", "Gachi"),
    ("해돋이", "Haedoji"),
    # ㅎ: aspiration after ㅎ, but a noun keeps its h after ㄱ/ㄷ/ㅂ
    ("좋고", "Joko"),
    ("묵호", "Mukho"),
    ("집현전", "Jiphyeonjeon"),
    # ㄹ between vowels is r, at the end l
    ("알체라", "Alchera"),
    ("그린수소랩", "Geurinsusoraep"),
    # Latin parts kept, legal forms left out
    ("AI 기반 배터리 진단", "AI Giban Baeteori Jindan"),
    ("HomeWatt 코리아", "HomeWatt Koria"),
    ("볼트버스(주)", "Bolteubeoseu"),
    ("주식회사 빛고을", "Bitgoeul"),
    ("ForgeEye", "ForgeEye"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_revised_romanization(name: str, expected: str) -> None:
    assert romanise(name) == expected


def test_has_hangul() -> None:
    assert has_hangul("볼트버스 진단")
    assert has_hangul("HomeWatt 코리아")
    assert not has_hangul("NVIDIA")
    assert not has_hangul("")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("에이치투웨이 (H2Way)", ("H2Way", "에이치투웨이")),
        ("렁사이트 (LungSight)", ("LungSight", "렁사이트")),
        ("스테이지웨이브(StageWave)", ("StageWave", "스테이지웨이브")),
        ("볼트버스 진단", None),  # no Latin name of its own: romanised instead
        ("HomeWatt 코리아", None),
        ("ForgeEye", None),
        ("빛고을 (광주)", None),  # brackets, but Hangul inside
        ("볼트버스(주)", None),
    ],
)
def test_a_hangul_name_may_carry_its_own_latin_name(name: str, expected: tuple[str, str] | None) -> None:
    assert bracketed_latin_name(name) == expected
