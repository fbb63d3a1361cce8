"""Locust users for bench/reads.py: each reads one page as fast as it can, signed in beforehand.

READS_TARGET picks the page: "matches" (a founder's ranked partners and investors, /review/),
"review" (a partner's ranked startups, /review/), "api" (GET /api/v1/organisations/ID/matches) or
"static" (GET /static/app.js: the floor of gunicorn, the middleware and locust themselves).
READS_SAVERS (default 0) adds that many savers: each saves one startup's profile again and again
(PATCH with a changed description, so the worker embeds and refreshes its matches).
"""

from __future__ import annotations

import itertools
import json
import os

from locust import FastHttpUser, task

TARGET = os.environ.get("READS_TARGET", "matches")
TOKENS = os.environ.get("READS_TOKENS", "").split(",")
SAVERS = int(os.environ.get("READS_SAVERS", "0"))
SAVER_PATHS = json.loads(os.environ.get("READS_SAVER_PATHS", "[]"))
_turn = itertools.count()
_saver_turn = itertools.count()


class Reader(FastHttpUser):
    """One person reading the chosen page again and again (no think time: the server's ceiling)."""

    @task
    def read(self) -> None:
        if TARGET == "api":
            token = TOKENS[next(_turn) % len(TOKENS)]
            self.client.get(
                os.environ["READS_API_PATH"], headers={"Authorization": f"Bearer {token}"}, name="page"
            )
            return
        if TARGET == "static":  # the floor: a small file through the same WSGI middleware, no view
            self.client.get("/static/app.js", name="page")
            return
        cookie = os.environ[f"READS_COOKIE_{TARGET.upper()}"]
        with self.client.get(
            "/review/",
            headers={"Cookie": f"session={cookie}", "User-Agent": "matchmaker-bench"},
            name="page",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/login" in (response.url or ""):
                response.failure(f"status {response.status_code} at {response.url}")


class Saver(FastHttpUser):
    """A founder saving their startup's profile again and again, each time with another description."""

    fixed_count = SAVERS  # the other users are readers
    abstract = not SAVERS  # without savers, locust runs readers only

    def on_start(self) -> None:
        self.target = SAVER_PATHS[next(_saver_turn) % len(SAVER_PATHS)] if SAVER_PATHS else None
        self.round = 0

    @task
    def save(self) -> None:
        if self.target is None:
            return
        self.round += 1
        token = self.target["tokens"][self.round % len(self.target["tokens"])]
        description = f"{self.target['description']} (revision {self.round % 7})"
        with self.client.request(
            "PATCH",
            self.target["path"],
            json={"description": description},
            headers={"Authorization": f"Bearer {token}"},
            name="save",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 202):
                response.failure(f"status {response.status_code}")
