"""The words for a partnering day's states, choices, presence and buildings, in the reader's language
(the pages and the schedule export share them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATES = {
    "draft": _l("Draft"),
    "provisional": _l("Provisional"),
    "reviewed": _l("Reviewed"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
CHOICES = {"must": _l("Must meet"), "meet": _l("Meet"), "neutral": _l("No opinion"), "no": _l("No")}
PRESENCE = {"held": _l("Held"), "no_show": _l("No-show")}
BUILDINGS = {
    "startup": _l("Startup building"),
    "demonstration": _l("Demonstration building"),
    "online": _l("Online"),
}
