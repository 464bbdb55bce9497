"""``cache-package :also-in:``: a column naming, for each spec, the other snapshots that
hold the same binary (the same 32-character hash of the same package), in the order of
snapshots, linked to the package's page there where there is one.

The expected values were worked out from the record files with a separate regular
expression over their ``"hash": "..."`` fields (``tests/records``: of cmake's 38 specs in
develop-2025-04-13, 36 in develop-2025-04-20 and 37 in v0.23.1, three hashes are in both
develop snapshots and none in v0.23.1; py-packaging shares none; in the full records of
``/work/shared/records/_cache``, 84 hashes are in those two snapshots and 1,287 in one).
:func:`_hashes_by_snapshot` re-reads them the same way, without the code under test.
"""

from __future__ import annotations

import collections
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from docutils import nodes
from sphinx.cmd.build import build_main

from sphinx_spackcache.data.history import also_in
from sphinx_spackcache.sources.store import CacheStore

from .conftest import MIRRORS, RECORDS, ROOTS, Build, resolved, warnings_of
from .test_incremental import read_docs
from .test_myst import our_nodes

#: The hashes of cmake in both develop snapshots (found by the regular expression).
SHARED_CMAKE = {
    "5sperlj6rzuakthap4on7ar5bjlxf2xc",
    "r2yz67ikatpcopobcggkf5otfmz6dgb6",
    "rmkrbhg7qll2afkdxwjcm7jzlsy2t4ga",
}
APRIL_13, APRIL_20 = "develop-2025-04-13", "develop-2025-04-20"
_HASH = re.compile(r'"hash": "([a-z0-9]{32})"')
#: The full records, where this machine has them.
SHARED_RECORDS = Path("/work/shared/records/_cache")


def _hashes_by_snapshot(root: Path, package: str) -> dict[str, set[str]]:
    """snapshot -> the hashes of *package* there, read with a regular expression."""
    return {
        path.parts[-3]: set(_HASH.findall(path.read_text("utf-8")))
        for path in root.glob(f"*/{package}/specs.md")
    }


def _rows(table: nodes.Element) -> list[list[str]]:
    return [
        [entry.astext() for entry in row.findall(nodes.entry)] for row in table.findall(nodes.row)
    ]


def _also_in_by_hash(doctree: nodes.document, number: int = 0) -> dict[str, str]:
    """Spec hash -> the text of its "Also in" cell, in the *number*-th spec table."""
    table = [t for t in doctree.findall(nodes.table) if "spackcache-specs" in t["classes"]][number]
    heading, *body = _rows(table)
    assert heading[-1] == "Also in"
    return {row[heading.index("Hash")]: row[-1] for row in body}


def _html_cells(path: Path) -> dict[str, Tag]:
    """Spec hash -> its "Also in" cell, in the first spec table of the HTML page *path*."""
    page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    table = page.select_one("table.spackcache-specs")
    assert table is not None
    return also_in_cells(table)


def also_in_cells(table: Tag) -> dict[str, Tag]:
    """Spec hash -> its "Also in" cell, in the HTML spec table *table*."""
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headings[-1] == "Also in"
    cells = {}
    for row in table.select("tbody tr"):
        code, cell = row.select_one("code.spackcache-hash"), row.select_one("td.spackcache-also-in")
        assert code is not None
        assert cell is not None
        cells[code.get_text(strip=True)] = cell
    return cells


def test_the_hashes_in_the_records() -> None:
    """The expected values, from the records themselves (not from the code)."""
    found = _hashes_by_snapshot(RECORDS, "cmake")
    assert {tag: len(h) for tag, h in found.items()} == {APRIL_13: 38, APRIL_20: 36, "v0.23.1": 37}
    assert found[APRIL_13] & found[APRIL_20] == SHARED_CMAKE
    assert not found["v0.23.1"] & (found[APRIL_13] | found[APRIL_20])


@pytest.mark.parametrize("root", [RECORDS, SHARED_RECORDS], ids=["tests", "shared"])
def test_also_in_over_every_record(root: Path) -> None:
    """data.history.also_in over every package of every snapshot: a hash in two
    snapshots is named on each side, a hash in one nowhere (84 and 1,287 in the full
    records, 3 and 343 in the test records, counted by the regular expression)."""
    if not root.is_dir():
        pytest.skip(f"{root} is not on this machine")
    where: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for path in root.glob("*/*/specs.md"):
        for spec_hash in _HASH.findall(path.read_text("utf-8")):
            where[(path.parts[-2], spec_hash)].add(path.parts[-3])
    expected = collections.Counter(len(tags) for tags in where.values())
    assert expected == ({1: 343, 2: 3} if root == RECORDS else {1: 1287, 2: 84})

    store = CacheStore(root)
    tags = store.tags()
    packages = {package for tag in tags for package in store.packages(tag)}
    found: dict[tuple[str, str], set[str]] = {}
    for package in packages:
        specs = {
            tag: store.load(tag, package).record.specs
            for tag in tags
            if store.has_record(tag, package)
        }
        for tag, mine in specs.items():
            elsewhere = also_in(tag, mine, specs)
            for spec in mine:
                others = elsewhere.get(spec.hash, ())
                assert tag not in others
                assert list(others) == sorted(others)  # develop dates sort by name too
                found[(package, spec.hash)] = {tag, *others}
    assert found == where


