"""The house's layers hold: import-linter's contracts, no import cycle, few imports inside functions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tools"))

import import_graph  # noqa: E402


def test_no_cycle_between_modules_outside_the_factory_and_the_models_pairs() -> None:
    assert import_graph.forbidden_cycles(import_graph.graph()) == []


def test_few_function_level_imports_and_each_says_why() -> None:
    inner = import_graph.function_imports(import_graph.graph())
    assert len(inner) <= import_graph.MAX_FUNCTION_IMPORTS, [f"{e.importer}:{e.line}" for e in inner]
    assert [f"{e.importer}:{e.line}" for e in inner if not e.reason] == []


def test_no_folder_keeps_more_than_twenty_modules() -> None:
    assert import_graph.crowded_folders() == {}


def test_the_graph_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    """The check can fail: a function-level import is found and resolved like a top-level one."""
    source = tmp_path / "example.py"
    source.write_text(
        "def f():\n    # the reason\n    from matchmaker.matching import refresh as matching\n",
        encoding="utf-8",
    )
    modules = import_graph.all_modules()
    found = import_graph.imports_of("matchmaker.example", source, modules)
    assert [(i.imported, i.in_function, i.reason) for i in found] == [
        ("matchmaker.matching.refresh", True, "the reason")
    ]


def test_import_linter_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
