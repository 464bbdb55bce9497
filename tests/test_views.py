"""cache-coverage, cache-index, cache-stack and filters, on real records. Every expected
number is counted here from the raw YAML (tests/records.py), not by the code under test."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp

from . import records as expected
from .conftest import Build, warnings_of

TAG = "develop-2025-04-20"


@pytest.fixture
def views(build: Build) -> SphinxTestApp:
    app = build("views", "html")
    assert warnings_of(app) == []
    return app


def page(app: SphinxTestApp, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text("utf-8"), "html.parser")


def matrix(table: Tag) -> dict[str, dict[str, str]]:
    """{row heading: {column heading: cell text}} of a coverage table."""
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        rows[cells[0]] = dict(zip(headings[1:], cells[1:], strict=True))
    return rows


def hashes_in(table: Tag) -> list[str]:
    return [code.get_text() for code in table.select("td.spackcache-hash code")]


def raw(package: str, tag: str = TAG) -> list[dict[str, Any]]:
    return expected.specs(tag, package)


# -- cache-coverage ----------------------------------------------------------------


def test_package_coverage_by_os(views: SphinxTestApp) -> None:
    html = page(views, "coverage")
    first = html.select("table.spackcache-coverage")[0]
    shown = matrix(first)
    specs = raw("cmake")
    stacks = sorted({st for s in specs for st in s["stacks"]})
    oss = sorted({s["os"] for s in specs})
    assert list(shown) == [*stacks, "Total"]
    for stack in stacks:
        for os_name in oss:
            count = sum(1 for s in specs if stack in s["stacks"] and s["os"] == os_name)
            assert shown[stack][os_name] == (str(count) if count else "")
        assert shown[stack]["Total"] == str(sum(1 for s in specs if stack in s["stacks"]))
    for os_name in oss:
        assert shown["Total"][os_name] == str(sum(1 for s in specs if s["os"] == os_name))
    assert shown["Total"]["Total"] == str(len(specs)) == "36"
    assert shown["e4s"]["Total"] == "4"  # the issue's own example


@pytest.mark.parametrize(("index", "package"), [(0, "cmake"), (2, "py-packaging")])
def test_package_coverage_sentence(views: SphinxTestApp, index: int, package: str) -> None:
    paragraphs = page(views, "coverage").select("p.spackcache-sentence")
    sentence = paragraphs[index].get_text(" ", strip=True)
    specs = raw(package)
    mine = {st for s in specs for st in s["stacks"]}
    everyone = expected.snapshot_stacks(TAG)
    percent = round(100 * len(mine) / len(everyone))

    def n(field: str, word: str) -> str:
        count = len({s[field] for s in specs})
        return f"{count} {word}{'' if count == 1 else 's'}"

    assert sentence == (
        # the stacks are those of the 7 records copied here, not of the whole snapshot
        f"{package} is in {len(mine)} of {len(everyone)} stacks of {TAG} in the records "
        f"here ({percent}%), "
        f"on {n('os', 'operating system')}, {n('target', 'target')}, "
        f"{n('platform', 'platform')} and {n('compiler', 'compiler')}."
    )
    if package == "py-packaging":
        assert (len(mine), len(everyone), percent) == (16, 26, 62)


def test_coverage_by_compiler_with_stack_filter(views: SphinxTestApp) -> None:
    table = page(views, "coverage").select("table.spackcache-coverage")[1]
    shown = matrix(table)
    in_e4s = [s for s in raw("cmake") if "e4s" in s["stacks"]]
    compilers = Counter(s["compiler"] for s in in_e4s)
    assert list(shown) == ["e4s", "Total"]  # :stack: also limits the rows
    assert {k: v for k, v in shown["e4s"].items() if k != "Total"} == {
        c: str(n) for c, n in compilers.items()
    }
    assert shown["e4s"]["Total"] == str(len(in_e4s)) == "4"


def test_coverage_by_compiler_names_no_compiler_none(views: SphinxTestApp) -> None:
    """A spec built without a compiler is counted in a column headed "none", as the
    records spell it (the matrix keeps it as no compiler, the page names it)."""
    table = page(views, "coverage").select("table.spackcache-coverage")[3]
    specs = raw("py-packaging")
    assert {s["compiler"] for s in specs} == {"none"}
    assert matrix(table) == {
        "root": {"none": str(len(specs)), "Total": str(len(specs))},
        "Total": {"none": "27", "Total": "27"},
    }


def test_snapshot_coverage_by_compiler_mixes_none_and_compilers(views: SphinxTestApp) -> None:
    """A whole snapshot has specs with and without a compiler: "none" comes first (no
    compiler sorts first), then the compilers, each counted from the records."""
    table = page(views, "coverage").select("table.spackcache-coverage")[4]
    specs = [s for p in expected.packages(TAG) for s in raw(p)]
    counts = Counter(s["compiler"] for s in specs)
    assert "none" in counts
    assert len(counts) > 1
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headings[:2] == ["Stack", "none"]
    assert headings[-2:] == ["Total", "Packages"]  # a whole snapshot counts packages too
    assert sorted(headings[1:-2]) == sorted(counts)
    shown = matrix(table)
    assert shown["root"] == {
        **{c: str(n) for c, n in counts.items()},
        "Total": str(len(specs)),
        "Packages": str(len(expected.packages(TAG))),
    }


def test_snapshot_coverage_counts_packages(views: SphinxTestApp) -> None:
    (table,) = page(views, "snapshot").select("table.spackcache-coverage")
    shown = matrix(table)
    packages = expected.packages(TAG)
    assert len(packages) == 7
    everything = [(p, s) for p in packages for s in raw(p)]
    for stack in expected.snapshot_stacks(TAG):
        in_stack = [(p, s) for p, s in everything if stack in s["stacks"]]
        assert shown[stack]["Packages"] == str(len({p for p, _ in in_stack}))
        assert shown[stack]["Total"] == str(len(in_stack))
        for target, n in Counter(s["target"] for _, s in in_stack).items():
            assert shown[stack][target] == str(n)
    assert shown["Total"]["Total"] == str(len(everything))
    assert shown["Total"]["Packages"] == "7"
    sentence = page(views, "snapshot").select_one("p.spackcache-sentence").get_text(" ", strip=True)  # type: ignore[union-attr]
    # 7 records of the snapshot's 1,225 packages are here: the sentence says whose count
    assert sentence.startswith(
        f"Of the records here, {TAG} has 7 packages with {len(everything)} specs in "
    )


def test_heat_shading_in_html_plain_numbers_elsewhere(views: SphinxTestApp, build: Build) -> None:
    table = page(views, "coverage").select("table.spackcache-coverage")[0]
    levels = Counter(
        cls for span in table.select("td span") for cls in span["class"] if "heat" in cls
    )
    assert set(levels) <= {f"spackcache-heat-{n}" for n in range(1, 6)}
    assert levels["spackcache-heat-5"] >= 1  # the largest cell
    text = build("views", "text")
    assert "heat" not in (text.outdir / "coverage.txt").read_text("utf-8")


def heat_levels(table: Tag) -> dict[tuple[str, str], tuple[int, int]]:
    """{(row, column): (count, heat level)} of the count cells of a coverage table (the
    Total row and column are left out: they are not shaded)."""
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    found = {}
    for tr in table.select("tbody tr"):
        cells = tr.select("td")
        row = cells[0].get_text(strip=True)
        for heading, cell in zip(headings[1:], cells[1:], strict=True):
            text = cell.get_text(strip=True)
            if row == "Total" or heading in ("Total", "Packages") or not text:
                continue
            (span,) = cell.select("span")
            (level,) = [c for c in span["class"] if c.startswith("spackcache-heat-")]
            found[(row, heading)] = (int(text), int(level.rsplit("-", 1)[1]))
    return found


def test_the_heat_scale_is_set_by_the_largest_cell_outside_root(views: SphinxTestApp) -> None:
    """docs/coverage.rst: cells are shaded against the largest cell outside ``root``
    (which holds every spec); root's own cells are shaded too, at most as dark."""
    cells = heat_levels(page(views, "coverage").select("table.spackcache-coverage")[0])
    specs = raw("cmake")
    by_cell = Counter((st, s["os"]) for s in specs for st in s["stacks"])
    peak = max(n for (stack, _), n in by_cell.items() if stack != "root")
    root_peak = max(n for (stack, _), n in by_cell.items() if stack == "root")
    assert (peak, root_peak) == (5, 13)  # by hand: radiuss-aws-aarch64 on amzn2; root ubuntu22.04
    assert {key: count for key, (count, _) in cells.items()} == dict(by_cell)
    for (stack, _), (count, level) in cells.items():
        assert level == 5 if count >= peak else 1 <= level < 5, (stack, count, level)
    assert cells[("radiuss-aws-aarch64", "amzn2")] == (5, 5)
    assert cells[("root", "ubuntu22.04")] == (13, 5)
    # darker for more, lightest for one spec
    ordered = sorted(cells.values())
    assert [level for _, level in ordered] == sorted(level for _, level in ordered)
    assert all(level == 1 for count, level in ordered if count == 1)


