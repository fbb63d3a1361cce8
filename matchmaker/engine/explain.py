"""Explanations: the components of a match score, the phrases that matched, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matchmaker.engine.profiles import Profile

# engine-2: cross-language pairs, scored cheque-to-round fit, structured levels and hints.
ENGINE_VERSION = "engine-2"


@dataclass(frozen=True)
class Component:
    """One additive part of a score: contribution = weight * max(0, similarity)."""

    name: str
    weight: float
    similarity: float | None  # calibrated to [0, 1]; None when data is missing on a side
    contribution: float
    sentence: str  # in English, for API clients; pages render `level` in the reader's language
    level: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "weight": round(self.weight, 6),
            "similarity": None if self.similarity is None else round(self.similarity, 6),
            "contribution": round(self.contribution, 6),
            "level": self.level,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Hint:
    """Something a profile should add to be matched well: a code a page can translate, and English."""

    code: str  # describe | seeks | offers | sectors | stage | raising | investor_stages | ticket
    name: str  # the organisation that should add it
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"code": self.code, "name": self.name, "text": self.text}


@dataclass(frozen=True)
class MatchedPhrase:
    """A piece of one side's text that matched a piece of the other side's."""

    kind: str  # "seeks_offers" | "offers_seeks" | "shared_terms"
    startup_text: str
    counterpart_text: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "kind": self.kind,
            "startup_text": self.startup_text,
            "counterpart_text": self.counterpart_text,
            "similarity": round(self.similarity, 6),
        }


@dataclass(frozen=True)
class Match:
    """A scored, explained pairing of a startup with a partner or investor."""

    startup_id: int
    counterpart_id: int
    counterpart_kind: str
    score: float
    components: tuple[Component, ...]
    matched_phrases: tuple[MatchedPhrase, ...] = ()
    missing: tuple[Hint, ...] = ()
    model_id: str = ""
    engine_version: str = ENGINE_VERSION
    confident: bool = field(default=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, for the Match row's JSON column."""
        return {
            "startup_id": self.startup_id,
            "counterpart_id": self.counterpart_id,
            "counterpart_kind": self.counterpart_kind,
            "score": round(self.score, 6),
            "confident": self.confident,
            "components": [c.to_dict() for c in self.components],
            "matched_phrases": [p.to_dict() for p in self.matched_phrases],
            "missing": [h.to_dict() for h in self.missing],
            "model_id": self.model_id,
            "engine_version": self.engine_version,
        }


def _level(similarity: float) -> str:
    if similarity >= 0.6:
        return "closely"
    if similarity >= 0.3:
        return "partly"
    if similarity > 0.0:
        return "slightly"
    return "hardly"


def component_level(
    name: str, similarity: float | None, applies: bool = True, estimated: bool = False
) -> str:
    """A code for how well one component agrees, which pages turn into words in either language.

    'not_comparable' (lexical, texts in different languages), 'estimated' (lexical, in different
    languages, estimated from the meaning), 'missing', and per component:
    closely/partly/slightly/hardly for texts; all/some/none for sectors; fits/joins/outside for
    an investor's stages and cheque.
    """
    if not applies:
        return "not_comparable"
    if estimated and similarity is not None:
        return "estimated"
    if similarity is None:
        return "missing"
    if name == "sectors":
        return "all" if similarity >= 1.0 else "some" if similarity > 0 else "none"
    if name == "stage_ticket":
        return "fits" if similarity >= 1.0 else "joins" if similarity > 0 else "outside"
    return _level(similarity)


def component_sentence(
    name: str,
    similarity: float | None,
    startup: Profile,
    other: Profile,
    applies: bool = True,
    estimated: bool = False,
) -> str:
    """An English sentence for one component of the match between `startup` and `other`."""
    s, o = startup.name, other.name
    level = component_level(name, similarity, applies, estimated)
    if level == "not_comparable":
        return "Words not compared: the two profiles are written in different languages."
    if level == "estimated":
        return "Written in different languages: shared words are estimated from the meaning."
    if level == "missing":
        return {
            "seeks_offers": f"Not compared: {s} has not said what it seeks or {o} what it offers.",
            "offers_seeks": f"Not compared: {o} has not said what it seeks or {s} what it does.",
            "description": f"Not compared: a description is missing for {s} or {o}.",
            "sectors": f"Not compared: sectors are missing for {s} or {o}.",
            "stage_ticket": (
                f"Not compared: the stage and round of {s} or the stages and ticket of {o} are missing."
            ),
            "lexical": "Not compared: there is too little text on one side.",
        }.get(name, f"Not compared: {name} data is missing.")
    return {
        "seeks_offers": f"What {s} seeks {level} matches what {o} offers.",
        "offers_seeks": f"What {o} seeks {level} matches what {s} does and offers.",
        "description": f"{s} and {o} {level} describe the same field.",
        "sectors": {
            "all": f"{o} covers every sector of {s}.",
            "some": f"{o} covers some of the sectors of {s}.",
            "none": f"{o} works in other sectors than {s}.",
        }.get(level, ""),
        "stage_ticket": {
            "fits": f"The stage and round of {s} fit the investment focus of {o}, which could lead it.",
            "joins": f"{o} invests at the stage of {s}; its cheque fits a part of the round, not the lead.",
            "outside": f"The stage or round of {s} is outside the investment focus of {o}.",
        }.get(level, ""),
        "lexical": f"Their profiles {level} use the same words.",
    }.get(name, f"{name}: {level} similar.")


def missing_hints(profile: Profile, for_kind: str | None = None) -> list[Hint]:
    """What `profile` should add to be matched well (optionally with counterparts of `for_kind`)."""
    n = profile.name
    hints: list[Hint] = []
    if not profile.description.strip():
        hints.append(Hint("describe", n, f"Describe what {n} does, in its own words."))
    if not profile.seeks.strip():
        hints.append(Hint("seeks", n, f"Describe what {n} seeks (partners, customers, pilots, funding)."))
    if not profile.offers.strip():
        hints.append(Hint("offers", n, f"Describe what {n} offers to the other side."))
    if not profile.sectors:
        hints.append(
            Hint("sectors", n, f"Choose the sectors of {n} (automotive, energy, healthcare, content).")
        )
    if profile.kind == "startup" and for_kind in (None, "investor"):
        if profile.stage is None:
            hints.append(Hint("stage", n, f"Add the stage of {n} to be matched with investors."))
        if profile.raising_usd is None:
            hints.append(Hint("raising", n, f"Add how much {n} is raising to be matched with investors."))
    if profile.kind == "investor":
        if not profile.investor_stages:
            hints.append(Hint("investor_stages", n, f"Add the stages {n} invests in."))
        if profile.ticket_min_usd is None and profile.ticket_max_usd is None:
            hints.append(Hint("ticket", n, f"Add the ticket size range of {n}."))
    return hints
