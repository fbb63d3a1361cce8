"""Response hardening shared by every page and the API: cookie flags and security headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def register_security(app: Flask) -> None:
    """Wrap the app so that every response is hardened.

    ``MATCHMAKER_TRUSTED_PROXIES=<n>``: the app runs behind n proxies whose X-Forwarded-* headers tell
    the client's scheme and address (for Secure cookies, HSTS and throttling by address).
    """
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
    proxies = str(app.config.get("MATCHMAKER_TRUSTED_PROXIES", "0")).strip()
    if proxies.isascii() and proxies.isdigit() and int(proxies) > 0:
        count = int(proxies)
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