def test_when_root_is_the_only_row_its_largest_cell_sets_the_scale(views: SphinxTestApp) -> None:
    # the whole snapshot by compiler, :stack: root
    cells = heat_levels(page(views, "coverage").select("table.spackcache-coverage")[4])
    assert {row for row, _ in cells} == {"root"}
    counts = Counter(
        s["compiler"].replace("@=", "@") for p in expected.packages(TAG) for s in raw(p)
    )
    assert {count for count, _ in cells.values()} == set(counts.values())
    largest = max(counts.values())
    assert len(counts) > 2
    for count, level in cells.values():
        assert level == 5 if count == largest else 1 <= level < 5, (count, level)


# -- cache-index and cache-stack -------------------------------------------------------


def listing_rows(table: Tag) -> dict[str, dict[str, str]]:
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = dict(
            zip(headings, (td.get_text(" ", strip=True) for td in tr.select("td")), strict=True)
        )
        rows[cells["Package"]] = cells
    return rows


def test_index_lists_every_package(views: SphinxTestApp) -> None:
    table = page(views, "listing").select("table.spackcache-packages")[0]
    rows = listing_rows(table)
    assert list(rows) == expected.packages(TAG)
    for name, row in rows.items():
        specs = raw(name)
        assert row["Specs"] == str(len(specs))
        assert shown_values(row["Targets"]) == {s["target"] for s in specs}
        assert shown_values(row["Stacks"]) == {st for s in specs for st in s["stacks"]}


