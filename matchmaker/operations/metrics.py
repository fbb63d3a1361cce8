"""Prometheus metrics: request latency by endpoint, the job queue, pending refreshes, save-to-fresh time.

Request latency is observed in each web process. Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` (the
shipped ``deploy/gunicorn.conf.py`` does) so that a scrape adds up every worker process, as
prometheus-client's multiprocess mode does. The queue, the failed jobs and the pending refreshes are read
from Redis and the database when scraped, so every process reports the same. The time from a save to
its fresh matches is observed where the refresh finishes, often in a job worker: it is counted in Redis
(one hash of histogram buckets) so that the web processes can report it.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.models import PendingRefresh, utcnow

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds from a save to its fresh matches: the goal is a few seconds, a stalled queue shows as minutes.
FRESHNESS_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
_FRESHNESS_KEY = "matchmaker:{queue}:save-to-fresh"

_request_seconds: Histogram | None = None
_local_freshness: Histogram | None = None


def _request_histogram() -> Histogram:
    """Made on first use, after gunicorn's configuration has set the multiprocess directory."""
    global _request_seconds
    if _request_seconds is None:
        _request_seconds = Histogram(
            "matchmaker_request_duration_seconds",
            "Time to answer a request, by endpoint, method and status class.",
            ["endpoint", "method", "status"],
            registry=None,
        )
    return _request_seconds


def register_metrics(app: Flask) -> None:
    """Observe every request's duration (the request's start is set by ``matchmaker.logs``)."""
    app.after_request(_observe_request)


def _observe_request(response: Response) -> Response:
    started = g.get("request_started")
    if started is not None and request.endpoint != "operations.metrics_view":
        status = f"{response.status_code // 100}xx"
        endpoint = request.endpoint or "unmatched"
        _request_histogram().labels(endpoint, request.method, status).observe(time.perf_counter() - started)
    return response


def observe_save_to_fresh(requested_at: datetime | None) -> None:
    """A refresh committed: record how long after its save (best effort; never fails the job)."""
    if requested_at is None:
        return
    seconds = max(0.0, (utcnow() - requested_at).total_seconds())
    if not jobs.queue_enabled():
        _freshness_local().observe(seconds)
        return
    try:
        key = _FRESHNESS_KEY.format(queue=jobs.queue_name())
        with jobs.redis_connection().pipeline() as pipeline:
            for bound in FRESHNESS_BUCKETS:
                if seconds <= bound:
                    pipeline.hincrby(key, f"le:{bound}", 1)
            pipeline.hincrby(key, "count", 1)
            pipeline.hincrbyfloat(key, "sum", seconds)
            pipeline.execute()
    except Exception as error:  # Redis down: the metric misses one sample, the matches are stored
        logger.warning("save-to-fresh time not recorded: %s", error)


def _freshness_local() -> Histogram:
    global _local_freshness
    if _local_freshness is None:
        _local_freshness = Histogram(
            "matchmaker_save_to_fresh_seconds",
            "Seconds from a profile save to its fresh matches.",
            buckets=FRESHNESS_BUCKETS,
            registry=None,
        )
    return _local_freshness


class StateCollector(Collector):
    """Gauges read at scrape time from the queue and the database, inside the app's context."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        with self.app.app_context():
            yield from self._pending()
            if jobs.queue_enabled():
                yield from self._queue()
                yield self._freshness_from_redis()
            elif _local_freshness is not None:
                yield from _local_freshness.collect()  # type: ignore[misc]

    def _pending(self) -> Iterator[GaugeMetricFamily]:
        count, oldest = db.session.execute(select(func.count(), func.min(PendingRefresh.requested_at))).one()
        db.session.rollback()  # a scrape must not leave a transaction open
        age = 0.0
        if oldest is not None:
            if oldest.tzinfo is None:  # SQLite gives naive UTC back
                oldest = oldest.replace(tzinfo=UTC)
            age = max(0.0, (utcnow() - oldest).total_seconds())
        yield GaugeMetricFamily(
            "matchmaker_pending_refreshes", "Organisations whose matches wait for a refresh.", value=count
        )
        yield GaugeMetricFamily(
            "matchmaker_pending_refresh_oldest_age_seconds",
            "Age of the oldest refresh still waiting (0 when none waits).",
            value=age,
        )

    def _queue(self) -> Iterator[GaugeMetricFamily]:
        try:
            queue = jobs.job_queue()
            depth = float(queue.count)
            failed = float(queue.failed_job_registry.count)
            started = float(queue.started_job_registry.count)
        except Exception as error:  # Redis down: say so with NaN rather than fail the scrape
            logger.warning("queue metrics unavailable: %s", error)
            depth = failed = started = float("nan")
        yield GaugeMetricFamily("matchmaker_queue_depth", "Jobs waiting on the queue.", value=depth)
        yield GaugeMetricFamily("matchmaker_jobs_started", "Jobs running now.", value=started)
        yield GaugeMetricFamily(
            "matchmaker_jobs_failed", "Jobs that used up their retries (kept 30 days).", value=failed
        )

    def _freshness_from_redis(self) -> HistogramMetricFamily:
        family = HistogramMetricFamily(
            "matchmaker_save_to_fresh_seconds", "Seconds from a profile save to its fresh matches."
        )
        try:
            raw = jobs.redis_connection().hgetall(_FRESHNESS_KEY.format(queue=jobs.queue_name()))
        except Exception:  # Redis down: an empty histogram
            raw = {}
        values = {_text(key): _text(value) for key, value in raw.items()}
        count = float(values.get("count", 0))
        buckets = [(str(bound), float(values.get(f"le:{bound}", 0))) for bound in FRESHNESS_BUCKETS]
        buckets.append(("+Inf", count))
        family.add_metric([], buckets, float(values.get("sum", 0.0)))
        return family


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def exposition(app: Flask) -> bytes:
    """The metrics text: this process's (or, in multiprocess mode, every process's) requests, plus the
    state read now."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_RequestsView())
    registry.register(StateCollector(app))
    return generate_latest(registry)


class _RequestsView(Collector):
    """This process's request histogram, for a single-process server."""

    def collect(self) -> Iterator[HistogramMetricFamily]:
        yield from _request_histogram().collect()  # type: ignore[misc]


def metrics_allowed() -> bool:
    """Loopback callers, or a caller with the configured bearer token (``MATCHMAKER_METRICS_TOKEN``)."""
    token = current_app.config.get("MATCHMAKER_METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header, f"Bearer {token}"):
        return True
    return request.remote_addr in {"127.0.0.1", "::1"}
