"""A Revised Romanization suggestion for a Hangul name: 볼트버스 진단 → "Bolteubeoseu Jindan".

Shown to English readers next to a Hangul name and offered to the founder as a starting point for the
English name; it is a suggestion, never stored without a person accepting it.

Written by hand rather than with ``korean-romanizer`` (0.28.0): measured on company and place names it
romanises syllable by syllable and misses the sound changes Revised Romanization writes, so names read
wrongly to anyone who knows the official spelling: 에너지밸리 "eneojibaelri" (Eneojibaelli: ㄹㄹ is ll),
카카오모빌리티 "kakaomobilriti", 신라 "sinra" (Silla), 종로 "jongro" (Jongno), 독립문 "dokripmun"
(Dongnimmun), 백마 "baekma" (Baengma), 같이 "gati" (gachi). Here the syllables are joined with the rules
of the Ministry of Culture's 2000 romanization:

- liaison: a final consonant before ㅇ moves on (한국어 Hangugeo), ㅎ before a vowel is silent;
- palatalisation: ㄷ/ㅌ before 이 become j/ch (해돋이 haedoji, 같이 gachi);
- nasalisation: k/t/p before ㄴ/ㅁ become ng/n/m (백마 Baengma), and ㄹ after a consonant other than
  ㄴ/ㄹ becomes n (종로 Jongno, 독립 Dongnip);
- lateralisation: ㄴ+ㄹ, ㄹ+ㄴ and ㄹ+ㄹ are ll (신라 Silla, 설날 Seollal, 밸리 baelli);
- ㅎ with ㄱ/ㄷ/ㅈ after it aspirates (좋고 joko), but in nouns ㄱ/ㄷ/ㅂ before ㅎ keep their h (묵호 Mukho,
  집현전 Jiphyeonjeon), as the rules say; tensing is not written.

Latin letters, digits and punctuation are kept as written; each word is capitalised.
"""

from __future__ import annotations

import re