def shown_values(cell: str) -> set[str]:
    """The values of a listing cell: past the first four, HTML says "+N" and keeps the
    others in a <details> (all of them in the page)."""
    words = cell.split()
    if len(words) > 4:
        assert words[4] == f"+{len(words) - 5}"
        del words[4]
    return set(words)


def test_index_links_documented_packages_only(views: SphinxTestApp) -> None:
    table = page(views, "listing").select("table.spackcache-packages")[0]
    links = {a.get_text(): a["href"] for a in table.select("td.spackcache-package a")}
    # cmake and py-packaging have a cache-package page; the tagged one is preferred, and
    # py-packaging (documented for v0.23.1 and develop-2025-04-13, not 04-20) falls back
    # to its preferred page: by Spack's order a develop tag is newer than a release
    # (as text, "v0.23.1" would sort last)
    assert links == {
        "cmake": "packages.html#cache-package-cmake-develop-2025-04-20",
        "py-packaging": "packages.html#cache-package-py-packaging-develop-2025-04-13",
    }


def test_filtered_index_sorted_by_specs(views: SphinxTestApp) -> None:
    table = page(views, "listing").select("table.spackcache-packages")[1]
    rows = listing_rows(table)
    darwin = {p: [s for s in raw(p) if s["platform"] == "darwin"] for p in expected.packages(TAG)}
    darwin = {p: s for p, s in darwin.items() if s}
    by_count = sorted(darwin, key=lambda p: (-len(darwin[p]), p))
    assert list(rows) == by_count
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Package",
        "Specs",
        "OS",
    ]
    for name in by_count:
        assert rows[name]["Specs"] == str(len(darwin[name]))
        assert rows[name]["OS"] == " ".join(sorted({s["os"] for s in darwin[name]}))
    assert f"({len(rows)} of 7 shown)" in table.caption.get_text()  # type: ignore[union-attr]


