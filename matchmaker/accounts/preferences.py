"""A person's own settings that are not about security: the interface language."""

from __future__ import annotations

from flask_babel import gettext as _

from matchmaker.errors import ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import is_supported
from matchmaker.models import User


def save_language(user: User, language: str) -> None:
    """Store the language ``user`` reads the interface and their mail in."""
    if not is_supported(language):
        raise ValidationError({"language": _("Choose Korean or English.")})
    user.language = language
    db.session.commit()
