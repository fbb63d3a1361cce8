"""The vectorised refresh gives exactly the matches of the per-pair path: every component, total and phrase.

The corpus is the demo profiles (Korean, bilingual and English), the Korean/English test startups and,
where ../shared/data/startups_dev.jsonl is present, 400 real startups; scored with a lexical index that
estimates cross-language words and the cross-language calibration, so every branch of scoring is used.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matchmaker.engine import HashingEncoder, LexicalIndex, Profile, embed_profiles
from matchmaker.engine.candidates import CandidateSet, anchor_similarities, rank_against
from matchmaker.engine.multilingual import UniversalSentenceEncoder
from matchmaker.engine.ranking import passes_hard_filters, rank_counterparts_for, rank_startups_for
from matchmaker.engine.scoring import LexicalEstimate, ScoringConfig, component_similarities, lexical_text
from matchmaker.engine.similarity import fit_linear_space
from tests.conftest import SHARED_DATA, required_on_ci

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGES = ["idea", "pre_seed", "seed", "series_a", "series_b_plus", "growth"]


def _corpus() -> list[Profile]:
    rng = random.Random(7)
    profiles: list[Profile] = []

    def add(kind: str, name: str, **fields) -> None:
        profiles.append(Profile(id=len(profiles) + 1, kind=kind, name=name, **fields))

    for entry in json.loads((REPO_ROOT / "matchmaker/demo/startups.json").read_text(encoding="utf-8")):
        add(
            "startup",
            entry["name"],
            description=entry.get("description", ""),
            offers=entry.get("offers", ""),
            seeks=entry.get("seeks", ""),
            sectors=frozenset(entry.get("sectors", [])),
            tags=tuple(entry.get("tags", [])),
            stage=entry.get("stage"),
            raising_usd=rng.choice([None, 400_000, 3_000_000, 12_000_000]),
        )
    for entry in json.loads((REPO_ROOT / "matchmaker/demo/partners.json").read_text(encoding="utf-8")):
        add(
            entry["kind"],
            entry["name"],
            description=entry.get("description", ""),
            offers=entry.get("offers", ""),
            seeks=entry.get("seeks", ""),
            sectors=frozenset(entry.get("sectors", [])),
            investor_stages=frozenset(entry.get("investor_stages", [])),
            ticket_min_usd=250_000 if entry["kind"] == "investor" else None,
            ticket_max_usd=5_000_000 if entry["kind"] == "investor" else None,
        )
    for pair in json.loads((REPO_ROOT / "tests/data/ko_en_startups.json").read_text(encoding="utf-8")):
        for language in ("ko", "en"):
            side = pair[language]
            add(
                "startup",
                side["name"],
                description=side["description"],
                offers=side.get("offers", ""),
                seeks=side.get("seeks", ""),
                sectors=frozenset(side.get("sectors", [])),
                stage=side.get("stage"),
            )
    if SHARED_DATA.exists():
        rows = [json.loads(line) for line in SHARED_DATA.read_text(encoding="utf-8").splitlines()[:400]]
        for row in rows:
            add(
                "startup",
                row["name"],
                description=row.get("long_description") or "",
                offers=row.get("one_liner") or "",
                seeks=rng.choice(["", "Hospitals and pilots.", "Grid partners; battery recycling."]),
                sectors=frozenset(row.get("sectors") or []),
                tags=tuple(row.get("tags") or [])[:3],
                stage=rng.choice([None, *STAGES]),
                raising_usd=rng.choice([None, 900_000, 6_000_000]),
            )
    else:
        required_on_ci(f"{SHARED_DATA} is missing, so only the synthetic profiles are compared")
    # Synthetic counterparts: English and Korean, some with empty fields, several investors.
    texts = [
        ("Battery storage pilots on our grid.", "Startups in energy storage and solar forecasting."),
        ("병원 임상 데이터와 실증 병상을 제공합니다.", "의료 영상 AI와 원격 진료 스타트업을 찾습니다."),
        ("", "Creator tools and streaming technology."),
        ("Test vehicles and a proving ground.", ""),
    ]
    for i in range(12):
        offers, seeks = texts[i % len(texts)]
        kind = "investor" if i % 3 == 0 else "partner"
        add(
            kind,
            f"Counterpart {i}",
            description="" if i == 5 else f"A group in Gwangju. {offers} {seeks}",
            offers=offers,
            seeks=seeks,
            sectors=frozenset(rng.sample(["automotive", "energy", "healthcare", "content"], i % 3)),
            investor_stages=frozenset(rng.sample(STAGES, 3)) if kind == "investor" else frozenset(),
            ticket_min_usd=100_000 if kind == "investor" and i % 2 else None,
            ticket_max_usd=4_000_000 if kind == "investor" else None,
        )
    return profiles


class _EachTextOnce:
    """The hashing encoder, asked once per exact text: it embeds each text on its own (a row does not
    depend on the others in its batch), so a text's vector is the same however often it is asked for.
    The per-pair path asks for each pair's phrases again, 14,000 times in the 10,000-candidate runs."""

    def __init__(self, inner: HashingEncoder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            self._vectors.update(zip(missing, self.inner.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])


def test_the_hashing_encoder_embeds_each_text_on_its_own() -> None:
    texts = [p.description for p in _corpus()[:6]] + ["", "Battery  storage"]
    encoder = HashingEncoder()
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.array_equal(encoder.encode(texts), alone)
    assert np.array_equal(_EachTextOnce(encoder).encode(texts + texts[:2]), np.vstack([alone, alone[:2]]))


@pytest.fixture(scope="module", params=["plain cosine", "learned space"])
def world(request):
    profiles = _corpus()
    encoder = _EachTextOnce(HashingEncoder())
    vectors = embed_profiles(profiles, encoder)
    lexical = LexicalIndex().fit([lexical_text(p) for p in profiles])
    # The cross-language calibration of the shipped model, so that branch is taken too.
    config = ScoringConfig.for_model(UniversalSentenceEncoder().model_id)
    startups = [i for i, p in enumerate(profiles) if p.kind == "startup"]
    others = [i for i, p in enumerate(profiles) if p.kind != "startup"]
    pairs = [(s, o) for s in startups for o in others]
    sims = component_similarities(
        [profiles[s] for s, _ in pairs],
        [vectors[s] for s, _ in pairs],
        [profiles[o] for _, o in pairs],
        [vectors[o] for _, o in pairs],
        lexical,
        config=config,
    )
    lexical.estimate_ = LexicalEstimate.fit(sims)
    assert lexical.estimate_ is not None
    if request.param == "learned space":
        # A space learned from the profiles' sectors and tags, as the app learns it (few, for speed).
        described = [
            (p, v.description) for p, v in zip(profiles, vectors, strict=True) if v.description is not None
        ]
        space = fit_linear_space(
            np.vstack([v for _, v in described]),
            [sorted(p.sectors) + list(p.tags) for p, _ in described],
            config.cosine_floor,
            config.cosine_ceiling,
            min_class_size=2,
            min_organisations=10,
        )
        assert space is not None
        config = replace(config, space=space)
    return profiles, vectors, lexical, config, encoder


def _split(profiles, vectors, anchor_index, dismissed=()):
    anchor = profiles[anchor_index]
    if dismissed:
        anchor = Profile(**{**anchor.__dict__, "excluded_ids": frozenset(dismissed)})
    side = ("startup",) if anchor.kind != "startup" else ("partner", "investor")
    chosen = [i for i, p in enumerate(profiles) if p.kind in side]
    return anchor, vectors[anchor_index], [profiles[i] for i in chosen], [vectors[i] for i in chosen]


def _anchors(profiles):
    startups = [i for i, p in enumerate(profiles) if p.kind == "startup"]
    others = [i for i, p in enumerate(profiles) if p.kind != "startup"]
    return startups[:6] + startups[36:40] + startups[-3:] + others


def test_every_component_is_the_same_bit_for_bit(world) -> None:
    profiles, vectors, lexical, config, _ = world
    kinds = set()
    moved = 0
    for a in _anchors(profiles):
        anchor, anchor_vectors, cands, cand_vectors = _split(profiles, vectors, a)
        candidates = CandidateSet.build(cands, cand_vectors)
        new = anchor_similarities(anchor, anchor_vectors, candidates, np.arange(len(cands)), lexical, config)
        if anchor.kind == "startup":
            old = component_similarities(
                [anchor] * len(cands),
                [anchor_vectors] * len(cands),
                cands,
                cand_vectors,
                lexical,
                config=config,
            )
        else:
            old = component_similarities(
                cands,
                cand_vectors,
                [anchor] * len(cands),
                [anchor_vectors] * len(cands),
                lexical,
                config=config,
            )
        assert old.shape == new.shape
        assert np.array_equal(old, new, equal_nan=True), (anchor.name, np.nanmax(np.abs(old - new)))
        if config.space is not None:  # the space is really used: the text components move
            plain = anchor_similarities(
                anchor,
                anchor_vectors,
                candidates,
                np.arange(len(cands)),
                lexical,
                replace(config, space=None),
            )
            moved += not np.array_equal(plain, new, equal_nan=True)
        kinds.add(anchor.kind)
    assert kinds == {"startup", "partner", "investor"}
    if config.space is not None:
        assert moved > len(_anchors(profiles)) // 2, moved


@pytest.mark.long
@pytest.mark.parametrize("k", [5, 10_000])
def test_ranked_matches_equal_the_per_pair_path(world, k: int) -> None:
    profiles, vectors, lexical, config, encoder = world
    compared = estimated = 0
    for a in _anchors(profiles):
        # Exclusions and the investor stage filter must drop the same pairs on both paths.
        dismissed = {profiles[(a * 7) % len(profiles)].id}
        anchor, anchor_vectors, cands, cand_vectors = _split(profiles, vectors, a, dismissed)
        rank = rank_counterparts_for if anchor.kind == "startup" else rank_startups_for
        old = rank(
            anchor,
            anchor_vectors,
            list(zip(cands, cand_vectors, strict=True)),
            lexical,
            k=k,
            config=config,
            encoder=encoder,
        )
        candidates = CandidateSet.build(cands, cand_vectors)
        new = rank_against(anchor, anchor_vectors, candidates, lexical, k=k, config=config, encoder=encoder)
        assert [(m.startup_id, m.counterpart_id) for m in new] == [
            (m.startup_id, m.counterpart_id) for m in old
        ]
        assert new == old  # every score, component, phrase and hint
        for match in new:
            assert abs(sum(c.contribution for c in match.components) - match.score) < 1e-9
        expected = sum(
            passes_hard_filters(*((anchor, c) if anchor.kind == "startup" else (c, anchor))) for c in cands
        )
        assert len(new) == min(k, expected)
        compared += len(new)
        estimated += sum(c.level == "estimated" for m in new for c in m.components)
    assert compared > 100
    assert estimated > 0  # Korean-English pairs were among them


def test_diversified_order_is_the_same(world) -> None:
    profiles, vectors, lexical, config, encoder = world
    partner = next(i for i, p in enumerate(profiles) if p.kind == "partner")
    anchor, anchor_vectors, cands, cand_vectors = _split(profiles, vectors, partner)
    old = rank_startups_for(
        anchor,
        anchor_vectors,
        list(zip(cands, cand_vectors, strict=True)),
        lexical,
        k=8,
        diversity=0.4,
        config=config,
        encoder=encoder,
    )
    new = rank_against(
        anchor,
        anchor_vectors,
        CandidateSet.build(cands, cand_vectors),
        lexical,
        k=8,
        config=config,
        encoder=encoder,
        diversity=0.4,
    )
    assert new == old


def test_a_text_met_after_fitting_is_scored_as_the_pairwise_path_scores_it(world) -> None:
    profiles, _, lexical, _, _ = world
    texts = [lexical_text(p) for p in profiles]
    query = "Second-life EV batteries for the grid, 배터리 재사용 실증"
    rows = lexical.rows(texts)
    new = lexical.similarities_to(int(lexical.rows([query])[0]), rows)
    assert np.array_equal(new, lexical.pairwise([query] * len(texts), texts))
    assert np.array_equal(new, lexical.pairwise(texts, [query] * len(texts)))
    assert (new > 0).sum() > 10


def test_the_fitted_rows_are_the_rows_a_text_met_later_gets(world) -> None:
    """Fitting keeps each text's row from one pass of the analysers (fit_transform); a text added
    after fitting is vectorised on its own. Both must give the same row, bit for bit, or a profile's
    lexical score would depend on whether it was in the corpus when the index was fitted."""
    profiles, *_ = world
    texts = [lexical_text(p) for p in profiles]
    texts += texts[:5] + ["", texts[7].upper()]  # repeats, an empty text, a case variant
    index = LexicalIndex().fit(texts)
    unique = sorted(index.row_of_, key=index.row_of_.__getitem__)
    again = index._vectorise(unique)
    assert again.shape == index.matrix_.shape
    for attr in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(again, attr), getattr(index.matrix_, attr)), attr


@pytest.mark.parametrize("share", [1.0, 0.1])  # most rows (read block by block) and a few (copied)
def test_similarities_to_rows_added_after_fitting_equal_pairwise(world, share: float) -> None:
    profiles, *_ = world
    texts = [lexical_text(p) for p in profiles]
    index = LexicalIndex().fit(texts[:-80])
    added = [f"{t} Revision {i}: new pilots." for i, t in enumerate(texts[-80:])]  # 80 rows after fitting
    asked = texts[: int(len(texts) * share)] + added
    rows = index.rows(asked)
    assert (rows >= index.matrix_.shape[0]).sum() >= 80
    query = index.rows([added[3]])[0]
    got = index.similarities_to(int(query), rows)
    assert np.array_equal(got, index.pairwise([added[3]] * len(asked), asked))
