"""The package's layers, as docs/architecture.md draws them: each imports only the layers
below it, and no modules import each other round in a circle. A reader can trust the tree:
``store`` never reaches into ``services``, ``services`` never into the ``runtime`` or ``api``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "clearline"
LAYERS = ["clock", "model", "store", "geo", "services", "demo", "runtime", "interop", "api", "cli"]
"""Lowest first: a module may import its own layer and those before it."""


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """The clearline modules ``path`` imports at its top level (what runs on import)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clearline"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                yield name if _path(name) is not None else node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("clearline"))


def _path(module: str) -> Path | None:
    base = PACKAGE.parent / module.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()), None)


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}
GRAPH = {m: sorted(set(_imports(p)) - {m}) for m, p in MODULES.items() if m != "clearline"}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_a_module_imports_only_its_layer_and_those_below(module: str) -> None:
    upward = [i for i in GRAPH[module] if i != "clearline" and _layer(i) > _layer(module)]
    assert upward == [], f"{module} ({LAYERS[_layer(module)]}) imports above its layer"


def test_no_modules_import_each_other_in_a_circle() -> None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done or module not in GRAPH:
            return None
        for imported in GRAPH[module]:
            if circle := visit(imported, [*path, module]):
                return circle
        done.add(module)
        return None

    circles = [c for m in sorted(GRAPH) if (c := visit(m, []))]
    assert circles == [], " -> ".join(circles[0])


def test_the_layers_cover_the_package() -> None:
    tops = {m.split(".")[1] for m in GRAPH}
    assert tops <= set(LAYERS) | {"console", "locales"}
