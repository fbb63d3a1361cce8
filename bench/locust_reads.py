"""Locust users for bench/reads.py: each signs in once, then reads one page as fast as it can.

READS_TARGET picks the page: "matches" (a founder's ranked partners and investors, /review/),
"review" (a partner's ranked startups, /review/) or "api" (GET /api/v1/organisations/ID/matches).
"""

from __future__ import annotations

import os
import re

from locust import FastHttpUser, task

TARGET = os.environ.get("READS_TARGET", "matches")
ACCOUNTS = {
    "matches": ("founder@matchmaker.example", "founder-demo-2026"),
    "review": ("partner@matchmaker.example", "partner-demo-2026"),
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Reader(FastHttpUser):
    """One person reading the chosen page again and again (no think time: the server's ceiling)."""

    def on_start(self) -> None:
        if TARGET == "api":
            return
        email, password = ACCOUNTS[TARGET]
        page = self.client.get("/login", name="sign in (not counted)").text
        token = CSRF.search(page)
        form = {"email": email, "password": password, "csrf_token": token.group(1) if token else ""}
        self.client.post("/login", data=form, name="sign in (not counted)")

    @task
    def read(self) -> None:
        if TARGET == "api":
            self.client.get(
                os.environ["READS_API_PATH"],
                headers={"Authorization": f"Bearer {os.environ['READS_TOKEN']}"},
                name="page",
            )
        else:
            with self.client.get("/review/", name="page", catch_response=True) as response:
                if response.status_code != 200 or "/login" in (response.url or ""):
                    response.failure(f"status {response.status_code} at {response.url}")
