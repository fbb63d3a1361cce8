"""Staff page: learned component weights against today's, the switch, and learning again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.matching import learning, space, tuning
from matchmaker.web.helpers import staff_required

bp = Blueprint("learning", __name__, url_prefix="/staff/learning")


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
    return render_template(
        "learning/index.html",
        enabled=learning.learning_enabled(),
        weights=weights,
        table=learning.weight_table(tuning.base_config()),
        counterpart_names=tuning.counterpart_names(weights),
        trail=learning.audit_trail(),
        space=space.space_state(),
        space_enabled=space.space_enabled(),
    )


@bp.post("/switch")
@staff_required
def switch() -> Response:
    enabled = request.form.get("enabled") == "1"
    learning.set_learning(current_user, enabled)
    total = tuning.rank_again()  # every stored match is ranked again with the weights now in use
    state = _("Learning is on.") if enabled else _("Learning is off: today's weights rank every match.")
    flash(_sentences(state, _ranked_message(total)), "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/learn")
@staff_required
def learn_now() -> Response:
    weights = learning.learn(current_user, tuning.base_config())
    learned = _("Learned from %(num)s outcomes.", num=sum(weights.history.values()))
    flash(_sentences(learned, _ranked_message(tuning.rank_again())), "success")
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
    flash(_sentences(state, _ranked_message(tuning.rank_again())), "success")
    return redirect(url_for("learning.index"), 303)


@bp.post("/space/learn")
@staff_required
def learn_space() -> Response:
    outcome = tuning.learn_space(current_user)
    if outcome.queued:
        flash(
            _(
                "The similarity space is being learned by a background job, then every match is "
                "ranked again; this page shows it when it is done."
            ),
            "success",
        )
    elif outcome.state is None:  # Redis does not answer: nothing was learned; say so
        flash(outcome.error or _("The job failed."), "error")
    elif outcome.state.fitted:
        learned = _("Learned the similarity space from %(num)s organisations.", num=outcome.state.labelled)
        flash(_sentences(learned, _ranked_message(outcome.ranked)), "success")
    else:
        message = _(
            "Only %(num)s organisations have sectors or tags (%(needed)s needed): no space was learned.",
            num=outcome.state.labelled,
            needed=outcome.state.needed,
        )
        flash(message, "success")
    return redirect(url_for("learning.index"), 303)
