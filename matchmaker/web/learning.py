"""Staff page: learned component weights against today's, the switch, and learning again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from matchmaker.engine.scoring import ScoringConfig
from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.services import learning, matching, space
from matchmaker.services.embeddings import app_encoder
from matchmaker.web.helpers import staff_required

bp = Blueprint("learning", __name__, url_prefix="/staff/learning")


def _base() -> ScoringConfig:
    return ScoringConfig.for_model(app_encoder().model_id)


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
    total = matching.rematch_all()  # every stored match is ranked again with the weights now in use
    message = (
        _("Learning is on; %(num)s matches were ranked again.", num=total)
        if enabled
        else _("Learning is off: today's weights rank every match again (%(num)s).", num=total)
    )
    flash(message, "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/learn")
@staff_required
def learn_now() -> Response:
    weights = learning.learn(current_user, _base())
    total = matching.rematch_all()
    flash(
        _(
            "Learned from %(num)s outcomes; %(matches)s matches were ranked again.",
            num=sum(weights.history.values()),
            matches=total,
        ),
        "success",
    )
    return redirect(url_for("learning.index"), 303)


@bp.post("/space/switch")
@staff_required
def switch_space() -> Response:
    enabled = request.form.get("enabled") == "1"
    space.set_space(current_user, enabled)
    total = matching.rematch_all()
    message = (
        _("The learned similarity space is on; %(num)s matches were ranked again.", num=total)
        if enabled
        else _(
            "The learned similarity space is off: plain similarity ranks every match again (%(num)s).",
            num=total,
        )
    )
    flash(message, "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/space/learn")
@staff_required
def learn_space() -> Response:
    state = space.learn_space(current_user, _base())
    total = matching.rematch_all()
    if state.fitted:
        message = _(
            "Learned the similarity space from %(num)s organisations; %(matches)s matches were ranked again.",
            num=state.labelled,
            matches=total,
        )
    else:
        message = _(
            "Only %(num)s organisations have sectors or tags (%(needed)s needed): no space was learned.",
            num=state.labelled,
            needed=state.needed,
        )
    flash(message, "success")
    return redirect(url_for("learning.index"), 303)
