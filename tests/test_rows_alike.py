"""Rows that look the same (issue 25, point 1), on boost's 64 specs (develop-2025-04-20):
the Variants cell shows first the variants that tell the rows apart, and a row whose
cells show just what another row's do says so.

The numbers come from the records (tests/records.py), and from a separate small script
over the same specs.md (PyYAML, written before the code; not in the repository): with the old
order (the first four variants in name order) 50 of the 64 rows shared every visible
cell with another row, in 8 groups of up to 14; choosing the four variant names that
separate most rows (atomic, cxxstd, graph, program_options), 27 rows in 10 groups of at
most 4, two of which differ in nothing the record has but the hash.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from bs4 import BeautifulSoup, Tag
from docutils import nodes

from . import records as expected
from .conftest import Build, resolved, warnings_of

TAG = "develop-2025-04-20"
NOTE = "spackcache-alike"


def _name(variant: str) -> str:
    """The variant's name, by hand: ``+mpi`` / ``~mpi`` -> mpi, ``cxxstd=11`` -> cxxstd,
    ``patches:=a,b`` -> patches."""
    if variant[0] in "+~":
        return variant[1:]
    return variant.split("=")[0].rstrip(":")


def _boost_rows(build: Build) -> list[Tag]:
    app = build("browser", "html")
    assert warnings_of(app) == []
    page = BeautifulSoup((app.outdir / "boost.html").read_text("utf-8"), "html.parser")
    table = page.select_one("table.spackcache-specs")
    assert table is not None
    return table.select("tbody tr")


def _visible(cell: Tag) -> tuple[str, ...]:
    """The badges of a cell outside its "+N" disclosure, and the "+N"."""
    shown = [b.get_text() for b in cell.select(":scope > p .sd-badge")]
    more = cell.select_one(":scope > details > summary")
    return (*shown, more.get_text() if more else "")


def _looks(row: Tag) -> tuple[tuple[str, ...], ...]:
    """What a row shows but its hash (and the note)."""
    cells = [td for td in row.find_all("td") if "spackcache-hash" not in td["class"]]
    return tuple(_visible(td) for td in cells)


def _hash(row: Tag) -> str:
    code = row.select_one("td.spackcache-hash code")
    assert code is not None
    return code.get_text()


def test_the_variants_that_tell_rows_apart_come_first(build: Build) -> None:
    specs = expected.specs(TAG, "boost")
    values: dict[str, set[str]] = defaultdict(set)
    for spec in specs:
        for variant in spec["variants"]:
            values[_name(variant)].add(variant)
    rows = _boost_rows(build)
    assert len(rows) == len(specs) == 64
    for row in rows:
        cell = row.select_one("td.spackcache-variants")
        assert cell is not None
        shown = [b.get_text() for b in cell.select(":scope > p .sd-badge")]
        # every spec has these four, and each has two values or more among the 64
        assert [_name(v) for v in shown] == ["atomic", "cxxstd", "graph", "program_options"]
        assert all(len(values[_name(v)]) > 1 for v in shown)
        # the folded ones: first those whose value differs, by name, then the rest
        folded = [_name(b.get_text()) for b in cell.select(":scope > details .sd-badge")]
        differ = [n for n in folded if len(values[n]) > 1]
        assert folded[: len(differ)] == differ == sorted(differ)
    groups: dict[tuple[tuple[str, ...], ...], int] = defaultdict(int)
    for row in rows:
        groups[_looks(row)] += 1
    alike = [count for count in groups.values() if count > 1]
    assert (sum(alike), len(alike), max(alike)) == (27, 10, 4)  # before: (50, 8, 14)


def test_rows_that_look_alike_say_so(build: Build) -> None:
    by_hash: dict[str, dict[str, Any]] = {s["hash"]: s for s in expected.specs(TAG, "boost")}
    rows = _boost_rows(build)
    groups: dict[tuple[tuple[str, ...], ...], list[Tag]] = defaultdict(list)
    for row in rows:
        groups[_looks(row)].append(row)
    notes = 0
    for members in groups.values():
        specs = [by_hash[_hash(row)] for row in members]
        whole = {(tuple(s["variants"]), tuple(s["stacks"])) for s in specs}
        what = "folded values" if len(whole) > 1 else "hash"
        for row in members:
            note = row.select(f".{NOTE}")
            if len(members) == 1:
                assert note == []
                continue
            notes += 1
            # in the Variants cell, after its badges and before "+N"
            assert [n.get_text() for n in note] == [
                f"one of {len(members)} rows that differ only in {what}"
            ]
            cell = note[0].find_parent("td")
            assert cell is not None
            assert cell["class"] == ["spackcache-variants"]
            assert note[0].find_parent("details") is None
    assert notes == 27
    assert sum("only in hash" in r.get_text() for r in rows) == 4


def test_print_shows_every_value_and_no_note(build: Build) -> None:
    """Print unfolds every value: no row looks like another there, and no note says so
    (LaTeX; the text builder keeps only a cell's badges anyway)."""
    app = build("browser", "latex")
    doctree = resolved(app, "boost")
    table = next(t for t in doctree.findall(nodes.table) if "spackcache-specs" in t["classes"])
    inlines = list(table.findall(nodes.inline))
    assert [n for n in inlines if NOTE in n["classes"]] == []
    assert "differ only in" not in table.astext()
    # each row's variants all there: every +mpi of the records (the cells of a row that
    # looks alike hold it, folded in HTML)
    wanted = sum("+mpi" in s["variants"] for s in expected.specs(TAG, "boost"))
    assert len(re.findall(r"(?<!\S)\+mpi(?!\S)", table.astext())) == wanted > 0


def test_a_table_of_chosen_columns_says_what_it_leaves_out(build: Build) -> None:
    """py-packaging of v0.23.1 (26 specs) with ``:columns: hash version``: rows of one
    version look alike; they differ in columns not shown (compiler, arch, variants,
    stacks), or, where the record holds nothing else for them, in hash."""
    specs = expected.front_matter("v0.23.1", "py-packaging")["spec_details"]
    by_hash = {s["hash"]: s for s in specs}
    app = build("also-in", "html")
    page = BeautifulSoup((app.outdir / "plain.html").read_text("utf-8"), "html.parser")
    table = page.select("table.spackcache-specs")[1]
    rows = table.select("tbody tr")
    assert len(rows) == len(specs) == 26
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for spec in specs:
        groups[tuple(spec["versions"])].append(spec)
    for row in rows:
        spec = by_hash[_hash(row)]
        alike = groups[tuple(spec["versions"])]
        rest = {
            (s["compiler"], s["os"], s["platform"], s["target"], *s["variants"], "|", *s["stacks"])
            for s in alike
        }
        what = "columns not shown" if len(rest) > 1 else "hash"
        note = [n.get_text() for n in row.select(f"td.spackcache-version .{NOTE}")]
        assert note == (
            [f"one of {len(alike)} rows that differ only in {what}"] if len(alike) > 1 else []
        )
