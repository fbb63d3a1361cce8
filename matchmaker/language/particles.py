"""Korean particles chosen from the final sound of the word before them: 이/가, 을/를, 와/과, (으)로 ...

A Korean particle depends on how the preceding word *sounds*: 볼트버스 진단**이** but 볼트버스**가**,
서울**로** (ㄹ) but 부산**으로**. Our translations interpolate names they cannot know (a startup, a partner,
a person), so the catalog writes the fallback "이(가)" and :func:`resolve_particles` picks the right one
once the name is in place.

Written by hand rather than with the ``tossi`` package: tossi (0.3.x) decides Hangul and digits well but
gives up on Latin letters and leaves "Amazon을(를)", "Google이(가)", "NVIDIA을(를)" as they were, and half
the names the complex writes about are Latin (partners, investors, English-named startups, acronyms such
as AI, EV, ESS). The rules here cover:

- Hangul: the syllable's final consonant (받침); ㄹ is told apart for (으)로 (서울로, 부산으로).
- Numbers as read in Sino-Korean: 1 일, 3 삼, 6 육, 10 십, 100 백, 1,000 천, 10,000 만, 0 영; after a
  decimal point digits are read one by one (4.0 사 점 영).
- All-capital tokens read letter by letter (AI 에이아이, LG 엘지, IBM 아이비엠): only L 엘, M 엠, N 엔 and
  R 알 end in a consonant. A few capitalised words read as words (LIDAR 라이다) are listed.
- Other Latin words from their English spelling, the way Korean loanword spelling ends them: -m, -n, -ng,
  -l and -le end in ㅁ, ㄴ, ㅇ, ㄹ (Amazon 아마존, Google 구글, Zoom 줌); a short vowel before a final
  t, k, p, b or c gives a 받침 (Robot 로봇, Facebook 페이스북, Chip 칩, Web 웹, Magic 매직, HomeWatt 홈왓);
  everything else ends in a vowel (Tesla, Rising Tide Fund 펀드, CarbonLedger 레저, Park 파크).
- Closing quotes, brackets and punctuation are skipped ("볼트"를, 「빛고을」을), and a parenthetical note
  after a word is not read (국제연합(UN)은), as Korean style has it.

When the word before a particle cannot be read (an emoji, Hanja), the fallback "이(가)" is left as it is.
"""

from __future__ import annotations

import re
from enum import Enum


class Final(Enum):
    """How the word before a particle ends."""

    VOWEL = "vowel"
    RIEUL = "rieul"  # ㄹ: a consonant, except that (으)로 drops 으 after it
    CONSONANT = "consonant"


_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_INDEX = 8  # ㄹ among the 28 final-consonant slots (0 = none)

# Sino-Korean digit readings: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_FINAL = {
    "0": Final.CONSONANT,  # 영
    "1": Final.RIEUL,  # 일
    "2": Final.VOWEL,  # 이
    "3": Final.CONSONANT,  # 삼
    "4": Final.VOWEL,  # 사
    "5": Final.VOWEL,  # 오
    "6": Final.CONSONANT,  # 육
    "7": Final.RIEUL,  # 칠
    "8": Final.RIEUL,  # 팔
    "9": Final.VOWEL,  # 구
}
# A whole number ending in zeros is read by its last non-zero place: 십 백 천 만, then 십만 백만 천만 억 ...
_PLACE_FINAL = {
    1: Final.CONSONANT,  # 십
    2: Final.CONSONANT,  # 백
    3: Final.CONSONANT,  # 천
}  # 만 and above (만, 십만, 백만, 천만, 억, 조) all end in a consonant as well

# The Korean names of the Latin letters: only 엘, 엠, 엔 and 알 end in a consonant.
_LETTER_FINAL = {"l": Final.RIEUL, "m": Final.CONSONANT, "n": Final.CONSONANT, "r": Final.RIEUL}

# Words whose reading the spelling rules get wrong (keys are lowercase).
_KNOWN_WORDS = {
    "lidar": Final.VOWEL,  # 라이다
    "radar": Final.VOWEL,  # 레이더
    "nasa": Final.VOWEL,  # 나사
    "hub": Final.VOWEL,  # 허브 (GitHub 깃허브)
    "sub": Final.VOWEL,  # 서브
    "bit": Final.VOWEL,  # 비트
    "kit": Final.VOWEL,  # 키트
    "set": Final.VOWEL,  # 세트
    "type": Final.CONSONANT,  # 타입
    "europe": Final.CONSONANT,  # 유럽
    "mwh": Final.VOWEL,  # 메가와트시
}
# Units written after a number, as written (5G is a network, 5g a weight): 10km 킬로미터, 5kg 킬로그램,
# 3MW 메가와트, 2kWh 킬로와트시, 30% 퍼센트.
_UNITS = {
    "km": Final.VOWEL,
    "m": Final.VOWEL,
    "cm": Final.VOWEL,
    "mm": Final.VOWEL,
    "kg": Final.CONSONANT,
    "g": Final.CONSONANT,
    "t": Final.CONSONANT,  # 톤
    "kW": Final.VOWEL,
    "MW": Final.VOWEL,
    "GW": Final.VOWEL,
    "kWh": Final.VOWEL,
    "MWh": Final.VOWEL,
    "GWh": Final.VOWEL,
    "%": Final.VOWEL,
}

