from __future__ import annotations

import numpy as np

from matchmaker.engine import SECTORS, SectorSuggester


def test_cold_start_uses_prototypes(encoder) -> None:
    suggester = SectorSuggester(encoder=encoder, prototype_threshold=0.2)
    texts = [
        "Electric vehicles and EV charging for cars and trucks.",
        "Music streaming and podcasts for creators, video games.",
        "A spreadsheet for accountants.",
    ]
    suggestions = suggester.suggest(texts)
    assert suggestions[0] and suggestions[0][0][0] == "automotive"
    assert suggestions[1] and suggestions[1][0][0] == "content"
    assert suggestions[2] == []
    probabilities = suggester.predict_proba(texts)
    assert probabilities.shape == (3, len(SECTORS)) and ((0 <= probabilities) & (probabilities <= 1)).all()


def test_fitted_suggester_learns_from_labelled_profiles(encoder) -> None:
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(encoder=encoder, min_examples=10).fit(texts, labels)
    assert set(suggester.models_) == {"healthcare", "energy"}
    assert 0.0 < suggester.threshold("energy") < 1.0
    got = suggester.suggest(
        ["hospital patients diagnosis", "solar grid battery power", "payroll invoices crm"]
    )
    assert [s for s, _ in got[0]] == ["healthcare"]
    assert [s for s, _ in got[1]] == ["energy"]
    assert "healthcare" not in {s for s, _ in got[2]} and "energy" not in {s for s, _ in got[2]}


def _labelled_texts() -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(0)
    vocab = {
        "healthcare": ["patients", "clinic", "doctors", "diagnosis", "hospital", "therapy"],
        "energy": ["solar", "grid", "battery", "power", "wind", "utility"],
        None: ["accounting", "sales", "crm", "invoices", "payroll", "marketing"],
    }
    texts, labels = [], []
    for label, words in vocab.items():
        for _ in range(25):
            texts.append(" ".join(rng.choice(words, 5)) + " software")
            labels.append([label] if label else [])
    return texts, labels


def test_fitted_sector_is_an_ensemble_of_views(encoder) -> None:
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(encoder=encoder, min_examples=10, cv_repeats=2).fit(texts, labels)
    views = {name for name, _ in suggester.models_["energy"].components}
    assert views == {"embedding", "lexical", "prototypes"}
    scores = suggester.predict_proba(["solar grid battery", "hospital patients"])
    assert scores.shape == (2, len(SECTORS)) and ((0 <= scores) & (scores <= 1)).all()
    energy = SECTORS.index("energy")
    assert scores[0, energy] > scores[1, energy]
    # Deterministic: the same data and random_state give the same thresholds.
    again = SectorSuggester(encoder=encoder, min_examples=10, cv_repeats=2).fit(texts, labels)
    assert again.thresholds_ == suggester.thresholds_


def test_views_can_be_switched_off(encoder) -> None:
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(
        encoder=encoder, min_examples=10, use_lexical=False, use_prototype_model=False, cv_repeats=1
    ).fit(texts, labels)
    assert [name for name, _ in suggester.models_["energy"].components] == ["embedding"]
    assert [s for s, _ in suggester.suggest(["solar grid battery power"])[0]] == ["energy"]


def test_precomputed_embeddings_without_encoder(encoder) -> None:
    texts, labels = _labelled_texts()
    vectors = encoder.encode(texts)
    prototypes = {"healthcare": ("Healthcare.",), "energy": ("Energy.",)}  # every sector gets a model
    suggester = SectorSuggester(prototypes=prototypes, min_examples=10, cv_repeats=1)
    suggester.fit(texts, labels, vectors)
    assert set(suggester.models_) == {"healthcare", "energy"}
    assert [name for name, _ in suggester.models_["energy"].components] == ["embedding", "lexical"]
    got = suggester.suggest(texts[:1], vectors[:1])
    assert [s for s, _ in got[0]] == ["healthcare"]


def test_cold_start_looks_at_each_sentence(encoder) -> None:
    """One sentence about the sector is enough, even in a long text about other things."""
    suggester = SectorSuggester(encoder=encoder, prototype_threshold=0.3)
    filler = " ".join(f"Our office number {i} is open on weekdays." for i in range(8))
    text = f"{filler}\nSolar power and solar panels."
    assert "energy" in {s for s, _ in suggester.suggest([text])[0]}
    assert "energy" not in {s for s, _ in suggester.suggest([filler])[0]}


def test_prototypes_cover_every_sector_in_english_and_korean() -> None:
    from matchmaker.engine.sectors import SECTOR_PROTOTYPES

    assert set(SECTOR_PROTOTYPES) == set(SECTORS)
    for phrases in SECTOR_PROTOTYPES.values():
        assert len(phrases) >= 5
        assert any(any("\uac00" <= ch <= "\ud7a3" for ch in p) for p in phrases)


