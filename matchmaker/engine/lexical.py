"""Lexical similarity: TF-IDF over words and character n-grams, fitted once on all profile texts.

Words are Korean morphemes or English words (`engine.words`), so 배터리를 and 배터리의 are one word;
character n-grams (char_wb) let word variants ("battery"/"batteries") match.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from matchmaker.engine import glossary
from matchmaker.engine.text import normalise_text
from matchmaker.engine.words import (
    CONCEPT_MARK,
    concept_token,
    generic_concept,
    has_hangul,
    word_and_concept_features,
    word_features,
)

if TYPE_CHECKING:
    import scipy.sparse as sp

# A word found in more than this share of all profiles is too common to show as "shared".
# (scikit-learn and scipy are imported where an index is fitted or used, not by the web process.)
SHARED_TERM_MAX_DOCUMENT_SHARE = 0.3
MIN_DOCUMENTS_FOR_COMMON_TERMS = 10


class LexicalIndex:
    """TF-IDF vectors (content words and word pairs + char_wb n-grams) with cheap cosine similarity.

    `fit(texts)` learns the vocabulary and IDF on the whole profile corpus and keeps the vectors of
    those texts as rows of one matrix; a text met later (an edited profile) is vectorised once with
    the fitted vocabulary and added (`rows`), so nothing is vectorised twice and nothing refitted.
    """

    def __init__(
        self,
        char_ngram_range: tuple[int, int] = (2, 4),
        char_weight: float = 1.0,
        min_df: int = 1,
        max_features: int | None = 200_000,
        glossary: bool = False,
    ) -> None:
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.min_df = min_df
        self.max_features = max_features
        # With `glossary`, each glossary term also counts as its concept (engine/glossary.py), the same
        # feature in Korean and English, so "shared words" can pair 배터리 with battery.
        self.glossary = glossary

    def fit(self, texts: Sequence[str]) -> LexicalIndex:
        """Learn vocabulary and IDF from the profile texts; returns self."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        cleaned = [normalise_text(t).lower() for t in texts]
        if not any(cleaned):
            raise ValueError("LexicalIndex needs at least one non-empty text to fit")
        min_df = self.min_df if sum(bool(t) for t in cleaned) >= 2 * self.min_df else 1
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=word_and_concept_features if self.glossary else word_features,
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_features,
            dtype=np.float32,
        )
        # fit_transform analyses each text once where fit() then transform() analysed it twice;
        # with its indices sorted, a row is the one transform() gives, bit for bit.
        words = self.word_vectorizer_.fit_transform(cleaned)
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
        )
        chars = self.char_vectorizer_.fit_transform(cleaned)
        # How pairs in two languages are scored, learned later from this corpus's same-language pairs
        # (`scoring.LexicalEstimate.fit`); None: such pairs leave words out.
        self.estimate_: Any = None
        self.terms_ = self.word_vectorizer_.get_feature_names_out()
        self.n_word_features_ = len(self.terms_)
        first = {text: i for i, text in reversed(list(enumerate(cleaned)))}
        unique = sorted(first)
        # Every text's row in one matrix; `row_of_` finds it by the text as given and as cleaned.
        picked = np.array([first[text] for text in unique], dtype=np.int64)
        self.matrix_ = self._combine(words[picked], chars[picked])
        self.row_of_: dict[str, int] = {text: i for i, text in enumerate(unique)}
        self._pending: list[Any] = []  # one-row matrices of texts added since `matrix_` was built
        self._words: dict[str, Any] = {}  # word-count rows of texts asked for shared terms
        self._lock = threading.Lock()
        return self

    def __getstate__(self) -> dict[str, Any]:
        """What a fitted index is, to keep it on disk: rows added since fitting are folded in, and the
        lock and the word-row cache are left out."""
        state = dict(self.__dict__)
        if state.get("_pending"):
            import scipy.sparse as sp

            state["matrix_"] = sp.vstack([state["matrix_"], *state["_pending"]], format="csr")
        for name in ("_pending", "_words", "_lock"):
            state.pop(name, None)
        if "row_of_" in state:
            state["row_of_"] = dict(state["row_of_"])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "matrix_" in state:
            self._pending = []
            self._words = {}
            self._lock = threading.Lock()

    def _vectorise(self, cleaned: list[str]) -> sp.csr_matrix:
        words = self.word_vectorizer_.transform(cleaned)
        chars = self.char_vectorizer_.transform(cleaned)
        return self._combine(words, chars)

    def _combine(self, words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        words, chars = words.tocsr(), chars.tocsr()
        words.sort_indices()
        chars.sort_indices()
        return normalize(sp.hstack([words, chars * self.char_weight], format="csr"))

    def rows(self, texts: Sequence[str]) -> np.ndarray:
        """Row numbers of `texts` in the index, vectorising (once) and adding the texts not in it."""
        row_of = self.row_of_
        found = [row_of.get(t) for t in texts]
        if all(r is not None for r in found):
            return np.asarray(found, dtype=np.int64)
        cleaned = [normalise_text(t).lower() for t in texts]
        with self._lock:
            missing = sorted({c for c in cleaned if c not in row_of})
            if missing:
                fresh = self._vectorise(missing)
                start = self.matrix_.shape[0] + len(self._pending)
                self._pending.extend(fresh[i] for i in range(len(missing)))
                for i, text in enumerate(missing):
                    row_of[text] = start + i
            for text, clean in zip(texts, cleaned, strict=True):
                row_of.setdefault(text, row_of[clean])
        return np.asarray([row_of[t] for t in texts], dtype=np.int64)

    def _select(self, rows: np.ndarray) -> sp.csr_matrix:
        """The given rows as one matrix; a few rows added since fitting are stacked on their own."""
        with self._lock:
            matrix, pending = self.matrix_, self._pending
        if not len(rows) or rows.max() < matrix.shape[0]:
            return matrix[rows]
        if len(rows) > 64:  # many rows: fold the added rows into the matrix once
            import scipy.sparse as sp

            with self._lock:
                if self._pending:
                    self.matrix_ = sp.vstack([self.matrix_, *self._pending], format="csr")
                    self._pending = []
            return self.matrix_[rows]
        import scipy.sparse as sp

        base = matrix.shape[0]
        return sp.vstack([matrix[r] if r < base else pending[r - base] for r in rows], format="csr")

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return unit-norm sparse TF-IDF rows for texts (each text vectorised once, then kept)."""
        return self._select(self.rows(texts))

    def similarities_to(self, query_row: int, rows: np.ndarray) -> np.ndarray:
        """Cosine of row `query_row` with each of `rows`, equal to `pairwise` of the same texts.

        The products of shared terms are formed and summed per row exactly as `pairwise` forms them
        (`multiply`, then a sum over each row), without repeating the query row once per candidate.
        When most fitted rows are asked for, they are read block by block from the matrix itself
        rather than copied out of it first (at 100,000 profiles that copy is gigabytes).
        """
        rows = np.asarray(rows, dtype=np.int64)
        query = self._select(np.array([query_row]))
        dense = np.zeros(query.shape[1], dtype=query.dtype)
        dense[query.indices] = query.data
        with self._lock:
            matrix, pending = self.matrix_, list(self._pending)
        base = matrix.shape[0]
        fitted = rows < base
        out = np.zeros(len(rows), dtype=query.dtype)
        if not len(rows):
            return out
        if fitted.sum() * 4 < base:  # a few rows: copy them out
            out[fitted] = _row_products(matrix[rows[fitted]], dense)
        else:
            every = np.empty(base, dtype=query.dtype)
            for start in range(0, base, _BLOCK_ROWS):
                stop = min(start + _BLOCK_ROWS, base)
                every[start:stop] = _row_products(_row_block(matrix, start, stop), dense)
            out[fitted] = every[rows[fitted]]
        # Rows added since fitting on their own: folding them into the matrix would copy all of it.
        if not fitted.all():
            import scipy.sparse as sp

            added = sp.vstack([pending[r - base] for r in rows[~fitted]], format="csr")
            out[~fitted] = _row_products(added, dense)
        return out

    def word_row(self, text: str) -> Any:
        """The word TF-IDF row of a text (kept: an anchor's text is asked once per match explained)."""
        row = self._words.get(text)
        if row is None:
            row = self.word_vectorizer_.transform([normalise_text(text).lower()])
            if len(self._words) > 50_000:
                self._words.clear()
            self._words[text] = row
        return row

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
        a, b = self.word_row(text_a), self.word_row(text_b)
        product = a.multiply(b).tocsr()
        terms: list[str] = []
        concepts = _concept_pairs(text_a, text_b)
        if not self.glossary:
            # Without concept features (the default: they did not help ranking), the glossary still
            # names what a Korean and an English text share; shown only, the score is not touched.
            for known, other in concepts.values():
                if has_hangul(known) != has_hangul(other) and not generic_concept(known, other):
                    terms.append(f"{known} ↔ {other}")
            terms = terms[:n]
        if product.nnz == 0 or len(terms) == n:
            return terms
        order = np.argsort(-product.data, kind="stable")
        for j in product.indices[order]:
            if self.common_terms_[j]:
                continue
            term = str(self.terms_[j])
            if term.startswith(CONCEPT_MARK):
                # A concept both name: shown as the two texts' own words (배터리 ↔ battery); skipped
                # where both use the same word, which the word itself already shows.
                pair = concepts.get(term)
                if pair is None or pair[0].casefold() == pair[1].casefold():
                    continue
                term = f"{pair[0]} ↔ {pair[1]}"
            # Skip a single word already covered by a chosen word pair, and vice versa.
            if any(term in t.split() or t in term.split() for t in terms):
                continue
            terms.append(term)
            if len(terms) == n:
                break
        return terms


_BLOCK_ROWS = 8192


def _concept_pairs(text_a: str, text_b: str) -> dict[str, tuple[str, str]]:
    """Concept feature -> (term in text_a, term in text_b) for the glossary concepts both texts name."""

    found_a = {match.concept: match.term for match in glossary.load().find(text_a)}
    pairs: dict[str, tuple[str, str]] = {}
    for match in glossary.load().find(text_b):
        if match.concept in found_a:
            token = concept_token(match.concept.english[0])
            known = pairs.get(token)
            # Prefer a pair across the two languages to a pair in one.
            if known is None or (known[0].casefold() == known[1].casefold()):
                pairs[token] = (found_a[match.concept], match.term)
    return pairs


def _row_block(matrix: sp.csr_matrix, start: int, stop: int) -> Any:
    """Rows start..stop of a CSR matrix as views of its arrays (no copy of the data)."""
    import scipy.sparse as sp

    first, last = matrix.indptr[start], matrix.indptr[stop]
    return sp.csr_matrix(
        (matrix.data[first:last], matrix.indices[first:last], matrix.indptr[start : stop + 1] - first),
        shape=(stop - start, matrix.shape[1]),
        copy=False,
    )


def _row_products(candidates: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """Per row, the sum of its products with `dense`, formed and summed as `pairwise` does."""
    other = dense[candidates.indices]
    products = candidates.data * other
    keep = products != 0  # `multiply` stores no zero product
    kept_before = np.concatenate([[0], np.cumsum(keep)])
    starts = kept_before[candidates.indptr[:-1]]
    counts = kept_before[candidates.indptr[1:]] - starts
    out = np.zeros(candidates.shape[0], dtype=dense.dtype)
    nonempty = np.flatnonzero(counts)
    if len(nonempty):
        out[nonempty] = np.add.reduceat(products[keep], starts[nonempty])
    return out