_VOWEL_LETTERS = frozenset("aeiou")
# Closing marks skipped before reading the word: quotes, brackets, sentence punctuation.
_CLOSERS = frozenset("\"'”’»」』》〉]}.,!?…:;·~*_")
# Markup a rendered page may put between a name and its particle: a closing tag or an escaped character.
_MARKUP_TAIL = re.compile(r"(?:</?[A-Za-z][^<>]*>|&#?[A-Za-z0-9]+;)$")
_OPENERS = {")": "(", "）": "（"}

_LATIN_TAIL = re.compile(r"[A-Za-z]+$")
_NUMBER_TAIL = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?$")


def _hangul_final(char: str) -> Final:
    final = (ord(char) - _HANGUL_FIRST) % 28
    if final == 0:
        return Final.VOWEL
    return Final.RIEUL if final == _RIEUL_INDEX else Final.CONSONANT


def _number_final(number: str) -> Final:
    whole, _, decimals = number.replace(",", "").partition(".")
    if decimals:
        return _DIGIT_FINAL[decimals[-1]]
    stripped = whole.rstrip("0")
    if not stripped:  # 0, 00
        return Final.CONSONANT  # 영
    zeros = len(whole) - len(stripped)
    if zeros == 0:
        return _DIGIT_FINAL[whole[-1]]
    return _PLACE_FINAL.get(zeros, Final.CONSONANT)


def _acronym_final(letters: str) -> Final:
    return _LETTER_FINAL.get(letters[-1].lower(), Final.VOWEL)


def _english_final(word: str) -> Final:
    """The final sound of an English-spelled word as Korean loanword spelling writes it."""
    w = word.lower()
    if w in _KNOWN_WORDS:
        return _KNOWN_WORDS[w]
    last = w[-1]
    before = w[-2] if len(w) > 1 else ""
    # A short vowel: a single vowel letter not itself after a vowel (robot, chat; not boot, meet).
    short_vowel = before in _VOWEL_LETTERS and (len(w) < 3 or w[-3] not in _VOWEL_LETTERS)
    if w.endswith("ng") or last in "mn":
        return Final.CONSONANT
    if last == "l" or w.endswith("le"):
        return Final.RIEUL
    if w.endswith(("me", "ne")) and len(w) > 2 and w[-3] in _VOWEL_LETTERS:
        return Final.CONSONANT  # home 홈, phone 폰, engine 엔진
    if w.endswith(("ck", "tt", "pp")):
        return Final.CONSONANT  # check-in 체크인 aside: black 블랙, watt 왓, app 앱
    if last in "tpbc" and short_vowel:
        return Final.CONSONANT  # robot 로봇, chip 칩, web 웹, magic 매직
    if last == "k" and (short_vowel or w.endswith("ook")):
        return Final.CONSONANT  # facebook 페이스북, slack 슬랙
    if last == "p" and before in _VOWEL_LETTERS:
        return Final.CONSONANT  # group 그룹, deep 딥
    return Final.VOWEL


def _latin_final(letters: str, after_number: bool) -> Final:
    if after_number and letters in _UNITS:
        return _UNITS[letters]
    if letters.lower() in _KNOWN_WORDS:
        return _KNOWN_WORDS[letters.lower()]
    if letters.isupper():
        return _acronym_final(letters)
    # camelCase ending in capitals (OpenAI, FuriosaAI): the capitals are read as letters.
    tail = re.search(r"[A-Z]{2,}$", letters)
    if tail:
        return _acronym_final(tail.group())
    # camelCase words (GitHub, HomeWatt) end as their last part does.
    part = re.search(r"[A-Z]?[a-z]+$", letters)
    return _english_final(part.group() if part else letters)


