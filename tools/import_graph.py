"""The import graph of matchmaker/: cycles between its modules and the imports placed inside functions.

    python tools/import_graph.py            # print both; exit 1 when a rule of issue 21 is broken
    python tools/import_graph.py --packages # the arrows between the top-level packages

Read with `ast`, so an import inside a function counts like one at the top: it is a dependency all the
same. Imports under `if TYPE_CHECKING:` are left out (they never run). The app factory (matchmaker/app.py,
matchmaker/__init__.py, the `register_*` functions) and the CLI (matchmaker/cli*.py) wire everything
together and are left out of both counts. The models' relationship pairs (a model naming its partner
for SQLAlchemy's mapper) are the one allowed cycle.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "matchmaker"
MAX_FUNCTION_IMPORTS = 10


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool
    reason: str  # the comment on the import's line or the one above it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def is_wiring(module: str) -> bool:
    """The app factory and the CLI: they import every package on purpose, inside functions."""
    last = module.split(".")[-1]
    return module in {PACKAGE, f"{PACKAGE}.app"} or (module.count(".") == 1 and last.startswith("cli"))


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _reason(lines: list[str], lineno: int) -> str:
    here = lines[lineno - 1]
    if "#" in here:
        return here.split("#", 1)[1].strip()
    above = lines[lineno - 2].strip() if lineno >= 2 else ""
    return above.lstrip("#").strip() if above.startswith("#") else ""


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[Import] = []

    def target(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for stmt in child.orelse:
                    visit(stmt, in_function)
                continue
            if isinstance(child, ast.FunctionDef) and child.name.startswith("register_"):
                continue  # part of the app factory: attaches blueprints, commands and template helpers
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, path.name == "__init__.py", child)
                names = [f"{base}.{alias.name}" for alias in child.names]
            for name in names:
                if name == PACKAGE or name.startswith(PACKAGE + "."):
                    resolved = target(name)
                    if resolved and resolved != module:
                        found.append(
                            Import(module, resolved, child.lineno, in_function, _reason(lines, child.lineno))
                        )
            visit(child, inner)

    visit(ast.parse(source), False)
    return found


def graph() -> list[Import]:
    modules = all_modules()
    return [i for m, p in modules.items() for i in imports_of(m, p, modules)]


def is_model(module: str) -> bool:
    return module.startswith(f"{PACKAGE}.models.")


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), without the wiring modules."""
    succ: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if not (is_wiring(e.importer) or is_wiring(e.imported)):
            succ[e.importer].add(e.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(list(succ)):
        if v not in index:
            strong(v)
    return found


def forbidden_cycles(edges: list[Import]) -> list[list[str]]:
    """Cycles other than the models' relationship pairs."""
    return [c for c in cycles(edges) if not all(is_model(m) for m in c)]


def function_imports(edges: list[Import]) -> list[Import]:
    """One entry per import statement inside a function (``from a import b, c`` counts once)."""
    seen: dict[tuple[str, int], Import] = {}
    for e in edges:
        if e.in_function and not is_wiring(e.importer):
            seen.setdefault((e.importer, e.line), e)
    return list(seen.values())


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def package_arrows(edges: list[Import]) -> dict[tuple[str, str], int]:
    arrows: dict[tuple[str, str], int] = defaultdict(int)
    for e in edges:
        a, b = package_of(e.importer), package_of(e.imported)
        if a != b and not is_wiring(e.importer):
            arrows[(a, b)] += 1
    return dict(arrows)


def crowded_folders(limit: int = 20) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for path in (ROOT / PACKAGE).rglob("*.py"):
        if path.name != "__init__.py":
            counts[str(path.parent.relative_to(ROOT))] += 1
    return {folder: n for folder, n in sorted(counts.items()) if n > limit}


def main(argv: list[str]) -> int:
    edges = graph()
    if "--packages" in argv:
        for (a, b), n in sorted(package_arrows(edges).items()):
            print(f"{a} -> {b}  ({n})")
        return 0
    bad = forbidden_cycles(edges)
    print(f"cycles (outside the factory, the CLI and the models' pairs): {len(bad)}")
    for component in bad:
        print("  " + " <-> ".join(component))
    inner = function_imports(edges)
    print(f"function-level imports of {PACKAGE} modules outside the factory and the CLI: {len(inner)}")
    for e in inner:
        path = e.importer.replace(".", "/")
        print(f"  {path}:{e.line} -> {e.imported}  # {e.reason or '(no reason given)'}")
    crowded = crowded_folders()
    for folder, n in crowded.items():
        print(f"folder with more than 20 modules: {folder} ({n})")
    unexplained = [e for e in inner if not e.reason]
    return 1 if bad or len(inner) > MAX_FUNCTION_IMPORTS or unexplained or crowded else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
