from __future__ import annotations

from matchmaker.engine import normalise_text, split_sentences, text_hash


def test_normalise_text_nfkc_whitespace_and_strip() -> None:
    assert normalise_text("  Ｈｅｌｌｏ\u3000 world\n\t!  ") == "Hello world !"
    assert normalise_text(None) == ""


def test_text_hash_ignores_layout_but_not_content() -> None:
    assert text_hash("battery  storage\n") == text_hash("battery storage")
    assert text_hash("battery storage") != text_hash("battery recycling")
    assert len(text_hash("")) == 64


def test_split_sentences_on_stops_lines_and_korean() -> None:
    text = (
        "We make batteries. They charge fast!\n- Pilots with utilities\n배터리를 만듭니다. 충전이 빠릅니다."
    )
    assert split_sentences(text) == [
        "We make batteries.",
        "They charge fast!",
        "Pilots with utilities",
        "배터리를 만듭니다.",
        "충전이 빠릅니다.",
    ]
    assert split_sentences("") == []
    assert len(split_sentences(". ".join(f"Sentence {i}" for i in range(30)), max_sentences=5)) == 5
