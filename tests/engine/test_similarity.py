from __future__ import annotations

import numpy as np

from matchmaker.engine import SimilaritySpace


def test_unfitted_space_is_plain_cosine(encoder) -> None:
    texts = ["battery storage", "music app"]
    vectors = encoder.encode(texts)
    np.testing.assert_allclose(SimilaritySpace().transform(texts, vectors), vectors)


def test_fitted_space_pulls_same_label_together(encoder) -> None:
    rng = np.random.default_rng(1)
    groups = {
        "fintech": ["payments", "bank", "loans", "cards", "credit"],
        "education": ["students", "teachers", "courses", "school", "tutoring"],
        "logistics": ["shipping", "trucks", "warehouse", "freight", "delivery"],
    }
    shared = ["platform", "app", "software", "ai", "data", "customers"]
    texts, labels = [], []
    for label, words in groups.items():
        for _ in range(20):
            texts.append(" ".join([*rng.choice(words, 2), *rng.choice(shared, 4)]))
            labels.append(label)
    space = SimilaritySpace(n_lexical_components=20).fit(texts, encoder.encode(texts), labels)
    assert space.is_fitted and space.classes_ == sorted(groups)
    floor, ceiling = space.calibration_
    assert ceiling > floor
    queries = ["bank loans platform data", "credit cards app software", "school courses ai platform"]
    a, b, c = space.transform(queries, encoder.encode(queries))
    np.testing.assert_allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-5)
    assert a @ b > a @ c
