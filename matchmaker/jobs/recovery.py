"""Crash recovery: jobs whose worker died are given back to the queue, or failed."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Collection

from matchmaker.jobs.queue import job_queue, redis_connection

logger = logging.getLogger(__name__)

DIED = "the worker running it died"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned(dead_workers: Collection[str] = ()) -> int:
    """Give jobs whose worker died (killed, out of memory) back to the queue, or fail them.

    RQ notices a dead worker only after its heartbeat expires; a worker starting on the same machine
    knows at once, since the pid of the worker that started the job is gone. ``dead_workers`` names
    workers known dead although their pid lives (this process's workers before a Redis outage).
    Each job goes through RQ's own failure handling (``Worker.handle_job_failure``), as if the worker
    had seen its job fail: retried while it has retries left, else failed, its execution and its
    entry in the started registry removed. Returns how many.
    """
    from rq.exceptions import NoSuchJobError
    from rq.executions import Execution
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry
    from rq.worker import SimpleWorker, Worker

    queue = job_queue()
    connection = redis_connection()
    registry = StartedJobRegistry(queue=queue)
    live = {w.name: w for w in Worker.all(connection=connection)}
    host = socket.gethostname()
    recovered = 0
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            continue
        if job.get_status() != JobStatus.STARTED:
            continue
        try:
            execution = Execution.fetch(execution_id, job_id, connection)
        except Exception:  # its record expired; the registry entry still names it
            execution = Execution.from_composite_key(f"{job_id}:{execution_id}", connection)
        name = execution.worker_name or job.worker_name or ""
        worker = live.get(name)
        dead = name in dead_workers or (
            worker is not None
            and worker.hostname == host
            and worker.pid is not None
            and not process_alive(worker.pid)
        )
        if worker is not None and not dead:
            continue  # its worker is alive (or on another machine, where its heartbeat decides)
        # The dead worker's own record handles the failure; a record already expired is stood in for
        # by one of the same name (register_death below lets it expire again within a minute).
        handler = worker or SimpleWorker([queue], connection=connection, name=name or None)
        will_retry = job.should_retry
        handler.handle_job_failure(
            job, queue, started_job_registry=registry, exc_string=DIED, execution=execution
        )
        handler.register_death()
        recovered += 1
        outcome = "queued again" if will_retry else "failed"
        logger.warning("job %s was abandoned by a dead worker; %s", job.id, outcome)
    return recovered
