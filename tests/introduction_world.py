"""A small world for introduction tests: a startup, two partners, an investor, their people and staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, User


@dataclass
class World:
    startup: Organisation
    partner: Organisation
    other_partner: Organisation
    investor: Organisation
    founder: User
    partner_user: User
    other_partner_user: User
    investor_user: User
    staff: User


def make_world(make_user: Callable[..., User], make_organisation: Callable[..., Organisation]) -> World:
    startup = make_organisation(
        "startup", sectors=["energy"], name="VoltCell", stage="seed", contact_email="hello@voltcell.example"
    )
    partner = make_organisation(
        "partner", sectors=["energy"], name="NVIDIA", contact_email="inception@nvidia.example"
    )
    other = make_organisation(
        "partner", sectors=["content"], name="Amazon", contact_email="aws@amazon.example"
    )
    investor = make_organisation("investor", sectors=["energy"], name="Rising Tide Fund")
    return World(
        startup=startup,
        partner=partner,
        other_partner=other,
        investor=investor,
        founder=make_user("founder", startup, email="founder@voltcell.example"),
        partner_user=make_user("partner", partner, email="manager@nvidia.example"),
        other_partner_user=make_user("partner", other, email="manager@amazon.example"),
        investor_user=make_user("investor", investor, email="gp@risingtide.example"),
        staff=make_user("staff", email="staff@complex.example"),
    )


def add_match(startup: Organisation, counterpart: Organisation, score: float, **fields: Any) -> Match:
    """Insert a Match row the way the matching service would."""
    match = Match(
        startup_id=startup.id,
        counterpart_id=counterpart.id,
        score=score,
        explanation=fields.pop(
            "explanation",
            {"components": [], "matched_phrases": [], "missing": [], "confident": True},
        ),
        model_version=fields.pop("model_version", "test"),
        **fields,
    )
    db.session.add(match)
    db.session.commit()
    return match


def add_look_alikes(world: World, make_organisation: Callable[..., Organisation]) -> None:
    """Three near-identical battery startups (0.90, 0.89, 0.88) and one unlike them (0.80) for the partner."""
    battery = "Lithium-ion battery recycling for electric vehicles in Gwangju."
    for n, score in enumerate((0.90, 0.89, 0.88)):
        add_match(
            make_organisation("startup", name=f"Battery {n}", description=battery), world.partner, score
        )
    music = make_organisation(
        "startup", name="K-pop Stream", description="Music streaming app for K-pop fans."
    )
    add_match(music, world.partner, 0.80)
