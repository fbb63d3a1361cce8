"""Sentence alignment between a text and its version in the other language: each sentence's most
similar sentence on the other side, kept only when that one's most similar sentence is it in turn."""

from __future__ import annotations

import numpy as np

from matchmaker.engine.phrases import aligned_sentences

E = np.eye(4)


def test_each_sentence_is_paired_with_its_most_similar_counterpart() -> None:
    a = np.array([[1.0, 0.2, 0, 0], [0, 1.0, 0.1, 0]])
    b = np.array([[0, 0.9, 0.2, 0], [0.9, 0.1, 0, 0.1]])  # the same two sentences, in another order
    pairs = aligned_sentences(a, b)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0)]
    assert all(0.9 < cosine <= 1.0 for _, _, cosine in pairs)


def test_a_sentence_whose_nearest_counterpart_prefers_another_is_left_unpaired() -> None:
    # a's last sentence was left out of b; its nearest in b (b[1]) is a[1]'s translation, closer to a[1]
    a = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0.5, 0, 0.866]])
    b = E[[0, 1]]
    assert [(i, j) for i, j, _ in aligned_sentences(a, b)] == [(0, 0), (1, 1)]


def test_a_sentence_with_nothing_similar_is_left_unpaired() -> None:
    a = E[[0, 2]]
    b = E[[0, 1]]
    pairs = aligned_sentences(a, b)
    assert [(i, j) for i, j, _ in pairs] == [(0, 0)]


def test_zero_vectors_pair_with_nothing() -> None:
    assert aligned_sentences(np.zeros((2, 4)), E[[0, 1]]) == []
