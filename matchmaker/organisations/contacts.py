"""Who sees an organisation's contact e-mail: one rule for its page and for the API."""

from __future__ import annotations

from collections.abc import Callable

from matchmaker.introductions import requests as introductions
from matchmaker.models import Organisation, User
from matchmaker.models.introductions import CONTACT_STATES
from matchmaker.organisations.profiles import can_edit


def contact_rule(viewer: User) -> Callable[[Organisation], bool]:
    """Whether ``viewer`` sees an organisation's contact address: its members and staff always, others
    once the introductions service shows them that organisation's contacts in an introduction.

    Build it once per request and ask it for every organisation listed (one query, not one each).
    """
    introduced: set[int] = set()
    # Staff see every contact through can_edit already; do not load every introduction for them.
    visible_states = [] if viewer.is_staff else [s.value for s in CONTACT_STATES]
    for introduction in introductions.list_for_viewer(viewer, visible_states):
        if introductions.contacts_visible(viewer, introduction):
            introduced.update((introduction.startup_id, introduction.counterpart_id))
    return lambda organisation: can_edit(viewer, organisation) or organisation.id in introduced


def may_see_contact(viewer: User, organisation: Organisation) -> bool:
    """The rule for one organisation (its profile page)."""
    return contact_rule(viewer)(organisation)
