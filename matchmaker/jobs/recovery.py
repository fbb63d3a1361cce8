"""Crash recovery: jobs whose worker died are given back to the queue, or failed."""

from __future__ import annotations

import logging
import os
import socket

from matchmaker.jobs.queue import job_queue, redis_connection

logger = logging.getLogger(__name__)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned() -> int:
    """Give jobs whose worker died (killed, out of memory) back to the queue, or fail them.

    RQ notices a dead worker only after its heartbeat expires; a worker starting on the same machine
    knows at once, since the pid of the worker that started the job is gone. Returns how many.
    """
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.registry import StartedJobRegistry
    from rq.worker import Worker

    queue = job_queue()
    connection = redis_connection()
    registry = StartedJobRegistry(queue=queue)
    live = {w.name: w for w in Worker.all(connection=connection)}
    host = socket.gethostname()
    recovered = 0
    for job_id in registry.get_job_ids():
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            continue
        if job.get_status() != "started":
            continue
        worker = live.get(job.worker_name or "")
        if worker is not None and not (
            worker.hostname == host and worker.pid is not None and not _process_alive(worker.pid)
        ):
            continue  # its worker is alive (or on another machine, where its heartbeat decides)
        will_retry = bool(job.retries_left)
        with connection.pipeline() as pipeline:
            if will_retry:
                job.retry(queue, pipeline)
            else:
                from rq.job import JobStatus

                job.set_status(JobStatus.FAILED, pipeline=pipeline)
                queue.failed_job_registry.add(job, exc_string="the worker running it died", pipeline=pipeline)
            for key in registry.get_job_and_execution_ids():
                if key[0] == job.id:
                    pipeline.zrem(registry.key, f"{key[0]}:{key[1]}")
            pipeline.execute()
        if worker is not None:
            worker.register_death()
        recovered += 1
        outcome = "queued again" if will_retry else "failed"
        logger.warning("job %s was abandoned by a dead worker; %s", job.id, outcome)
    return recovered
