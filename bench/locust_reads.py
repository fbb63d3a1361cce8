"""Locust users for bench/reads.py: each reads one page as fast as it can, signed in beforehand.

READS_TARGET picks the page: "matches" (a founder's ranked partners and investors, /review/),
"review" (a partner's ranked startups, /review/) or "api" (GET /api/v1/organisations/ID/matches).
"""

from __future__ import annotations

import itertools
import os

from locust import FastHttpUser, task

TARGET = os.environ.get("READS_TARGET", "matches")
TOKENS = os.environ.get("READS_TOKENS", "").split(",")
_turn = itertools.count()


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
        cookie = os.environ[f"READS_COOKIE_{TARGET.upper()}"]
        with self.client.get(
            "/review/",
            headers={"Cookie": f"session={cookie}", "User-Agent": "matchmaker-bench"},
            name="page",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/login" in (response.url or ""):
                response.failure(f"status {response.status_code} at {response.url}")
