"""With Redis, the web processes share what they render (issue 20, finding 10): after a save moved a
page, one process renders it and the others take it from Redis, never at other data versions."""

from __future__ import annotations

import secrets

from matchmaker.models.versions import ALL
from matchmaker.operations.page_cache import kept_pages


def test_a_part_rendered_in_one_process_is_served_to_the_others_at_the_same_versions(queued_app):
    calls: list[int] = []

    def render() -> tuple[str, tuple[int, ...], int]:
        calls.append(1)
        return f"<p>list {len(calls)}</p>", (ALL, -3), 13

    key = ("test.part", secrets.token_hex(4))
    with queued_app.app_context():
        assert kept_pages().fetch({ALL: 7, -3: 2}, key, render) == "<p>list 1</p>"
        queued_app.extensions.pop("matchmaker.review_cache")  # another web process: nothing kept in it
        assert kept_pages().fetch({ALL: 7, -3: 2}, key, render) == "<p>list 1</p>"
        assert calls == [1]
        queued_app.extensions.pop("matchmaker.review_cache")
        # A save moved a version: rendered again, and that render is the one shared from then on.
        assert kept_pages().fetch({ALL: 7, -3: 3}, key, render) == "<p>list 2</p>"
        queued_app.extensions.pop("matchmaker.review_cache")
        assert kept_pages().fetch({ALL: 7, -3: 3}, key, render) == "<p>list 2</p>"
        assert calls == [1, 1]
