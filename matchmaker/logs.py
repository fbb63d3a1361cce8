"""Logging: one line per request with its id and duration, and that id in every line the request logs.

The app's logger is ``matchmaker`` (Flask names it after the app) and every module logs under it
(``logging.getLogger(__name__)``), so one handler here covers the whole package.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.wrappers import Response

LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy in front may pass its own id on; anything else (too long, odd characters) gets a new one.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
request_logger = logging.getLogger("matchmaker.request")


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was logged in ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or current_job_label() or "-"
        return True


class _MatchmakerHandler(logging.StreamHandler):
    """The package's handler; a class of its own so that a second app replaces it, never doubles it."""


def current_job_label() -> str | None:
    """``job:<id>`` inside a job on a worker, so every line a job logs names it."""
    from rq import get_current_job  # rq is imported by the worker already; a web process only on a log line

    job = get_current_job()
    return f"job:{job.id}" if job is not None else None


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    if not has_request_context():
        return None
    return g.get("request_id")


def register_logging(app: Flask) -> None:
    """Send the package's logs to stderr at ``LOG_LEVEL`` and log every request once it is answered."""
    logger = logging.getLogger("matchmaker")
    for handler in list(logger.handlers):
        if isinstance(handler, _MatchmakerHandler) or handler is default_handler:
            logger.removeHandler(handler)  # ours from an earlier app, or Flask's plain one
    handler = _MatchmakerHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    app.before_request(_start_request)
    app.after_request(_log_request)


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _ACCEPTED_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """One line per request: method, path, status and milliseconds (the 500 page passes here too)."""
    started = g.get("request_started")
    if started is None:  # a request refused before our before_request ran
        return response
    milliseconds = (time.perf_counter() - started) * 1000
    request_logger.info("%s %s %s %.1fms", request.method, request.path, response.status_code, milliseconds)
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response
