"""Personal API tokens: create one (shown once), list them and revoke them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matchmaker.accounts import tokens as api_tokens
from matchmaker.errors import ServiceError
from matchmaker.web.helpers import render_failure
from matchmaker.web.security import no_store
from matchmaker.web.throttling import signed_in_account, throttle

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _render(**context: object) -> str:
    return render_template(
        "api/tokens.html",
        tokens=api_tokens.list_tokens(current_user),
        **({"errors": {}, "form": {}} | context),
    )


@bp.get("/")
@login_required
@no_store
def index() -> str:
    return _render()


@bp.post("/")
@throttle("RATELIMIT_TOKEN_CREATION", signed_in_account)
@login_required
@no_store
def create() -> str | tuple[str, int]:
    """Issue a token and show it on this one page; it cannot be shown again."""
    try:
        token, secret = api_tokens.create_token(current_user, request.form.get("name", ""))
    except ServiceError as error:
        return render_failure(
            "api/tokens.html", error, tokens=api_tokens.list_tokens(current_user), form=request.form
        )
    return _render(new_token=token, new_secret=secret)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    try:
        token = api_tokens.revoke_token(current_user, token_id)
    except ServiceError as error:
        abort(error.status_code, error.message)
    flash(
        _("The token “%(name)s” is revoked; programs using it are refused from now on.", name=token.name),
        "success",
    )
    return redirect(url_for("api_tokens.index"))