def test_cells_in_text_name_the_other_snapshot(build: Build) -> None:
    app = build("also-in", "text")
    assert warnings_of(app) == []
    april_20 = _also_in_by_hash(resolved(app, "cmake"))
    assert len(april_20) == 36
    assert {h: t for h, t in april_20.items() if t} == dict.fromkeys(SHARED_CMAKE, APRIL_13)
    april_13 = _also_in_by_hash(resolved(app, "cmake-0413"))
    assert len(april_13) == 38
    assert {h: t for h, t in april_13.items() if t} == dict.fromkeys(SHARED_CMAKE, APRIL_20)
    # filtered by stack tutorial (three specs, by hand), the column first as :columns: says
    doctree = resolved(app, "cmake-0413")
    tables = [t for t in doctree.findall(nodes.table) if "spackcache-specs" in t["classes"]]
    assert _rows(tables[1]) == [
        ["Also in", "Hash", "Compiler"],
        [APRIL_20, "rmkrbhg7qll2afkdxwjcm7jzlsy2t4ga", "gcc@11.4.0"],
        ["", "xkif4bfztnkm44cgtzr56kmgfwzmzyck", "gcc@11.4.0"],
        ["", "qdtznaq6y375idwdlnkupur2ruzzklca", "gcc@12.3.0"],
    ]
    # each name links to the package's page in that snapshot
    links = {
        ref["refuri"]
        for table in tables[:1]
        for entry in table.findall(nodes.entry)
        if "spackcache-also-in" in entry["classes"]
        for ref in entry.findall(nodes.reference)
    }
    assert links == {"#cache-package-cmake-develop-2025-04-20"}  # (text: no file names)
    # without the option, no column; with it and no binary elsewhere, an empty one
    plain = resolved(app, "plain")
    tables = [t for t in plain.findall(nodes.table) if "spackcache-specs" in t["classes"]]
    assert "Also in" not in _rows(tables[0])[0]
    assert _rows(tables[1])[0] == ["Hash", "Version", "Also in"]
    assert {row[-1] for row in _rows(tables[1])[1:]} == {""}
    text = (app.outdir / "cmake.txt").read_text("utf-8")
    assert '| "5sperlj6rzuakthap4on7ar5bjlxf2xc" |' in text
    row = next(line for line in text.splitlines() if "5sperlj6rzuakthap4on7ar5bjlxf2xc" in line)
    assert row.rstrip().endswith(f"| {APRIL_13}   |")


def test_html_links_each_snapshot_to_its_page(build: Build) -> None:
    app = build("also-in", "html")
    assert warnings_of(app) == []
    cells = {
        spec_hash: [(a.get_text(), a["href"]) for a in cell.select("a")]
        for spec_hash, cell in _html_cells(app.outdir / "cmake.html").items()
    }
    assert len(cells) == 36
    link = (APRIL_13, "cmake-0413.html#cache-package-cmake-develop-2025-04-13")
    assert {h: c for h, c in cells.items() if c} == {h: [link] for h in SHARED_CMAKE}
    # the words of the table, for search, hold the other snapshot's name
    assert APRIL_13 in (app.outdir / "searchindex.js").read_text("utf-8")


def test_generated_pages_take_the_option_and_name_a_snapshot_without_page(build: Build) -> None:
    """spackcache_also_in: every generated page has the column; test-generate documents
    develop-2025-04-20 only, so develop-2025-04-13 is plain text (and nitpicky, on in that
    root, says nothing)."""
    app = build("generate", "html", conf={"spackcache_also_in": True})
    assert warnings_of(app) == []
    assert "   :also-in:\n" in (app.srcdir / "all" / "cmake.rst").read_text("utf-8")
    cells = _html_cells(app.outdir / "all" / "cmake.html")
    assert len(cells) == 36
    named = {h: cell.get_text() for h, cell in cells.items() if cell.get_text()}
    assert named == dict.fromkeys(SHARED_CMAKE, APRIL_13)
    assert all(cell.select("a") == [] for cell in cells.values())
    # off (the default): no option, no column
    app = build("generate", "html")
    assert ":also-in:" not in (app.srcdir / "all" / "cmake.rst").read_text("utf-8")
    page = BeautifulSoup((app.outdir / "all" / "cmake.html").read_text("utf-8"), "html.parser")
    assert page.select("td.spackcache-also-in") == []


