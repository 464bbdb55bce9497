"""cache-index :toctree: writes one page per listed package, keeps them in step with the
snapshot, and never rewrites an unchanged page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.site.stubs import STUB_MARKER, find_index_requests, stub_text

from . import records as expected
from .conftest import RECORDS, ROOTS, Build, warnings_of
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
    assert page.startswith(STUB_MARKER + "\n")
    assert ".. cache-package:: cmake\n   :tag: v0.23.1\n" in page
    # a page of the default snapshot does not name it (an option costs every page a
    # parser of its own), and still shows that snapshot
    assert ".. cache-package:: cmake\n\n" in stubs(src / "all")["cmake"] + "\n"
    assert ":tag:" not in stubs(src / "all")["cmake"]
    shown = BeautifulSoup((app.outdir / "all" / "cmake.html").read_text("utf-8"), "html.parser")
    caption = shown.select_one("table.spackcache-specs caption")
    assert caption is not None
    assert caption.get_text().startswith(f"Specs of cmake in {TAG}")
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


# -- paths from :toctree: stay inside the source folder ------------------------------


def escape_page(src: Path, toctree: str) -> str:
    """Add a page whose ``cache-index`` puts its pages in *toctree*; its docname."""
    (src / "escape.rst").write_text(
        ":orphan:\n\nEscape\n======\n\n.. cache-index::\n   :tag: v0.23.1\n"
        f"   :toctree: {toctree}\n",
        "utf-8",
    )
    return "escape"


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink", "symlink-below"])
def test_toctree_folders_outside_the_source_folder_are_refused(
    build: Build, tmp_path: Path, how: str
) -> None:
    src = tmp_path / "generate"
    shutil.copytree(ROOTS / "test-generate", src)
    outside = tmp_path / "outside"
    outside.mkdir()
    # a generated page of an earlier build there: pruning must not reach it either
    old = outside / "zzz-old.rst"
    old.write_text(stub_text("zzz-old", "v0.23.1", "escape"), "utf-8")
    toctree = {
        "relative": "../outside",
        "absolute": str(outside),
        "symlink": "link",
        "symlink-below": "link/deeper",
    }[how]
    if how.startswith("symlink"):
        (src / "link").symlink_to(outside, target_is_directory=True)
    escape_page(src, toctree)

    # (Sphinx itself would read the pages under the link as documents)
    app = build("generate", "html", conf={"exclude_patterns": ["link"]})
    lines = warnings_of(app)
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith(f"{src / 'escape.rst'}:6: WARNING: cache-index: :toctree: ")
    assert line.endswith("; no package pages are generated or listed [spackcache.option]")
    reason = {
        "relative": "is outside the source folder",
        "absolute": "is an absolute path",
        "symlink": "leads outside the source folder (a symbolic link)",
        "symlink-below": "leads outside the source folder (a symbolic link)",
    }[how]
    assert f":toctree: {toctree!r} {reason}" in line
    # nothing written or removed outside; the rest of the build went on
    assert sorted(p.name for p in outside.rglob("*")) == ["zzz-old.rst"]
    assert sorted(stubs(src / "old")) == expected.packages("v0.23.1")
    assert (app.outdir / "escape.html").is_file()
    # a folder inside the source folder, reached through .., is fine
    escape_page(src, "sub/../inside")
    app = build("generate", "html", conf={"exclude_patterns": ["link"]})
    assert warnings_of(app) == []
    assert sorted(stubs(src / "inside")) == expected.packages("v0.23.1")


# -- two builds at once on one source folder -----------------------------------------

#: A test extension: each build waits at builder-inited, before pages are generated,
#: until every build of the round is there, so that they write the pages at the same time.
BARRIER = """
import os, time
from pathlib import Path

def wait(app):
    folder = Path(os.environ["SPACKCACHE_TEST_BARRIER"])
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 60
    while len(list(folder.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)

def setup(app):
    app.connect("builder-inited", wait, priority=100)
    return {"parallel_read_safe": True}
"""


@pytest.mark.slow
def test_two_builds_at_once_never_see_half_written_pages(tmp_path: Path) -> None:
    """html and latex at once on the same sources, every page to be rewritten: neither
    sees the other's half-written page (a half-written page does not start with the
    marker, and would be "not generated")."""
    cache = tmp_path / "_cache" / "t"
    one = (RECORDS / "develop-2025-04-20" / "opendatadetector" / "specs.md").read_text("utf-8")
    packages = [f"pkg{i:03d}" for i in range(100)]
    for package in packages:
        (cache / package).mkdir(parents=True)
        text = one.replace('"opendatadetector"', f'"{package}"').replace("develop-2025-04-20", "t")
        (cache / package / "specs.md").write_text(text, "utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "barrier.py").write_text(BARRIER, "utf-8")
    (src / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["barrier", "sphinx_spackcache"]\n'
        'spackcache_path = "../_cache"\nspackcache_default_tag = "t"\n',
        "utf-8",
    )
    (src / "index.rst").write_text(
        "Index\n=====\n\n.. cache-index::\n   :toctree: pkgs\n   :nav: toctree\n"
        "   :columns: package\n",
        "utf-8",
    )
    for round_number in range(2):
        # every page is there but out of date: both builds rewrite all of them
        if round_number:
            for path in (src / "pkgs").glob("*.rst"):
                path.write_text(path.read_text("utf-8") + f"\n.. round {round_number}\n")
        barrier = tmp_path / f"barrier-{round_number}"
        barrier.mkdir()
        runs = []
        for builder in ("html", "latex"):
            out, log = tmp_path / f"out-{builder}", tmp_path / f"{builder}.log"
            command = [sys.executable, "-m", "sphinx", "-q", "-b", builder, src, out, "-w", log]
            environment = {**os.environ, "SPACKCACHE_TEST_BARRIER": str(barrier)}
            runs.append(
                subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
            )
        for run, builder in zip(runs, ("html", "latex"), strict=True):
            _, stderr = run.communicate(timeout=600)
            assert run.returncode == 0, stderr
            assert (tmp_path / f"{builder}.log").read_text("utf-8") == "", builder
        pages = stubs(src / "pkgs")
        assert sorted(pages) == packages
        assert all(text == stub_text(p, "t", "index", default_tag="t") for p, text in pages.items())
        assert not [p for p in (src / "pkgs").iterdir() if p.suffix != ".rst"]  # no leftovers
