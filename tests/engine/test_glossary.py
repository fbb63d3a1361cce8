"""The Korean-English glossary: a well-formed file, and terms that cross the language line."""

from __future__ import annotations

from collections import Counter

import pytest

from matchmaker.engine.glossary import (
    GLOSSARY_PATH,
    Glossary,
    equivalents,
    expand_query,
    load,
    parse_line,
    shared_concepts,
)


def _lines() -> list[tuple[int, str]]:
    text = GLOSSARY_PATH.read_text(encoding="utf-8")
    return [(number, line) for number, line in enumerate(text.splitlines(), 1)]


def test_every_line_parses_with_both_sides_filled() -> None:
    concepts = 0
    for number, line in _lines():
        concept = parse_line(line)
        if concept is None:
            assert not line.strip() or line.startswith("#"), f"line {number}"
            continue
        concepts += 1
        assert concept.korean and concept.english, f"line {number}"
        assert all(term == term.strip() and term for term in concept.korean + concept.english), (
            f"line {number}"
        )
    assert concepts >= 300


def test_no_term_is_on_two_lines() -> None:
    korean: Counter[str] = Counter()
    english: Counter[str] = Counter()
    for _, line in _lines():
        concept = parse_line(line)
        if concept is None:
            continue
        # Spaced and unspaced spellings of one Korean term may share a line (충전 인프라|충전인프라).
        korean.update({"".join(term.split()) for term in concept.korean})
        english.update({" ".join(term.lower().replace("-", " ").split()) for term in concept.english})
    assert [term for term, count in korean.items() if count > 1] == []
    assert [term for term, count in english.items() if count > 1] == []


def test_each_sector_and_the_complex_are_covered() -> None:
    for korean, english in [
        ("자율주행", "autonomous driving"),
        ("전기차", "electric vehicle"),
        ("배터리", "battery"),
        ("수소", "hydrogen"),
        ("의료기기", "medical device"),
        ("원격진료", "telemedicine"),
        ("웹툰", "webtoon"),
        ("메타버스", "metaverse"),
        ("실증", "demonstration"),
        ("데이터센터", "data center"),
        ("투자", "investment"),
        ("액셀러레이터", "accelerator"),
    ]:
        assert english in equivalents(korean)
        assert korean in equivalents(english)


def test_malformed_lines_are_refused() -> None:
    with pytest.raises(ValueError, match="Korean<TAB>English"):
        parse_line("배터리 battery")
    with pytest.raises(ValueError, match="empty"):
        parse_line("배터리\t|")
    with pytest.raises(ValueError, match="two lines"):
        Glossary([parse_line("배터리\tbattery"), parse_line("전지|배터리\tcell")])  # type: ignore[list-item]


def test_equivalents_go_to_the_other_language() -> None:
    assert equivalents("배터리") == {"battery"}
    assert equivalents("Battery") == {"배터리"}
    assert equivalents("batteries") == {"배터리"}
    assert {"demonstration", "pilot"} <= equivalents("실증")
    assert equivalents("EV") == {"전기차", "전기자동차"}
    assert equivalents("충전인프라") == equivalents("충전 인프라") == {"charging infrastructure"}
    assert equivalents("quantum gravity") == set()


def test_korean_terms_are_found_with_their_particles() -> None:
    terms = expand_query("배터리를 실증하는 전기버스에서")
    assert terms[:2] == ["배터리", "battery"]
    assert {"실증", "demonstration", "pilot", "전기버스", "electric bus"} <= set(terms)


def test_english_is_case_insensitive_with_plurals_and_phrases() -> None:
    assert expand_query("BATTERY") == ["battery", "배터리"]
    assert expand_query("Batteries") == ["battery", "배터리"]
    terms = expand_query("Self-driving cars and autonomous driving pilots")
    assert {"self-driving car", "자율주행차", "autonomous driving", "자율주행", "pilot", "실증"} <= set(terms)
    assert "car" not in terms  # inside the longer phrase


def test_acronyms_match_only_in_capitals() -> None:
    assert "전기차" in expand_query("EV charging")
    assert expand_query("let us know") == []
    assert "미국" in expand_query("a US partner")


def test_the_longest_term_wins() -> None:
    assert expand_query("이차전지") == ["이차전지", "secondary battery", "rechargeable battery"]
    assert "battery" not in expand_query("battery pack")
    assert "전기" not in expand_query("전기차 충전")


def test_a_query_without_glossary_terms_expands_to_nothing() -> None:
    assert expand_query("") == []
    assert expand_query("안녕하십니까, Jane Park") == []
    # Korean terms are found inside words: the 버스 of 볼트버스 is a bus.
    assert expand_query("볼트버스") == ["버스", "bus"]


def test_shared_concepts_pair_terms_across_languages() -> None:
    korean = "AI 기반 배터리 진단으로 전기버스 배터리 수명을 예측합니다"
    english = "AI battery diagnostics for electric buses: predicting battery life"
    assert shared_concepts(korean, english) == [
        ("배터리 진단", "battery diagnostics"),
        ("전기버스", "electric bus"),
        ("배터리 수명", "battery life"),
    ]
    assert ("AI", "AI") in shared_concepts(korean, english, same_language=True)
    assert shared_concepts(english, korean)[0] == ("battery diagnostics", "배터리 진단")
    assert shared_concepts("웹툰 플랫폼", "battery recycling") == []


def test_the_glossary_is_loaded_once() -> None:
    assert load() is load()


def test_in_english_replaces_korean_glossary_terms_and_keeps_the_rest() -> None:
    from matchmaker.engine.glossary import in_english

    text = "전기차 배터리를 AI로 진단합니다"
    english = in_english(text)
    assert "battery" in english and "전기차" not in english and "배터리" not in english
    assert "AI로" in english and english.rstrip().endswith("합니다")  # words outside the glossary stay
    assert in_english("Battery diagnostics for EVs") == "Battery diagnostics for EVs"  # English: as is
    assert in_english("") == ""


def test_a_text_searched_again_finds_the_same_terms_and_callers_cannot_change_them():
    """Found terms are kept per text (a refresh searches each candidate's unchanged texts again)."""
    from matchmaker.engine import glossary

    found = glossary.load()
    text = "Battery storage for the power grid, 배터리 저장"
    first = found.find(text)
    assert first, "the glossary knows these terms"
    first.clear()  # the caller's own list
    assert found.find(text) == found._find(text) and found.find(text)