def test_stack_listing(views: SphinxTestApp) -> None:
    (table,) = page(views, "stack").select("table.spackcache-packages")
    rows = listing_rows(table)
    in_e4s = {p: [s for s in raw(p) if "e4s" in s["stacks"]] for p in expected.packages(TAG)}
    in_e4s = {p: s for p, s in in_e4s.items() if s}
    assert list(rows) == sorted(in_e4s)
    for name, specs in in_e4s.items():
        assert rows[name]["Specs"] == str(len(specs))
    assert rows["cmake"]["Specs"] == "4"


# -- filters on cache-package --------------------------------------------------------


def test_compiler_filter(views: SphinxTestApp) -> None:
    tables = page(views, "packages").select("table.spackcache-specs")
    cce = [s["hash"] for s in raw("cmake") if s["compiler"] == "cce@18.0.0"]
    assert len(cce) == 3  # the issue's own example
    assert sorted(hashes_in(tables[4])) == sorted(cce)
    headings = [th.get_text(strip=True) for th in tables[4].select("thead th")]
    assert headings == ["Hash", "Compiler", "Stacks"]


def test_or_within_and_across_options_with_globs(views: SphinxTestApp) -> None:
    table = page(views, "packages").select("table.spackcache-specs")[5]
    wanted = [
        s
        for s in raw("cmake")
        if s["compiler"].startswith("gcc@")
        and s["os"] in ("ubuntu22.04", "ubuntu24.04")
        and any(st.startswith("e4s") for st in s["stacks"])
    ]
    assert 0 < len(wanted) < 36
    assert sorted(hashes_in(table)) == sorted(s["hash"] for s in wanted)
    compilers = [td.get_text() for td in table.select("td.spackcache-compiler")]
    assert compilers == sorted(compilers, key=lambda c: tuple(int(x) for x in c[4:].split(".")))


def test_escaped_comma_in_a_variant(views: SphinxTestApp) -> None:
    table = page(views, "packages").select("table.spackcache-specs")[3]
    wanted = [s["hash"] for s in raw("sherpa") if "libs:=shared,static" in s["variants"]]
    assert sorted(hashes_in(table)) == sorted(wanted)
    assert len(wanted) == 2


def test_compiler_pattern_in_spack_s_spelling(views: SphinxTestApp) -> None:
    """``gcc@=11.4.0`` (Spack's spelling of an exact version) keeps the specs whose
    record says ``gcc@11.4.0``: a pattern is normalised like the records' compilers."""
    table = page(views, "packages").select("table.spackcache-specs")[7]
    wanted = [s["hash"] for s in raw("cmake") if s["compiler"] in ("gcc@11.4.0", "gcc@=11.4.0")]
    assert 0 < len(wanted) < len(raw("cmake"))
    assert sorted(hashes_in(table)) == sorted(wanted)


