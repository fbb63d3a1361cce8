"""Matched phrases: which sentence of one side's text best answers a sentence of the other's."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from matchmaker.engine.encoder import Encoder, l2_normalise
from matchmaker.engine.explain import MatchedPhrase
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import Profile
from matchmaker.engine.text import join_texts, split_sentences


def best_sentence_pair(
    text_a: str,
    text_b: str,
    lexical: LexicalIndex | None,
    encoder: Encoder | None = None,
) -> tuple[str, str, float] | None:
    """The most similar (sentence of a, sentence of b, cosine); by the encoder if given, else lexically."""
    a, b = split_sentences(text_a), split_sentences(text_b)
    if not a or not b:
        return None
    if encoder is not None:
        vectors = encoder.encode(a + b)
        sims = vectors[: len(a)] @ vectors[len(a) :].T
    elif lexical is not None:
        sims = (lexical.transform(a) @ lexical.transform(b).T).toarray()
    else:
        return None
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return a[i], b[j], float(sims[i, j])


def coverage_gap(a: np.ndarray, b: np.ndarray) -> tuple[int, int, float]:
    """The sentence least covered by the other text, of two texts' sentence vectors ``a`` and ``b``
    (rows, any length): (0 for a sentence of a, 1 for one of b; its row; its best cosine in the other).

    A version that leaves out a sentence of its original, or adds one, has a sentence with no close
    counterpart on the other side, even when the two whole texts stay close."""
    a, b = l2_normalise(np.asarray(a, dtype=np.float64)), l2_normalise(np.asarray(b, dtype=np.float64))
    sims = a @ b.T
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    i, j = int(np.argmin(best_a)), int(np.argmin(best_b))
    return (0, i, float(best_a[i])) if best_a[i] <= best_b[j] else (1, j, float(best_b[j]))


def aligned_sentences(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int, float]]:
    """Which sentence of one version says what each sentence of the other says, from the two texts'
    sentence vectors ``a`` and ``b`` (rows): (row of a, row of b, cosine) for each sentence of a whose
    most similar sentence in b has a as its most similar in turn (mutual nearest neighbours, the usual
    rule of bitext mining), so that a sentence left out of b is not paired with a neighbour's
    translation. A row of zeros (not embedded) pairs with nothing. Callers set their minimum cosine.
    """
    a, b = l2_normalise(np.asarray(a, dtype=np.float64)), l2_normalise(np.asarray(b, dtype=np.float64))
    if not len(a) or not len(b):
        return []
    sims = a @ b.T
    best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
    return [
        (i, int(j), float(sims[i, j])) for i, j in enumerate(best_b) if best_a[j] == i and sims[i, j] > 0.0
    ]


def least_covered_sentence(text_a: str, text_b: str, encoder: Encoder) -> tuple[str, float] | None:
    """The sentence of either text that the other covers least, and its best cosine there; None when a
    text is empty or not embedded yet (a zero vector). A text that does not split is one sentence."""
    a, b = split_sentences(text_a) or [text_a], split_sentences(text_b) or [text_b]
    if not (text_a.strip() and text_b.strip()):
        return None
    vectors = np.asarray(encoder.encode(a + b), dtype=np.float64)
    if not np.all(np.linalg.norm(vectors, axis=1) > 0):
        return None
    side, row, cosine = coverage_gap(vectors[: len(a)], vectors[len(a) :])
    return (a if side == 0 else b)[row], cosine


def matched_phrases(
    startup: Profile,
    other: Profile,
    lexical: LexicalIndex | None,
    encoder: Encoder | None = None,
    n_terms: int = 5,
    agreeing: Collection[str] | None = None,
) -> list[MatchedPhrase]:
    """The phrases that matched between a startup and a partner/investor, for the explanation.

    With `agreeing` (the components that scored above zero), only phrases of those components are
    quoted, so an explanation never quotes a pair under a row that says it hardly matches.
    """
    phrases: list[MatchedPhrase] = []
    pairs = [
        ("seeks_offers", startup.seeks, other.offers),
        ("offers_seeks", startup.what_it_is, other.seeks),
    ]
    for kind, startup_text, other_text in pairs:
        if agreeing is not None and kind not in agreeing:
            continue
        best = best_sentence_pair(startup_text, other_text, lexical, encoder)
        if best is not None and best[2] > 0:
            phrases.append(MatchedPhrase(kind, best[0], best[1], best[2]))
    if lexical is not None and (agreeing is None or "lexical" in agreeing):
        startup_all = join_texts(startup.description, startup.offers, startup.seeks)
        other_all = join_texts(other.description, other.offers, other.seeks)
        terms = lexical.shared_terms(startup_all, other_all, n_terms)
        if terms:
            sim = float(lexical.pairwise([startup_all], [other_all])[0])
            phrases.append(MatchedPhrase("shared_terms", ", ".join(terms), ", ".join(terms), sim))
    return phrases
