"""Lexical similarity: TF-IDF over words and character n-grams, fitted once on all profile texts.

Words are Korean morphemes or English words (`engine.words`), so 배터리를 and 배터리의 are one word;
character n-grams (char_wb) let word variants ("battery"/"batteries") match.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from matchmaker.engine.text import normalise_text
from matchmaker.engine.words import word_features

# A word found in more than this share of all profiles is too common to show as "shared".
SHARED_TERM_MAX_DOCUMENT_SHARE = 0.3
MIN_DOCUMENTS_FOR_COMMON_TERMS = 10


class LexicalIndex:
    """TF-IDF vectors (content words and word pairs + char_wb n-grams) with cheap cosine similarity.

    `fit(texts)` learns the vocabulary and IDF on the whole profile corpus and caches the vectors of
    those texts, so similarities between known profiles need no new vectorising.
    """

    def __init__(
        self,
        char_ngram_range: tuple[int, int] = (2, 4),
        char_weight: float = 1.0,
        min_df: int = 1,
        max_features: int | None = 200_000,
    ) -> None:
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, texts: Sequence[str]) -> LexicalIndex:
        """Learn vocabulary and IDF from the profile texts; returns self."""
        cleaned = [normalise_text(t).lower() for t in texts]
        if not any(cleaned):
            raise ValueError("LexicalIndex needs at least one non-empty text to fit")
        min_df = self.min_df if sum(bool(t) for t in cleaned) >= 2 * self.min_df else 1
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=word_features,
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_features,
            dtype=np.float32,
        ).fit(cleaned)
        # Words in too many profiles say nothing about a pair; IDF ln((1+n)/(1+df))+1 tells which.
        n_docs = len(cleaned)
        document_share = (1 + n_docs) / np.exp(self.word_vectorizer_.idf_ - 1) - 1
        # (Only a corpus of some size says what is common: in three profiles every shared word is.)
        self.common_terms_ = (document_share / max(n_docs, 1) > SHARED_TERM_MAX_DOCUMENT_SHARE) & (
            n_docs >= MIN_DOCUMENTS_FOR_COMMON_TERMS
        )
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngram_range,
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_features,
            dtype=np.float32,
        ).fit(cleaned)
        # How pairs in two languages are scored, learned later from this corpus's same-language pairs
        # (`scoring.LexicalEstimate.fit`); None: such pairs leave words out.
        self.estimate_: Any = None
        self.terms_ = self.word_vectorizer_.get_feature_names_out()
        self.n_word_features_ = len(self.terms_)
        unique = sorted(set(cleaned))
        matrix = self._vectorise(unique)
        self.cache_ = {text: matrix[i] for i, text in enumerate(unique)}
        return self

    def _vectorise(self, cleaned: list[str]) -> sp.csr_matrix:
        words = self.word_vectorizer_.transform(cleaned)
        chars = self.char_vectorizer_.transform(cleaned) * self.char_weight
        return normalize(sp.hstack([words, chars], format="csr"))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return unit-norm sparse TF-IDF rows for texts (cached for the fitted corpus)."""
        cleaned = [normalise_text(t).lower() for t in texts]
        cache = self.cache_
        missing = sorted({t for t in cleaned if t not in cache})
        fresh: dict[str, sp.csr_matrix] = (
            dict(zip(missing, self._vectorise(missing), strict=True)) if missing else {}
        )
        rows = [cache[t] if t in cache else fresh[t] for t in cleaned]
        if not rows:
            return sp.csr_matrix((0, self.n_word_features_ + len(self.char_vectorizer_.vocabulary_)))
        return sp.vstack(rows, format="csr")

    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of one text to each of `texts`; empty texts give 0."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        q = self.transform([query])
        return np.asarray((self.transform(texts) @ q.T).toarray()).ravel().astype(np.float32)

    def pairwise(self, texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
        """Row-aligned cosine similarity: result[i] = sim(texts_a[i], texts_b[i])."""
        if len(texts_a) != len(texts_b):
            raise ValueError("texts_a and texts_b must have the same length")
        a, b = self.transform(texts_a), self.transform(texts_b)
        return np.asarray(a.multiply(b).sum(axis=1)).ravel().astype(np.float32)

    def shared_terms(self, text_a: str, text_b: str, n: int = 5) -> list[str]:
        """The words or word pairs that contribute most to the similarity of two texts."""
        a = self.word_vectorizer_.transform([normalise_text(text_a).lower()])
        b = self.word_vectorizer_.transform([normalise_text(text_b).lower()])
        product = a.multiply(b).tocsr()
        if product.nnz == 0:
            return []
        order = np.argsort(-product.data, kind="stable")
        terms: list[str] = []
        for j in product.indices[order]:
            if self.common_terms_[j]:
                continue
            term = str(self.terms_[j])
            # Skip a single word already covered by a chosen word pair, and vice versa.
            if any(term in t.split() or t in term.split() for t in terms):
                continue
            terms.append(term)
            if len(terms) == n:
                break
        return terms
