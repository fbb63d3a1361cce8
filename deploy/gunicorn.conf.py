"""gunicorn for matchmaker behind nginx: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

No preload: the app (and never the model) is created in each worker after the fork. Three gthread
workers of four threads suit two cores (bench/reads.py); each also serves writes on two threads of its
own (matchmaker/serving.py). Metrics from every worker are added up through
PROMETHEUS_MULTIPROC_DIR, which the systemd unit points at a fresh runtime directory.
"""

import os

bind = os.environ.get("MATCHMAKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MATCHMAKER_WEB_WORKERS", "3"))
threads = int(os.environ.get("MATCHMAKER_WEB_THREADS", "4"))
# gthread, with requests that change data on threads of their own: a save never waits behind queued
# reads (matchmaker/serving.py).
worker_class = "matchmaker.serving.WritesFirstWorker"
timeout = 120
graceful_timeout = 30
preload_app = False  # never build the app, let alone the model, in the parent before workers fork
accesslog = None  # the app logs one line per request, with its request id
forwarded_allow_ips = "127.0.0.1"  # nginx on this machine sets X-Forwarded-*


def on_starting(server):  # noqa: ANN001, ANN201 (gunicorn's hook signature)
    """Start from an empty metrics directory: files of a previous run would be added up again."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):  # noqa: ANN001, ANN201
    """A worker that exits leaves its live gauges behind; prometheus-client drops them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
