"""The examples the documentation shows (docs/snippets) are built here as a project of
their own, with the records the docs ship (docs/_cache), so the docs cannot show an
example that does not work."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from .conftest import DOCS, warnings_of

SNIPPETS = DOCS / "snippets"


def raw_specs(tag: str, package: str) -> list[dict[str, object]]:
    text = (DOCS / "_cache" / tag / package / "specs.md").read_text("utf-8")
    specs: list[dict[str, object]] = yaml.safe_load(text.split("---")[1])["spec_details"]
    return specs


def test_snippets_build_as_documented(make_app: type[SphinxTestApp], tmp_path: Path) -> None:
    src = tmp_path / "project"
    src.mkdir()
    shutil.copy(SNIPPETS / "conf_example.py", src / "conf.py")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nextensions.append("myst_parser")\n')
        conf.write('source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n')
    shutil.copytree(DOCS / "_cache", src / "_cache")
    (src / "index.rst").write_text(
        "Snippets\n========\n\n.. toctree::\n\n   package\n   package-tag\n   markdown\n", "utf-8"
    )
    for name in ("package.rst", "package-tag.rst"):
        body = (SNIPPETS / name).read_text("utf-8")
        (src / name).write_text(f"{name}\n{'=' * len(name)}\n\n{body}", "utf-8")
    (src / "markdown.md").write_text(
        "# Markdown\n\n" + (SNIPPETS / "package.md").read_text("utf-8")
    )

    app = make_app("html", srcdir=src)
    app.build()
    assert warnings_of(app) == []

    def table_rows(page: str) -> list[str]:
        html = BeautifulSoup((app.outdir / page).read_text("utf-8"), "html.parser")
        return [td.get_text() for td in html.select("table.spackcache-specs td.spackcache-hash")]

    py = {str(s["hash"]) for s in raw_specs("develop-2025-04-20", "py-packaging")}
    assert len(py) == 27
    assert set(table_rows("package.html")) == py
    # the MyST snippet: cmake, only the specs built with some gcc
    gcc = {
        str(s["hash"])
        for s in raw_specs("develop-2025-04-20", "cmake")
        if str(s["compiler"]).startswith("gcc@")
    }
    assert 0 < len(gcc) < len(raw_specs("develop-2025-04-20", "cmake"))
    assert set(table_rows("markdown.html")) == gcc
    cmake = raw_specs("v0.23.1", "cmake")
    assert sorted(table_rows("package-tag.html")) == sorted(str(s["hash"]) for s in cmake)
    assert len(cmake) == 37
    # v0.23.1 records link every hash to its tarball
    html = BeautifulSoup((app.outdir / "package-tag.html").read_text("utf-8"), "html.parser")
    links = Counter(str(a["href"]).endswith(".spack") for a in html.select("td.spackcache-hash a"))
    assert links == Counter({True: 37})
