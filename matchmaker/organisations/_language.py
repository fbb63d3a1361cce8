"""Stand-ins for matchmaker.language (branch ``lang``) until it lands on main: which language a text is
written in, and a Revised Romanization suggestion for a Hangul name.

Same names and results as ``matchmaker.language.detect.written_language`` and
``matchmaker.language.romanise.romanise`` / ``has_hangul`` for ordinary texts; the romanisation here
writes each syllable on its own (no sound-change rules: 종로 reads "Jongro", not "Jongno"). Once the
``lang`` branch is merged, import from there and delete this module.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ko", "en"]

KOREAN_SHARE = 0.3  # a text is Korean when this weighted share of its letters are Hangul
_SYLLABLE_WEIGHT = 3  # one Hangul syllable writes what takes about three Latin letters
_FIRST, _LAST = 0xAC00, 0xD7A3
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
_LEGAL_FORMS = re.compile(r"\(주\)|㈜|\(유\)|주식회사|유한회사")

_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_VOWELS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
_FINALS = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
    "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip


def written_language(text: str | None) -> Language | None:
    """The language ``text`` is written in, "ko" or "en"; None when it is empty or has no letters."""
    if not text:
        return None
    hangul = latin = 0
    for char in text:
        if _FIRST <= ord(char) <= _LAST:
            hangul += _SYLLABLE_WEIGHT
        elif 0x1100 <= ord(char) <= 0x11FF or 0x3130 <= ord(char) <= 0x318F:
            hangul += 1
        elif char.isalpha():
            latin += 1
    if not hangul and not latin:
        return None
    return "ko" if hangul / (hangul + latin) >= KOREAN_SHARE else "en"


def has_hangul(text: str) -> bool:
    """True when ``text`` has a Hangul syllable (a romanisation would differ from it)."""
    return bool(_HANGUL_RUN.search(text))


def _romanise_run(run: str) -> str:
    out = []
    for char in run:
        index = ord(char) - _FIRST
        initial, rest = divmod(index, 21 * 28)
        vowel, final = divmod(rest, 28)
        out.append(_INITIALS[initial] + _VOWELS[vowel] + _FINALS[final])
    return "".join(out)


def romanise(name: str) -> str:
    """Hangul runs of ``name`` in Revised Romanization, other characters kept, each word capitalised:
    romanise("볼트버스 진단") == "Bolteubeoseu Jindan"."""
    name = " ".join(_LEGAL_FORMS.sub(" ", name).split())
    words = []
    for word in name.split(" "):
        if _HANGUL_RUN.search(word):
            romanised = _HANGUL_RUN.sub(lambda match: _romanise_run(match.group()), word)
            words.append(romanised[:1].upper() + romanised[1:])
        else:
            words.append(word)
    return " ".join(words)
