"""The examples the documentation shows (docs/snippets) are built here as one project of
their own, with the records the docs ship (docs/_cache), so the docs cannot show an
example that does not work."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes
from pytest_regressions.file_regression import FileRegressionFixture
from sphinx.testing.util import SphinxTestApp

from .conftest import DOCS, resolved, warnings_of

SNIPPETS = DOCS / "snippets"


def raw_specs(tag: str, package: str) -> list[dict[str, object]]:
    text = (DOCS / "_cache" / tag / package / "specs.md").read_text("utf-8")
    specs: list[dict[str, object]] = yaml.safe_load(text.split("---")[1])["spec_details"]
    return specs


def snippet_project(root: Path) -> list[str]:
    """A project whose pages are the snippets; returns the page names."""
    root.mkdir()
    shutil.copy(SNIPPETS / "conf_example.py", root / "conf.py")
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nextensions.append("myst_parser")\n')
        conf.write('source_suffix = {".rst": "restructuredtext", ".md": "markdown"}\n')
    shutil.copytree(DOCS / "_cache", root / "_cache")
    pages = []
    for snippet in sorted(SNIPPETS.glob("*.rst")) + sorted(SNIPPETS.glob("*.md")):
        name = f"{snippet.stem}-{snippet.suffix[1:]}"
        body = snippet.read_text("utf-8")
        if snippet.suffix == ".md":
            (root / f"{name}.md").write_text(f"# {name}\n\n{body}", "utf-8")
        else:
            (root / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n\n{body}", "utf-8")
        pages.append(name)
    toctree = "\n".join(f"   {page}" for page in pages)
    (root / "index.rst").write_text(f"Snippets\n========\n\n.. toctree::\n\n{toctree}\n", "utf-8")
    return pages


def test_every_snippet_builds_without_warnings(
    make_app: type[SphinxTestApp], tmp_path: Path
) -> None:
    pages = snippet_project(tmp_path / "project")
    assert {"package-rst", "package-tag-rst", "package-md"} <= set(pages)
    app = make_app("html", srcdir=tmp_path / "project")
    app.build()
    assert warnings_of(app) == []

    def hashes(page: str) -> list[str]:
        html = BeautifulSoup((app.outdir / f"{page}.html").read_text("utf-8"), "html.parser")
        return [td.get_text() for td in html.select("table.spackcache-specs td.spackcache-hash")]

    py = {str(s["hash"]) for s in raw_specs("develop-2025-04-20", "py-packaging")}
    assert len(py) == 27
    assert set(hashes("package-rst")) == py
    # the MyST snippet: cmake, only the specs built with some gcc
    cmake = raw_specs("develop-2025-04-20", "cmake")
    gcc = {str(s["hash"]) for s in cmake if str(s["compiler"]).startswith("gcc@")}
    assert 0 < len(gcc) < len(cmake)
    assert set(hashes("package-md")) == gcc
    # v0.23.1 records link every hash to its tarball
    old = raw_specs("v0.23.1", "cmake")
    assert sorted(hashes("package-tag-rst")) == sorted(str(s["hash"]) for s in old)
    assert len(old) == 37
    html = BeautifulSoup((app.outdir / "package-tag-rst.html").read_text("utf-8"), "html.parser")
    links = Counter(str(a["href"]).endswith(".spack") for a in html.select("td.spackcache-hash a"))
    assert links == Counter({True: 37})


# -- regression files ------------------------------------------------------------------
#
# As sphinx-design's tests/test_snippets.py does: each snippet's doctree, with the
# post-transforms applied (built by the pseudoxml builder, so that the spec tables,
# listings and matrices are expanded as every builder but HTML writes them), in
# tests/test_docs_snippets/snippet_<page>.xml. Each file was read and checked against the
# records of docs/_cache; regenerate with ``pytest --force-regen`` only after reading
# the diff.

SNIPPET_PAGES = [
    f"{path.stem}-{path.suffix[1:]}"
    for path in sorted(SNIPPETS.glob("*.rst")) + sorted(SNIPPETS.glob("*.md"))
]


@pytest.fixture(scope="module")
def snippet_doctrees(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """page -> its doctree as text, all snippets built once (as one project)."""
    root = tmp_path_factory.mktemp("snippets") / "project"
    pages = snippet_project(root)
    assert pages == SNIPPET_PAGES
    app = SphinxTestApp("pseudoxml", srcdir=root)
    try:
        app.build()
        assert warnings_of(app) == []
        yield {page: doctree_text(resolved(app, page)) for page in pages}
    finally:
        app.cleanup()


def doctree_text(doctree: nodes.document) -> str:
    """*doctree* as text, without what differs by machine (file names and lines)."""
    for element in doctree.findall(nodes.Element):
        element.attributes.pop("source", None)
        element.line = None
    doctree.attributes.pop("translation_progress", None)
    text = doctree.pformat()
    # docutils < 0.22 writes a boolean attribute as "True"/"False", newer ones as "1"/"0"
    return re.sub(r'(?<=\s)([a-z_]+)="(True|False)"', _bool_attribute, text)


def _bool_attribute(match: re.Match[str]) -> str:
    return f'{match[1]}="{1 if match[2] == "True" else 0}"'


@pytest.mark.parametrize("page", SNIPPET_PAGES)
def test_snippet_doctree(
    snippet_doctrees: dict[str, str], page: str, file_regression: FileRegressionFixture
) -> None:
    text = snippet_doctrees[page]
    assert "/tmp" not in text
    assert str(DOCS) not in text
    file_regression.check(text, basename=f"snippet_{page}", extension=".xml")
