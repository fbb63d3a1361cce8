"""Staff page: learned component weights against today's, the switch, and learning again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from matchmaker.engine.scoring import ScoringConfig
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import learning, space
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import app_encoder
from matchmaker.models import Organisation
from matchmaker.web.helpers import staff_required

bp = Blueprint("learning", __name__, url_prefix="/staff/learning")


def _base() -> ScoringConfig:
    return ScoringConfig.for_model(app_encoder().model_id)


def _rank_again() -> int | None:
    """Rank every stored match again: on the job queue when there is one (the page returns at once;
    /staff/jobs/ shows the job), else here. The number of matches, or None when queued."""
    if jobs.queue_enabled():
        ref = jobs.enqueue(
            "rematch",
            description="rematch everything (staff learning page)",
            inline_fallback=False,  # Redis down: ranked here, below
        )
        if ref.id is not None:
            return None
    return matching.rematch_all()


def _sentences(*translated: str) -> str:
    """Sentences already in the reader's language, one after the other."""
    return " ".join(translated)


def _ranked_message(total: int | None) -> str:
    if total is None:
        return _("Every match is being ranked again by a background job; the lists update as it goes.")
    return _("%(num)s matches were ranked again.", num=total)


@bp.get("/")
@staff_required
def index() -> str:
    """Learned against default weights per component, per-partner weights, the switch and its log."""
    weights = learning.learned()
    names: dict[int, str] = {}
    if weights and weights.counterparts:
        rows = db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(weights.counterparts))
        )
        names = dict(rows.tuples().all())
    return render_template(
        "learning/index.html",
        enabled=learning.learning_enabled(),
        weights=weights,
        table=learning.weight_table(_base()),
        counterpart_names=names,
        trail=learning.audit_trail(),
        space=space.space_state(),
        space_enabled=space.space_enabled(),
    )


@bp.post("/switch")
@staff_required
def switch() -> Response:
    enabled = request.form.get("enabled") == "1"
    learning.set_learning(current_user, enabled)
    total = _rank_again()  # every stored match is ranked again with the weights now in use
    state = _("Learning is on.") if enabled else _("Learning is off: today's weights rank every match.")
    flash(_sentences(state, _ranked_message(total)), "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/learn")
@staff_required
def learn_now() -> Response:
    weights = learning.learn(current_user, _base())
    learned = _("Learned from %(num)s outcomes.", num=sum(weights.history.values()))
    flash(_sentences(learned, _ranked_message(_rank_again())), "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/space/switch")
@staff_required
def switch_space() -> Response:
    enabled = request.form.get("enabled") == "1"
    space.set_space(current_user, enabled)
    state = (
        _("The learned similarity space is on.")
        if enabled
        else _("The learned similarity space is off: plain similarity ranks every match.")
    )
    flash(_sentences(state, _ranked_message(_rank_again())), "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/space/learn")
@staff_required
def learn_space() -> Response:
    if jobs.queue_enabled():
        # Embedding every organisation and fitting is the worker's work, not a page view's.
        ref = jobs.enqueue(
            "learn-space",
            current_user.id,
            description="learn the similarity space (staff learning page)",
            inline_fallback=False,
        )
        if ref.id is None:  # Redis does not answer: nothing was learned; say so
            flash(ref.error or _("The job failed."), "error")
        else:
            flash(
                _(
                    "The similarity space is being learned by a background job, then every match is "
                    "ranked again; this page shows it when it is done."
                ),
                "success",
            )
        return redirect(url_for("learning.index"), 303)
    state = space.learn_space(current_user, _base())
    if state.fitted:
        learned = _("Learned the similarity space from %(num)s organisations.", num=state.labelled)
        message = _sentences(learned, _ranked_message(matching.rematch_all()))
    else:
        message = _(
            "Only %(num)s organisations have sectors or tags (%(needed)s needed): no space was learned.",
            num=state.labelled,
            needed=state.needed,
        )
    flash(message, "success")
    return redirect(url_for("learning.index"), 303)
