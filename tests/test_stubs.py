"""cache-index :toctree: writes one page per listed package, keeps them in step with the
snapshot, and never rewrites an unchanged page."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from sphinx_spackcache.stubs import MARKER, find_index_requests

from . import records as expected
from .conftest import RECORDS, Build, warnings_of
from .test_incremental import read_docs

TAG = "develop-2025-04-20"


def stubs(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(folder.glob("*.rst"))}


def test_pages_are_written_for_the_listed_packages(build: Build) -> None:
    app = build("generate", "html")
    assert warnings_of(app) == []
    src = app.srcdir
    darwin = sorted(
        p
        for p in expected.packages(TAG)
        if any(s["platform"] == "darwin" for s in expected.specs(TAG, p))
    )
    assert 0 < len(darwin) < len(expected.packages(TAG))
    assert sorted(stubs(src / "all")) == expected.packages(TAG)
    assert sorted(stubs(src / "mac")) == darwin  # relative to darwin/index.md, filtered
    assert sorted(stubs(src / "old")) == expected.packages("v0.23.1")
    # the unfiltered index owns the cross-reference targets; the filtered one makes copies
    assert ":no-index:" not in stubs(src / "all")["cmake"]
    assert ":no-index:" in stubs(src / "mac")["cmake"]
    page = stubs(src / "old")["cmake"]
    assert page.startswith(MARKER + "\n")
    assert ".. cache-package:: cmake\n   :tag: v0.23.1\n" in page
    # each generated page is a real page, reached from the index (hidden toctree), and the
    # index rows link to it
    html = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in html.select("td.spackcache-package a")}
    assert links["cmake"] == "all/cmake.html#cache-package-cmake-develop-2025-04-20"
    assert len(links) == len(expected.packages(TAG))
    cmake = BeautifulSoup((app.outdir / "all" / "cmake.html").read_text("utf-8"), "html.parser")
    assert len(cmake.select("table.spackcache-specs tbody tr")) == len(expected.specs(TAG, "cmake"))
    assert not html.select("div.toctree-wrapper li a[href^='all/']")  # hidden


def test_unchanged_pages_are_not_rewritten_and_stale_ones_go(build: Build) -> None:
    app = build("generate", "html", conf={"spackcache_path": "_cache"})
    shutil.copytree(RECORDS, app.srcdir / "_cache")
    app = build("generate", "html", conf={"spackcache_path": "_cache"})
    assert warnings_of(app) == []
    folder = app.srcdir / "all"
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    app = build("generate", "html", conf={"spackcache_path": "_cache"})
    assert read_docs(app.status.getvalue()) == set()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before

    # a record leaves the snapshot: its page goes, the index is read again
    shutil.rmtree(app.srcdir / "_cache" / TAG / "zlib-ng")
    app = build("generate", "html", conf={"spackcache_path": "_cache"})
    assert not (folder / "zlib-ng.rst").exists()
    assert "index" in read_docs(app.status.getvalue())
    assert warnings_of(app) == []


def test_a_hand_written_file_is_never_overwritten(build: Build) -> None:
    app = build("generate", "html")
    mine = app.srcdir / "all" / "cmake.rst"
    mine.write_text("cmake\n=====\n\nMy own page.\n", "utf-8")
    app = build("generate", "html")
    assert mine.read_text("utf-8") == "cmake\n=====\n\nMy own page.\n"
    (line,) = [w for w in warnings_of(app) if "spackcache.stub" in w]
    assert "all/cmake.rst:1" in line
    assert "was not generated; not overwritten" in line


def test_generation_can_be_turned_off(build: Build) -> None:
    app = build("generate", "html", conf={"spackcache_generate": False})
    assert not (app.srcdir / "all").exists()
    lines = [w for w in warnings_of(app) if "spackcache.stub" in w]
    assert len(lines) == 3  # each :toctree: index says its pages are missing


def test_directives_are_found_in_rst_and_myst() -> None:
    rst = ".. cache-index::\n   :tag: v1\n   :toctree: pkgs\n\n.. cache-index::\n   :tag: v2\n"
    (found,) = find_index_requests("a/b", rst)
    assert found.options == {"tag": "v1", "toctree": "pkgs"}
    assert found.folder == "a/pkgs"
    myst = "```{cache-index}\n:toctree: ../p\n:os: ubuntu*\n```\n"
    (found,) = find_index_requests("x/y/z", myst)
    assert found.folder == "x/p"
    assert found.options["os"] == "ubuntu*"


def test_examples_in_code_blocks_comments_and_fences_are_not_directives() -> None:
    rst = (
        "Text::\n\n   .. cache-index::\n      :toctree: a\n\n"
        ".. code-block:: rst\n\n   .. cache-index::\n      :toctree: b\n\n"
        "..\n   .. cache-index::\n      :toctree: c\n\n"
        ".. cache-index::\n   :toctree: real\n"
    )
    assert [r.options["toctree"] for r in find_index_requests("d", rst)] == ["real"]
    myst = (
        "````md\n```{cache-index}\n:toctree: a\n```\n````\n\n"
        "```{cache-index}\n:toctree: real\n```\n"
    )
    assert [r.options["toctree"] for r in find_index_requests("d", myst)] == ["real"]
