"""The JSON API under /api/v1: token authentication, the same role rules as the pages, an OpenAPI document."""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    """Attach the API blueprint; it authenticates by bearer token only, so CSRF does not apply to it."""
    from matchmaker.api import (  # noqa: F401  (they add the routes)
        introductions,
        jobs,
        openapi,
        organisations,
    )
    from matchmaker.api.core import bp
    from matchmaker.extensions import csrf
    from matchmaker.partnering import api as partnering_api  # noqa: F401  (issue 19: agendas and ICS)

    csrf.exempt(bp)
    app.register_blueprint(bp)
