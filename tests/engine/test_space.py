"""The learned linear space: fitted on labels it pulls same-label profiles together, thin data gives no
space, a stored copy maps to the same bits, and a row maps alike alone or in a batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matchmaker.engine.profiles import Profile, ProfileVectors
from matchmaker.engine.ranking import rank_startups_for
from matchmaker.engine.scoring import ScoringConfig
from matchmaker.engine.similarity import fit_linear_space, label_rows
from matchmaker.engine.space import LinearSpace

DIM = 24


def _synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, list[list[str]]]:
    """Two kinds of business told apart by a faint direction, under a loud one that is noise
    (how a company writes, not what it does): plain cosine is ruled by the noise."""
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 2, n)
    signal = np.zeros((n, DIM))
    signal[:, 0] = np.where(kinds == 0, 0.3, -0.3)
    noise = rng.normal(size=(n, DIM)) * np.r_[0.0, np.full(DIM - 1, 1.0)]
    vectors = signal + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = [["energy", "battery"] if k == 0 else ["content", "music"] for k in kinds]
    return vectors.astype(np.float32), labels


def _same_kind_in_top(vectors: np.ndarray, labels: list[list[str]], space: LinearSpace | None) -> float:
    rows = vectors if space is None else space.transform([""] * len(vectors), vectors)
    similarity = rows @ rows.T
    np.fill_diagonal(similarity, -np.inf)
    top = np.argsort(-similarity, axis=1)[:, :10]
    kinds = np.array([labels[i][0] for i in range(len(labels))])
    return float(np.mean(kinds[top] == kinds[:, None]))


def test_a_space_fitted_on_sectors_and_tags_pulls_the_same_kind_together() -> None:
    vectors, labels = _synthetic(400)
    space = fit_linear_space(vectors[:300], labels[:300], 0.25, 0.75, min_class_size=5)
    assert space is not None and space.info["labels"] == 4
    held_out, held_labels = vectors[300:], labels[300:]
    plain = _same_kind_in_top(held_out, held_labels, None)
    learned = _same_kind_in_top(held_out, held_labels, space)
    assert plain < 0.6 and learned > plain + 0.05, (plain, learned)


def test_ranking_with_the_space_moves_the_right_startups_up() -> None:
    vectors, labels = _synthetic(400, seed=1)
    space = fit_linear_space(vectors[:300], labels[:300], 0.25, 0.75)
    assert space is not None
    # Five partners, each seeking what one (training) energy startup does, in its words.
    examples = [i for i in range(300) if labels[i][0] == "energy"][:5]
    startups = [
        (
            Profile(id=i, kind="startup", name=f"S{i}", description=f"startup {i}"),
            ProfileVectors(description=v),
        )
        for i, v in enumerate(vectors[300:])
    ]
    config = ScoringConfig()

    def energy_in_top(config: ScoringConfig) -> int:
        found = 0
        for example in examples:
            partner = Profile(id=-1, kind="partner", name="Grid", seeks="energy")
            matches = rank_startups_for(
                partner, ProfileVectors(seeks=vectors[example]), startups, None, k=20, config=config
            )
            for match in matches:
                assert abs(sum(c.contribution for c in match.components) - match.score) < 1e-9
            found += sum(labels[300 + m.startup_id][0] == "energy" for m in matches)
        return found

    assert energy_in_top(replace(config, space=space)) > energy_in_top(config)


def test_thin_or_unlabelled_data_gives_no_space() -> None:
    vectors, labels = _synthetic(60)
    assert fit_linear_space(vectors, labels, 0.25, 0.75) is None  # fewer than 100 organisations
    assert fit_linear_space(vectors, [[] for _ in labels], 0.25, 0.75, min_organisations=1) is None
    assert fit_linear_space(vectors, [["energy"] for _ in labels], 0.25, 0.75, min_organisations=1) is None
    assert fit_linear_space(np.zeros((0, DIM)), [], 0.25, 0.75) is None


def test_less_data_keeps_more_of_the_plain_embedding() -> None:
    vectors, labels = _synthetic(2000)
    small = fit_linear_space(vectors[:150], labels[:150], 0.25, 0.75, embedding_weight=0.3)
    large = fit_linear_space(vectors, labels, 0.25, 0.75, embedding_weight=0.3)
    assert small is not None and large is not None
    assert 0.3 < large.embedding_weight < small.embedding_weight < 1.0


def test_labels_are_case_folded_and_rare_ones_dropped() -> None:
    rows = label_rows(
        [["Energy", "SaaS"], ["energy "], ["saas", "rare"]], min_class_size=2, design="exploded"
    )
    assert rows == [(0, "energy"), (0, "saas"), (1, "energy"), (2, "saas")]
    specific = label_rows([["a", "b"], ["a"], ["a", "b"]], min_class_size=2, design="specific")
    assert specific == [(0, "b"), (1, "a"), (2, "b")]
    with pytest.raises(ValueError):
        label_rows([], 2, "nonsense")


def test_a_stored_space_maps_to_the_same_bits_and_rows_map_alike_alone_or_together() -> None:
    vectors, labels = _synthetic(300)
    space = fit_linear_space(vectors, labels, 0.25, 0.75)
    assert space is not None
    copy = LinearSpace.from_payload(space.to_payload())
    assert copy.version == space.version and copy.calibration_ == space.calibration_
    batch = copy.transform([""] * 300, vectors)
    assert np.array_equal(batch, space.transform([""] * 300, vectors))
    alone = np.vstack(
        [LinearSpace.from_payload(space.to_payload()).transform([""], v[None]) for v in vectors[:20]]
    )
    assert np.array_equal(alone, batch[:20])
    assert batch.dtype == np.float32 and np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    zero = copy.transform([""], np.zeros((1, DIM), np.float32))
    assert not zero.any()
    with pytest.raises(ValueError):
        copy.transform([""], np.zeros((1, DIM + 1), np.float32))


def test_rows_kept_per_vector_object_are_the_rows_transform_gives() -> None:
    vectors, labels = _synthetic(300)
    space = fit_linear_space(vectors, labels, 0.25, 0.75)
    assert space is not None
    objects: list[np.ndarray | None] = [v.copy() for v in vectors[:50]] + [None]
    stacked = np.vstack([*(v for v in objects if v is not None), np.zeros(DIM, np.float32)])
    first = space.map_stacked(objects, stacked)
    assert np.array_equal(first, space.transform([""] * 51, stacked))
    assert len(space._by_object) == 50
    objects[3] = vectors[3] + np.float32(0.01)  # one profile changed: a new object, mapped afresh
    stacked[3] = objects[3]
    again = space.map_stacked(objects, stacked)
    assert np.array_equal(again, space.transform([""] * 51, stacked))
    assert not np.array_equal(again[3], first[3]) and np.array_equal(again[4:], first[4:])
    del objects, first, again
    assert len(space._by_object) == 0  # forgotten with their vectors


def test_a_configuration_with_a_space_is_named_by_its_version_in_json() -> None:
    """Stored advice hashes `dataclasses.asdict(config)`: the space appears as its name, not its matrix."""
    import dataclasses
    import json

    vectors, labels = _synthetic(300)
    space = fit_linear_space(vectors, labels, 0.25, 0.75)
    assert space is not None
    config = dataclasses.asdict(replace(ScoringConfig(), space=space))
    assert config["space"]["version"] == space.version
    assert len(json.dumps(config, sort_keys=True)) < 2000
    assert "projection" not in config["space"] and space.projection.shape == (DIM, 3)
