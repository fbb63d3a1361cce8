"""Which language a text is written in, Korean or English, from the share of Hangul among its letters.

Korean texts of the complex are full of Latin words (AI, EV, ESS, LiDAR, company names), so a text is
Korean as soon as a fair share of its letters are Hangul: counted per letter, one Hangul syllable stands
for a whole sound group, so "AI 기반 배터리 진단" (7 syllables against 2 Latin letters) is Korean, and so
is a Korean paragraph quoting a few English product names. A text with letters but almost no Hangul is
English (the complex's other language; Latin-script texts in other languages are rare and read as English).
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ko", "en"]

# A text is Korean when at least this share of its letters are Hangul. Hangul syllables count three
# (a syllable writes what takes about three Latin letters), so "AI 기반 배터리 진단" has 21 Hangul units
# against 2 Latin letters, and an English sentence naming 볼트버스 진단 (6 syllables, 18 units against
# ~80 letters) stays English.
KOREAN_SHARE = 0.3
_SYLLABLE_WEIGHT = 3


# Hangul syllables, and the jamo (conjoining and compatibility) that count one each.
_SYLLABLES = re.compile("[\uac00-\ud7a3]")
_JAMO = re.compile("[\u1100-\u11ff\u3130-\u318f]")


def hangul_share(text: str) -> float | None:
    """The weighted share of Hangul among the letters of ``text``; None when it has no letters.

    Counted with regular expressions and C-level maps rather than a loop over the characters in
    Python: every save detects the language of each of its texts several times."""
    syllables = len(_SYLLABLES.findall(text))  # all letters
    jamo = _JAMO.findall(text)
    letters = sum(map(str.isalpha, text))
    hangul = _SYLLABLE_WEIGHT * syllables + len(jamo)
    latin = letters - syllables - sum(map(str.isalpha, jamo))  # the other letters
    if not hangul and not latin:
        return None
    return hangul / (hangul + latin)


def written_language(text: str | None) -> Language | None:
    """The language ``text`` is written in, "ko" or "en"; None for an empty text or one without letters."""
    if not text:
        return None
    share = hangul_share(text)
    if share is None:
        return None
    return "ko" if share >= KOREAN_SHARE else "en"
