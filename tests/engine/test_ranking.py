from __future__ import annotations

import numpy as np

from matchmaker.engine import mmr, top_k


def test_top_k_orders_by_score_then_id() -> None:
    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    ids = [50, 40, 30, 20, 10]
    result = top_k(np.array([1.0, 0.0]), matrix, ids, k=3)
    assert [i for i, _ in result] == [10, 30, 50]
    assert [i for i, _ in top_k(np.array([1.0, 0.0]), matrix, ids, k=4)] == [10, 30, 50, 20]
    assert top_k(np.array([1.0, 0.0]), matrix, ids, k=0) == []
    assert len(top_k(np.array([1.0, 0.0]), matrix, ids, k=99)) == 5


def test_mmr_picks_a_different_item_over_a_near_duplicate() -> None:
    query = np.array([1.0, 0.0, 0.0])
    matrix = np.array([[0.95, 0.31, 0.0], [0.95, 0.31, 0.0], [0.8, 0.0, 0.6]], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    assert [i for i, _ in mmr(query, matrix, [1, 2, 3], k=2, diversity=0.0)] == [1, 2]
    assert [i for i, _ in mmr(query, matrix, [1, 2, 3], k=2, diversity=0.5)] == [1, 3]
