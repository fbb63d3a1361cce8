"""``/healthz``, ``/readyz`` and ``/metrics``: for the load balancer, the service manager and Prometheus.

No sign-in: they say nothing about anyone's data. ``/metrics`` answers loopback callers, or a caller
with the ``MATCHMAKER_METRICS_TOKEN`` bearer token; the shipped nginx site does not pass it on.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify
from werkzeug.wrappers import Response

from matchmaker.operations import health, metrics

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process answers (liveness: restart it when this fails)."""
    response = jsonify({"alive": True})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Everything a request needs answers (readiness: send no traffic here while this is 503)."""
    state = health.readiness()
    response = jsonify(state.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if state.ready else 503


@bp.get("/metrics")
def metrics_view() -> Response:
    """Prometheus text exposition."""
    if not metrics.metrics_allowed():
        abort(403)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return Response(metrics.exposition(app), mimetype=None, content_type=metrics.CONTENT_TYPE)
