"""The layers of the sphinx-spackcache package, and the imports between them, read from
the code (with :mod:`ast`, nothing is imported).

Used by the architecture page (``spackcache-layers``: a table drawn from the real
imports) and by ``tests/test_layers.py`` (no module imports a layer above its own), so
the picture the documentation gives cannot drift from the code. No Sphinx here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LAYERS", "PACKAGE", "Layer", "imports_of", "layer_imports", "layer_of", "modules"]

PACKAGE = Path(__file__).resolve().parents[2] / "sphinx_spackcache"


@dataclass(frozen=True)
class Layer:
    """A layer: its name, the folder or top-level modules it is made of, what it does."""

    name: str
    parts: tuple[str, ...]
    role: str


#: Top to bottom: a module may import its own layer and the layers below it.
LAYERS = (
    Layer("entry", ("__init__", "__main__", "cli"), "setup() registers everything; the CLI"),
    Layer("writers", ("writers",), "builder-specific touches: HTML, LaTeX, man, text"),
    Layer("directives", ("directives",), "options -> query -> render.pending_*"),
    Layer("site", ("site",), "what spans pages: tracking, colours, generated pages"),
    Layer("render", ("render",), "node builders and the deferred nodes"),
    Layer("core", ("config", "domain", "warnings_"), "config values, the cache domain, warn()"),
    Layer("sources", ("sources",), "where data comes from: records and Spack mirrors"),
    Layer("data", ("data",), "model, versions, summary, query, matrix (pure Python)"),
)


def modules() -> Iterator[tuple[str, Path]]:
    """``(module, path)`` for every module of the package, module relative to it."""
    for path in sorted(PACKAGE.rglob("*.py")):
        yield ".".join(path.relative_to(PACKAGE).with_suffix("").parts), path


def layer_of(module: str) -> Layer:
    """The layer *module* (``render.badges``, ``config``) belongs to."""
    head = module.split(".")[0]
    for layer in LAYERS:
        if head in layer.parts:
            return layer
    raise LookupError(f"module {module!r} is in no layer; add it to LAYERS")


def imports_of(module: str, path: Path) -> set[str]:
    """The package's modules *module* imports (relative to the package)."""
    package = module.rsplit(".", 1)[0] if "." in module else ""
    if path.name == "__init__.py":
        package = module.removesuffix("__init__").rstrip(".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            found.add(".".join([*base, *([node.module] if node.module else [])]) or "__init__")
        elif isinstance(node, ast.ImportFrom) and _is_ours(node.module):
            assert node.module is not None
            found.add(node.module.removeprefix("sphinx_spackcache").lstrip(".") or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_ours(alias.name):
                    found.add(
                        alias.name.removeprefix("sphinx_spackcache").lstrip(".") or "__init__"
                    )
    return found


def _is_ours(module: str | None) -> bool:
    return module is not None and module.split(".")[0] == "sphinx_spackcache"


def layer_imports() -> dict[str, dict[str, set[str]]]:
    """layer -> {layer it imports: the modules that do}, read from every module."""
    edges: dict[str, dict[str, set[str]]] = {layer.name: {} for layer in LAYERS}
    for module, path in modules():
        mine = layer_of(module).name
        for imported in imports_of(module, path):
            other = layer_of(imported).name
            if other != mine:
                edges[mine].setdefault(other, set()).add(module)
    return edges
