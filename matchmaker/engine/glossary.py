"""A Korean-English glossary of the complex's domain, so words can cross the language line.

The glossary (``glossary_ko_en.tsv`` next to this module) holds one concept a line: Korean terms, a tab,
English terms, synonyms separated by "|" (실증 ↔ demonstration|pilot|proof of concept). It serves:

- keyword search and exclusions: :func:`expand_query` turns "battery" into battery, 배터리 (and the
  reverse), so a partner's exclusion "battery" also hides 배터리 startups;
- the lexical component and "shared words": :func:`shared_concepts` pairs 배터리 in one text with battery
  in the other.

Matching follows how each language is written. Korean terms are found inside words, because particles
attach to them (배터리를, 실증에서 → 배터리, 실증); a term written with a space also matches without it
when the file lists both. English terms are whole words or phrases, case-insensitive, with a plural s/es
or y→ies; an all-capital acronym (EV, ESS, AI, MOU) matches only in capitals, so "it" is not "IT". At
each place the longest term wins: 이차전지 is not also 전지, "battery pack" is not also "battery".

Pure code: standard library only, loaded once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GLOSSARY_PATH = Path(__file__).with_name("glossary_ko_en.tsv")

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Concept:
    """One line of the glossary: the Korean and the English ways of saying one thing."""

    korean: tuple[str, ...]
    english: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """A glossary term found in a text: the term as the glossary writes it, its concept and its place."""

    term: str
    concept: Concept
    start: int
    end: int

    @property
    def korean(self) -> bool:
        return self.term in self.concept.korean


def _korean_key(term: str) -> str:
    return "".join(term.split())


def _english_key(term: str) -> str:
    return " ".join(term.lower().replace("-", " ").split())


def _is_acronym(term: str) -> bool:
    letters = [char for char in term if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters) and " " not in term


def parse_line(line: str) -> Concept | None:
    """The concept a glossary line holds; None for blank and comment lines. Raises ValueError if malformed."""
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        return None
    sides = line.split("\t")
    if len(sides) != 2:
        raise ValueError(f"expected 'Korean<TAB>English', got {line!r}")
    korean, english = (tuple(term.strip() for term in side.split("|") if term.strip()) for side in sides)
    if not korean or not english:
        raise ValueError(f"a side is empty in {line!r}")
    return Concept(korean=korean, english=english)


class Glossary:
    """The concepts with an index from each term to its concept and one pattern per language."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts = tuple(concepts)
        self._korean: dict[str, tuple[str, Concept]] = {}
        self._english: dict[str, tuple[str, Concept]] = {}
        for concept in self.concepts:
            for term in concept.korean:
                self._add(self._korean, _korean_key(term), term, concept)
            for term in concept.english:
                self._add(self._english, _english_key(term), term, concept)
        self._korean_pattern = self._compile_korean()
        self._longest_english = max((len(key.split()) for key in self._english), default=1)
        # The terms found per text: a refresh asks for its anchor's text once per match it explains.
        self._found: dict[str, tuple[Match, ...]] = {}

    @staticmethod
    def _add(index: dict[str, tuple[str, Concept]], key: str, term: str, concept: Concept) -> None:
        known = index.get(key)
        if known is not None and known[1] is not concept:
            raise ValueError(f"{term!r} is on two lines of the glossary")
        if known is None:
            index[key] = (term, concept)

    def _compile_korean(self) -> re.Pattern[str]:
        terms = sorted({term for concept in self.concepts for term in concept.korean}, key=len, reverse=True)
        alternatives = [r"\s*".join(re.escape(part) for part in term.split()) for term in terms]
        return re.compile("|".join(alternatives))

    def lookup(self, term: str) -> tuple[str, Concept] | None:
        """The glossary's spelling of ``term`` and its concept, whichever language it is in."""
        if _HANGUL.search(term):
            return self._korean.get(_korean_key(term))
        key = _english_key(term)
        for candidate in (
            key,
            key[:-1] if key.endswith("s") else None,
            key[:-2] if key.endswith("es") else None,
        ):
            if candidate and candidate in self._english:
                return self._english[candidate]
        if key.endswith("ies"):
            return self._english.get(key[:-3] + "y")
        return self._korean.get(_korean_key(term))

    def find(self, text: str) -> list[Match]:
        """The glossary terms in ``text``, in order, the longest at each place."""
        found = self._found.get(text)
        if found is None:
            found = tuple(self._find(text))
            if len(self._found) >= _FOUND_KEPT:
                self._found.clear()
            self._found[text] = found
        return list(found)

    def _find(self, text: str) -> list[Match]:
        matches = []
        for found in self._korean_pattern.finditer(text):
            known = self._korean.get(_korean_key(found.group()))
            if known is not None:
                matches.append(Match(known[0], known[1], found.start(), found.end()))
        matches.extend(self._find_english(text))
        matches.sort(key=lambda match: (match.start, -match.end))
        kept: list[Match] = []
        for match in matches:
            if kept and match.start < kept[-1].end:
                continue  # inside a longer term already found
            kept.append(match)
        return kept

    def _find_english(self, text: str) -> list[Match]:
        """English terms as runs of words (joined by spaces or hyphens), the longest run at each word."""
        words = list(_WORD.finditer(text))
        matches = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest_english, len(words) - i), 0, -1):
                run = words[i : i + n]
                if any(
                    not _JOINER.fullmatch(text[a.end() : b.start()])
                    for a, b in zip(run, run[1:], strict=False)
                ):
                    continue
                found = text[run[0].start() : run[-1].end()]
                known = self.lookup(found)
                if known is None or _HANGUL.search(known[0]):
                    continue
                if _is_acronym(known[0]) and not _is_acronym(found.rstrip("s")):
                    continue  # "us" is not the US, "it" not IT
                matches.append(Match(known[0], known[1], run[0].start(), run[-1].end()))
                i += n - 1
                break
            i += 1
        return matches


