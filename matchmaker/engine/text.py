"""Text helpers shared by the engine: normalisation, hashing and sentence splitting."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Split after sentence punctuation (incl. CJK full stops) or at line breaks / bullets.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\s*[\r\n]+\s*|\s+[•·]\s+|;\s+")
_MIN_SENTENCE_CHARS = 3


def normalise_text(text: str | None) -> str:
    """Return `text` in Unicode NFKC form with whitespace runs collapsed and the ends stripped."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_hash(text: str | None) -> str:
    """Return the SHA-256 hex digest of the normalised text (the key of a stored embedding)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def split_sentences(text: str | None, max_sentences: int = 12) -> list[str]:
    """Split text into at most `max_sentences` normalised sentences (lines, bullets, full stops).

    Very short fragments are merged into the previous sentence; the tail beyond the limit is
    joined into the last sentence so that no text is lost.
    """
    if not text:
        return []
    raw = unicodedata.normalize("NFKC", text)
    sentences: list[str] = []
    for part in _SENTENCE_END.split(raw):
        part = normalise_text(part).lstrip("-*• ").strip()
        if not part:
            continue
        if sentences and len(part) < _MIN_SENTENCE_CHARS:
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    if len(sentences) > max_sentences:
        sentences = sentences[: max_sentences - 1] + [" ".join(sentences[max_sentences - 1 :])]
    return sentences


def join_texts(*parts: str | None) -> str:
    """Join non-empty text parts with a line break, for a profile's combined text."""
    return "\n".join(p.strip() for p in parts if p and p.strip())
