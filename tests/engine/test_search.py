"""Search terms across languages, keyword hits and the ranking of results (engine.search)."""

from __future__ import annotations

import numpy as np

from matchmaker.engine.search import (
    KEYWORD_BONUS,
    MEANING_THRESHOLD,
    SearchHit,
    closeness,
    equivalents,
    keywords_in,
    rank,
    search_terms,
)


def test_one_glossary_term_brings_its_equivalents_in_the_other_language():
    assert search_terms("battery").keywords == ("battery", "배터리")
    assert search_terms("  배터리 ").keywords == ("배터리", "battery")
    assert "autonomous driving" in search_terms("자율주행").equivalents
    assert search_terms("Batteries").equivalents == ("배터리",)


def test_a_longer_query_or_an_unknown_word_is_searched_as_written():
    assert search_terms("battery packs for city buses").keywords == ("battery packs for city buses",)
    assert search_terms("CarbonLedger").keywords == ("CarbonLedger",)
    assert equivalents("zzz") == ()


def test_keywords_are_found_inside_korean_words_and_regardless_of_case():
    terms = search_terms("Battery")
    assert keywords_in("전기차 배터리를 재사용합니다", terms) == ("배터리",)
    assert keywords_in("A BATTERY management system", terms) == ("Battery",)
    assert keywords_in("Solar forecasting", terms) == ()


def test_keyword_hits_come_first_then_closeness_and_the_rest_is_left_out():
    meaning = {1: 0.9, 2: 0.1, 3: MEANING_THRESHOLD + 0.01, 4: MEANING_THRESHOLD - 0.01}
    hits = rank(meaning, {2: ("battery",)}, order=[4, 3, 2, 1])
    assert [hit.organisation_id for hit in hits] == [2, 1, 3]
    assert hits[0].relevance == 0.1 + KEYWORD_BONUS and not hits[0].close_in_meaning


def test_ties_keep_the_given_order_and_keywords_alone_rank_without_a_model():
    hits = rank({}, {5: ("배터리",), 6: ("battery",)}, order=[6, 5])
    assert [hit.organisation_id for hit in hits] == [6, 5]
    assert hits[0] == SearchHit(6, 0.0, ("battery",))


def test_closeness_is_the_best_field_and_ignores_missing_vectors():
    query = np.array([1.0, 0.0], dtype=np.float32)
    fields = [None, np.zeros(2, dtype=np.float32), np.array([0.6, 0.8], dtype=np.float32)]
    assert abs(closeness(query, fields) - 0.6) < 1e-6
    assert closeness(query, [None]) == 0.0
