"""Saves are not queued behind reads (issue 20, finding 10): the gunicorn worker of `make run` and
deploy/gunicorn.conf.py serves requests that change data on threads of their own."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from matchmaker.serving import is_write

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

# A read that holds its thread until a write was served (or 20 s passed: then it says so).
APP = """
import threading
served = threading.Event()

def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "PATCH":
        served.set()
        body = b"saved"
    else:
        body = b"released" if served.wait(20) else b"the write waited behind the read"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def test_the_method_is_judged_without_consuming_the_request():
    left, right = socket.socketpair()
    with left, right:
        assert is_write(right) is False  # nothing arrived yet
        left.sendall(b"PATCH /api/v1/organisations/3 HTTP/1.1\r\n\r\n")
        assert is_write(right) is True
        assert right.recv(100).startswith(b"PATCH /api")  # still all there for the parser
        left.sendall(b"GET /review/ HTTP/1.1\r\n\r\n")
        assert is_write(right) is False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(port: int, method: str, results: dict[str, str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, "/")
    results[method] = connection.getresponse().read().decode()
    connection.close()


def test_a_write_is_served_while_every_read_thread_is_busy(tmp_path):
    (tmp_path / "held.py").write_text(APP)
    port = _free_port()
    server = subprocess.Popen(
        [
            GUNICORN, "--workers", "1", "--threads", "1", "--bind", f"127.0.0.1:{port}",
            "--worker-class", "matchmaker.serving.WritesFirstWorker", "--pythonpath", str(ROOT),
            "--chdir", str(tmp_path), "held:app",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        results: dict[str, str] = {}
        read = threading.Thread(target=_request, args=(port, "GET", results))
        read.start()
        time.sleep(0.5)  # the read holds the one read thread
        _request(port, "PATCH", results)
        read.join(timeout=60)
        assert results == {"PATCH": "saved", "GET": "released"}
    finally:
        server.terminate()
        server.wait(timeout=30)
