"""Words of a profile text in Korean and English: the terms lexical matching counts and shows.

Korean attaches particles and endings to words (배터리를, 배터리의, 공급합니다), so splitting at spaces
gives chunks no two texts share. Korean text is cut into morphemes by Kiwi (kiwipiepy, with its model
shipped as the kiwipiepy-model package, loaded on the first Korean text), keeping nouns, roots and
the Latin words inside it (AI, EV, ESS). English keeps words of two letters or more. Both drop
stop words and the generic words every profile here uses ("support", "local", "기술", "서비스"),
which a person would never call shared.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from matchmaker.engine import glossary

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
_ENGLISH_WORD = re.compile(r"(?u)\b\w\w+\b")

# Kiwi's tags kept as content: common and proper nouns, roots, Latin-script words, Hanja.
_CONTENT_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})

# Words so common in this complex's profiles, or so vague, that sharing them says nothing.
GENERIC_ENGLISH = frozenset(
    """
    ai based building build builds built business businesses company companies customer customers
    develop developing development help helps including like local long make makes new offer offers
    partner partners people platform product products provide provides providing seek seeks service
    services solution solutions startup startups support supports team teams technology technologies
    turn use used uses using want way work working works world year years
    """.split()
)
GENERIC_KOREAN = frozenset(
    """
    것 수 등 및 위 통 중 곳 때 더 분 년 월 개 명 점 후 전 내 외 간 기업 회사 스타트업 서비스 기술 개발 솔루션
    플랫폼 제공 지원 활용 사용 기반 협력 파트너 고객 제품 사업 분야 시장 국내 해외 광주 지역 우리 저희 팀 구축
    통해 위해 대한 관련 가능 다양 새 최근 현재 이상 이하
    """.split()
)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words and the generic words above (scikit-learn loaded on first use)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | GENERIC_ENGLISH | GENERIC_KOREAN)


def __getattr__(name: str) -> Any:
    if name == "STOP_WORDS":  # kept for callers of the old constant
        return stop_words()
    raise AttributeError(name)


_kiwi: Any = None
_kiwi_lock = threading.Lock()


def _analyser() -> Any:
    """The process's Kiwi, created on the first Korean text (about 1 s, a few hundred MB)."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            # The multi-word and typo dictionaries are not needed to find nouns; they cost memory.
            _kiwi = Kiwi(num_workers=-1, load_multi_dict=False, load_typo_dict=False)
        return _kiwi


def has_hangul(text: str) -> bool:
    """Whether the text contains Korean syllables."""
    return HANGUL.search(text) is not None


@lru_cache(maxsize=8192)  # asked for every pair scored; a profile's text is met many times
def scripts(text: str, minimum_share: float = 0.2) -> frozenset[str]:
    """The scripts ('hangul', 'latin') that make up at least ``minimum_share`` of a text's letters.

    A Korean text with 'AI' and 'EV' in it is Hangul only; a text in both languages is both.
    """
    hangul = len(HANGUL.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    total = hangul + latin
    if total == 0:
        return frozenset()
    # A Hangul syllable carries about three letters' worth of a word; weigh it so.
    weighted = {"hangul": 3 * hangul, "latin": latin}
    whole = sum(weighted.values())
    return frozenset(name for name, count in weighted.items() if count / whole >= minimum_share)


def is_korean(text: str) -> bool:
    """Whether a text is (at least partly) written in Korean: Hangul makes up a fifth of its letters."""
    return "hangul" in scripts(text)


def content_words(text: str) -> list[str]:
    """The content words of a text, in order, lowercased: morphemes for Korean, words for English."""
    stop = stop_words()
    if not has_hangul(text):
        return [w for w in (m.lower() for m in _ENGLISH_WORD.findall(text)) if w not in stop]
    words = []
    for token in _analyser().tokenize(text):
        if token.tag not in _CONTENT_TAGS:
            continue
        word = token.form.lower()
        if token.tag == "SL" and len(word) < 2:
            continue
        if word not in stop and not word.isdigit():
            words.append(word)
    return words


def word_features(text: str) -> list[str]:
    """TF-IDF features of a text: its content words and pairs of neighbouring content words."""
    words = content_words(text)
    # A one-syllable noun (차, 약) means little alone but much in a pair (전기 차, 치매 약).
    return [w for w in words if len(w) > 1] + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


# A glossary concept as a feature: "≡battery" stands for 배터리 and battery alike (engine/glossary.py).
CONCEPT_MARK = "\u2261"


def concept_token(english: str) -> str:
    """The feature a glossary concept adds, named by its first English term: ≡battery_pack."""
    return CONCEPT_MARK + "_".join(english.lower().split())


def concept_features(text: str) -> list[str]:
    """One feature per glossary term in the text, the same for a Korean term and its English one."""

    return [
        concept_token(match.concept.english[0])
        for match in glossary.load().find(text)
        if not generic_concept(match.term, match.concept.english[0], match.concept.korean[0])
    ]


def generic_concept(*terms: str) -> bool:
    """A concept every profile here names (기술 ↔ technology, 시장 ↔ market) shares nothing worth showing."""
    return any(term.casefold() in GENERIC_ENGLISH or term in GENERIC_KOREAN for term in terms)


def word_and_concept_features(text: str) -> list[str]:
    """`word_features` and `concept_features`: lets a Korean and an English text share something."""
    return word_features(text) + concept_features(text)