def test_variant_filter_keeps_only_the_matching_specs(views: SphinxTestApp) -> None:
    """``:variant: patches:=*, ~ownlibs``: a glob or a whole variant, either one."""
    table = page(views, "packages").select("table.spackcache-specs")[8]
    wanted = [
        s["hash"]
        for s in raw("cmake")
        if any(v.startswith("patches:=") or v == "~ownlibs" for v in s["variants"])
    ]
    assert len(wanted) == 5  # by hand: four with patches:=dbc3892, one ~ownlibs
    assert sorted(hashes_in(table)) == sorted(wanted)
    caption = table.caption.get_text()  # type: ignore[union-attr]
    assert f"(5 of {len(raw('cmake'))} shown)" in caption


def test_filtered_summary_counts_what_is_shown(views: SphinxTestApp) -> None:
    summary = page(views, "packages").select("dl.spackcache-summary")[4]
    assert re.search(r"Specs:?\s*3\b", summary.get_text())


# -- bad options -----------------------------------------------------------------------


BAD = """:orphan:

Bad
===

.. cache-coverage:: cmake
   :by: colour

.. cache-index::
   :columns: package, colour

.. cache-index::
   :sort: size

.. cache-package:: cmake
   :os: ubuntu22.04, windows*
   :no-index:

.. cache-stack:: nope

.. cache-package:: cmake
   :compiler: cce@*
   :os: sequoia
   :no-index:

.. cache-package:: cmake
"""


def test_bad_options_are_located_warnings(build: Build) -> None:
    app = build("views", "html")
    (app.srcdir / "bad.rst").write_text(BAD, "utf-8")
    app = build("views", "html")
    lines = [line for line in warnings_of(app) if "bad.rst" in line or "duplicate" in line]
    expected_lines = [
        ("bad.rst:6", "option", ":by: 'colour' is not one of os, target, platform, compiler"),
        ("bad.rst:9", "option", ":columns: colour not known"),
        ("bad.rst:12", "option", ":sort: 'size' is not one of package, specs"),
        (
            "bad.rst:15",
            "filter",
            ":os: 'windows*' matches no os here; the values there are 'amzn2', 'centos7'",
        ),
        ("bad.rst:19", "stack", "no spec of develop-2025-04-20 is in stack 'nope'; stacks there: "),
        ("bad.rst:21", "filter", "the filters leave none of the 36 specs of cmake"),
        # the first by document name is the target, whichever was read first
        ("packages.rst:4", "duplicate", "cmake@develop-2025-04-20 is already documented in 'bad'"),
    ]
    assert len(lines) == len(expected_lines), "\n".join(lines)
    for line, (where, subtype, text) in zip(lines, expected_lines, strict=True):
        assert line.split(": WARNING")[0].endswith(where), line
        assert line.endswith(f"[spackcache.{subtype}]"), line
        assert text in line, line


BAD_PACKAGE = """:orphan:

Bad package options
===================

.. cache-package:: cmake
   :sort: size
   :no-index:

.. cache-package:: cmake
   :columns: hash, colour
   :no-index:

.. cache-package:: cmake
   :os: ,
   :no-index:

.. cache-index::
   :toctree: generated
   :os: ,
"""


def test_bad_cache_package_options_are_located_warnings(build: Build) -> None:
    """A bad ``:sort:`` or ``:columns:`` of cache-package, and a filter of commas only
    (which stopped the build in a ``:toctree:`` index), are ``spackcache.option``
    warnings at their directive; the filter is left out."""
    app = build("views", "html")
    (app.srcdir / "bad.rst").write_text(BAD_PACKAGE, "utf-8")
    app = build("views", "html")  # incremental: the new page's :toctree: is found too
    lines = [line for line in warnings_of(app) if "bad.rst" in line]
    expected_lines = [
        ("bad.rst:6", ":sort: 'size' is not one of version, hash, compiler, os, platform"),
        ("bad.rst:10", ":columns: colour not known; choose from hash, version, compiler"),
        ("bad.rst:14", ":os: holds no pattern (only commas); the option is left out"),
        ("bad.rst:18", ":os: holds no pattern (only commas); the option is left out"),
    ]
    assert len(lines) == len(expected_lines), "\n".join(lines)
    for line, (where, text) in zip(lines, expected_lines, strict=True):
        assert line.split(": WARNING")[0].endswith(where), line
        assert line.endswith("[spackcache.option]"), line
        assert text in line, line
    # the bad :sort: and :columns: output nothing; :os: , shows every spec
    (table,) = page(app, "bad").select("table.spackcache-specs")
    assert sorted(hashes_in(table)) == sorted(s["hash"] for s in raw("cmake"))
    generated = sorted(p.stem for p in (app.srcdir / "generated").glob("*.rst"))
    assert generated == expected.packages(TAG)


