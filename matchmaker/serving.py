"""The gunicorn worker `make run` and deploy/gunicorn.conf.py use: gthread, with writes served first.

gunicorn's gthread worker hands every request that arrives to one pool of threads, first come, first
served. Under many readers a save then waits behind every read queued before it in its worker
(bench/reads.py: 50 readers kept about 15 requests queued per worker, and saves answered at p95 above a
second). This worker looks at the request's first bytes while they still sit in the socket (a peek,
nothing is consumed) and gives requests that change data (POST, PUT, PATCH, DELETE) threads of their
own, so a save starts as soon as it arrives; reads keep the pool of ``--threads``. Behind TLS
terminated by gunicorn itself the bytes are not readable and every request goes to the pool.

It overrides gthread's ``enqueue_req`` and uses its ``_wrap_future``: not documented API, so
tests/operations/test_serving.py runs the locked gunicorn with it (a write answered while the only read
thread is held), and a gunicorn upgrade that changes them fails there, not in production.
"""

from __future__ import annotations

import socket
from concurrent import futures
from typing import Any

from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]

# Threads per worker process for requests that change data (the saves of a few people at a time).
WRITE_THREADS = 2
WRITE_METHODS = (b"POST ", b"PUT ", b"PATCH ", b"DELETE ")
_PEEK = max(len(method) for method in WRITE_METHODS)


def is_write(sock: socket.socket) -> bool:
    """Whether the request waiting in ``sock`` changes data, judged by its method; nothing is read."""
    try:
        head = sock.recv(_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (OSError, ValueError):  # nothing there yet, TLS, a closed socket: the usual pool
        return False
    return head.startswith(WRITE_METHODS)


class WritesFirstWorker(ThreadWorker):
    """gthread with a second, small pool for requests that change data: they never queue behind reads."""

    def init_process(self) -> None:
        self.write_pool = futures.ThreadPoolExecutor(max_workers=WRITE_THREADS, thread_name_prefix="writes")
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        if not conn.cfg.is_ssl and is_write(conn.sock):
            conn.init()
            self._wrap_future(self.write_pool.submit(self.handle, conn), conn)
            return
        super().enqueue_req(conn)

    def handle_quit(self, sig: int, frame: Any) -> None:
        self.write_pool.shutdown(wait=False)
        super().handle_quit(sig, frame)
