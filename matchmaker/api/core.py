"""The API blueprint: bearer-token authentication, JSON bodies and JSON errors for every failure."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, HTTPException

from matchmaker.accounts import tokens as api_tokens
from matchmaker.api_paths import API_PREFIX
from matchmaker.errors import ServiceError
from matchmaker.extensions import db
from matchmaker.i18n import http_error_text
from matchmaker.inputs import DB_INT_MAX, first_unstorable, whole_number
from matchmaker.models import User
from matchmaker.web.throttling import api_token, throttle

# Endpoints anyone may read without a token (the description of the API itself).
PUBLIC_ENDPOINTS = {"api.openapi_document"}
AUTHENTICATE_HEADER = 'Bearer realm="matchmaker"'

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
# Once, here: the limit is registered on the blueprint object, which every app shares.
throttle("RATELIMIT_API", api_token, methods=None)(bp)


class ApiError(Exception):
    """A refusal raised by an API view, answered as a JSON error."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(
    status: int, message: str, fields: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> Response:
    """The one error shape of the API: ``{"error": {"status", "message", "fields"}}``."""
    response = jsonify({"error": {"status": status, "message": message, "fields": fields or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error_response(error: HTTPException) -> Response:
    """An HTTP exception (routing, size limits, abort) as a JSON error, keeping headers such as Allow."""
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return error_response(error.code or 500, http_error_text(error)[1], headers=headers)


def api_user() -> User:
    """The account the request's token belongs to (set by ``authenticate``)."""
    return g.api_user


@bp.before_request
def authenticate() -> Response | None:
    """Every endpoint but the OpenAPI document needs ``Authorization: Bearer <token>``.

    Session cookies count for nothing here, which is why the API needs no CSRF protection.
    """
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return None
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error_response(
            401,
            _("Send an API token as 'Authorization: Bearer <token>'; create one at /account/tokens."),
            headers={"WWW-Authenticate": AUTHENTICATE_HEADER},
        )
    user = api_tokens.user_for_token(token.strip())
    if user is None:
        return error_response(
            401,
            _("This API token is unknown, revoked, or its account is deactivated."),
            headers={"WWW-Authenticate": AUTHENTICATE_HEADER + ', error="invalid_token"'},
        )
    g.api_user = user
    return None


def json_body(required: bool = True) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}`` when ``required`` is False.

    Only a body that says it is JSON (``Content-Type: application/json``) is read, so that it also
    passed the checks every JSON request gets (NUL characters, MATCHMAKER_JSON_MAX_BYTES): another
    content type is refused with 415 and a larger body with 413, whatever its headers claimed.
    """
    data = request.get_data(cache=True)
    if not data and not required:
        return {}
    if not request.is_json:
        raise ApiError(415, _("Send the body as JSON, with the header 'Content-Type: application/json'."))
    limit = current_app.config["MATCHMAKER_JSON_MAX_BYTES"]
    if len(data) > limit:
        raise ApiError(413, _("The request body is larger than %(num)s bytes.", num=limit))
    try:
        body = request.get_json()
    except BadRequest as exc:
        raise ApiError(400, _("The request body is not valid JSON.")) from exc
    if first_unstorable(body) is not None:  # a body the boundary's check did not see (chunked)
        raise ApiError(
            400,
            _(
                "The request contains a character that cannot be stored (a NUL character or an unpaired "
                "surrogate). Remove it and try again."
            ),
        )
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return body


def check_known_fields(body: dict[str, Any], allowed: set[str] | frozenset[str]) -> None:
    """Refuse fields the endpoint does not know, so that a typo is not silently ignored."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(
            422,
            _("The request has fields this endpoint does not accept."),
            {k: _("Unknown field.") for k in unknown},
        )


def int_arg(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole-number query parameter within bounds, or a 422 naming it."""
    raw = request.args.get(name)
    if raw is None:  # "?page=" is not a number, as the document says; only an absent one takes the default
        return default
    value = whole_number(raw, minimum, DB_INT_MAX if maximum is None else maximum)
    if value is None:
        if maximum is not None:
            hint = _("Use a whole number between %(low)s and %(high)s.", low=minimum, high=maximum)
        else:
            hint = _("Use a whole number of at least %(low)s.", low=minimum)
        raise ApiError(422, _("Check the query parameters."), {name: hint})
    return value


# Seconds a client waits after a 503 (the queue or the database does not answer just now).
UNAVAILABLE_RETRY_AFTER = "60"


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.fields)


@bp.errorhandler(ServiceError)
def handle_service_error(error: ServiceError) -> Response:
    """The services' refusals keep their status; whatever they left unsaved is dropped."""
    db.session.rollback()
    headers = {"Retry-After": UNAVAILABLE_RETRY_AFTER} if error.status_code == 503 else None
    return error_response(error.status_code, error.message, getattr(error, "errors", None), headers)


@bp.errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> Response:
    return http_error_response(error)


def drop_retry_after(response: Response) -> Response:
    """Retry-After belongs on 429 and 503 only; Flask-Limiter adds it to every limited answer, with the
    seconds left in its own window, which would overwrite a 503's own wait (60 became 59 a second in)."""
    if response.status_code < 400:
        response.headers.pop("Retry-After", None)
    elif response.status_code == 503:
        response.headers["Retry-After"] = UNAVAILABLE_RETRY_AFTER
    return response


@bp.record_once
def _after_the_limiter(state: Any) -> None:
    """Run ``drop_retry_after`` after Flask-Limiter's header hook: app hooks run in reverse order of
    registration, and the limiter registered its hook when the extensions were set up."""
    state.app.after_request_funcs.setdefault(None, []).insert(0, drop_retry_after)


@bp.after_request
def no_store(response: Response) -> Response:
    """Answers depend on who asks; shared caches must not keep them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response
