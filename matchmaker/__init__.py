"""matchmaker: two-sided, explained matchmaking for the Gwangju AI industry convergence complex.

The package root stays free of web imports so that ``matchmaker.engine`` can be imported on its
own (benchmarks, evaluation) without loading Flask or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; ``test_config`` overrides every other setting."""
    from matchmaker.app import build_app

    return build_app(test_config)
