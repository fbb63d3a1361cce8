"""The Korean catalog: every user-facing string is extracted, translated, compiled and keeps its placeholders.

A message written without _() in a service, view or API is caught by reading the source (no catalog
can see a string nobody marked), and a marked message without Korean fails the catalog check.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "matchmaker" / "translations"
PO = CATALOGS / "ko" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]")
TAG = re.compile(r"</?[a-z]+")


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="ko")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory):
    """The messages the code marks today, extracted exactly as `make translations` does."""
    pot = tmp_path_factory.mktemp("catalog") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l"]
    command += ["-k", "N_", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-o", str(pot), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return read_po(handle)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_every_marked_message_has_a_korean_translation(extracted) -> None:
    korean = {_key(m): m for m in _catalog() if m.id}
    missing = [_key(m) for m in extracted if m.id and _key(m) not in korean]
    assert not missing, f"run `make translations` and translate: {missing[:10]}"
    untranslated = [
        _key(m)
        for m in extracted
        if m.id
        and (
            "fuzzy" in korean[_key(m)].flags
            or not all(korean[_key(m)].string if isinstance(m.id, tuple) else [korean[_key(m)].string])
        )
    ]
    assert not untranslated, f"no Korean yet for: {untranslated[:10]}"


def test_translations_keep_placeholders_and_markup() -> None:
    for message in _catalog():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        for target in targets:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(set(PLACEHOLDER.findall(target))) or (
                set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target))
            ), source
            assert sorted(TAG.findall(source)) == sorted(TAG.findall(target)), source


def test_the_committed_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.mo"
    with fresh.open("wb") as handle:
        write_mo(handle, _catalog())
    with fresh.open("rb") as a, MO.open("rb") as b:
        expected, committed = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert committed._catalog == expected._catalog, "run `make translations` to compile messages.mo"


# --- strings that never reached the catalog ---------------------------------------------------------

# Calls whose message argument (by position) a person reads.
MESSAGE_ARGS = {
    "ValidationError": (1,),
    "ConflictError": (0,),
    "PermissionDenied": (0,),
    "NotFound": (0,),
    "ServiceError": (0,),
    "ApiError": (1,),
    "flash": (0,),
    "abort": (1,),
    "refuse": (0,),
    "error_response": (1,),
}
SOURCES = [
    ROOT / "matchmaker" / d
    for d in (
        "organisations",
        "matching",
        "introductions",
        "accounts",
        "mail",
        "jobs",
        "operations",
        "web",
        "auth",
        "api",
    )
]


def _literal_text(node: ast.AST) -> str | None:
    """A string written directly in the code (plain or f-string) that contains words."""
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.search(r"[A-Za-z]{2}", node.value)
    ):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return ast.unparse(node)
    if isinstance(node, ast.Dict):
        for value in node.values:
            if (text := _literal_text(value)) is not None:
                return text
    return None


def _unmarked(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for index in MESSAGE_ARGS.get(name, ()):
                if index < len(node.args) and (text := _literal_text(node.args[index])) is not None:
                    found.append(f"{path.name}:{node.lineno} {name}({text!r})")
        if isinstance(node, ast.Assign):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "errors":
                if (text := _literal_text(node.value)) is not None:
                    found.append(f"{path.name}:{node.lineno} errors[...] = {text!r}")
    return found


def test_no_user_facing_message_is_written_without_gettext() -> None:
    unmarked = [hit for folder in SOURCES for path in sorted(folder.glob("*.py")) for hit in _unmarked(path)]
    assert not unmarked, "wrap these in _() / gettext: " + "; ".join(unmarked)


def test_the_check_catches_an_unmarked_message(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('raise ConflictError("Already there.")\nerrors["x"] = f"Use {n}."\nflash(_("ok"))\n')
    assert len(_unmarked(sample)) == 2
