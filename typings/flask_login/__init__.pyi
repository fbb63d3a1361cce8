# Type stubs for the part of Flask-Login this app uses (Flask-Login ships no types).
# `current_user` is typed as our User: every view reads it behind `login_required` or after checking
# `is_authenticated`, which the anonymous user also answers (False).
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask

from matchmaker.models.users import User

_F = TypeVar("_F", bound=Callable[..., Any])

class _CurrentUserProxy(User):
    """The request's account behind Werkzeug's LocalProxy."""

    def _get_current_object(self) -> User: ...

current_user: _CurrentUserProxy

class UserMixin:
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_anonymous(self) -> bool: ...
    def get_id(self) -> str: ...

class LoginManager:
    login_view: str | None
    login_message: str
    login_message_category: str
    localize_callback: Callable[[str], str] | None
    session_protection: str | None
    def __init__(self, app: Flask | None = None, add_context_processor: bool = True) -> None: ...
    def init_app(self, app: Flask, add_context_processor: bool = True) -> None: ...
    def user_loader(self, callback: _F) -> _F: ...

def login_user(
    user: User,
    remember: bool = False,
    duration: timedelta | None = None,
    force: bool = False,
    fresh: bool = True,
) -> bool: ...
def logout_user() -> bool: ...
def login_required(func: _F) -> _F: ...
