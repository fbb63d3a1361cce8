"""The request boundary: what every request must satisfy before a view sees it.

Ids in paths fit the database's integer; text holds no NUL or lone surrogate (PostgreSQL cannot store
them); JSON is small, shallow and finite. Refusals are 4xx pages, or JSON errors under the API.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, abort, current_app, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from matchmaker.api.core import error_response
from matchmaker.api_paths import is_api_request
from matchmaker.errors import ServiceError
from matchmaker.extensions import db
from matchmaker.inputs import (
    DB_INT_MAX,
    first_unstorable,
    is_storable_text,
    json_nesting_depth,
    positive_up_to,
)

JSON_DEPTH_MAX = 32


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits from 1 up to the database's integer maximum.

    Anything else does not match the route, so it is a 404 rather than a database overflow (500).
    """

    regex = positive_up_to(DB_INT_MAX)

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class StrictJSONProvider(DefaultJSONProvider):
    """JSON as the standard defines it (no NaN or Infinity), finite numbers, and limited nesting."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if json_nesting_depth(s, JSON_DEPTH_MAX) > JSON_DEPTH_MAX:
            raise ValueError(f"JSON nested more than {JSON_DEPTH_MAX} levels deep")
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        return json.loads(s, **kwargs)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def register_boundary(app: Flask) -> None:
    """Install the converter (before any route is added), the JSON rules and the checks."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json_provider_class = StrictJSONProvider
    app.json = StrictJSONProvider(app)
    app.before_request(refuse_unstorable_input)
    app.register_error_handler(ServiceError, service_error_page)


def _unstorable_message() -> str:
    return _(
        "The request contains a character that cannot be stored (a NUL character or an unpaired "
        "surrogate). Remove it and try again."
    )


def refuse_unstorable_input() -> None:
    """400 for NUL or lone surrogates in the path, query, form or JSON; 413 for oversized JSON."""
    texts: list[str] = []
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            texts += [key, value]
    texts += [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    if not all(is_storable_text(text) for text in texts):
        abort(400, _unstorable_message())
    if request.is_json and request.method in {"POST", "PUT", "PATCH"}:
        limit = current_app.config["MATCHMAKER_JSON_MAX_BYTES"]
        if (request.content_length or 0) > limit:
            abort(413, _("The request body is larger than %(num)s bytes.", num=limit))
        body = request.get_json(silent=True)
        if body is not None and first_unstorable(body) is not None:
            abort(400, _unstorable_message())


def service_error_page(error: ServiceError) -> tuple[str, int] | Response:
    """A service's refusal that a view did not catch: a page (or JSON) with its status, nothing saved."""
    db.session.rollback()
    if is_api_request():
        return error_response(error.status_code, error.message, getattr(error, "errors", None))
    page = render_template(
        "error.html", code=error.status_code, name=_("Request refused"), message=error.message
    )
    return page, error.status_code
