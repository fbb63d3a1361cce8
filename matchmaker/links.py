"""Links that leave the site (mail, stored messages): built on the configured public URL.

``url_for(..., _external=True)`` takes the host from the request, and a request chooses its own Host
header: a reset asked for with ``Host: evil.example`` would mail the victim a link to the attacker.
These links never look at the request, so they read the same in a web request, a worker or a cron job.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def public_url_for(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` under ``MATCHMAKER_PUBLIC_URL``."""
    base = urlsplit(current_app.config["MATCHMAKER_PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def url_path(endpoint: str, **values: Any) -> str:
    """The path of ``endpoint`` (for a ``next`` parameter), the same in a request or outside one."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
