"""With the glossary, the lexical component gives a Korean and an English text words to share."""

from __future__ import annotations

from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.words import concept_features

KOREAN = "전기 버스용 배터리 진단 서비스와 자율주행 실증을 합니다."
ENGLISH = "We offer battery diagnostics for fleets and run autonomous driving pilots in the city."
OTHER = ["K-pop streaming for indie artists.", "A diabetes coaching app.", "Solar forecasting for farms."]


def test_a_korean_and_an_english_term_are_one_concept():
    assert set(concept_features("배터리 진단")) == set(concept_features("battery diagnostics"))
    assert concept_features("no glossary words here") == []


def test_shared_words_pair_the_korean_and_the_english_term():
    with_glossary = LexicalIndex(glossary=True).fit([KOREAN, ENGLISH, *OTHER])
    shared = with_glossary.shared_terms(KOREAN, ENGLISH)
    assert "배터리 진단 ↔ battery diagnostics" in shared
    assert "자율주행 ↔ autonomous driving" in shared
    without = LexicalIndex().fit([KOREAN, ENGLISH, *OTHER])
    assert without.shared_terms(KOREAN, ENGLISH) == []
    assert with_glossary.pairwise([KOREAN], [ENGLISH])[0] > without.pairwise([KOREAN], [ENGLISH])[0]


def test_the_same_word_in_one_language_is_shown_once_as_itself():
    a, b = "Battery diagnostics for buses.", "We want battery diagnostics for our fleet."
    shared = LexicalIndex(glossary=True).fit([a, b, *OTHER]).shared_terms(a, b)
    assert not any("↔" in term for term in shared) and any("battery" in term for term in shared)
