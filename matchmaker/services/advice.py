"""'What would raise this match': the engine's counterfactual suggestions for a founder looking at one
partner or investor, and the profile values each suggestion would set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matchmaker.engine.advice import Suggestion, pair_score, suggest_changes
from matchmaker.engine.profiles import embed_profiles
from matchmaker.models import Organisation, OrganisationKind, User
from matchmaker.services import matching, money
from matchmaker.services.embeddings import app_encoder, stored_encoder
from matchmaker.services.organisations import profile_values


@dataclass(frozen=True)
class MatchAdvice:
    """The pair's score now (0-100) and the changes that would raise it, best first."""

    startup: Organisation
    counterpart: Organisation
    percent: float
    suggestions: list[Suggestion]


def advice_for(viewer: User, counterpart: Organisation) -> MatchAdvice | None:
    """Suggestions for the viewer's startup with ``counterpart``; None unless a founder views a listed
    partner or investor. The score is computed afresh, as the app ranks (so no stored match, dismissal
    or private exclusion shows through)."""
    startup = viewer.organisation
    if (
        viewer.is_staff
        or startup is None
        or startup.kind != OrganisationKind.STARTUP
        or counterpart.kind == OrganisationKind.STARTUP
        or not counterpart.is_listed
    ):
        return None
    encoder = stored_encoder()
    config = matching.scoring_config(encoder)
    lexical = matching.lexical_index()
    profiles = [matching.to_profile(startup), matching.to_profile(counterpart)]
    vectors = embed_profiles(profiles, encoder)
    before = pair_score(profiles[0], vectors[0], profiles[1], vectors[1], lexical, config)
    # Hypothetical texts are embedded without being stored: only real profiles belong in the store.
    suggestions = suggest_changes(
        profiles[0], vectors[0], profiles[1], vectors[1], app_encoder(), lexical, config
    )
    return MatchAdvice(startup, counterpart, round(100 * before, 1), suggestions)


def suggested_profile(startup: Organisation, suggestion: Suggestion) -> dict[str, Any]:
    """The startup's editable profile with one suggestion applied (what the profile form would save)."""
    values = profile_values(startup)
    for name, value in suggestion.changes.items():
        if name == "raising_usd":
            currency = startup.raising_currency or money.default_currency()
            values["raising_amount"] = str(money.convert(int(value), "USD", currency, money.krw_per_usd()))  # type: ignore[call-overload]
            values["raising_currency"] = currency
        elif name in ("sectors", "tags"):
            values[name] = sorted(value) if name == "sectors" else list(value)  # type: ignore[call-overload]
        else:
            values[name] = value
    return values
