"""A worker leaves its Redis channel without waiting: each `--burst` run and each shutdown ends at once."""

from __future__ import annotations

import time

import pytest
import redis
from redis.client import PubSubWorkerThread
from rq import Queue

from matchmaker.jobs.worker import Worker
from tests.conftest import require_redis
from tests.jobs.conftest import REDIS_URL


def test_the_channel_listener_has_ended_when_unsubscribe_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The listening thread must be told to stop before the channel is left. Here the stop comes late
    (as when other threads of the worker hold the interpreter), so the reply to leaving the channel
    reaches the listener first: left running, it would wait up to 60 s for a channel, and the
    worker's exit would give up on it after a second."""
    connection = require_redis(REDIS_URL)
    original_stop = PubSubWorkerThread.stop

    def late_stop(thread: PubSubWorkerThread) -> None:
        time.sleep(0.3)  # long enough for Redis's reply to any UNSUBSCRIBE already sent
        original_stop(thread)

    monkeypatch.setattr(PubSubWorkerThread, "stop", late_stop)
    worker = Worker([Queue("mm-test-exit", connection=connection)], connection=connection)
    worker.subscribe()
    listener = worker.pubsub_thread
    assert listener is not None
    deadline = time.monotonic() + 5
    while not worker.pubsub.subscribed and time.monotonic() < deadline:
        time.sleep(0.01)  # the listener reads the SUBSCRIBE reply
    worker.unsubscribe()
    assert not listener.is_alive(), "the channel listener was still waiting after unsubscribe"
    assert redis.Redis.from_url(REDIS_URL).pubsub_numsub(worker.pubsub_channel_name) == [
        (worker.pubsub_channel_name.encode(), 0)
    ]
