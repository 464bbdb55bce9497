"""``cache-diff``'s table of specs says what its rows share once, as a spec table does
(issue 25, point 7): on cmake from develop-2025-04-13 to develop-2025-04-20 (docs/_cache),
33 rebuilt rows and 2 removed ones all repeated the platform ``linux`` and the same five
variants. The expected values are worked out here from the raw records with PyYAML (the
rule of docs/history.rst, in tests/test_history.py's ``expected_changes``), not with the
code under test."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from docutils import nodes

from sphinx_spackcache.render.badges import badge_run, more_values

from .conftest import Build, resolved, warnings_of
from .test_history import CACHE, NEW, OLD, expected_changes, raw

CONF = {"spackcache_path": str(CACHE)}


def _changed(package: str) -> list[dict[str, Any]]:
    """The specs of *package* that are in one snapshot only (rebuilt on either side,
    added or removed): each row of the diff shows one of them (the new one of a rebuilt
    pair)."""
    old, new = raw(OLD)[package], raw(NEW)[package]
    old_hashes = {s["hash"] for s in old}
    new_hashes = {s["hash"] for s in new}
    return [s for s in old if s["hash"] not in new_hashes] + [
        s for s in new if s["hash"] not in old_hashes
    ]


def _cmake_expected() -> tuple[int, set[str], dict[str, set[str]]]:
    """The number of rows, the variants every row's spec has, and each spec's variants
    by hash."""
    changes = expected_changes(raw(OLD)["cmake"], raw(NEW)["cmake"])
    rows = changes["rebuilt"] + changes["added"] + changes["removed"]
    specs = _changed("cmake")
    shared = set.intersection(*(set(s["variants"]) for s in specs))
    return rows, shared, {s["hash"]: set(s["variants"]) for s in specs}


def test_the_numbers_of_cmake() -> None:
    """Read by a person too: 33 rebuilt, 2 removed; every spec of the 35 rows (both
    sides of each rebuilt pair) has these five variants and is linux; +ownlibs is not
    on every one."""
    rows, shared, _ = _cmake_expected()
    assert rows == 35
    assert shared == {"build_system=generic", "build_type=Release", "~doc", "+ncurses", "~qtgui"}
    assert {s["platform"] for s in _changed("cmake")} == {"linux"}
    assert len({s["os"] for s in _changed("cmake")}) > 1


def _cmake_section(build: Build) -> Tag:
    app = build("history", "html", conf=CONF)
    assert warnings_of(app) == []
    page = BeautifulSoup((app.outdir / "packages.html").read_text("utf-8"), "html.parser")
    section = page.select_one("section#cmake div.spackcache-diff")
    assert section is not None
    return section


def test_a_diff_says_once_what_its_rows_share(build: Build) -> None:
    rows, shared, variants = _cmake_expected()
    diff = _cmake_section(build)
    paragraph = diff.select_one("p.spackcache-shared")
    assert paragraph is not None
    table = diff.select_one("table.spackcache-diff-specs")
    assert table is not None
    # said once, just before the table (in its scroll box)
    assert paragraph.find_next("table") is table
    assert paragraph.get_text(" ", strip=True).startswith(
        f"All {rows} specs rebuilt or removed: platform linux"
    )
    said = {b.get_text() for b in paragraph.select(".spackcache-shared-variants .sd-badge")}
    assert said == shared
    assert [b.get_text() for b in paragraph.select(".spackcache-shared-platform .sd-badge")] == [
        "linux"
    ]
    body = table.select("tbody tr")
    assert len(body) == rows
    # no row repeats them: each row's variants are its spec's but the shared ones, and
    # its arch is its OS and target (the platform said once)
    headings = [th.get_text() for th in table.select("thead th")]
    assert headings == ["Change", "Version", "Compiler", "Arch", "Variants", "Old hash", "New hash"]
    badges = 0
    for row in body:
        spec_hash = row.select_one("td.spackcache-new code, td.spackcache-old code")
        assert spec_hash is not None
        cell = row.select_one("td.spackcache-variants")
        assert cell is not None
        shown = [b.get_text() for b in cell.select(".sd-badge")]
        assert set(shown) == variants[spec_hash.get_text()] - shared
        badges += len(shown)
        arch = row.select_one("td.spackcache-arch")
        assert arch is not None
        assert "linux" not in arch.get_text()
    # before: every badge of every row, 6 or 7 a row
    assert badges == sum(len(variants[h] - shared) for h in _row_hashes(table))
    assert badges < rows * len(shared)


def _row_hashes(table: Tag) -> list[str]:
    """The hash each row's cells are of: the new one of a rebuilt or added row, else the
    old one."""
    found = []
    for row in table.select("tbody tr"):
        code = row.select_one("td.spackcache-new code") or row.select_one("td.spackcache-old code")
        assert code is not None
        found.append(code.get_text())
    return found


def test_the_text_builder_says_it_once(build: Build) -> None:
    _, shared, _ = _cmake_expected()
    app = build("history", "text", conf=CONF)
    assert warnings_of(app) == []
    text = (app.outdir / "packages.txt").read_text("utf-8")
    cmake = text.split("\ncmake\n=====\n")[1].split("\npy-packaging\n")[0]
    flat = " ".join(cmake.split())
    assert "All 35 specs rebuilt or removed: platform linux · variants " in flat
    # the table's rows: no linux, no shared variant (every line of the grid)
    grid = [line for line in cmake.splitlines() if line.startswith("|")]
    assert len(grid) > 35
    assert not any("linux" in line for line in grid)
    for variant in shared:
        assert not any(f" {variant} " in line for line in grid), variant


def test_every_builder_gets_real_docutils_nodes(build: Build) -> None:
    """LaTeX, man and text: the paragraph and the table are standard docutils nodes
    (badges as ``inline``, every value unfolded), the shared values in the paragraph only."""
    _, shared, _ = _cmake_expected()
    for builder in ("latex", "man", "text"):
        app = build("history", builder, conf=CONF)
        assert warnings_of(app) == [], builder
        doctree = resolved(app, "packages")
        diffs = [c for c in doctree.findall(nodes.container) if "spackcache-diff" in c["classes"]]
        cmake = diffs[0]  # the page's first diff: cmake's
        sentence = cmake.next_node(nodes.paragraph)
        assert sentence is not None
        assert sentence.astext().endswith("cmake: 33 specs rebuilt, 2 specs removed.")
        assert list(cmake.findall(badge_run)) == []
        assert list(cmake.findall(more_values)) == []
        (paragraph,) = (
            p for p in cmake.findall(nodes.paragraph) if "spackcache-shared" in p["classes"]
        )
        badges = {n.astext() for n in paragraph.findall(nodes.inline) if "sd-badge" in n["classes"]}
        assert badges == {*shared, "linux"}, builder
        (table,) = (
            t for t in cmake.findall(nodes.table) if "spackcache-diff-specs" in t["classes"]
        )
        assert paragraph.parent.index(paragraph) < paragraph.parent.index(table.parent)
        cells = " ".join(e.astext() for e in table.findall(nodes.entry))
        assert "linux" not in cells, builder
        assert not set(cells.split()) & shared, builder


def test_a_whole_snapshot_diff_has_nothing_all_rows_share(build: Build) -> None:
    """develop-2025-04-13 to develop-2025-04-20, every package: darwin and linux rows,
    no variant on all of them (with PyYAML), so no line and the Platform in Arch."""
    specs = [s for name in sorted(set(raw(OLD)) & set(raw(NEW))) for s in _changed(name)]
    assert {s["platform"] for s in specs} == {"darwin", "linux"}
    assert set.intersection(*(set(s["variants"]) for s in specs)) == set()
    assert len({tuple(s["versions"]) for s in specs}) > 1
    app = build("history", "html", conf=CONF)
    page = BeautifulSoup((app.outdir / "diff.html").read_text("utf-8"), "html.parser")
    diff = page.select_one("div.spackcache-diff")
    assert diff is not None
    assert diff.select("p.spackcache-shared") == []
    table = diff.select_one("table.spackcache-diff-specs")
    assert table is not None
    assert [th.get_text() for th in table.select("thead th")][:2] == ["Package", "Change"]
    assert "darwin" in {b.get_text() for b in table.select("td.spackcache-arch .sd-badge")}
