"""Account pages. Views only read the form, call the accounts service and render."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from matchmaker.accounts import users as accounts
from matchmaker.accounts.preferences import save_language
from matchmaker.errors import ServiceError
from matchmaker.i18n import LANGUAGES, SESSION_KEY, is_supported
from matchmaker.web.helpers import is_safe_next, render_failure
from matchmaker.web.security import no_store
from matchmaker.web.throttling import client_address, submitted_account, throttle

bp = Blueprint("auth", __name__)


def _start_session(user: accounts.User, remember: bool) -> None:
    # A fresh session at login: nothing from before sign-in (a planted session id) survives, except
    # the language the visitor chose on these pages, which becomes the account's choice. An account
    # that has no language yet takes the browser's at its first sign-in and keeps it (mail too).
    chosen = session.get(SESSION_KEY)
    session.clear()
    login_user(user, remember=remember)
    accounts.record_login(user)
    if not is_supported(chosen) and user.language is None:
        chosen = request.accept_languages.best_match(list(LANGUAGES))
    if is_supported(chosen) and chosen != user.language:
        save_language(user, chosen)


def _asked_language() -> str | None:
    """The language the visitor chose on these pages, else the one their browser asks for (None when
    it asks for neither: the account then follows the app's default until a choice is made)."""
    chosen = session.get(SESSION_KEY)
    if is_supported(chosen):
        return str(chosen)
    if not request.headers.get("Accept-Language"):
        return None
    best = request.accept_languages.best_match(list(LANGUAGES))
    return best if is_supported(best) else None


@bp.route("/signup", methods=["GET", "POST"])
@throttle("RATELIMIT_SIGNUP", client_address)
def signup() -> Response | str | tuple[str, int]:
    """Founders create their own account, then their startup."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("auth/signup.html", form={}, errors={})
    form = request.form
    try:
        accounts.register_founder(
            form.get("display_name", ""),
            form.get("email", ""),
            form.get("password", ""),
            form.get("confirm", ""),
            language=_asked_language(),
        )
    except ServiceError as error:
        return render_failure("auth/signup.html", error, form=form)
    # New account or taken address, the same page: the new founder was mailed a link to sign in and
    # describe the startup, an existing owner a note that someone tried; the visitor learns nothing.
    return render_template("auth/signup_mailed.html", email=accounts.normalise_email(form["email"]))


@bp.route("/login", methods=["GET", "POST"])
@throttle("RATELIMIT_LOGIN_ACCOUNT", submitted_account, failures_only=True)
@throttle("RATELIMIT_LOGIN_ADDRESS", client_address, failures_only=True)
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("auth/login.html", form={}, next=request.args.get("next", ""))
    form = request.form
    user = accounts.authenticate(form.get("email", ""), form.get("password", ""))
    if user is None:
        return (
            render_template(
                "auth/login.html",
                form={"email": form.get("email", "")},
                next=form.get("next", ""),
                error=_("Wrong e-mail address or password."),
            ),
            401,
        )
    _start_session(user, remember=form.get("remember") in {"on", "1", "true"})
    target = form.get("next")
    return redirect(target if is_safe_next(target) else url_for("dashboard.index"))


@bp.post("/logout")
@login_required
def logout() -> Response:
    accounts.sign_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("auth/change_password.html", errors={})
    form = request.form
    try:
        accounts.change_password(
            current_user,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirm", ""),
        )
    except ServiceError as error:
        return render_failure("auth/change_password.html", error)
    # The change ended every session of the account, this one too; keep only this one signed in.
    _start_session(current_user._get_current_object(), remember=False)
    flash(_("Your password is changed. Other devices are signed out."), "success")
    return redirect(url_for("dashboard.index"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@no_store  # its address is the secret
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    """An invited partner, investor or staff member sets their password."""
    try:
        invited = accounts.user_for_invitation(token)
    except ServiceError as error:
        return render_template("error.html", code=404, name="Invitation", message=error.message), 404
    if request.method == "GET":
        return render_template("auth/invitation.html", invited=invited, errors={})
    try:
        user = accounts.accept_invitation(
            token, request.form.get("password", ""), request.form.get("confirm", "")
        )
    except ServiceError as error:
        return render_failure("auth/invitation.html", error, invited=invited)
    _start_session(user, remember=False)
    flash(_("Your password is set. Welcome to matchmaker."), "success")
    return redirect(url_for("dashboard.index"))


@bp.route("/password/reset", methods=["GET", "POST"])
@throttle("RATELIMIT_PASSWORD_RESET", client_address)
@throttle("RATELIMIT_PASSWORD_RESET_ACCOUNT", submitted_account)
def request_password_reset() -> Response | str:
    """Ask for a reset link by e-mail; the answer never says whether the address has an account."""
    if request.method == "GET":
        return render_template("auth/reset_request.html", form={}, sent=False)
    accounts.request_password_reset(request.form.get("email", ""))
    return render_template("auth/reset_request.html", form={}, sent=True)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@no_store
def reset_password(token: str) -> Response | str | tuple[str, int]:
    """Choose a new password from a mailed reset link; every session of the account ends."""
    try:
        user = accounts.user_for_password_reset(token)
    except ServiceError as error:
        return render_template("error.html", code=404, name=_("Password reset"), message=error.message), 404
    if request.method == "GET":
        return render_template("auth/reset_password.html", user=user, errors={})
    try:
        accounts.reset_password(token, request.form.get("password", ""), request.form.get("confirm", ""))
    except ServiceError as error:
        return render_failure("auth/reset_password.html", error, user=user)
    if current_user.is_authenticated:
        logout_user()
    session.clear()
    flash(_("Your password is changed and every device is signed out. Sign in with it now."), "success")
    return redirect(url_for("auth.login"))
