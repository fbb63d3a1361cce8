"""The engine is importable alone: no web stack, and no torch until an embedding is needed."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import matchmaker.engine

REPO_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "torch", "sentence_transformers")


def test_engine_imports_no_web_or_heavy_modules() -> None:
    submodules = sorted(
        m.name for m in pkgutil.iter_modules(matchmaker.engine.__path__, "matchmaker.engine.")
    )
    assert "matchmaker.engine.encoder" in submodules
    code = (
        "import importlib, json, sys\n"
        f"for name in {['matchmaker.engine', *submodules]!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {list(FORBIDDEN)!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_engine_sources_never_import_app_modules() -> None:
    engine_dir = Path(matchmaker.engine.__file__).parent
    for path in engine_dir.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and "matchmaker" in stripped:
                assert stripped.startswith(("from matchmaker.engine", "import matchmaker.engine")), (
                    f"{path.name} imports outside the engine: {stripped}"
                )
