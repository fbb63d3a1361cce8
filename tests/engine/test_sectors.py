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
    suggester = SectorSuggester(encoder=encoder, min_examples=10).fit(texts, labels)
    assert set(suggester.models_) == {"healthcare", "energy"}
    assert 0.0 < suggester.threshold("energy") < 1.0
    got = suggester.suggest(
        ["hospital patients diagnosis", "solar grid battery power", "payroll invoices crm"]
    )
    assert [s for s, _ in got[0]] == ["healthcare"]
    assert [s for s, _ in got[1]] == ["energy"]
    assert "healthcare" not in {s for s, _ in got[2]} and "energy" not in {s for s, _ in got[2]}
