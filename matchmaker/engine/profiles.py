"""Plain profile objects the engine matches, and their embedded text fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker.engine.encoder import Encoder, l2_normalise
from matchmaker.engine.text import join_texts, normalise_text, split_sentences

SECTORS: tuple[str, ...] = ("automotive", "energy", "healthcare", "content")
STAGES: tuple[str, ...] = ("idea", "pre_seed", "seed", "series_a", "series_b_plus", "growth")
KINDS: tuple[str, ...] = ("startup", "partner", "investor")
TEXT_FIELDS: tuple[str, ...] = ("description", "offers", "seeks")


@dataclass(frozen=True)
class Profile:
    """One organisation as the engine sees it; the app builds these from its models."""

    id: int
    kind: str  # "startup" | "partner" | "investor"
    name: str
    description: str = ""  # in its own words, Korean or English
    offers: str = ""
    seeks: str = ""
    sectors: frozenset[str] = frozenset()  # subset of SECTORS
    tags: tuple[str, ...] = ()
    stage: str | None = None  # startups: one of STAGES
    raising_usd: int | None = None  # startups: amount being raised, USD
    investor_stages: frozenset[str] = frozenset()  # investors: stages they invest in
    ticket_min_usd: int | None = None
    ticket_max_usd: int | None = None
    listed: bool = True
    excluded_ids: frozenset[int] = frozenset()  # counterpart ids never to match

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown profile kind {self.kind!r}; expected one of {KINDS}")

    def field_text(self, field: str) -> str:
        """Return the normalised text of one of TEXT_FIELDS."""
        if field not in TEXT_FIELDS:
            raise ValueError(f"unknown text field {field!r}; expected one of {TEXT_FIELDS}")
        return normalise_text(getattr(self, field))

    @property
    def what_it_is(self) -> str:
        """The text saying what the organisation does and offers (description + offers)."""
        return join_texts(self.description, self.offers)

    @property
    def all_text(self) -> str:
        """Everything the profile says about itself, for lexical matching and sector tagging."""
        return join_texts(self.name, self.description, self.offers, self.seeks, " ".join(self.tags))


@dataclass(frozen=True)
class ProfileVectors:
    """Embeddings of a profile's text fields; None where the field is empty."""

    description: np.ndarray | None = None
    offers: np.ndarray | None = None
    seeks: np.ndarray | None = None

    def get(self, field: str) -> np.ndarray | None:
        """Return the vector of one of TEXT_FIELDS (None when that text is empty)."""
        if field not in TEXT_FIELDS:
            raise ValueError(f"unknown text field {field!r}; expected one of {TEXT_FIELDS}")
        return getattr(self, field)


def field_texts_to_encode(text: str) -> list[str]:
    """The texts whose embeddings make up one field's vector: the whole text and its sentences.

    The app can encode (and cache per text hash) exactly these, then call `combine_field_vectors`.
    """
    whole = normalise_text(text)
    if not whole:
        return []
    sentences = split_sentences(text)
    return [whole] + sentences if len(sentences) > 1 else [whole]


# How a field's vector is made from its texts' embeddings (`field_texts_to_encode`, `combine_field_vectors`):
# raise it when either changes, so vectors kept on disk (matching/candidates.py) are made again.
FIELD_VECTORS_VERSION = 1


def combine_field_vectors(vectors: np.ndarray) -> np.ndarray:
    """Blend the whole-text vector with the mean of its sentence vectors into one unit vector.

    Long texts exceed the model's window and mix topics; averaging sentences keeps each one heard.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) == 1:
        return l2_normalise(vectors[0])
    sentence_mean = l2_normalise(vectors[1:].mean(axis=0))
    return l2_normalise(l2_normalise(vectors[0]) + sentence_mean)


def embed_texts(texts: Sequence[str], encoder: Encoder) -> list[np.ndarray | None]:
    """Embed field texts with one batched `encode` call; empty texts give None."""
    pieces = [field_texts_to_encode(t) for t in texts]
    unique = sorted({p for group in pieces for p in group})
    if not unique:
        return [None] * len(pieces)
    matrix = encoder.encode(unique)
    row = {text: i for i, text in enumerate(unique)}
    return [combine_field_vectors(matrix[[row[p] for p in group]]) if group else None for group in pieces]


def embed_profiles(profiles: Sequence[Profile], encoder: Encoder) -> list[ProfileVectors]:
    """Embed the description, offers and seeks of many profiles in one batch."""
    texts = [getattr(p, field) for p in profiles for field in TEXT_FIELDS]
    vectors = embed_texts(texts, encoder)
    n = len(TEXT_FIELDS)
    return [ProfileVectors(*vectors[i * n : (i + 1) * n]) for i in range(len(profiles))]
