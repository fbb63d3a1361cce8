"""Errors a user can cause, carried up to the views with the HTTP status that fits."""

from __future__ import annotations

from flask_babel import gettext


class ServiceError(Exception):
    """A refusal with a message meant for the person who asked."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Input that breaks a rule; ``errors`` maps each field to what is wrong with it."""

    status_code = 422

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or gettext("Please correct the marked fields."))
        self.errors = errors


class ConflictError(ServiceError):
    """The request clashes with the current state (a duplicate, a transition already made)."""

    status_code = 409


class PermissionDenied(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Unavailable(ServiceError):
    """A service the request needs (the job queue's Redis) does not answer; asking later may work."""

    status_code = 503
