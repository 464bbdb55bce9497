"""Generated pages and navigation (``cache-index :nav:``): by default the pages are in
no toctree, link back to their index and to their neighbours by name, and stay in the
search index, the general index and objects.inv; ``:nav: toctree`` puts them in the
theme's navigation instead."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx.util.inventory import InventoryFile

from sphinx_spackcache.site.stubs import PageLinks, stub_text

from . import records as expected
from .conftest import RECORDS, ROOTS, Build, warnings_of
from .test_incremental import read_docs

TAG = "develop-2025-04-20"
#: alabaster's sidebar shows the global toctree, hidden entries included (as furo's does)
ALABASTER = {"html_theme": "alabaster"}


def page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{name}.html").read_text("utf-8"), "html.parser")


def head_link(html: BeautifulSoup, rel: str) -> str | None:
    link = html.select_one(f'head link[rel="{rel}"]')
    return None if link is None else str(link["href"])


def test_pages_are_in_no_toctree_by_default_and_link_to_their_neighbours(build: Build) -> None:
    app = build("generate", "html", conf=ALABASTER)
    assert warnings_of(app) == []  # in particular no "not included in any toctree"
    packages = sorted(expected.packages(TAG))  # the generated pages, in name order
    assert not any(d.startswith("all/") for d in app.env.toctree_includes.get("index", []))
    for number, package in enumerate(packages):
        html = page(app.outdir, f"all/{package}")
        previous = f"{packages[number - 1]}.html" if number else None
        following = f"{packages[number + 1]}.html" if number + 1 < len(packages) else None
        assert head_link(html, "prev") == previous, package
        assert head_link(html, "next") == following, package
        (back,) = [a for p in html.select("p") if p.get_text().startswith("Listed on ")
                   for a in p.select("a")]  # fmt: skip
        assert back["href"] == "../index.html"
        assert back.get_text() == "Generate"  # the index page's title
    # the theme's sidebar navigation (alabaster: the global toctree) lists none of them
    index = page(app.outdir, "index")
    assert index.select("div.sphinxsidebar a[href='linux.html']")  # the sidebar is there
    assert not index.select("div.sphinxsidebar a[href^='all/']")


def test_pages_outside_the_toctree_stay_searchable_and_indexed(build: Build) -> None:
    app = build("generate", "html")
    source = (app.outdir / "searchindex.js").read_text("utf-8")
    index = json.loads(source[source.index("(") + 1 : source.rindex(")")])
    assert {f"all/{p}" for p in expected.packages(TAG)} <= set(index["docnames"])
    genindex = page(app.outdir, "genindex")
    assert genindex.select('a[href="all/cmake.html#cache-package-cmake-develop-2025-04-20"]')
    with open(app.outdir / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda base, uri: uri)
    item = inventory["cache:package"][f"cmake@{TAG}"]
    uri = item.uri if hasattr(item, "uri") else item[2]  # a tuple before Sphinx 8.2
    assert uri == f"all/cmake.html#cache-package-cmake-{TAG}"


def test_nav_toctree_puts_the_pages_in_the_navigation(build: Build) -> None:
    app = build("generate", "html", conf=ALABASTER)
    index_rst = app.srcdir / "index.rst"
    index_rst.write_text(
        index_rst.read_text("utf-8").replace(
            ":toctree: all\n", ":toctree: all\n   :nav: toctree\n"
        ),
        "utf-8",
    )
    app = build("generate", "html", conf=ALABASTER)
    assert warnings_of(app) == []
    stub = (app.srcdir / "all" / "cmake.rst").read_text("utf-8")
    assert ":orphan:" not in stub
    assert "Listed on" not in stub
    included = app.env.toctree_includes["index"]
    assert {f"all/{p}" for p in expected.packages(TAG)} <= set(included)
    html = page(app.outdir, "index")
    assert html.select("div.sphinxsidebar a[href^='all/']")  # now in the sidebar
    # the other indexes keep the default: their pages are still orphans
    assert ":orphan:" in (app.srcdir / "old" / "cmake.rst").read_text("utf-8")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("   :toctree: all\n   :nav: sidebar\n", ":nav: 'sidebar' is not one of listing, toctree"),
        ("   :nav: toctree\n", ":nav: applies to generated pages; give :toctree: too"),
    ],
)
def test_nav_mistakes_are_located_warnings(build: Build, options: str, message: str) -> None:
    app = build("generate", "html")
    index_rst = app.srcdir / "index.rst"
    text = index_rst.read_text("utf-8")
    index_rst.write_text(text.replace("   :toctree: all\n", options), "utf-8")
    line = text.splitlines().index(".. cache-index::") + 1
    app = build("generate", "html")
    found = [w for w in warnings_of(app) if message in w]
    assert len(found) == 1, warnings_of(app)
    assert re.match(rf"{re.escape(str(index_rst))}:{line}: WARNING: ", found[0])
    assert "[spackcache.option]" in found[0]


def test_the_back_link_is_in_every_builder(build: Build) -> None:
    app = build("generate", "text")
    text = (app.outdir / "all" / "cmake.txt").read_text("utf-8")
    assert "Listed on Generate." in text


def test_neighbours_follow_a_package_that_leaves(build: Build) -> None:
    conf = {"spackcache_path": "_cache"}
    app = build("generate", "html", conf=conf)
    shutil.copytree(RECORDS, app.srcdir / "_cache")  # a copy the test may change
    app = build("generate", "html", conf=conf)
    packages = sorted(expected.packages(TAG))
    before, gone, after = packages[1:4]
    shutil.rmtree(app.srcdir / "_cache" / TAG / gone)
    app = build("generate", "html", conf=conf)
    assert warnings_of(app) == []
    # the neighbours' pages were rewritten, read again, and now link to each other
    assert {f"all/{before}", f"all/{after}"} <= read_docs(app.status.getvalue())
    assert head_link(page(app.outdir, f"all/{before}"), "next") == f"{after}.html"
    assert head_link(page(app.outdir, f"all/{after}"), "prev") == f"{before}.html"


@pytest.mark.slow
def test_parallel_builds_give_the_same_pages(tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        src = tmp_path / f"src-{jobs}"
        shutil.copytree(ROOTS / "test-generate", src)
        out = tmp_path / f"out-{jobs}"
        args = ["-q", "-j", jobs, "-D", f"spackcache_path={RECORDS}", "-b", "html"]
        assert build_main([*args, str(src), str(out)]) == 0
        outputs[jobs] = {
            path.relative_to(out): path.read_text("utf-8").replace(f"src-{jobs}", "src")
            for path in sorted(out.rglob("*.html"))
        }
    assert outputs["1"].keys() == outputs["2"].keys()
    assert len([p for p in outputs["1"] if p.parts[0] == "all"]) == len(expected.packages(TAG))
    for path, html in outputs["1"].items():
        assert outputs["2"][path] == html, path


def test_the_nav_field_says_index_previous_and_next() -> None:
    links = PageLinks("index", "", "all/boost")
    assert links.as_field() == "index | - | all/boost"
    assert PageLinks.from_field(links.as_field()) == links
    assert PageLinks.from_field("index | all/a | all/b") == PageLinks("index", "all/a", "all/b")
    # not a value this extension writes: no links rather than wrong ones
    for value in ("", "index", "- | a | b", "index | a", "a | b | c | d"):
        assert PageLinks.from_field(value) is None, value
    stub = stub_text("cmake", "t", "index", links=PageLinks("index", "all/boost", ""))
    assert ":orphan:\n:spackcache-nav: index | all/boost | -\n" in stub
    assert "Listed on :doc:`/index`." in stub