# -- cross-references ------------------------------------------------------------------


def test_roles_resolve(views: SphinxTestApp) -> None:
    # in the page's own text, not a theme's navigation (alabaster's before Sphinx 8.1)
    body = page(views, "refs").select_one("div.body, [role=main]")
    assert body is not None
    links = {a.get_text(): a["href"] for a in body.select("a.reference.internal")}
    assert links == {
        "cmake": "packages.html#cache-package-cmake-develop-2025-04-20",
        "cmake@v0.23.1": "packages.html#cache-package-cmake-v0.23.1",
        "the packaging library": "packages.html#cache-package-py-packaging-develop-2025-04-13",
        "cmake@develop-2025-04-20": "packages.html#cache-package-cmake-develop-2025-04-20",
    }


def test_unresolved_reference_warns_under_nitpicky(build: Build) -> None:
    app = build("views", "html")
    (app.srcdir / "refs.rst").write_text(
        "References\n==========\n\n:cache:pkg:`zlib-ng` and :cache:pkg:`cmake@v9`.\n", "utf-8"
    )
    app = build("views", "html")
    lines = warnings_of(app)
    assert len(lines) == 2
    assert all("refs.rst:4" in line and "reference target not found" in line for line in lines)


def test_inventory_and_general_index(views: SphinxTestApp) -> None:
    # objects.inv: four header lines, then zlib-compressed "name type priority uri dispname"
    raw_inventory = (views.outdir / "objects.inv").read_bytes()
    body = zlib.decompress(raw_inventory.split(b"\n", 4)[4]).decode("utf-8")
    entries = {
        line.split()[0]: line.split()[3] for line in body.splitlines() if " cache:package " in line
    }
    assert entries == {
        "cmake": "packages.html#cache-package-cmake-develop-2025-04-20",
        "cmake@develop-2025-04-20": "packages.html#cache-package-cmake-develop-2025-04-20",
        "cmake@v0.23.1": "packages.html#cache-package-cmake-v0.23.1",
        "py-packaging": "packages.html#cache-package-py-packaging-develop-2025-04-13",
        "py-packaging@develop-2025-04-13": (
            "packages.html#cache-package-py-packaging-develop-2025-04-13"
        ),
        "py-packaging@v0.23.1": "packages.html#cache-package-py-packaging-v0.23.1",
    }
    # general index: each package, with its tags as sub-entries linking to the pages
    genindex = page(views, "genindex")
    links = [
        (a.get_text(), a["href"]) for a in genindex.select("a") if "cache-package" in a["href"]
    ]
    assert links == [
        ("develop-2025-04-20", "packages.html#cache-package-cmake-develop-2025-04-20"),
        ("v0.23.1", "packages.html#cache-package-cmake-v0.23.1"),
        ("develop-2025-04-13", "packages.html#cache-package-py-packaging-develop-2025-04-13"),
        ("v0.23.1", "packages.html#cache-package-py-packaging-v0.23.1"),
    ]
    text = genindex.get_text(" ", strip=True)
    assert text.index("cmake") < text.index("develop-2025-04-20") < text.index("py-packaging")