def test_myst_and_rst_give_the_same_doctree(build: Build) -> None:
    suffixes = {".rst": "restructuredtext", ".md": "markdown"}
    conf = {"source_suffix": suffixes, "exclude_patterns": ["cmake.rst"]}
    app = build("also-in", "pseudoxml", conf=conf)
    # (index.rst's toctree names the excluded cmake.rst, and myst.md is in none)
    assert all("toc" in w for w in warnings_of(app))
    markdown = our_nodes(resolved(app, "myst"))
    conf = {"source_suffix": suffixes, "exclude_patterns": ["myst.md"]}
    app = build("also-in", "pseudoxml", conf=conf, freshenv=True)
    assert warnings_of(app) == []
    rst = our_nodes(resolved(app, "cmake"))
    assert markdown == rst
    assert markdown[0].count('<entry classes="spackcache-also-in">') == 1 + 36
    assert markdown[0].count("develop-2025-04-13\n") == 3  # the three cells' links


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-also-in", src)
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    return src, records


def test_incremental_builds_follow_snapshots_added_edited_and_removed(
    build: Build, tmp_path: Path
) -> None:
    app = build("also-in", "html", conf={"spackcache_path": "_cache"})
    records = app.srcdir / "_cache"
    shutil.copytree(RECORDS, records)
    conf = {"spackcache_path": "_cache"}
    app = build("also-in", "html", conf=conf)
    assert warnings_of(app) == []
    app = build("also-in", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == set()

    def cells(page: str) -> dict[str, str]:
        return {h: cell.get_text() for h, cell in _html_cells(app.outdir / f"{page}.html").items()}

    # a new snapshot with cmake (a copy of develop-2025-04-20's record): every page with
    # the column is read again, and develop-2025-04-27 comes last, by date
    (records / "develop-2025-04-27" / "cmake").mkdir(parents=True)
    shutil.copy(records / APRIL_20 / "cmake" / "specs.md", records / "develop-2025-04-27" / "cmake")
    app = build("also-in", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"cmake", "cmake-0413", "plain"}
    april_20 = cells("cmake")
    assert {h for h, t in april_20.items() if t == f"{APRIL_13}, develop-2025-04-27"} == (
        SHARED_CMAKE
    )
    assert {t for h, t in april_20.items() if h not in SHARED_CMAKE} == {"develop-2025-04-27"}
    april_13 = cells("cmake-0413")
    assert {h: t for h, t in april_13.items() if t} == dict.fromkeys(
        SHARED_CMAKE, f"{APRIL_20}, develop-2025-04-27"
    )

    # a snapshot without cmake (nor py-packaging): the list of snapshots changed
    (records / "v0.22.0" / "zlib-ng").mkdir(parents=True)
    shutil.copy(records / APRIL_20 / "zlib-ng" / "specs.md", records / "v0.22.0" / "zlib-ng")
    app = build("also-in", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"cmake", "cmake-0413", "plain"}
    # ... to which cmake comes: the pages that read its package list are read again
    (records / "v0.22.0" / "cmake").mkdir()
    path = records / "v0.22.0" / "cmake" / "specs.md"
    path.write_text(
        (records / APRIL_13 / "cmake" / "specs.md").read_text("utf-8"), encoding="utf-8"
    )
    app = build("also-in", "html", conf=conf)
    # (plain's py-packaging is not in v0.22.0 either: its package list is noted there too)
    assert read_docs(app.status.getvalue()) == {"cmake", "cmake-0413", "plain"}
    # a release comes first
    assert cells("cmake")["5sperlj6rzuakthap4on7ar5bjlxf2xc"] == (
        f"v0.22.0, {APRIL_13}, develop-2025-04-27"
    )

    # an edited record of another snapshot: the pages that read it, and only those
    path.write_text(path.read_text("utf-8").replace("5sperlj6rzuakthap4on7ar5bjlxf2xc", "x" * 32))
    app = build("also-in", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"cmake", "cmake-0413"}
    assert cells("cmake")["5sperlj6rzuakthap4on7ar5bjlxf2xc"] == (f"{APRIL_13}, develop-2025-04-27")

    # snapshots removed: back to the two develop snapshots
    shutil.rmtree(records / "develop-2025-04-27")
    shutil.rmtree(records / "v0.22.0")
    app = build("also-in", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"cmake", "cmake-0413", "plain"}
    assert {h: t for h, t in cells("cmake").items() if t} == dict.fromkeys(SHARED_CMAKE, APRIL_13)
    assert warnings_of(app) == []


@pytest.mark.slow
def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    src, _ = _copy(tmp_path)
    pages = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        args = ["-q", "-E", "-j", jobs, "-D", f"spackcache_path={RECORDS}", "-b", "html"]
        assert build_main([*args, str(src), str(out)]) == 0
        pages[jobs] = {p.relative_to(out): p.read_bytes() for p in sorted(out.glob("*.html"))}
    assert pages["1"].keys() == pages["2"].keys()
    assert len(pages["1"]) >= 5
    for name, content in pages["1"].items():
        assert pages["2"][name] == content, name


def test_latex_and_man_show_the_column(build: Build) -> None:
    """LaTeX links each name to the package's page in that snapshot; the manual page
    prints them."""
    app = build("also-in", "latex")
    assert warnings_of(app) == []
    tex = next(app.outdir.glob("*.tex")).read_text("utf-8")
    assert "Also in" in tex
    target = r"\hyperref[\detokenize{cmake-0413:cache-package-cmake-develop-2025-04-13}]"
    assert tex.count(target) == 3  # the three rows of cmake in develop-2025-04-20
    app = build("also-in", "man")
    assert warnings_of(app) == []
    # docutils before 0.21 escapes each hyphen of a man page ("develop\-2025...")
    man = next(app.outdir.rglob("*.1")).read_text("utf-8").replace("\\-", "-")
    assert "Also in" in man
    # the April 20 rows name April 13 and the April 13 rows (two tables) April 20
    assert man.count(APRIL_13) >= 3
    assert man.count(APRIL_20) >= 3 + 1


def test_a_broken_record_elsewhere_is_reported_and_left_out(build: Build) -> None:
    """A record of another snapshot that cannot be read is a warning located in it (as
    cache-history reports it); the column goes on without that snapshot."""
    app = build("also-in", "text", conf={"spackcache_path": "_cache"})
    records = app.srcdir / "_cache"
    shutil.copytree(RECORDS, records)
    broken = records / APRIL_13 / "cmake" / "specs.md"
    broken.write_text("---\ntitle: cmake\nspec_details: [\n---\n", encoding="utf-8")
    app = build("also-in", "text", conf={"spackcache_path": "_cache"})
    warnings = warnings_of(app)
    assert warnings
    assert all(str(broken) in w and "[spackcache." in w for w in warnings)
    assert any("(used at" in w and "cmake.rst" in w for w in warnings)
    assert set(_also_in_by_hash(resolved(app, "cmake")).values()) == {""}
    assert "Also in" in (app.outdir / "cmake.txt").read_text("utf-8")


def test_mirrors_and_a_snapshot_of_one_mirror_per_stack(build: Build, tmp_path: Path) -> None:
    """Every source counts: Spack's test mirror in its v2 layout and in its v3 layout
    (tests/mirrors/make_v3.py: the same index, so the same 7 hashes, two of them
    libelf's) and a snapshot of one mirror per stack made of the v2 one. Snapshots named
    neither as releases nor as develop dates come last, by name."""
    src = tmp_path / "also-in"
    shutil.copytree(ROOTS / "test-also-in", src)
    (src / "mirrors.rst").write_text(
        ":orphan:\n\nMirrors\n=======\n\n.. cache-package:: libelf\n   :tag: spack-v2\n"
        "   :also-in:\n",
        encoding="utf-8",
    )
    mirrors = {
        "spack-v2": str(MIRRORS / "spack-v2-test"),
        "spack-v3": str(MIRRORS / "spack-v3-test"),
        "2026.11": {"e4s": str(MIRRORS / "spack-v2-test")},
    }
    app = build("also-in", "text", conf={"spackcache_mirrors": mirrors})
    assert [w for w in warnings_of(app) if "mirrors.rst" in w] == []
    cells = _also_in_by_hash(resolved(app, "mirrors"))
    libelf = {  # the two libelf records of the v2 index, read with json
        spec_hash
        for spec_hash, install in json.loads(
            (MIRRORS / "spack-v2-test" / "build_cache" / "index.json").read_text("utf-8")
        )["database"]["installs"].items()
        if install["spec"]["name"] == "libelf"
    }
    assert len(libelf) == 2
    # (a hash cell of a mirror lists the spec's dependencies after the hash)
    assert libelf == {cell.split()[0] for cell in cells}
    assert set(cells.values()) == {"2026.11, spack-v3"}