_FIRST, _LAST = 0xAC00, 0xD7A3

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
# The 27 finals (index 1..27) as Hangul initial letters, so a final can move on to the next syllable.
_FINAL_JAMO = [
    "", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
    "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ",
]  # fmt: skip
_INITIAL_JAMO = list("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
_INITIAL_ROMAN = dict(zip(_INITIAL_JAMO, _INITIALS, strict=True))

# The sound a final is pronounced with at the end of a syllable (its representative sound).
_FINAL_SOUND = {
    "": "",
    "ㄱ": "k", "ㄲ": "k", "ㅋ": "k", "ㄳ": "k", "ㄺ": "k",
    "ㄴ": "n", "ㄵ": "n", "ㄶ": "n",
    "ㄷ": "t", "ㅅ": "t", "ㅆ": "t", "ㅈ": "t", "ㅊ": "t", "ㅌ": "t", "ㅎ": "t",
    "ㄹ": "l", "ㄼ": "l", "ㄽ": "l", "ㄾ": "l", "ㅀ": "l",
    "ㅁ": "m", "ㄻ": "m",
    "ㅂ": "p", "ㅍ": "p", "ㅄ": "p", "ㄿ": "p",
    "ㅇ": "ng",
}  # fmt: skip
# A double final before ㅇ: the first letter stays, the second moves on (읽어 ilgeo).
_SPLIT = {
    "ㄳ": ("ㄱ", "ㅅ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄶ": ("ㄴ", "ㅎ"), "ㄺ": ("ㄹ", "ㄱ"), "ㄻ": ("ㄹ", "ㅁ"),
    "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅅ"), "ㄾ": ("ㄹ", "ㅌ"), "ㄿ": ("ㄹ", "ㅍ"), "ㅀ": ("ㄹ", "ㅎ"),
    "ㅄ": ("ㅂ", "ㅅ"),
}  # fmt: skip
_NASAL = {"k": "ng", "t": "n", "p": "m"}
_ASPIRATED = {"ㄱ": "k", "ㄷ": "t", "ㅈ": "ch"}
_I_VOWEL = 20  # ㅣ
_LEGAL_FORMS = re.compile(r"\(주\)|㈜|\(유\)|주식회사|유한회사")
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def _syllables(word: str) -> list[tuple[str, int, str]]:
    """Each syllable as (initial letter, vowel index, final letter)."""
    out = []
    for char in word:
        index = ord(char) - _FIRST
        out.append((_INITIAL_JAMO[index // 588], (index % 588) // 28, _FINAL_JAMO[index % 28]))
    return out


def _romanise_run(word: str) -> str:
    """The romanisation of a run of Hangul syllables read as one word."""
    syllables = _syllables(word)
    initials = [initial for initial, _, _ in syllables]
    finals = [final for _, _, final in syllables]
    final_sounds = [""] * len(syllables)
    initial_sounds = [_INITIAL_ROMAN[initial] for initial in initials]
    if initials[0] == "ㄹ":
        initial_sounds[0] = "r"
    for i, final in enumerate(finals):
        sound = _FINAL_SOUND[final]
        if i + 1 == len(syllables) or not final:
            final_sounds[i] = sound
            continue
        following = initials[i + 1]
        vowel_next = syllables[i + 1][1]
        if following == "ㅇ" and final:
            # Liaison: the final (or the second half of a double final) becomes the next initial.
            stay, move = _SPLIT.get(final, ("", final))
            final_sounds[i] = _FINAL_SOUND[stay]
            if move == "ㅎ":
                initial_sounds[i + 1] = ""
            elif move == "ㅇ":
                final_sounds[i] = "ng"
            elif move in ("ㄷ", "ㅌ") and vowel_next == _I_VOWEL:
                initial_sounds[i + 1] = "j" if move == "ㄷ" else "ch"
            elif move == "ㄹ":
                initial_sounds[i + 1] = "r"
            else:
                initial_sounds[i + 1] = _INITIAL_ROMAN[move]
            continue
        if final in ("ㅎ", "ㄶ", "ㅀ") and following in _ASPIRATED:
            final_sounds[i] = {"ㅎ": "", "ㄶ": "n", "ㅀ": "l"}[final]  # 좋고 joko, 많다 manta
            initial_sounds[i + 1] = _ASPIRATED[following]
            continue
        if following == "ㄹ":
            if sound in ("n", "l"):
                final_sounds[i], initial_sounds[i + 1] = "l", "l"  # 신라 Silla, 물류 mullyu
            else:
                final_sounds[i] = _NASAL.get(sound, sound)  # 독립 dongnip, 종로 jongno
                initial_sounds[i + 1] = "n"
            continue
        if following in ("ㄴ", "ㅁ"):
            if sound == "l" and following == "ㄴ":
                final_sounds[i], initial_sounds[i + 1] = "l", "l"  # 설날 seollal
            else:
                final_sounds[i] = _NASAL.get(sound, sound)  # 백마 baengma
            continue
        final_sounds[i] = sound
    vowels = [_VOWELS[vowel] for _, vowel, _ in syllables]
    return "".join(
        initial + vowel + final
        for initial, vowel, final in zip(initial_sounds, vowels, final_sounds, strict=True)
    )


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:] if word[:1].islower() else word


def romanise(name: str) -> str:
    """A Revised Romanization of ``name``: Hangul runs romanised, everything else kept, words capitalised.

    romanise("볼트버스 진단") == "Bolteubeoseu Jindan"; romanise("AI 기반 배터리") == "AI Giban Baeteori".
    """
    name = " ".join(_LEGAL_FORMS.sub(" ", name).split())
    words = []
    for word in name.split(" "):
        if _HANGUL_RUN.search(word):
            romanised = _HANGUL_RUN.sub(lambda match: _romanise_run(match.group()), word)
            words.append(_capitalise(romanised))
        else:
            words.append(word)
    return " ".join(words)


_BRACKETED_LATIN = re.compile(
    r"^(?P<hangul>[^()]*[\uac00-\ud7a3][^()]*?)\s*\((?P<latin>[A-Za-z][^()\uac00-\ud7a3]*)\)$"
)


def bracketed_latin_name(name: str) -> tuple[str, str] | None:
    """A Hangul name that carries its own Latin name in brackets, as (Latin name, Hangul name):
    bracketed_latin_name("에이치투웨이 (H2Way)") == ("H2Way", "에이치투웨이"); None for any other name.
    Its writer chose that Latin name, so it is shown to English readers rather than a romanisation."""
    found = _BRACKETED_LATIN.match(" ".join(name.split()))
    if found is None:
        return None
    return found.group("latin").strip(), found.group("hangul").strip()


def has_hangul(text: str) -> bool:
    """True when ``text`` has a Hangul syllable, that is when a romanisation would differ from it."""
    return bool(_HANGUL_RUN.search(text))
