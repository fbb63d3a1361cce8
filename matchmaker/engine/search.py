"""Search by meaning and by words, across the language line: what a review list's query finds.

A query is a short text ("battery", "배터리", "자율주행"). It finds a profile two ways:

- **keywords**: the query itself, and its glossary equivalents in the other language (battery → 배터리),
  appear in the profile's text;
- **meaning**: the query's vector is close to the profile's description or offers vector. The query is
  embedded together with its glossary equivalents (the mean of their vectors): one short Korean word
  such as 자율주행 is a weak signal for the multilingual model, its English equivalents a strong one.

Results are ranked by ``relevance`` = the closeness of meaning plus ``KEYWORD_BONUS`` for a keyword hit,
so keyword hits come first, each group in order of meaning. A profile with neither a keyword nor a
closeness of at least ``MEANING_THRESHOLD`` is not a result. The threshold is measured on the English
dev startups of years up to 2021 (bench/search.py), never on the demo data or the test year.

Pure code: numpy and the engine's glossary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker.engine import glossary
from matchmaker.engine.encoder import Encoder, l2_normalise

# Cosine between the query and a description or offers vector from which a profile counts as close
# in meaning: bench/search.py's best F1 of Korean queries on silver labels (the text names the concept):
# F1 0.292 (P 0.314, R 0.274) for Korean and 0.285 for English queries, against 0.271 and 0.262 for "the
# top 10" (800 dev startups <= 2021, 205 concepts, 2026-12-06).
MEANING_THRESHOLD = 0.18
KEYWORD_BONUS = 1.0  # any keyword hit ranks above any result found by meaning alone


@dataclass(frozen=True)
class SearchTerms:
    """The words a query is matched with: itself first, then its glossary equivalents."""

    query: str
    equivalents: tuple[str, ...]  # from the glossary, in either language, without the query's own terms

    @property
    def keywords(self) -> tuple[str, ...]:
        return (self.query, *self.equivalents)


@dataclass(frozen=True)
class SearchHit:
    """Why one profile is a result: the keywords found in its text and its closeness of meaning."""

    organisation_id: int
    meaning: float
    keywords: tuple[str, ...] = ()

    @property
    def close_in_meaning(self) -> bool:
        return self.meaning >= MEANING_THRESHOLD

    @property
    def relevance(self) -> float:
        return self.meaning + (KEYWORD_BONUS if self.keywords else 0.0)


def equivalents(term: str) -> tuple[str, ...]:
    """The glossary's terms in the other language for ``term``, when ``term`` is one glossary term
    (battery → 배터리; 자율주행 → autonomous driving, self-driving, ...), in the glossary's order.

    A longer text ("battery packs for buses") gets none: keywords for each of its terms would find
    every text that names any one of them."""
    known = glossary.load().lookup(" ".join(term.split()))
    if known is None:
        return ()
    spelled, concept = known
    return concept.english if spelled in concept.korean else concept.korean


def search_terms(query: str) -> SearchTerms:
    """The query and its glossary equivalents: search_terms("battery").equivalents == ("배터리",)."""
    query = " ".join(query.split())
    own = {query.casefold()}
    return SearchTerms(query, tuple(t for t in equivalents(query) if t.casefold() not in own))


def keywords_in(text: str, terms: SearchTerms) -> tuple[str, ...]:
    """The keywords that ``text`` contains (case-insensitive substrings, as the keyword search has
    always matched), the query first."""
    folded = text.casefold()
    return tuple(term for term in terms.keywords if term.casefold() in folded)


def query_vector(terms: SearchTerms, encoder: Encoder) -> np.ndarray:
    """The query's unit vector: the mean of the query's and its equivalents' vectors."""
    vectors = encoder.encode(list(terms.keywords))
    return l2_normalise(np.asarray(vectors, dtype=np.float32).mean(axis=0))


def closeness(query: np.ndarray, fields: Sequence[np.ndarray | None]) -> float:
    """The best cosine between the query and a profile's field vectors (0 when it has none)."""
    cosines = [float(vector @ query) for vector in fields if vector is not None and vector.any()]
    return max(cosines, default=0.0)


def rank(
    meaning: Mapping[int, float], keywords: Mapping[int, tuple[str, ...]], order: Sequence[int] = ()
) -> list[SearchHit]:
    """The results, most relevant first: keyword hits and profiles close in meaning.

    ``meaning`` maps profile ids to their closeness, ``keywords`` to the keywords found in their text;
    ties keep ``order`` (e.g. best match score first)."""
    position = {organisation_id: i for i, organisation_id in enumerate(order)}
    hits = [
        SearchHit(organisation_id, meaning.get(organisation_id, 0.0), keywords.get(organisation_id, ()))
        for organisation_id in {*meaning, *keywords}
    ]
    hits = [hit for hit in hits if hit.keywords or hit.close_in_meaning]
    hits.sort(key=lambda hit: (-hit.relevance, position.get(hit.organisation_id, len(position))))
    return hits
