"""The job worker and scheduled jobs: ``flask worker`` and ``flask jobs enqueue NAME``."""

from __future__ import annotations

import logging
import os
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from matchmaker.jobs import registry
from matchmaker.operations.health import Heartbeat


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run every queued job, then stop (tests, cron, one-off work).")
@click.option(
    "--with-scheduler/--without-scheduler",
    default=True,
    help="Also move retries whose back-off has passed back onto the queue (default: on).",
)
@click.option(
    "--warm-up/--no-warm-up",
    default=None,
    help="Load the model and build the candidates before the first job "
    "(default: on for a long-running worker, off with --burst).",
)
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool, warm_up: bool | None) -> None:
    """Run jobs from the Redis queue: match refreshes after saves, rematch, digest, outbox, expiry.

    The model is loaded by the first job that needs it and stays loaded: the worker runs jobs in its
    own process (no fork per job), with one torch/OpenMP thread, so it shares the machine's cores.
    """
    yield_cpu(current_app.config["MATCHMAKER_WORKER_NICE"])
    limit_threads(int(current_app.config.get("MATCHMAKER_TORCH_THREADS") or 1))
    from matchmaker.jobs import queue as jobs
    from matchmaker.jobs import recovery, worker
    from matchmaker.matching import pending

    if not jobs.queue_enabled():
        raise click.ClickException("MATCHMAKER_REDIS_URL is not set; without Redis every job runs inline.")

    def start_up(earlier_workers: set[str]) -> None:
        recovered = recovery.recover_abandoned(earlier_workers)
        requeued = pending.requeue_pending()
        click.echo(
            f"Queue {jobs.queue_name()!r}: {recovered} abandoned job(s) given back, "
            f"{requeued} pending match refresh(es) queued."
        )

    # /readyz reads this heartbeat: a killed worker's key expires within seconds, not RQ's minutes.
    heartbeat = Heartbeat(
        current_app.config["MATCHMAKER_REDIS_URL"],
        jobs.queue_name(),
        current_app.config["MATCHMAKER_WORKER_HEARTBEAT_TTL"],
    ).start()
    try:
        worker.serve(
            burst=burst,
            with_scheduler=with_scheduler,
            start_up=start_up,
            warm_up=_warm_up if (warm_up if warm_up is not None else not burst) else None,
        )
    finally:
        heartbeat.stop()


def yield_cpu(increment: int) -> None:
    """Lower this process's CPU priority by ``increment`` (its children, the scheduler, inherit it).

    Under load the web processes then get the cores first: a save answers, and its refresh waits a
    little (later saves of the same profile supersede it anyway)."""
    if increment > 0:
        os.nice(increment)


def limit_threads(threads: int) -> Any:
    """Run the libraries' thread pools (OpenMP, MKL, OpenBLAS) on ``threads`` threads.

    The variables reach the libraries loaded from now on (scikit-learn's OpenMP, torch). numpy's
    OpenBLAS was loaded with the app, before this command ran, and had started one thread per core:
    threadpoolctl sets it now. Values already in the environment are kept for the libraries to come,
    as before; BLAS follows ``OPENBLAS_NUM_THREADS`` too. Returns threadpoolctl's limits (which can
    restore the earlier ones)."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, str(threads))
    from threadpoolctl import threadpool_limits

    given = os.environ["OPENBLAS_NUM_THREADS"]
    blas_threads = int(given) if given.isdigit() and int(given) > 0 else threads
    return threadpool_limits(limits=blas_threads, user_api="blas")


def _warm_up() -> None:
    """Build what the first refresh needs in the app the jobs run in (its caches are per app)."""
    import time

    from matchmaker.jobs import queue as jobs
    from matchmaker.matching import refresh as matching

    started = time.perf_counter()
    try:
        with jobs.worker_app().app_context():
            sizes = matching.warm_up()
    except Exception as error:  # an empty directory, a database not reachable yet: jobs still run
        logging.getLogger(__name__).exception("warm-up failed")
        click.echo(
            f"Warm-up skipped ({error.__class__.__name__}: {error}); the first job builds what it needs."
        )
        return
    click.echo(
        f"Warmed up in {time.perf_counter() - started:.1f} s: "
        f"{sizes['startups']} startups, {sizes['counterparts']} partners and investors ready."
    )


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: put scheduled work on the queue (cron calls these)."""


@jobs_group.command("enqueue")
@click.argument("name", type=click.Choice(registry.scheduled_names()))
@with_appcontext
def enqueue_command(name: str) -> None:
    """Put the job NAME on the queue (or run it now without Redis), e.g. from cron."""
    from matchmaker.jobs import queue as jobs

    ref = jobs.enqueue(name, description=registry.JOBS[name].description)
    if ref.id is None:
        click.echo(f"{name}: ran inline ({ref.state}).")
        if ref.state == "failed":
            raise click.ClickException(ref.error or "the job failed")
    else:
        click.echo(f"{name}: queued as job {ref.id}.")
