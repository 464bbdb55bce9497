"""The layers of the package (docs/_ext/spackcache_layers.py, drawn on the architecture
page): no module imports a layer above its own, and the data layer and the sources
import neither Sphinx nor docutils (a command-line tool and other programs use them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "docs" / "_ext"))
from spackcache_layers import LAYERS, imports_of, layer_imports, layer_of, modules


@pytest.mark.parametrize("folder", ["data", "sources"])
def test_imports_neither_sphinx_nor_docutils(folder: str) -> None:
    """Every module of the folder, imported in a fresh interpreter, loads no module of
    Sphinx or docutils."""
    names = [f"sphinx_spackcache.{module}" for module, _ in modules() if module.startswith(folder)]
    assert len(names) >= 3, names  # the folder is there and holds the layer
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"


def test_every_module_is_in_a_layer_and_imports_only_below() -> None:
    order = [layer.name for layer in LAYERS]
    upward = []
    for module, path in modules():
        mine = order.index(layer_of(module).name)
        for imported in sorted(imports_of(module, path)):
            if order.index(layer_of(imported).name) < mine:
                upward.append(f"{module} -> {imported}")
    assert upward == []


def test_the_import_reader_sees_real_imports() -> None:
    """The reader behind the check above (so that it cannot pass by seeing nothing)."""
    found = {module: imports_of(module, path) for module, path in modules()}
    assert {"sources.base", "sources.records", "data.problems"} <= found["sources.store"]
    assert "__init__" in found["cli"]  # from . import __version__
    assert "render.names" in found["render.badges"]
    edges = layer_imports()
    assert edges["data"] == {}
    assert set(edges["sources"]) == {"data"}
    assert "render" in edges["writers"]


def test_the_import_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Relative, absolute and plain imports of the package are all seen (an upward
    import written any of these ways would fail the layer check)."""
    module = tmp_path / "versions.py"
    module.write_text(
        "import re\n"
        "import sphinx_spackcache.render.names\n"
        "from sphinx_spackcache.site import tracking\n"
        "from ..writers import html\n"
        "from .model import Spec\n"
        "def f():\n    import sphinx_spackcache.directives.base as base\n",
        "utf-8",
    )
    assert imports_of("data.versions", module) == {
        "render.names",
        "site",
        "writers",
        "data.model",
        "directives.base",
    }


def test_the_data_path_diagram_warns_at_a_step_that_is_gone(tmp_path: Path) -> None:
    """The architecture page's path of data names real functions: a name that is not in
    the package is a located warning (and -W, as the docs are built, fails)."""
    from sphinx.cmd.build import build_main

    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).parents[1] / 'docs' / '_ext')!r})\n"
        "extensions = ['spackcache_docs']\n",
        "utf-8",
    )
    (tmp_path / "index.rst").write_text(
        "Path\n====\n\n.. spackcache-data-path::\n   :start: a file\n\n"
        "   sources.records.parse_record -> a record\n"
        "   sources.records.parse_everything -> nothing\n",
        "utf-8",
    )
    log = tmp_path / "warnings.log"
    assert (
        build_main(["-q", "-b", "text", "-w", str(log), str(tmp_path), str(tmp_path / "out")]) == 0
    )
    warnings = log.read_text("utf-8").strip().splitlines()
    assert len(warnings) == 1
    assert (
        "index.rst:8: WARNING: spackcache-data-path: sources.records.parse_everything"
        in warnings[0]
    )
    text = (tmp_path / "out" / "index.txt").read_text("utf-8")
    assert "|  sources.records.parse_record" in text
