"""A review list's search: keyword hits and closeness of meaning, across Korean and English.

The ranking itself is `engine.search`; this module reads the candidates' texts and stored vectors and
embeds the query. The query is embedded in the process that serves the page, because a query is short
and the app's model (multilingual USE, pure numpy) embeds one in a few milliseconds. A model that would
load torch into a web process beside a job worker (MiniLM) is not loaded for a query: the search then
finds keyword hits alone, in both languages through the glossary.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from flask import has_request_context
from sqlalchemy import select

from matchmaker.engine.encoder import Encoder, SentenceTransformerEncoder
from matchmaker.engine.multilingual import ConcatenatedEncoder
from matchmaker.engine.profiles import embed_texts
from matchmaker.engine.search import (
    SearchHit,
    SearchTerms,
    closeness,
    keywords_in,
    query_vector,
    rank,
    search_terms,
)
from matchmaker.extensions import db
from matchmaker.jobs.queue import queue_enabled
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.models import Organisation, ProfileVersion

MEANING_FIELDS = ("description", "offers")  # what an organisation is and offers, compared with the query
_QUERY_CACHE_SIZE = 256
_query_vectors: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
_query_lock = threading.Lock()


@dataclass
class SearchResult:
    """The ids found, most relevant first, each with why; and the terms the query was matched with."""

    terms: SearchTerms
    hits: list[SearchHit] = field(default_factory=list)
    by_meaning: bool = True  # False: the query could not be embedded here, keywords only

    @property
    def by_id(self) -> dict[int, SearchHit]:
        return {hit.organisation_id: hit for hit in self.hits}


def _needs_torch(encoder: Encoder) -> bool:
    if isinstance(encoder, ConcatenatedEncoder):
        return any(_needs_torch(part) for part in encoder.parts)
    return isinstance(encoder, SentenceTransformerEncoder) and not encoder.is_loaded


def query_encoder() -> Encoder | None:
    """The encoder to embed a query with here, or None when that would load torch into a web process
    that otherwise never loads a model (a job worker embeds the saved texts)."""

    encoder = app_encoder()
    if has_request_context() and queue_enabled() and _needs_torch(encoder):
        return None
    return encoder


def _query_vector(terms: SearchTerms, encoder: Encoder) -> np.ndarray:
    """The query's vector, kept per process for the last few hundred queries."""
    key = (encoder.model_id, terms.keywords)
    with _query_lock:
        if key in _query_vectors:
            _query_vectors.move_to_end(key)
            return _query_vectors[key]
    vector = query_vector(terms, encoder)
    with _query_lock:
        _query_vectors[key] = vector
        while len(_query_vectors) > _QUERY_CACHE_SIZE:
            _query_vectors.popitem(last=False)
    return vector


def search(text: str, candidate_ids: Sequence[int]) -> SearchResult:
    """Which of ``candidate_ids`` (in their list order, e.g. by match score) the query finds, ranked."""
    terms = search_terms(text)
    if not candidate_ids:
        return SearchResult(terms)
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.description,
            Organisation.offers,
            Organisation.seeks,
        ).where(Organisation.id.in_(candidate_ids))
    ).all()
    # Versions in the other language (organisations/bilingual.py) are searched as the originals are.
    versions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for organisation_id, name, version in db.session.execute(
        select(ProfileVersion.organisation_id, ProfileVersion.field, ProfileVersion.text).where(
            ProfileVersion.organisation_id.in_(candidate_ids)
        )
    ):
        versions[organisation_id].append((name, version or ""))
    keywords: dict[int, tuple[str, ...]] = {}
    for row in rows:
        texts = [row.name, row.description, row.offers, row.seeks, *(t for _, t in versions[row.id])]
        found = keywords_in("\n".join(t or "" for t in texts), terms)
        if found:
            keywords[row.id] = found
    meaning: dict[int, float] = {}
    encoder = query_encoder()
    if encoder is not None:
        query = _query_vector(terms, encoder)
        stored = stored_encoder()
        # The candidates' vectors as matching stored them; a text not embedded yet reads as no evidence.
        vectors = embed_texts([t or "" for row in rows for t in (row.description, row.offers)], stored)
        # A version's whole text, as the consistency check stored it.
        extra = [(row.id, t) for row in rows for f, t in versions[row.id] if f in MEANING_FIELDS and t]
        by_row: dict[int, list[np.ndarray]] = defaultdict(list)
        if extra:
            for (organisation_id, _), vector in zip(extra, stored.encode([t for _, t in extra]), strict=True):
                by_row[organisation_id].append(vector)
        for i, row in enumerate(rows):
            meaning[row.id] = closeness(query, [*vectors[2 * i : 2 * i + 2], *by_row[row.id]])
    return SearchResult(terms, rank(meaning, keywords, candidate_ids), by_meaning=encoder is not None)
