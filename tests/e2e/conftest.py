"""A real server on a free localhost port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import base64
import inspect
import os
import shutil
import sys
import threading
import types
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from matchmaker import create_app
from matchmaker.engine.encoder import Encoder
from matchmaker.extensions import db
from matchmaker.organisations.demo import seed_demo
from tests.conftest import unavailable

CHROMIUM = os.environ.get("MATCHMAKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def stack_without_sources(context: int = 1) -> list[inspect.FrameInfo]:
    """``inspect.stack``'s frames (file, line, function) without looking for each frame's module.

    Playwright's synchronous API takes ``inspect.stack(0)`` at every call (a click, a screenshot, an
    evaluate) to tell its driver where the call came from. Under pytest, ``inspect`` looks for the
    module of each of 40-odd frames, and of a frame with no file (pytest-xdist runs its worker from a
    ``<string>``) by walking all 3,000 loaded modules: 20 ms a call, a fifth of the browser walk's
    time. The frames, files, lines and function names are the same; only the source context, which
    ``stack(0)`` does not return either, is left out."""
    frame = sys._getframe(1)
    frames = []
    while frame is not None:
        code = frame.f_code
        frames.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
        frame = frame.f_back
    return frames


def _playwright_takes_stacks_without_sources() -> None:
    """Playwright's two modules that take stacks get ``stack_without_sources``; where a later
    Playwright no longer imports ``inspect`` there, nothing is changed."""
    from playwright._impl import _connection, _sync_base

    for module in (_sync_base, _connection):
        original = getattr(module, "inspect", None)
        if original is inspect:
            fast = types.ModuleType("inspect")
            fast.__dict__.update(inspect.__dict__)
            fast.stack = stack_without_sources  # type: ignore[attr-defined]
            module.inspect = fast  # type: ignore[attr-defined]


_playwright_takes_stacks_without_sources()


_DEVTOOLS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def full_page_png(page: Any, path: Path | str) -> None:
    """The whole page as a PNG at ``path``, as ``page.screenshot(full_page=True)`` takes it, encoded for
    speed: Chromium's ``optimizeForSpeed`` (DevTools protocol), which Playwright does not pass on.
    The walk takes two of these on every page it visits; encoding them was a third of its time."""
    session = _DEVTOOLS.get(page)
    if session is None:
        session = _DEVTOOLS[page] = page.context.new_cdp_session(page)
    size = session.send("Page.getLayoutMetrics")["cssContentSize"]
    shot = session.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "optimizeForSpeed": True,
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    Path(path).write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, shipped_encoder: Encoder) -> Flask:
    """The app with demo data and CSRF on; tests may add rows in its app context before browsing.

    It matches with the model a new installation uses (the default setting), through the session's
    cache of what that model embedded: each module's demo is embedded once per pytest worker."""
    folder: Path = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite'}",
            "MATCHMAKER_CACHE_DIR": str(folder / "cache"),  # its own, not the checkout's instance/cache
            "BABEL_DEFAULT_LOCALE": "en",  # the Korean walk asks for Korean through the browser's locale
        }
    )
    app.extensions["matchmaker.encoder"] = shipped_encoder
    with app.app_context():
        db.create_all()
        seed_demo()
    return app


@pytest.fixture(scope="module")
def live_server(live_app: Flask) -> Iterator[str]:
    """``live_app`` served by werkzeug in a thread; yields its base URL."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")  # the English walk; Korean tests make their own
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
