"""The directory: listed organisations, search by name, filters by kind and sector, pagination."""

from __future__ import annotations

import pytest


def _names(response) -> str:
    return response.get_data(as_text=True)


def test_directory_lists_only_listed_organisations(client, make_user, make_organisation, login):
    make_organisation("startup", name="VoltCell", sectors=["energy"])
    make_organisation("startup", name="Stealth Co", visibility="hidden")
    login(make_user("founder"))
    body = _names(client.get("/organisations/"))
    assert "VoltCell" in body and "Stealth Co" not in body


def test_staff_can_include_hidden(client, make_user, make_organisation, login):
    make_organisation("startup", name="Stealth Co", visibility="hidden")
    login(make_user("staff"))
    assert "Stealth Co" in _names(client.get("/organisations/?hidden=1"))


def test_members_cannot_include_hidden(client, make_user, make_organisation, login):
    make_organisation("startup", name="Stealth Co", visibility="hidden")
    login(make_user("investor"))
    assert "Stealth Co" not in _names(client.get("/organisations/?hidden=1"))


@pytest.mark.both_databases
def test_search_and_filters(client, make_user, make_organisation, login):
    make_organisation("startup", name="VoltCell", sectors=["energy", "automotive"])
    make_organisation("startup", name="BeatBridge", sectors=["content"])
    make_organisation("partner", name="NVIDIA", sectors=["automotive", "healthcare"])
    login(make_user("founder"))
    body = _names(client.get("/organisations/?q=volt"))
    assert "VoltCell" in body and "BeatBridge" not in body
    body = _names(client.get("/organisations/?sector=automotive"))
    assert "VoltCell" in body and "NVIDIA" in body and "BeatBridge" not in body
    body = _names(client.get("/organisations/?sector=automotive&kind=partner"))
    assert "NVIDIA" in body and "VoltCell" not in body
    body = _names(client.get("/organisations/?q=100%25"))  # a literal percent sign is no wildcard
    assert "No organisation matches" in body


@pytest.mark.both_databases
def test_korean_names_are_searchable(client, make_user, make_organisation, login):
    make_organisation("startup", name="빛고을 웹툰 스튜디오", sectors=["content"])
    login(make_user("founder"))
    assert "빛고을 웹툰 스튜디오" in _names(client.get("/organisations/?q=웹툰"))


@pytest.mark.both_databases
def test_directory_paginates(app, client, make_user, make_organisation, login):
    app.config["DIRECTORY_PAGE_SIZE"] = 5
    for n in range(12):
        make_organisation("startup", name=f"Startup {n:02d}")
    login(make_user("founder"))
    first = _names(client.get("/organisations/"))
    assert "Startup 00" in first and "Startup 05" not in first and "Page 1 of 3" in first
    third = _names(client.get("/organisations/?page=3"))
    assert "Startup 10" in third and "Startup 11" in third
