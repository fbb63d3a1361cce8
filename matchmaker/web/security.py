"""Response hardening shared by every page and the API: cookie flags and security headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, make_response, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
F = TypeVar("F", bound=Callable[..., Any])

# Scripts only from our own files (no inline script, no eval), nothing may frame us. Inline style
# *attributes* stay allowed (bars whose width is data); <style> elements do not.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # a reset link in the address never leaves the site
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def register_security(app: Flask) -> None:
    """Wrap the app so that every response is hardened.

    ``MATCHMAKER_TRUSTED_PROXIES=<n>``: the app runs behind n proxies whose X-Forwarded-* headers tell
    the client's scheme and address (for Secure cookies, HSTS and throttling by address).
    """
    app.after_request(_security_headers)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
    count = app.config["MATCHMAKER_TRUSTED_PROXIES"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


class SecureCookiesOverHttps:
    """Over HTTPS every cookie is marked Secure, whatever the configuration says.

    A WSGI wrapper because Flask writes the session cookie and Flask-Login the remember cookie after
    every ``after_request`` hook has run. Behind a proxy, the proxy must pass the scheme on (ProxyFix).
    """

    def __init__(self, wsgi_app: WSGIApp) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            headers = [
                (name, f"{value}; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, *args)

        return self.wsgi_app(environ, secure_start_response)


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # over plain HTTP the header means nothing and browsers ignore it
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def no_store(view: F) -> F:
    """For pages that show a secret (a new API token, a reset form): no browser or proxy keeps them."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapped  # type: ignore[return-value]
