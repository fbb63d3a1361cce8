"""'What would raise this match': the engine's counterfactual suggestions for a founder looking at one
partner or investor, and the profile values each suggestion would set.

The suggestions embed hypothetical texts with the model. Where a job worker exists, the web process
never loads the model: the worker computes the advice and stores it per pair and per version of both
profiles (``MatchAdvice``); a page that finds none asks the worker and says it is being computed.
Inline (no Redis) it is computed on the spot, as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from matchmaker.engine.advice import Suggestion, pair_score, suggest_changes
from matchmaker.engine.profiles import Profile, embed_profiles
from matchmaker.engine.scoring import ScoringConfig
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.models import MatchAdvice as StoredAdvice
from matchmaker.models import Organisation, OrganisationKind, User

# Raised when what a stored advice holds changes, so older rows are computed again (2: text suggested in
# the founder's language, with the other side's sentence as the reason).
ADVICE_FORMAT = 2


@dataclass(frozen=True)
class MatchAdvice:
    """The pair's score now (0-100) and the changes that would raise it, best first.

    ``pending`` when the job worker is still computing it (``percent`` is then None)."""

    startup: Organisation
    counterpart: Organisation
    percent: float | None
    suggestions: list[Suggestion]
    pending: bool = False


def _canonical(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    return value


def advice_version(startup: Profile, counterpart: Profile, model_id: str, config: ScoringConfig) -> str:
    """What the advice depends on, hashed: both profiles as the engine sees them, the model and the
    weights. A save of either profile, another model or learned weights make a stored advice stale."""
    inputs = {
        "format": ADVICE_FORMAT,
        "startup": _canonical(dataclasses.asdict(startup)),
        "counterpart": _canonical(dataclasses.asdict(counterpart)),
        "model": model_id,
        "config": _canonical(dataclasses.asdict(config)),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _applies(viewer: User, counterpart: Organisation) -> Organisation | None:
    """The viewer's startup when advice applies: a founder viewing a listed partner or investor."""
    startup = viewer.organisation
    if (
        viewer.is_staff
        or startup is None
        or startup.kind != OrganisationKind.STARTUP
        or counterpart.kind == OrganisationKind.STARTUP
        or not counterpart.is_listed
    ):
        return None
    return startup


def compute_advice(startup: Organisation, counterpart: Organisation) -> tuple[MatchAdvice, str]:
    """The advice computed now with the model (in the worker, or inline), and its version. The score
    is computed afresh, as the app ranks (so no stored match, dismissal or exclusion shows through)."""
    encoder = stored_encoder()
    config = matching.scoring_config(encoder)
    lexical = matching.lexical_index()
    profiles = [matching.to_profile(startup), matching.to_profile(counterpart)]
    vectors = embed_profiles(profiles, encoder)
    before = pair_score(profiles[0], vectors[0], profiles[1], vectors[1], lexical, config)
    # Hypothetical texts are embedded without being stored: only real profiles belong in the store.
    suggestions = suggest_changes(
        profiles[0],
        vectors[0],
        profiles[1],
        vectors[1],
        app_encoder(),
        lexical,
        config,
        language=founder_language(startup),
    )
    version = advice_version(profiles[0], profiles[1], encoder.model_id, config)
    return MatchAdvice(startup, counterpart, round(100 * before, 1), suggestions), version


def founder_language(startup: Organisation) -> str | None:
    """The language the founder writes the startup's profile in, as stored with its texts (the longest
    of description, offers and seeks decides); None lets the engine read it from the texts."""
    written = [
        (len(getattr(startup, field) or ""), startup.original_language(field))
        for field in ("description", "offers", "seeks")
    ]
    languages = [(length, language) for length, language in written if language in ("ko", "en")]
    return max(languages)[1] if languages else None


