"""Fixtures for the JSON API: a bearer token for any account, and headers that carry it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from matchmaker.accounts import tokens as api_tokens
from matchmaker.models import User


@pytest.fixture
def auth(app) -> Callable[[User], dict[str, str]]:
    """Issue a token for ``user`` and return the request headers that present it."""

    def headers_for(user: User) -> dict[str, str]:
        _, secret = api_tokens.create_token(user, "tests")
        return {"Authorization": f"Bearer {secret}"}

    return headers_for
