"""The job worker's process: RQ's SimpleWorker, kept alive across Redis outages, holding no transaction.

Three faults shaped it (issue 20):

- RQ forks its scheduler into a child process. A child forked after the warm-up inherits the worker's
  pooled PostgreSQL connections; when the worker was killed with SIGKILL the child lived on (PPID 1)
  and kept the dead worker's session open, idle in transaction, holding the locks of the job it was
  killed in: the restarted worker waited on them forever. Here the scheduler is a thread of the worker,
  so nothing outlives it and no other process shares its connections.
- The start-up work (``recover_abandoned``, ``requeue_pending``) left its session in a transaction for
  the worker's whole life, holding a lock on ``pending_refreshes``. It is committed and closed now.
- When Redis died mid-job, RQ logged "found an unhandled exception, quitting..." and the worker
  exited. `serve` waits for Redis to answer again and starts over: abandoned jobs are given back and
  the organisations still pending are queued again.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.scheduler import RQScheduler
from rq.scheduler import run as run_scheduler
from rq.worker import SimpleWorker

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs

logger = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 30.0


class ThreadScheduler(RQScheduler):
    """RQ's scheduler on a daemon thread of the worker instead of a forked process."""

    def start(self) -> Any:
        self._status = self.Status.STARTED
        thread = threading.Thread(target=run_scheduler, args=(self,), name="rq-scheduler", daemon=True)
        self._process = thread  # type: ignore[assignment]  # RQ only asks it is_alive()
        thread.start()
        return thread

    def _install_signal_handlers(self) -> None:
        """Signals belong to the worker's main thread; the worker stops this scheduler itself."""


class Worker(SimpleWorker):
    """A SimpleWorker (jobs run in its own process, the model stays loaded) with a thread scheduler."""

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = "INFO",
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        self.scheduler = ThreadScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            if burst:
                try:
                    self.scheduler.register_birth()
                    self.scheduler.enqueue_scheduled_jobs()
                finally:
                    self.scheduler.release_locks()
                    self.scheduler.register_death()
            else:
                self.scheduler.start()

    def stop_scheduler(self) -> None:
        scheduler = self.scheduler
        if scheduler is None:
            return
        scheduler.request_stop()
        thread = scheduler._process
        if isinstance(thread, threading.Thread) and thread is not threading.current_thread():
            thread.join(timeout=scheduler.interval + 5)

    def unsubscribe(self) -> None:
        """Stop listening on the worker's channel: the listening thread is told to stop *before* the
        channel is left, so the reply that wakes it finds it stopping.

        RQ 3.0 leaves the channel first: when the reply came before the stop (often, in a worker with
        more threads), the listener went back to waiting up to 60 s for a channel, RQ's join gave up
        after 1 s, and every worker's exit (each `--burst` run, each shutdown) lost a second.
        """
        thread = self.pubsub_thread
        if thread is None:
            return
        self.log.info("Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name)
        thread.stop()
        self.pubsub.unsubscribe()
        thread.join(timeout=1)
        self.pubsub.close()

    @property
    def stop_requested(self) -> bool:
        """Whether SIGINT/SIGTERM asked this worker to stop (RQ records when)."""
        return self._stop_requested or self._shutdown_requested_date is not None


def release_session() -> None:
    """End the worker's own transaction and give its connection back: nothing is held between jobs."""
    try:
        db.session.commit()
    finally:
        db.session.remove()


def serve(
    *,
    burst: bool,
    with_scheduler: bool,
    start_up: Callable[[set[str]], None],
    warm_up: Callable[[], None] | None = None,
    pause: float = 1.0,
) -> None:
    """Run jobs until asked to stop (or, with ``burst``, until the queue is empty).

    ``start_up(dead_workers)`` gives abandoned jobs back and queues pending refreshes; it runs before
    the first worker and again after each outage, with the names of this process's earlier workers
    (dead to Redis even though this pid lives). When a worker quits on an error (Redis gone mid-job),
    this waits until Redis answers and starts a new one, rather than leaving the queue unserved.
    """
    from redis.exceptions import RedisError

    earlier: set[str] = set()
    stopping = threading.Event()
    first = True
    while True:
        try:
            start_up(earlier)
        except RedisError as error:
            if first:
                raise
            logger.warning("Redis does not answer yet (%s); trying again", error)
            if _pause(stopping, pause):
                return
            pause = min(MAX_PAUSE_SECONDS, pause * 2)
            continue
        finally:
            release_session()
        if first and warm_up is not None:
            warm_up()
        first = False
        queue = jobs.worker_queue()
        worker = Worker([queue], connection=queue.connection)
        started = time.monotonic()
        try:
            worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
        except RedisError as error:  # RQ's own clean-up (register_death) met the outage too
            logger.warning("worker %s ended while Redis did not answer: %s", worker.name, error)
        finally:
            release_session()
        if burst or worker.stop_requested:
            return
        earlier.add(worker.name)
        if time.monotonic() - started > 60:
            pause = 1.0  # it served a while: a new outage starts with short waits again
        logger.warning("worker %s quit on an error; starting again once Redis answers", worker.name)
        if _pause(stopping, pause):
            return
        pause = min(MAX_PAUSE_SECONDS, pause * 2)


def _pause(stopping: threading.Event, seconds: float) -> bool:
    """Sleep ``seconds``; True when SIGINT or SIGTERM came meanwhile (the worker then ends)."""

    def stop(signum: int, frame: Any) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        deadline = time.monotonic() + seconds
        while not stopping.is_set() and time.monotonic() < deadline:
            stopping.wait(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return stopping.is_set()
