"""The layers of the package: the data layer and the sources import neither Sphinx nor
docutils (a command-line tool and other programs can use them), and no layer imports one
above it."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sphinx_spackcache

PACKAGE = Path(sphinx_spackcache.__file__).parent


def _modules(folder: str) -> list[str]:
    return [
        f"sphinx_spackcache.{folder}.{info.name}"
        for info in pkgutil.iter_modules([str(PACKAGE / folder)])
    ]


@pytest.mark.parametrize("folder", ["data", "sources"])
def test_imports_neither_sphinx_nor_docutils(folder: str) -> None:
    """Every module of the folder, imported in a fresh interpreter, loads no module of
    Sphinx or docutils."""
    modules = _modules(folder)
    assert len(modules) >= 2, modules  # the folder is there and holds the layer
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"


def _imported(path: Path) -> set[str]:
    """The modules of this package that *path* imports (absolute names)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("sphinx_spackcache")}


#: What each layer may import from the package, beyond itself.
ALLOWED = {
    "data": set(),
    "sources": {"data"},
}


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_layers_import_only_below(folder: str) -> None:
    """``data`` imports nothing else of the package; ``sources`` only ``data``."""
    wrong = {}
    for path in sorted((PACKAGE / folder).glob("*.py")):
        layers = {name.split(".")[1] for name in _imported(path) if name.count(".") >= 1}
        bad = layers - ALLOWED[folder] - {folder}
        if bad:
            wrong[path.name] = sorted(bad)
    assert wrong == {}
