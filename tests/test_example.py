"""The showcase, examples/spack-cache (issue 28), built as it ships: its own conf.py,
pointed by the environment variables it reads at binaries.spack.io's layout served on
127.0.0.1 (tests/snapshot-index, with the ``develop`` ref of tests/test_docs_live.py).

Expected numbers are computed here from the fixture's JSON (the helpers of
tests/test_snapshot_index.py), never from the code under test."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp

from .conftest import warnings_of
from .test_also_in import also_in_cells
from .test_docs_live import DEVELOP, live  # noqa: F401 (the fixture)
from .test_fetch import Server
from .test_pdf import compile_pdf
from .test_pdf import missing as pdf_tools_missing
from .test_snapshot_index import CLINGO, GZ, INDEX, V2, V3, dropped, in_cache

EXAMPLE = Path(__file__).parent.parent / "examples" / "spack-cache"
Make = Callable[..., SphinxTestApp]

#: The stacks' indexes of each ref the served index lists (the root mirror is not read
#: when a ref has stacks): (package, hash) of each, as the fixture's JSON says.
REFS: dict[str, dict[str, bytes]] = {
    "develop": DEVELOP,
    "develop-2026-11-29": {"e4s": dropped(V2, "libdwarf"), "ml": V3.read_bytes()},
    "develop-2026-11-26": {
        "e4s": V2.read_bytes(),
        "ml": V3.read_bytes(),
        "bootstrap": CLINGO.read_bytes(),
    },
    "v1.0.0": {"root": V2.read_bytes()},
}


def binaries(ref: str) -> set[tuple[str, str]]:
    return {spec for raw in REFS[ref].values() for spec in in_cache(raw)}


@pytest.fixture
def example(
    live: Server,  # noqa: F811 (the fixture of tests/test_docs_live.py)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Server]:
    """A copy of the example (its generated pages are written into it), its environment
    variables pointing at the local bucket, every ref selected."""
    src = tmp_path / "spack-cache"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("packages", "refs", "_build"))
    monkeypatch.setenv("SPACKCACHE_INDEX_URL", live.url + "/cache_spack_io_index.json")
    monkeypatch.setenv("SPACKCACHE_BUCKET", live.url + "/")
    monkeypatch.setenv("SPACKCACHE_REFS", "*")
    return src, live


def build(make_app: Make, src: Path, builder: str = "html") -> SphinxTestApp:
    app = make_app(builder, srcdir=src, confoverrides={"show_warning_types": True})
    app.build()
    app.cleanup()
    return app


def soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text("utf-8"), "html.parser")


def holding(package: str) -> dict[str, set[str]]:
    """ref -> the hashes of *package* its stacks' indexes list."""
    found = {ref: {h for n, h in binaries(ref) if n == package} for ref in REFS}
    return {ref: hashes for ref, hashes in found.items() if hashes}


def newest_first(refs: set[str]) -> list[str]:
    """By hand: the develop branch, the dated snapshots by date, then the release."""
    order = ["develop", "develop-2026-11-29", "develop-2026-11-26", "v1.0.0"]
    return [ref for ref in order if ref in refs]


def test_the_fixture_has_what_the_pages_need() -> None:
    """The expected values come from the fixture: four refs, a package whose binary is
    in all of them, a package in one only."""
    assert set(REFS) == set(json.loads(INDEX.read_bytes())) | {"develop"}
    assert set(holding("gcc-runtime")) == set(REFS)
    assert len(set().union(*holding("gcc-runtime").values())) == 1
    assert set(holding("clingo-bootstrap")) == {"develop-2026-11-26"}
    assert GZ.exists()  # the ml stack of develop-2026-11-29 and develop: gzipped


