"""HTML writers write the rows of spec tables and package listings straight from their data
(:func:`sphinx_spackcache.writers.html.visit_spec_table`, ``visit_package_table``); every
page must be byte for byte
what building the rows as nodes and walking them with the same translator gives, on every
test root with spec tables: hostile values, dependencies from mirrors, tarball links,
install spellings, folded columns, generated pages, listings (five of the roots), MyST and
the column of the other snapshots that hold a binary (links or plain names)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_spackcache.writers import html

from .conftest import MIRRORS, RECORDS, ROOTS

ROOTS_WITH_SPEC_TABLES = (
    "basic",
    "bad",
    "browser",
    "fit",
    "install",
    "mirrors",
    "views",
    "myst",
    "also-in",
    "also-in-plain",
)
ROOTS_WITH_LISTINGS = ("browser", "fit", "install", "mirrors", "myst", "views")


def _pages(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path, root: str, name: str
) -> dict[str, str]:
    srcdir = tmp_path / name
    overrides: dict[str, object] = {}
    if root == "also-in-plain":  # no page of develop-2025-04-13: its name is plain text
        root = "also-in"
        overrides["exclude_patterns"] = ["myst.md", "cmake-0413.rst"]
    shutil.copytree(ROOTS / f"test-{root}", srcdir)
    if "spackcache_path" not in (srcdir / "conf.py").read_text("utf-8"):
        overrides["spackcache_path"] = str(RECORDS)
    if root != "myst":
        overrides["source_suffix"] = {".rst": "restructuredtext"}
    if root == "mirrors":  # a v3 mirror (dependencies, sizes) and a v2 one
        overrides["spackcache_mirrors"] = {
            "spack-test": str(MIRRORS / "spack-v3-test"),
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        }
    app = make_app("html", srcdir=srcdir, confoverrides=overrides)
    try:
        app.build()
        out = Path(app.outdir)
        return {str(path.relative_to(out)): path.read_text("utf-8") for path in out.rglob("*.html")}
    finally:
        app.cleanup()


@pytest.mark.parametrize("root", ROOTS_WITH_SPEC_TABLES)
def test_rows_written_from_data_are_the_rows_the_nodes_give(
    make_app: Callable[..., SphinxTestApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    root: str,
) -> None:
    direct = _pages(make_app, tmp_path, root, "direct")
    monkeypatch.setattr(html, "DIRECT_OUTPUT", False)
    walked = _pages(make_app, tmp_path, root, "walked")
    assert direct.keys() == walked.keys()
    rows = listed = 0
    for page, text in walked.items():
        assert direct[page] == text, page
        for table in re.findall(r'<table class="[^"]*spackcache-specs.*?</table>', text, re.S):
            rows += table.count('<tr class="row-')
        for table in re.findall(r'<table class="[^"]*spackcache-packages.*?</table>', text, re.S):
            listed += table.count('<tr class="row-')
    assert rows > 0  # the root has spec tables with rows: the comparison means something
    assert (listed > 0) == (root in ROOTS_WITH_LISTINGS)