_FOUND_KEPT = 4096
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&]*")
_JOINER = re.compile(r"[ \t-]+")


@cache
def load(path: Path = GLOSSARY_PATH) -> Glossary:
    """The glossary in ``path``, read once."""
    with path.open(encoding="utf-8") as lines:
        return Glossary(concept for line in lines if (concept := parse_line(line)) is not None)


def equivalents(term: str) -> set[str]:
    """The terms in the other language that mean ``term``: equivalents("배터리") == {"battery"}."""
    known = load().lookup(term)
    if known is None:
        return set()
    spelled, concept = known
    return set(concept.english if spelled in concept.korean else concept.korean)


def expand_query(text: str) -> list[str]:
    """The query's glossary terms followed each by its equivalents in the other language, without repeats.

    expand_query("battery 실증") == ["battery", "배터리", "실증", "demonstration", "pilot", ...]: match each
    returned term as a keyword to find texts in either language. A query without glossary terms gives [].
    """
    terms: list[str] = []
    for match in load().find(text):
        other = match.concept.english if match.korean else match.concept.korean
        for term in (match.term, *other):
            if term not in terms:
                terms.append(term)
    return terms


def shared_concepts(text_a: str, text_b: str, *, same_language: bool = False) -> list[tuple[str, str]]:
    """Pairs (term in ``text_a``, term in ``text_b``) that mean the same thing across the language line.

    shared_concepts("AI 기반 배터리 진단", "battery diagnostics") == [("배터리 진단", "battery diagnostics")].
    Only pairs in different languages by default (same-language words are the lexical component's job);
    ``same_language=True`` also lists a concept both texts name in one language. One pair per concept.
    """
    glossary = load()
    in_b: dict[Concept, list[Match]] = {}
    for match in glossary.find(text_b):
        in_b.setdefault(match.concept, []).append(match)
    pairs: list[tuple[str, str]] = []
    seen: set[Concept] = set()
    for match in glossary.find(text_a):
        if match.concept in seen or match.concept not in in_b:
            continue
        for other in in_b[match.concept]:
            if same_language or other.korean != match.korean:
                pairs.append((match.term, other.term))
                seen.add(match.concept)
                break
    return pairs
