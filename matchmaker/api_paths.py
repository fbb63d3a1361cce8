"""Where the JSON API lives: read by the views, the locale and the error pages alike.

Kept below them all (it imports only flask), so the locale (``matchmaker.i18n``) and the error pages
(``matchmaker.web.boundary``) need not import the API's blueprint to know a request is the API's.
"""

from __future__ import annotations

from flask import request

API_PREFIX = "/api/v1"


def is_api_request() -> bool:
    """True for every path under the API prefix, matched by a route or not."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
