"""The sentences of the introduction state machine, in one place so they translate as whole sentences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from matchmaker.i18n import N_

# Why an action cannot be taken in the current state: one whole sentence per action, so it translates.
REFUSED: dict[str, LazyString] = {
    "approve": _l("This introduction is %(state)s; it cannot be approved now."),
    "waitlist": _l("This introduction is %(state)s; it cannot be approved now."),
    "reject": _l("This introduction is %(state)s; it cannot be rejected now."),
    "release": _l("This introduction is %(state)s; it cannot be released now."),
    "accept": _l("This introduction is %(state)s; it cannot be accepted now."),
    "introduce": _l("This introduction is %(state)s; it cannot be introduced now."),
    "decline": _l("This introduction is %(state)s; it cannot be declined now."),
    "withdraw": _l("This introduction is %(state)s; it cannot be withdrawn now."),
    "expire": _l("This introduction is %(state)s; it cannot be expired now."),
    "mark_met": _l("This introduction is %(state)s; it cannot be marked as met now."),
    "record_outcome": _l("This introduction is %(state)s; it cannot be given an outcome now."),
}
# Notes the system writes into the audit log. They are stored in English (the log is a record) and
# shown in the reader's language; N_ only marks them for the catalog.
NOTE_INTRODUCED = N_("Both sides agreed; contact details shared.")
NOTE_RELEASED = N_("Capacity freed; released from the line.")
NOTE_EXPIRED = N_("No answer in time.")
SIMULTANEOUS_CHANGE = N_("Someone changed this introduction at the same moment; reload and try again.")
