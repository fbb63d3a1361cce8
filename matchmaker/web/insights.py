"""Pictures of the complex for staff: the ecosystem map of startups and partners."""

from __future__ import annotations

from flask import Blueprint, render_template

from matchmaker.matching.ecosystem import MAP_SIZE, ecosystem_points
from matchmaker.web.helpers import staff_required

bp = Blueprint("insights", __name__, url_prefix="/staff")


@bp.get("/ecosystem")
@staff_required
def ecosystem() -> str:
    """Startups placed by what they do (their description vectors in 2-D), coloured by sector."""
    return render_template("insights/ecosystem.html", points=ecosystem_points(), size=MAP_SIZE)
