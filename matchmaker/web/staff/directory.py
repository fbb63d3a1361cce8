"""Staff tools: every organisation (hidden ones too) and accounts for partners and investors."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.accounts import users as accounts
from matchmaker.errors import ServiceError
from matchmaker.inputs import whole_number
from matchmaker.models import Role
from matchmaker.organisations import profiles as organisations
from matchmaker.web.helpers import render_failure, staff_required
from matchmaker.web.security import no_store
from matchmaker.web.throttling import signed_in_account, throttle

bp = Blueprint("staff", __name__, url_prefix="/staff")


def _invitable_roles() -> list[Role]:
    return sorted(accounts.INVITABLE_BY[current_user.role_enum], key=lambda r: list(Role).index(r))


@bp.route("/accounts/new", methods=["GET", "POST"])
@throttle("RATELIMIT_INVITATIONS", signed_in_account)
@staff_required
@no_store  # the answer shows the invitation's set-password link
def invite() -> str | tuple[str, int]:
    """Create an account for a partner, investor or founder and show the one-time invitation link."""
    # Staff mostly create accounts for partners' people (founders sign up themselves): Partner first.
    context = {
        "organisations": organisations.all_organisations(),
        "roles": _invitable_roles(),
        "default_role": Role.PARTNER.value,
    }
    if request.method == "GET":
        return render_template("staff/invite.html", form={}, errors={}, **context)
    form = request.form
    organisation_id = form.get("organisation_id", "")
    try:
        user = accounts.invite_user(
            current_user,
            form.get("display_name", ""),
            form.get("email", ""),
            form.get("role", ""),
            whole_number(organisation_id, 1),
            form.get("language", ""),
        )
    except ServiceError as error:
        return render_failure("staff/invite.html", error, form=form, **context)
    link = accounts.send_invitation(user)
    flash(_("Account created for %(email)s; the invitation is in the outbox.", email=user.email), "success")
    return render_template("staff/invited.html", invited=user, link=link)


@bp.get("/accounts")
@staff_required
def accounts_list() -> str:
    return render_template("staff/accounts.html", users=accounts.all_accounts())
