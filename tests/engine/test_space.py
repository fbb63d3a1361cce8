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


def _bilingual(n: int, seed: int) -> tuple[np.ndarray, list[list[str]], np.ndarray, np.ndarray]:
    """English training profiles whose labels ride a faint direction (0) and also, in the training
    data only, a quiet direction (1) along which Korean versions of a text are shifted: a space
    learned from the English profiles alone leans on direction 1 and so pulls a text away from its
    translation. Returns (vectors, labels, Korean texts, their English versions)."""
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 2, n)
    signal = np.zeros((n, DIM))
    signal[:, 0] = np.where(kinds == 0, 0.3, -0.3)
    signal[:, 1] = np.where(kinds == 0, 0.15, -0.15)
    noise = rng.normal(size=(n, DIM)) * np.r_[0.0, 0.05, np.full(DIM - 2, 1.0)]
    vectors = signal + noise
    labels = [["energy", "battery"] if k == 0 else ["content", "music"] for k in kinds]
    english = rng.normal(size=(60, DIM)) * np.r_[0.3, 0.05, np.full(DIM - 2, 1.0)]
    korean = english.copy()
    korean[:, 1] += rng.choice([-0.6, 0.6], 60)
    korean[:, 2:] += 0.15 * rng.normal(size=(60, DIM - 2))

    def unit(m: np.ndarray) -> np.ndarray:
        return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)

    return unit(vectors), labels, unit(korean), unit(english)


def _translation_first(space: LinearSpace | None, korean: np.ndarray, english: np.ndarray) -> int:
    a = korean if space is None else space.transform([""] * len(korean), korean)
    b = english if space is None else space.transform([""] * len(english), english)
    similarity = a @ b.T
    return int(sum(similarity[i].argmax() == i for i in range(len(a))))


def test_translation_pairs_keep_a_text_next_to_its_translation() -> None:
    vectors, labels, korean, english = _bilingual(600, seed=3)
    plain = fit_linear_space(vectors, labels, 0.25, 0.75, embedding_weight=0.01, prior_organisations=1)
    aware = fit_linear_space(
        vectors,
        labels,
        0.25,
        0.75,
        embedding_weight=0.01,
        prior_organisations=1,
        translations=(korean[:30], english[:30]),
        translation_weight=4.0,
    )
    assert plain is not None and aware is not None
    held_out = korean[30:], english[30:]  # pairs the space never saw
    lost = _translation_first(None, *held_out) - _translation_first(plain, *held_out)
    kept = _translation_first(aware, *held_out)
    assert lost >= 3 and kept > _translation_first(plain, *held_out) + 2, (lost, kept)
    # A negligible weight is the plain discriminant: the same directions.
    tiny = fit_linear_space(
        vectors, labels, 0.25, 0.75, translations=(korean, english), translation_weight=1e-12
    )
    again = fit_linear_space(vectors, labels, 0.25, 0.75)
    assert tiny is not None and again is not None
    cosines = np.abs(
        (tiny.projection / np.linalg.norm(tiny.projection, axis=0))
        * (again.projection / np.linalg.norm(again.projection, axis=0))
    ).sum(axis=0)
    assert np.allclose(cosines, 1.0, atol=1e-6)


def test_a_space_applies_only_where_both_sides_write_in_the_same_language() -> None:
    from matchmaker.engine.scoring import COMPONENTS, TEXT_COMPONENTS, component_similarities

    vectors, labels = _synthetic(300, seed=4)
    space = fit_linear_space(vectors, labels, 0.25, 0.75)
    assert space is not None
    config = ScoringConfig(crosslingual_floor=0.2, crosslingual_ceiling=0.7)
    startups = [
        Profile(id=1, kind="startup", name="배터리", description="배터리 진단 소프트웨어"),
        Profile(id=2, kind="startup", name="Cell", description="battery diagnostics software"),
    ]
    partner = Profile(id=9, kind="partner", name="Grid", seeks="battery data", description="energy grid")
    s_vectors = [ProfileVectors(description=vectors[0]), ProfileVectors(description=vectors[1])]
    p_vectors = [ProfileVectors(seeks=vectors[2], description=vectors[3])]
    columns = [COMPONENTS.index(n) for n in TEXT_COMPONENTS]

    def text(config: ScoringConfig) -> np.ndarray:
        return component_similarities(startups, s_vectors, [partner] * 2, p_vectors * 2, config=config)[
            :, columns
        ]

    with_space, without = text(replace(config, space=space)), text(config)
    assert np.array_equal(with_space[0], without[0], equal_nan=True)  # Korean vs English: the model's scale
    assert not np.array_equal(with_space[1], without[1], equal_nan=True)  # English vs English: the space