def test_the_example_builds_in_seconds_without_a_warning(
    example: tuple[Path, Server], make_app: Make
) -> None:
    src, server = example
    start = time.perf_counter()
    app = build(make_app, src)
    seconds = time.perf_counter() - start
    assert warnings_of(app) == []  # what -W would fail on
    assert seconds < 60
    # only the local bucket was asked
    assert server.requests
    assert "/cache_spack_io_index.json" in server.requests

    # the home page: the numbers of every ref together, counted here from the indexes
    home = soup(app, "index")
    text = " ".join(home.get_text().split())
    every = set().union(*(binaries(ref) for ref in REFS))
    packages = {name for name, _ in every}
    assert f"{len(REFS)} snapshots: {len(packages)} packages, {len(every)} binaries" in text
    # "Get started" with the newest release, from its root mirror
    assert "Get started with v1.0.0, the newest release:" in text
    assert f"spack mirror add --signed v1.0.0 {server.url}/v1.0.0" in text
    # every ref's page, newest first, linked without a script
    links = [a["href"] for a in home.select(".spackcache-snapshots .toctree-wrapper a")]
    assert links == [f"refs/{ref}.html" for ref in newest_first(set(REFS))]

    # the listing of every package, each linked to its page
    listing = soup(app, "packages")
    rows = listing.select("table.spackcache-packages tbody tr")
    specs = {r.select("td")[0].get_text(): r.select("td")[1].get_text() for r in rows}
    assert list(specs) == sorted(packages)
    assert specs["libdwarf"] == str(len({h for n, h in every if n == "libdwarf"}))
    assert {p.stem for p in (src / "packages").glob("*.rst")} == packages


