"""Explanations: the components of a match score, the phrases that matched, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matchmaker.engine.profiles import Profile

ENGINE_VERSION = "engine-1"


@dataclass(frozen=True)
class Component:
    """One additive part of a score: contribution = weight * max(0, similarity)."""

    name: str
    weight: float
    similarity: float | None  # calibrated to [0, 1]; None when data is missing on a side
    contribution: float
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "weight": round(self.weight, 6),
            "similarity": None if self.similarity is None else round(self.similarity, 6),
            "contribution": round(self.contribution, 6),
            "sentence": self.sentence,
        }


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
    missing: tuple[str, ...] = ()
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
            "missing": list(self.missing),
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


def component_sentence(name: str, similarity: float | None, startup: Profile, other: Profile) -> str:
    """A human sentence for one component of the match between `startup` and `other`."""
    s, o = startup.name, other.name
    if similarity is None:
        return {
            "seeks_offers": f"Not compared: {s} has not said what it seeks or {o} what it offers.",
            "offers_seeks": f"Not compared: {o} has not said what it seeks or {s} what it does.",
            "description": f"Not compared: a description is missing for {s} or {o}.",
            "sectors": f"Not compared: sectors are missing for {s} or {o}.",
            "stage_ticket": f"Not compared: {s}'s stage/raise or {o}'s stages/ticket are missing.",
            "lexical": "Not compared: there is too little text on one side.",
        }.get(name, f"Not compared: {name} data is missing.")
    level = _level(similarity)
    return {
        "seeks_offers": f"What {s} seeks {level} matches what {o} offers.",
        "offers_seeks": f"What {o} seeks {level} matches what {s} does and offers.",
        "description": f"{s} and {o} {level} describe the same field.",
        "sectors": (
            f"{o} covers {s}'s sectors."
            if similarity >= 1.0
            else f"{o} covers some of {s}'s sectors."
            if similarity > 0
            else f"{o} works in other sectors than {s}."
        ),
        "stage_ticket": (
            f"{s}'s stage and raise fit {o}'s investment focus."
            if similarity > 0
            else f"{s}'s stage or raise is outside {o}'s investment focus."
        ),
        "lexical": f"Their profiles {level} use the same words.",
    }.get(name, f"{name}: {level} similar.")


def missing_hints(profile: Profile, for_kind: str | None = None) -> list[str]:
    """What `profile` should add to be matched well (optionally with counterparts of `for_kind`)."""
    hints: list[str] = []
    if not profile.description.strip():
        hints.append(f"Describe what {profile.name} does, in its own words.")
    if not profile.seeks.strip():
        hints.append(f"Describe what {profile.name} seeks (partners, customers, pilots, funding).")
    if not profile.offers.strip():
        hints.append(f"Describe what {profile.name} offers to the other side.")
    if not profile.sectors:
        hints.append(f"Choose the sectors of {profile.name} (automotive, energy, healthcare, content).")
    if profile.kind == "startup" and for_kind in (None, "investor"):
        if profile.stage is None:
            hints.append(f"Add the stage of {profile.name} to be matched with investors.")
        if profile.raising_usd is None:
            hints.append(f"Add how much {profile.name} is raising to be matched with investors.")
    if profile.kind == "investor":
        if not profile.investor_stages:
            hints.append(f"Add the stages {profile.name} invests in.")
        if profile.ticket_min_usd is None and profile.ticket_max_usd is None:
            hints.append(f"Add the ticket size range of {profile.name}.")
    return hints
