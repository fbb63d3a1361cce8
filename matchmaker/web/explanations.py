"""Explanations of a match in the reader's language, from the level and hint codes the engine stores.

The engine (which knows no Flask) writes English sentences for API clients; pages say the same in
Korean or English from the component's `level` and each hint's `code`. Rows stored before the
engine wrote codes fall back to their English sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

Sentence = Callable[[str, str], str]

_TEXT_LEVELS: dict[str, dict[str, Sentence]] = {
    "seeks_offers": {
        "closely": lambda s, o: _("What %(s)s seeks closely matches what %(o)s offers.", s=s, o=o),
        "partly": lambda s, o: _("What %(s)s seeks partly matches what %(o)s offers.", s=s, o=o),
        "slightly": lambda s, o: _("What %(s)s seeks slightly matches what %(o)s offers.", s=s, o=o),
        "hardly": lambda s, o: _("What %(s)s seeks hardly matches what %(o)s offers.", s=s, o=o),
        "missing": lambda s, o: _(
            "Not compared: %(s)s has not said what it seeks or %(o)s what it offers.", s=s, o=o
        ),
    },
    "offers_seeks": {
        "closely": lambda s, o: _("What %(o)s seeks closely matches what %(s)s does and offers.", s=s, o=o),
        "partly": lambda s, o: _("What %(o)s seeks partly matches what %(s)s does and offers.", s=s, o=o),
        "slightly": lambda s, o: _("What %(o)s seeks slightly matches what %(s)s does and offers.", s=s, o=o),
        "hardly": lambda s, o: _("What %(o)s seeks hardly matches what %(s)s does and offers.", s=s, o=o),
        "missing": lambda s, o: _(
            "Not compared: %(o)s has not said what it seeks or %(s)s what it does.", s=s, o=o
        ),
    },
    "description": {
        "closely": lambda s, o: _("%(s)s and %(o)s closely describe the same field.", s=s, o=o),
        "partly": lambda s, o: _("%(s)s and %(o)s partly describe the same field.", s=s, o=o),
        "slightly": lambda s, o: _("%(s)s and %(o)s slightly describe the same field.", s=s, o=o),
        "hardly": lambda s, o: _("%(s)s and %(o)s hardly describe the same field.", s=s, o=o),
        "missing": lambda s, o: _("Not compared: a description is missing for %(s)s or %(o)s.", s=s, o=o),
    },
    "sectors": {
        "all": lambda s, o: _("%(o)s covers every sector of %(s)s.", s=s, o=o),
        "some": lambda s, o: _("%(o)s covers some of the sectors of %(s)s.", s=s, o=o),
        "none": lambda s, o: _("%(o)s works in other sectors than %(s)s.", s=s, o=o),
        "missing": lambda s, o: _("Not compared: sectors are missing for %(s)s or %(o)s.", s=s, o=o),
    },
    "stage_ticket": {
        "fits": lambda s, o: _(
            "The stage and round of %(s)s fit the investment focus of %(o)s, which could lead it.", s=s, o=o
        ),
        "joins": lambda s, o: _(
            "%(o)s invests at the stage of %(s)s; its cheque fits a part of the round, not the lead.",
            s=s,
            o=o,
        ),
        "outside": lambda s, o: _(
            "The stage or round of %(s)s is outside the investment focus of %(o)s.", s=s, o=o
        ),
        "missing": lambda s, o: _(
            "Not compared: the stage and round of %(s)s or the stages and ticket of %(o)s are missing.",
            s=s,
            o=o,
        ),
    },
    "lexical": {
        "closely": lambda s, o: _("Their profiles closely use the same words."),
        "partly": lambda s, o: _("Their profiles partly use the same words."),
        "slightly": lambda s, o: _("Their profiles slightly use the same words."),
        "hardly": lambda s, o: _("Their profiles hardly use the same words."),
        "missing": lambda s, o: _("Not compared: there is too little text on one side."),
        "not_comparable": lambda s, o: _(
            "Words not compared: the two profiles are written in different languages."
        ),
        "estimated": lambda s, o: _(
            "Written in different languages: shared words are estimated from the meaning."
        ),
    },
}

_HINTS: dict[str, Callable[[str], str]] = {
    "describe": lambda n: _("Describe what %(name)s does, in its own words.", name=n),
    "seeks": lambda n: _("Describe what %(name)s seeks (partners, customers, pilots, funding).", name=n),
    "offers": lambda n: _("Describe what %(name)s offers to the other side.", name=n),
    "sectors": lambda n: _(
        "Choose the sectors of %(name)s (automotive, energy, healthcare, content).", name=n
    ),
    "stage": lambda n: _("Add the stage of %(name)s to be matched with investors.", name=n),
    "raising": lambda n: _("Add how much %(name)s is raising to be matched with investors.", name=n),
    "investor_stages": lambda n: _("Add the stages %(name)s invests in.", name=n),
    "ticket": lambda n: _("Add the ticket size range of %(name)s.", name=n),
}


def component_text(component: Mapping[str, Any], startup: str, other: str) -> str:
    """One row of 'why this match' in the reader's language."""
    sentence = _TEXT_LEVELS.get(component.get("name", ""), {}).get(component.get("level") or "")
    return sentence(startup, other) if sentence else str(component.get("sentence", ""))


def hint_text(hint: Mapping[str, Any] | str, names: Mapping[str, str] | None = None) -> str:
    """A 'what to add' hint in the reader's language; ``names`` maps a stored name to the one the reader
    is shown (a romanised or English name for a Hangul one), as the rows around the hint use it."""
    if isinstance(hint, str):
        return hint
    phrase = _HINTS.get(hint.get("code", ""))
    name = str(hint.get("name", ""))
    return phrase((names or {}).get(name, name)) if phrase else str(hint.get("text", ""))
