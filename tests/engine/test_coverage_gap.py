"""The sentence of two texts that the other text covers least (the consistency check's second measure)."""

from __future__ import annotations

import numpy as np

from matchmaker.engine.phrases import coverage_gap

E = np.eye(4)


def test_a_sentence_added_on_one_side_is_the_gap() -> None:
    a = E[[0, 1]]  # two sentences
    b = np.vstack([E[0], E[1] * 2.0, E[2]])  # the same two (any length) and one more
    assert coverage_gap(a, b) == (1, 2, 0.0)


def test_a_sentence_left_out_is_the_gap_on_the_other_side() -> None:
    a = E[[0, 1, 3]]
    b = E[[0, 1]]
    assert coverage_gap(a, b) == (0, 2, 0.0)


def test_a_faithful_version_has_no_gap() -> None:
    a = np.array([[1.0, 0.1, 0, 0], [0, 1.0, 0.1, 0]])
    assert np.isclose(coverage_gap(a, a[::-1])[2], 1.0)


def test_the_gap_is_the_lowest_best_match_of_either_side() -> None:
    a = np.array([[1.0, 0, 0, 0], [0.6, 0.8, 0, 0]])
    b = np.array([[1.0, 0, 0, 0]])
    # a's second sentence is covered 0.6 by b's only one; b's sentence is covered 1.0 by a's first
    side, row, cosine = coverage_gap(a, b)
    assert (side, row) == (0, 1) and np.isclose(cosine, 0.6)