def test_a_few_profiles_that_share_no_word_still_get_suggestions() -> None:
    # Words in fewer than two profiles are pruned; with these four profiles none remain, and a
    # fresh installation's first profile page failed on it.
    from matchmaker.engine.encoder import HashingEncoder

    texts = [
        "태양광 발전소를 위한 전기차 폐배터리 에너지 저장 장치",
        "Energy storage pilots",
        "Cloud credits for AI",
        "Hospital data partnerships",
    ]
    labels = [["energy"], ["energy"], ["content"], ["healthcare"]]
    suggester = SectorSuggester(encoder=HashingEncoder()).fit(texts, labels)
    assert suggester.lexical_ is None
    assert {sector for sector, _ in suggester.suggest(["Battery storage for solar farms"])[0]} <= set(SECTORS)


def test_a_korean_text_is_judged_by_the_multilingual_views_only(encoder) -> None:
    """English TF-IDF words know nothing of a Korean text, so they do not vote on its sectors."""
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(
        encoder=encoder, min_examples=10, cv_repeats=1, language_thresholds=False, glossary_lexical=False
    ).fit(texts, labels)
    korean, english = "태양광 발전과 배터리 저장 솔루션", "solar grid battery power"
    scores = suggester.predict_proba([korean, english])
    energy = SECTORS.index("energy")
    ensemble = suggester.models_["energy"]
    views = suggester._views([korean, english], None)
    by_view = {n: m.predict_proba(ensemble.view(views, n))[:, 1] for n, m in ensemble.components}
    invariant = np.mean([p for n, p in by_view.items() if n != "lexical"], axis=0)
    assert scores[0, energy] == np.float64(invariant[0])  # Korean: embedding and prototypes only
    assert scores[1, energy] == np.float64(np.mean(list(by_view.values()), axis=0)[1])  # English: all
    # The old behaviour stays available.
    suggester.lexical_for_korean = True
    assert suggester.predict_proba([korean])[0, energy] == np.mean(list(by_view.values()), axis=0)[0]


def test_language_thresholds_decide_a_korean_text_at_its_own_views_threshold(encoder) -> None:
    """A Korean text is scored by fewer views than an English one; the threshold it is decided at is
    the one those views earn out of fold on the training texts, mapped onto the sector's threshold."""
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(
        encoder=encoder, min_examples=10, cv_repeats=1, language_thresholds=False, glossary_lexical=False
    ).fit(texts, labels)
    assert set(suggester.invariant_thresholds_) == set(suggester.thresholds_)
    korean = ["태양광 발전과 배터리 저장 솔루션", "병원 환자 진단", "solar grid battery power"]
    plain = suggester.predict_proba(korean)
    suggester.language_thresholds = True
    moved = suggester.predict_proba(korean)
    np.testing.assert_array_equal(moved[2], plain[2])  # English: unchanged
    for j, sector in enumerate(SECTORS):
        if sector not in suggester.models_:
            continue
        old, new = suggester.invariant_thresholds_[sector], suggester.threshold(sector)
        for i in (0, 1):
            # the same side of the threshold as before, each at its own threshold
            assert (plain[i, j] >= old) == (moved[i, j] >= new - 1e-12)
        order = np.argsort(plain[:2, j], kind="stable")
        assert (np.diff(moved[:2, j][order]) >= -1e-12).all()  # the order of scores is kept


def test_glossary_lexical_reads_korean_words_in_english(encoder) -> None:
    """With `glossary_lexical`, a Korean text's TF-IDF row is that of its glossary terms in English, and
    every view votes on it, as on an English text."""
    from matchmaker.engine.glossary import in_english

    texts, labels = _labelled_texts()
    suggester = SectorSuggester(encoder=encoder, min_examples=10, cv_repeats=1, language_thresholds=False)
    suggester.fit(texts, labels)
    korean = "태양광 발전과 배터리 저장 솔루션"
    assert "solar" in in_english(korean) and "battery" in in_english(korean)
    energy = SECTORS.index("energy")
    ensemble = suggester.models_["energy"]
    views = suggester._views([korean], None)
    views.lexical = suggester._lexical([in_english(korean)])
    expected = np.mean([m.predict_proba(ensemble.view(views, n))[:, 1] for n, m in ensemble.components])
    assert suggester.predict_proba([korean])[0, energy] == expected


def test_by_default_a_korean_text_averages_its_two_readings(encoder) -> None:
    """The default Korean score is the mean of the multilingual views at their own threshold and of
    every view with the glossary terms in English; an English text's score is untouched."""
    texts, labels = _labelled_texts()
    suggester = SectorSuggester(encoder=encoder, min_examples=10, cv_repeats=1).fit(texts, labels)
    assert suggester.language_thresholds and suggester.glossary_lexical
    both = ["태양광 발전과 배터리 저장 솔루션", "solar grid battery power"]
    default = suggester.predict_proba(both)
    suggester.glossary_lexical = False
    calibrated = suggester.predict_proba(both)
    suggester.glossary_lexical, suggester.language_thresholds = True, False
    glossary = suggester.predict_proba(both)
    np.testing.assert_allclose(default[0], (calibrated[0] + glossary[0]) / 2)
    suggester.glossary_lexical = False
    np.testing.assert_array_equal(default[1], suggester.predict_proba(both)[1])
