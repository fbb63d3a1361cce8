"""Finding 7: security headers on every response, no-store on pages with secrets, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matchmaker.accounts import tokens as api_tokens

TEMPLATES = Path(__file__).resolve().parents[3] / "matchmaker" / "templates"


def _assert_hardened(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == "script-src 'self'", csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp
    assert directives.get("object-src") == "object-src 'none'", csp
    assert "unsafe-inline" not in directives.get("style-src", ""), csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    ["/login", "/signup", "/password/reset", "/no-such-page", "/static/style.css", "/api/v1/openapi.json"],
)
def test_anonymous_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file's response holds the file open
    _assert_hardened(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing


def test_signed_in_pages_and_the_api_carry_them_too(client, make_user, login):
    user = make_user("staff")
    _, secret = api_tokens.create_token(user, "연동")
    _assert_hardened(client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}))
    login(user)
    for path in ("/dashboard", "/staff/queue", "/staff/outbox", "/account/tokens/"):
        _assert_hardened(client.get(path))


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_token_page_is_never_stored(client, make_user, login):
    login(make_user())
    assert client.get("/account/tokens/").headers["Cache-Control"] == "no-store"
    created = client.post("/account/tokens/", data={"name": "CRM 연동"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_event_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text, flags=re.I)]
        offenders += [f"{template.name}: javascript:" for _ in re.findall(r"javascript:", text, flags=re.I)]
        offenders += [f"{template.name}: <style>" for _ in re.findall(r"<style\b", text, flags=re.I)]
    assert offenders == []