def _strip_closers(text: str) -> str:
    """``text`` without the closing marks and parenthetical notes that are not read before a particle."""
    while True:
        stripped = text.rstrip()
        if stripped != text and not stripped:
            return ""
        text = stripped
        if not text:
            return text
        last = text[-1]
        markup = _MARKUP_TAIL.search(text) if last in ">;" else None
        if markup:
            entity = markup.group()
            text = text[: markup.start()]
            if entity in ("&quot;", "&#34;", "&#39;", "&apos;", "&gt;") or entity.startswith("<"):
                continue
            return text + "\uffff"  # an escaped letter we do not read (&amp; stays unreadable)
        if last in _CLOSERS:
            text = text[:-1]
            continue
        if last in _OPENERS:
            opening = text.rfind(_OPENERS[last])
            before = text[:opening].rstrip() if opening >= 0 else ""
            if before and before[-1] not in _CLOSERS and before[-1] not in "(（":
                text = text[:opening]  # a note after a word: 국제연합(UN)은 reads 국제연합
            else:
                text = text[:-1]  # the whole thing is bracketed: read what is inside
            continue
        return text


def final_sound(text: str) -> Final | None:
    """How ``text`` ends when read aloud in Korean, or None when it cannot be told (emoji, Hanja, empty)."""
    text = _strip_closers(text)
    if not text:
        return None
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return _hangul_final(last)
    if last == "%":
        return _UNITS["%"]
    if last.isascii() and last.isdigit():
        number = _NUMBER_TAIL.search(text)
        assert number is not None
        return _number_final(number.group())
    if last.isascii() and last.isalpha():
        letters = _LATIN_TAIL.search(text)
        assert letters is not None
        start = letters.start()
        after_number = start > 0 and text[start - 1].isdigit()
        return _latin_final(letters.group(), after_number)
    return None


# Each particle as (after a consonant, after a vowel); (으)로 is the one that treats ㄹ as a vowel.
PARTICLES: dict[str, tuple[str, str]] = {
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "이나": ("이나", "나"),
    "나": ("이나", "나"),
    "이라": ("이라", "라"),
    "라": ("이라", "라"),
    "이랑": ("이랑", "랑"),
    "랑": ("이랑", "랑"),
    "이며": ("이며", "며"),
    "며": ("이며", "며"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
    "아": ("아", "야"),
    "야": ("아", "야"),
}


def choose(word: str, particle: str) -> str | None:
    """The form of ``particle`` (either form: "이" or "가") that fits after ``word``; None if unreadable."""
    consonant_form, vowel_form = PARTICLES[particle]
    final = final_sound(word)
    if final is None:
        return None
    if final is Final.VOWEL or (final is Final.RIEUL and consonant_form == "으로"):
        return vowel_form
    return consonant_form


def attach(word: str, particle: str) -> str:
    """``word`` followed by the fitting form of ``particle``: attach("서울", "으로") == "서울로"."""
    chosen = choose(word, particle)
    if chosen is None:
        consonant_form, vowel_form = PARTICLES[particle]
        return f"{word}{_fallback(consonant_form, vowel_form)}"
    return f"{word}{chosen}"


def _fallback(consonant_form: str, vowel_form: str) -> str:
    if consonant_form.endswith(vowel_form):  # 으로/로, 이나/나: (으)로, (이)나
        return f"({consonant_form[: -len(vowel_form)]}){vowel_form}"
    return f"{consonant_form}({vowel_form})"


# The fallback markers a translation writes after an interpolated name, each with its two forms.
_MARKERS: dict[str, tuple[str, str]] = {
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "와(과)": ("과", "와"),
    "과(와)": ("과", "와"),
    "(으)로": ("으로", "로"),
    "(이)나": ("이나", "나"),
    "(이)라": ("이라", "라"),
    "(이)랑": ("이랑", "랑"),
    "(이)며": ("이며", "며"),
    "(이)여": ("이여", "여"),
    "(이)고": ("이고", "고"),
    "(이)다": ("이다", "다"),
    "(이)에요": ("이에요", "예요"),
    "(이)었": ("이었", "였"),
}
_MARKER_PATTERN = re.compile("|".join(re.escape(m) for m in sorted(_MARKERS, key=len, reverse=True)))


def resolve_particles(text: str) -> str:
    """``text`` with each fallback marker (이(가), 을(를), (으)로 ...) replaced by the form its word takes.

    A marker is resolved only when it is attached to the word before it (possibly through closing quotes
    or brackets); a marker after a space, at the start, or after something unreadable is left unchanged.
    """
    if "(" not in text:
        return text
    pieces: list[str] = []
    position = 0
    for match in _MARKER_PATTERN.finditer(text):
        pieces.append(text[position : match.start()])
        position = match.end()
        before = text[: match.start()]
        consonant_form, vowel_form = _MARKERS[match.group()]
        final = final_sound(before) if before and not before[-1].isspace() else None
        if final is None:
            pieces.append(match.group())
        elif final is Final.VOWEL or (final is Final.RIEUL and consonant_form == "으로"):
            pieces.append(vowel_form)
        else:
            pieces.append(consonant_form)
    pieces.append(text[position:])
    return "".join(pieces)