def test_sizes_only_when_asked_for(
    example: tuple[Path, Server], make_app: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sizes cost a request a binary (its spec manifest): off unless
    ``SPACKCACHE_FETCH_SIZES`` says ``1``. Each ref's ``ml`` stack is the v3 test mirror
    with its spec manifests: libdwarf's binaries there get their sizes."""
    src, server = example
    app = build(make_app, src)
    assert warnings_of(app) == []
    assert not [path for path in server.requests if "/manifests/spec/" in path]
    assert "Size" not in [th.get_text() for th in soup(app, "packages/libdwarf").select("th")]

    monkeypatch.setenv("SPACKCACHE_FETCH_SIZES", "1")
    shutil.rmtree(app.outdir.parent)  # a new build, as the first on Read the Docs
    app = build(make_app, src)
    assert warnings_of(app) == []
    asked = [path for path in server.requests if "/manifests/spec/" in path]
    assert asked
    assert {path.split("/")[2] for path in asked} == {"ml"}  # the v3 stack of each ref
    assert "Size" in [th.get_text() for th in soup(app, "packages/libdwarf").select("th")]


def also_in_refs(table: Tag) -> dict[str, list[str]]:
    """Hash -> the refs its "Also in" cell names, in one HTML spec table."""
    return {h: [a.get_text() for a in cell.select("a")] for h, cell in also_in_cells(table).items()}


def test_a_package_page_across_every_ref(example: tuple[Path, Server], make_app: Make) -> None:
    src, server = example
    app = build(make_app, src)
    assert warnings_of(app) == []
    page = soup(app, "packages/gcc-runtime")
    held = holding("gcc-runtime")
    # a section per ref that holds it, newest first, each with its spec table
    sections = [h.get_text().rstrip("#¶ ") for h in page.select("section section > h2")]
    assert sections == ["History"] + [f"In {ref}" for ref in newest_first(set(held))]
    tables = page.select("table.spackcache-specs")
    titles = [t.caption.get_text(" ", strip=True) for t in tables if t.caption]
    assert [" ".join(t.split()[:5]) for t in titles] == [
        f"Specs of gcc-runtime in {ref}" for ref in newest_first(set(held))
    ]
    for ref, table in zip(newest_first(set(held)), tables, strict=True):
        cells = also_in_refs(table)
        assert set(cells) == held[ref]
        for spec_hash, refs in cells.items():
            others = {r for r, hashes in held.items() if spec_hash in hashes} - {ref}
            assert refs == list(reversed(newest_first(others)))  # oldest first
    # the install commands of each ref, and the package's history
    text = " ".join(page.get_text().split())
    for ref in held:
        assert f"spack mirror add --signed {ref} {server.url}/{ref}" in text
    assert "spack install --use-buildcache only gcc-runtime" in text
    assert "gcc-runtime is in 3 of the 3 snapshots" in text  # develop is shown apart
    # a package of one ref: one section, no history, its binaries in no other ref
    page = soup(app, "packages/clingo-bootstrap")
    (table,) = page.select("table.spackcache-specs")
    cells = also_in_refs(table)
    assert set(cells) == holding("clingo-bootstrap")["develop-2026-11-26"]
    assert set(map(tuple, cells.values())) == {()}
    assert "History" not in page.get_text()


def test_ref_and_stack_pages(example: tuple[Path, Server], make_app: Make) -> None:
    src, server = example
    app = build(make_app, src)
    assert warnings_of(app) == []
    # a stack page: the packages its index lists
    page = soup(app, "refs/develop-2026-11-26/bootstrap")
    listed = {
        td.get_text() for td in page.select("table.spackcache-packages td.spackcache-package")
    }
    assert listed == {name for name, _ in in_cache(CLINGO.read_bytes())}
    text = " ".join(page.get_text().split())
    # the stack's own mirror
    assert (
        f"spack mirror add --signed develop-2026-11-26-bootstrap "
        f"{server.url}/develop-2026-11-26/bootstrap" in text
    )
    # a ref's page: its coverage, its stacks, and what changed since the one before
    for ref in REFS:
        page = soup(app, f"refs/{ref}")
        text = " ".join(page.get_text().split())
        mine = binaries(ref)
        names = {n for n, _ in mine}
        assert f"{ref} has {len(names)} packages with {len(mine)} specs" in text
        stacks = [a.get_text() for a in page.select(".toctree-wrapper a")]
        assert stacks == [f"{stack} in {ref}" for stack in sorted(REFS[ref])]
    changes = {ref: " ".join(soup(app, f"refs/{ref}").get_text().split()) for ref in REFS}
    old, new = (
        {n for n, _ in binaries("develop-2026-11-26")},
        {n for n, _ in binaries("develop-2026-11-29")},
    )
    assert old != new
    assert "Changes since develop-2026-11-26" in changes["develop-2026-11-29"]
    assert (
        f"{len(new - old)} packages added, {len(old - new)} removed"
        in changes["develop-2026-11-29"]
    )
    # develop, which has no date, is compared with the newest dated snapshot
    assert "Changes since develop-2026-11-29" in changes["develop"]
    assert "Changes since" not in changes["develop-2026-11-26"]
    assert "Changes since" not in changes["v1.0.0"]  # the one release


def test_the_pages_follow_the_refs_of_the_index(
    example: tuple[Path, Server], make_app: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refs are the index's, when the build starts: a ref no longer selected loses
    its pages (and its sections of the package pages), with no page of the project
    naming it."""
    src, _server = example
    build(make_app, src)
    assert (src / "refs" / "v1.0.0.rst").is_file()
    assert (src / "refs" / "v1.0.0" / "root.rst").is_file()
    monkeypatch.setenv("SPACKCACHE_REFS", "develop*")
    app = build(make_app, src)
    assert warnings_of(app) == []
    assert not (src / "refs" / "v1.0.0.rst").exists()
    assert not (src / "refs" / "v1.0.0").exists() or not any((src / "refs" / "v1.0.0").iterdir())
    assert "In v1.0.0" not in (src / "packages" / "gcc-runtime.rst").read_text("utf-8")
    text = " ".join(soup(app, "index").get_text().split())
    develop = [ref for ref in REFS if ref.startswith("develop")]
    every = set().union(*(binaries(ref) for ref in develop))
    assert f"{len(develop)} snapshots: {len({n for n, _ in every})} packages" in text
    # no release left: the newest snapshot gets the commands
    assert "Get started with develop, the newest snapshot:" in text


def test_search_and_pdf_have_the_pages(example: tuple[Path, Server], make_app: Make) -> None:
    src, _server = example
    app = build(make_app, src)
    search = (app.outdir / "searchindex.js").read_text("utf-8")
    # the package pages are not in the theme's sidebar (only the PDF's root lists them)
    sidebar = soup(app, "refs/develop").select(".sidebar-tree a")
    assert sidebar
    assert not [a for a in sidebar if "packages/" in a["href"]]
    for docname in ("packages/gcc-runtime", "refs/develop", "refs/develop/e4s", "match"):
        assert f'"{docname}"' in search
    app = build(make_app, src, "latex")
    assert warnings_of(app) == []
    tex = (app.outdir / "spack-cache.tex").read_text("utf-8")
    # the refs, their stacks, their changes and the match page are chapters of the PDF
    hyphen = "\\sphinxhyphen{}"
    chapters = re.findall(
        r"\\(?:chapter|section|subsection|subsubsection)\{(.*?)\}", tex.replace(hyphen, "-")
    )
    for ref in REFS:
        assert ref in chapters
        for stack in REFS[ref]:
            assert f"{stack} in {ref}" in chapters
    assert "Changes since develop-2026-11-26" in chapters
    # a chapter per package (contents.rst), with a section per ref that holds it
    for package in {n for ref in REFS for n, _ in binaries(ref)}:
        start = chapters.index(package)
        held = newest_first(set(holding(package)))
        expected = (["History"] if len(held) > 1 else []) + [f"In {ref}" for ref in held]
        assert chapters[start + 1 : start + 1 + len(expected)] == expected
    assert "Will my environment come from the cache?" in tex


def own_page(src: Path, body: str) -> None:
    """The example's conf.py with *body* as its only page."""
    for path in src.iterdir():
        if path.name != "conf.py":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    (src / "index.rst").write_text(f"Home\n====\n\n{body}", "utf-8")


def test_cache_snapshots_without_pages_lists_each_ref(
    example: tuple[Path, Server], make_app: Make
) -> None:
    src, _server = example
    own_page(src, ".. cache-snapshots::\n")
    app = build(make_app, src, "text")
    assert warnings_of(app) == []
    text = (app.outdir / "index.txt").read_text("utf-8")
    for ref in newest_first(set(REFS)):
        mine = binaries(ref)
        assert f"* {ref}: {len({n for n, _ in mine})} packages, {len(mine)} specs\n" in text
    listed = [line.split(":")[0][2:] for line in text.splitlines() if line.startswith("* ")]
    assert listed == newest_first(set(REFS))
    assert "Get started" not in text  # without :install:
    assert not (src / "refs").exists()


def test_snapshot_pages_not_generated_is_one_located_warning(
    example: tuple[Path, Server], make_app: Make
) -> None:
    """With spackcache_generate off, ``cache-snapshots :toctree:`` says its pages are
    missing (as ``cache-index :toctree:`` does of its own), and lists the refs still."""
    src, _server = example
    own_page(src, ".. cache-snapshots::\n   :toctree: refs\n")
    app = make_app(
        "text",
        srcdir=src,
        confoverrides={"show_warning_types": True, "spackcache_generate": False},
    )
    app.build()
    (found,) = warnings_of(app)
    assert (
        f"index.rst:4: WARNING: cache-snapshots: :toctree: {len(REFS)} snapshot pages are "
        "missing in 'refs'" in found
    )
    assert found.endswith("[spackcache.stub]")
    assert not (src / "refs").exists()
    assert f"{len(REFS)} snapshots:" in (app.outdir / "index.txt").read_text("utf-8")


def test_bad_options_are_located_warnings(example: tuple[Path, Server], make_app: Make) -> None:
    src, _server = example
    own_page(
        src,
        ".. cache-index::\n   :all-tags:\n   :tag: develop\n\n"
        ".. cache-snapshots::\n   :toctree: ../elsewhere\n",
    )
    app = build(make_app, src, "text")
    found = warnings_of(app)
    assert len(found) == 2
    assert (
        "index.rst:4: WARNING: cache-index: :all-tags: lists every snapshot; leave out :tag:"
        in found[0]
    )
    assert found[0].endswith("[spackcache.option]")
    assert "index.rst:8: WARNING: cache-snapshots: :toctree: '../elsewhere' is outside" in found[1]
    assert found[1].endswith("[spackcache.option]")
    assert not (src.parent / "elsewhere").exists()
    # the numbers are still shown
    assert f"{len(REFS)} snapshots:" in (app.outdir / "index.txt").read_text("utf-8")


def test_a_new_ref_in_the_index_is_picked_up_by_an_incremental_build(
    example: tuple[Path, Server], make_app: Make
) -> None:
    """The index gains a ref between two builds, conf.py unchanged: the next build (the
    index asked for again: spackcache_fetch_max_age 0) writes the ref's pages, adds its
    section to the package pages and counts it on the home page."""
    src, server = example
    index = server.root / "cache_spack_io_index.json"
    whole = json.loads(index.read_bytes())
    index.write_text(json.dumps({k: v for k, v in whole.items() if k != "v1.0.0"}), "utf-8")
    conf = {"show_warning_types": True, "spackcache_fetch_max_age": 0}
    app = make_app("html", srcdir=src, confoverrides=conf)
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    assert not (src / "refs" / "v1.0.0.rst").exists()
    assert f"{len(REFS) - 1} snapshots:" in soup(app, "index").get_text()
    index.write_text(json.dumps(whole), "utf-8")
    app = make_app("html", srcdir=src, confoverrides=conf)
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    assert (src / "refs" / "v1.0.0.rst").is_file()
    text = " ".join(soup(app, "index").get_text().split())
    assert f"{len(REFS)} snapshots:" in text
    assert "Get started with v1.0.0, the newest release:" in text
    page = soup(app, "packages/gcc-runtime")
    assert "In v1.0.0" in page.get_text()
    # the binary that v1.0.0 holds too says so in the other refs' tables
    table = page.select("table.spackcache-specs")[0]
    assert all("v1.0.0" in refs for refs in also_in_refs(table).values())
    listing = " ".join(soup(app, "packages").get_text().split())
    assert f"{len(REFS)} snapshots (develop, develop-2026-11-29, develop-2026-11-26, v1.0.0)" in (
        listing
    )


@pytest.mark.pdf
@pytest.mark.slow
@pytest.mark.skipif(
    bool(pdf_tools_missing) and not os.environ.get("CI"),
    reason=f"needs {', '.join(pdf_tools_missing)} (installed by .ci/run)",
)
def test_the_pdf_compiles_with_every_page(example: tuple[Path, Server], make_app: Make) -> None:
    src, _server = example
    app = build(make_app, src, "latex")
    assert warnings_of(app) == []
    text = " ".join(compile_pdf(app.outdir / "spack-cache.tex").split())
    assert "Will my environment come from the cache?" in text
    for package in {n for ref in REFS for n, _ in binaries(ref)}:
        for ref in holding(package):
            assert f"Specs of {package} in {ref}" in text


@pytest.mark.slow
def test_a_parallel_build_writes_the_same_pages(
    example: tuple[Path, Server], make_app: Make, tmp_path: Path
) -> None:
    """-j 2 (parallel read and write, the workers forked after the generated pages are
    written) gives the same pages and warnings as -j 1."""
    src, _server = example
    pages = ("index", "packages", "packages/gcc-runtime", "refs/develop", "refs/develop/e4s")
    bodies = {}
    for parallel in (1, 2):
        app = make_app(
            "html",
            srcdir=src,
            parallel=parallel,
            builddir=tmp_path / f"j{parallel}",
            confoverrides={"show_warning_types": True},
        )
        app.build()
        app.cleanup()
        assert warnings_of(app) == []
        bodies[parallel] = {
            page: str(soup(app, page).select_one("article[role=main]")) for page in pages
        }
    assert bodies[1] == bodies[2]
    assert all(body.startswith("<article") for body in bodies[1].values())


def test_package_and_snapshot_pages_may_share_a_folder(
    example: tuple[Path, Server], make_app: Make
) -> None:
    """Each generator removes only the stale pages it generated: in one folder, neither
    removes the other's."""
    src, _server = example
    own_page(
        src,
        ".. cache-snapshots::\n   :toctree: pages\n\n"
        ".. cache-index::\n   :all-tags:\n   :toctree: pages\n",
    )
    for _ in range(2):
        app = build(make_app, src, "text")
        assert warnings_of(app) == []
        stems = {p.stem for p in (src / "pages").glob("*.rst")}
        packages = {n for ref in REFS for n, _ in binaries(ref)}
        assert stems == packages | set(REFS)
