"""The one pager macro: its links keep each list's filters and speak the reader's language."""

from __future__ import annotations

import re
from html import unescape

from matchmaker.extensions import db
from matchmaker.mail.notifications import queue
from matchmaker.models import Role


def _pager(page: str) -> str:
    found = re.search(r'<nav class="pager">(.*?)</nav>', page, re.S)
    assert found, "no pager on the page"
    return unescape(found.group(1))


def test_the_directory_pager_keeps_the_filters(app, client, make_user, make_organisation, login):
    app.config["DIRECTORY_PAGE_SIZE"] = 2
    for n in range(5):
        make_organisation("startup", name=f"Battery {n}", sectors=["energy"])
    make_organisation("startup", name="Stream", sectors=["content"])
    login(make_user("founder"))
    pager = _pager(client.get("/organisations/?sector=energy&page=2").get_data(as_text=True))
    previous, following = re.findall(r'href="([^"]+)"', pager)
    assert "page=1" in previous and "sector=energy" in previous
    assert "page=3" in following and "sector=energy" in following
    assert "Page 2 of 3" in pager and "Previous" in pager and "Next" in pager


def test_the_pager_speaks_korean(app, client, make_user, make_organisation, login):
    app.config["DIRECTORY_PAGE_SIZE"] = 2
    for n in range(3):
        make_organisation("startup", name=f"Startup {n}")
    user = make_user("founder", language="ko")
    login(user)
    pager = _pager(client.get("/organisations/").get_data(as_text=True))
    assert "2쪽 중 1쪽" in pager and "다음" in pager
    assert "Next" not in pager and "Page" not in pager


def test_the_outbox_pager_goes_to_older_mail(app, client, make_user, login):
    for n in range(51):  # the outbox shows 50 a page
        queue(f"person{n}@example.com", f"Message {n}", "Hello.", None)
    db.session.commit()
    login(make_user(Role.STAFF))
    pager = _pager(client.get("/staff/outbox").get_data(as_text=True))
    assert "Older" in pager and "Newer" not in pager
    assert "page=2" in re.search(r'href="([^"]+)"', pager).group(1)
    second = _pager(client.get("/staff/outbox?page=2").get_data(as_text=True))
    assert "Newer" in second and "Older" not in second