def _current_version(startup: Organisation, counterpart: Organisation) -> str:
    """The version a stored advice must have to be shown (no model needed: ids and weights only)."""
    encoder = app_encoder()  # the model itself is loaded only when something is encoded
    config = matching.scoring_config(encoder)
    return advice_version(
        matching.to_profile(startup), matching.to_profile(counterpart), encoder.model_id, config
    )


def _suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "code": suggestion.code,
        "changes": {name: _canonical(value) for name, value in suggestion.changes.items()},
        "gain_points": suggestion.gain_points,
        "score_after": suggestion.score_after,
        "quote": suggestion.quote,
        "text": suggestion.text,
    }


def _stored(startup: Organisation, counterpart: Organisation, version: str) -> MatchAdvice | None:
    row = db.session.get(StoredAdvice, (startup.id, counterpart.id))
    if row is None or row.version != version:
        return None
    suggestions = [
        Suggestion(
            s["code"], dict(s["changes"]), s["gain_points"], s["score_after"], s["quote"], s.get("text", "")
        )
        for s in row.suggestions
    ]
    return MatchAdvice(startup, counterpart, row.percent, suggestions)


def store_advice(startup_id: int, counterpart_id: int) -> bool:
    """Compute one pair's advice and store it (in the worker); False when the pair is gone."""
    startup = db.session.get(Organisation, startup_id)
    counterpart = db.session.get(Organisation, counterpart_id)
    if startup is None or counterpart is None:
        return False
    advice, version = compute_advice(startup, counterpart)
    values = {
        "version": version,
        "percent": advice.percent,
        "suggestions": [_suggestion_json(s) for s in advice.suggestions],
    }
    row = db.session.get(StoredAdvice, (startup_id, counterpart_id))
    if row is None:
        db.session.add(StoredAdvice(startup_id=startup_id, counterpart_id=counterpart_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    try:
        db.session.commit()
    except IntegrityError:  # another worker stored the same pair meanwhile: theirs is as good
        db.session.rollback()
    return True


def _job_id(startup: Organisation, counterpart: Organisation, version: str) -> str:
    return f"advice-{startup.id}-{counterpart.id}-{version[:16]}"


def advice_for(viewer: User, counterpart: Organisation) -> MatchAdvice | None:
    """Suggestions for the viewer's startup with ``counterpart``; None unless a founder views a listed
    partner or investor. With a job worker: the stored advice, or a pending one while it is computed."""
    startup = _applies(viewer, counterpart)
    if startup is None:
        return None
    if not jobs.queue_enabled():
        return compute_advice(startup, counterpart)[0]
    version = _current_version(startup, counterpart)
    stored = _stored(startup, counterpart, version)
    if stored is not None:
        return stored

    jobs.enqueue(
        "compute-advice",
        startup.id,
        counterpart.id,
        description=f"advice for organisation {startup.id} with {counterpart.id}",
        meta={"organisation_id": startup.id, "kind": "advice"},
        unique_id=_job_id(startup, counterpart, version),
        inline_fallback=False,  # a page asked: never the model in a web process
    )
    return MatchAdvice(startup, counterpart, None, [], pending=True)


def advice_status(viewer: User, counterpart: Organisation) -> dict[str, object] | None:
    """For the page's poll: is the advice still being computed, how far, with which error."""
    startup = _applies(viewer, counterpart)
    if startup is None:
        return None
    if not jobs.queue_enabled():
        return {"pending": False, "state": "fresh", "progress": 1.0, "error": None}
    version = _current_version(startup, counterpart)
    if _stored(startup, counterpart, version) is not None:
        return {"pending": False, "state": "fresh", "progress": 1.0, "error": None}
    ref = jobs.fetch(_job_id(startup, counterpart, version))
    if ref is None:
        return {"pending": True, "state": "waiting", "progress": 0.0, "error": None}
    # The job's own error (a traceback line) is for staff on /staff/jobs/, not for the founder.
    error = _("It could not be computed just now; please try again later.") if ref.state == "failed" else None
    return {"pending": True, "state": ref.state, "progress": ref.progress, "error": error}
