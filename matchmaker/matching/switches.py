"""Staff switches stored as settings rows (learning, the learned space), each with its audit event."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from matchmaker.errors import PermissionDenied
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Setting, User


def check_staff(actor: User | None) -> None:
    """Refuse anyone but staff; None is the system (a job, a command)."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Only the complex's staff change how matching learns."))


def switch_setting(actor: User, key: str, enabled: bool, action: str, before: bool) -> None:
    """Store a staff switch (learning, the learned space) and its audit event in one transaction."""
    check_staff(actor)
    put_setting(key, bool(enabled), actor)
    db.session.add(
        AuditEvent(actor_id=actor.id, action=action, details={"from": before, "to": bool(enabled)})
    )
    db.session.commit()


def put_setting(key: str, value: Any, actor: User | None) -> None:
    """Write a learning setting row (not committed), noting who wrote it."""
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value, row.updated_by_id = value, actor.id if actor else None
