"""Real Sphinx builds of tests/roots/test-basic: doctrees, HTML, text, LaTeX, man, epub."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from docutils import nodes

from sphinx_spackcache.writers.assets import SCRIPTS_DIR, STATIC_DIR

from . import records as expected
from .conftest import Build, resolved, warnings_of

TAG = "develop-2025-04-20"
# a stack badge with its count: name, no-break space, (count)
BADGE = re.compile(r"^(?P<stack>\S+)\N{NO-BREAK SPACE}\((?P<count>\d+)\)$")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def spec_rows(page: BeautifulSoup) -> list[Tag]:
    return [
        row for table in page.select("table.spackcache-specs") for row in table.select("tbody tr")
    ]


def summary_badges(page: BeautifulSoup) -> dict[str, int]:
    found: dict[str, int] = {}
    for span in page.select("dl.spackcache-summary span.sd-badge"):
        match = BADGE.match(span.get_text())
        assert match, span
        found[match["stack"]] = int(match["count"])
    return found


def common(values: list[list[str]]) -> list[str]:
    """The values in every list, in the order of the first."""
    return [v for v in values[0] if all(v in other for other in values)]


def test_html_py_packaging(build: Build) -> None:
    app = build("basic", "html")
    assert warnings_of(app) == []
    page = soup(app.outdir / "py-packaging.html")
    rows = spec_rows(page)
    raw = expected.specs(TAG, "py-packaging")
    assert len(rows) == len(raw) == 27
    shown = {row.select_one("td.spackcache-hash code").get_text() for row in rows}  # type: ignore[union-attr]
    assert shown == expected.hashes(TAG, "py-packaging")
    assert all(len(h) == 32 for h in shown)  # whole in the page, whatever CSS shows
    assert summary_badges(page) == expected.stack_counts(TAG, "py-packaging")
    assert len(summary_badges(page)) == 16
    assert summary_badges(page)["root"] == 27
    assert summary_badges(page)["e4s"] == 4

    # what every spec shares is said once, above the table (worked out from the YAML)
    assert {tuple(s["versions"]) for s in raw} == {("24.2",)}
    assert {s["compiler"] for s in raw} == {"none"}
    assert common([s["variants"] for s in raw]) == ["build_system=python_pip"]
    assert all(s["variants"] == ["build_system=python_pip"] for s in raw)
    assert common([s["stacks"] for s in raw]) == ["root"]
    (shared,) = page.select("p.spackcache-shared")
    assert shared.get_text(" ", strip=True) == (
        "All 27 specs: version 24.2 · compiler none · variant build_system=python_pip · stack root"
    )
    # so the table has no version, compiler or variants column (no spec differs there)
    headings = [th.get_text() for th in page.select("table.spackcache-specs thead th")]
    assert headings == ["Hash", "Arch", "Stacks"]
    # every row: its architecture, and the stacks that set it apart (all but root)
    by_hash = {spec["hash"]: spec for spec in raw}
    for row in rows:
        spec = by_hash[row.select_one("td.spackcache-hash").get_text()]  # type: ignore[union-attr]
        stacks = [b.get_text() for b in row.select("td.spackcache-stacks span.sd-badge")]
        assert stacks == [s for s in spec["stacks"] if s != "root"]
        arch = [b.get_text() for b in row.select("td.spackcache-arch span.sd-badge")]
        assert arch == [spec["platform"], spec["os"], spec["target"]]


def test_html_what_rows_share_and_what_sets_them_apart(build: Build) -> None:
    """cmake v0.23.1: 37 specs on one platform, with 6 variants in common; the rest of
    the variants and the stacks in each row, the first few shown and the others behind
    "+N" (all in the page)."""
    app = build("basic", "html")
    page = soup(app.outdir / "cmake.html")
    (table,) = [t for t in page.select("table.spackcache-specs") if "v0.23.1" in t.get_text()]
    shared = table.find_previous("p", class_="spackcache-shared")
    assert shared is not None
    raw = expected.specs("v0.23.1", "cmake")
    assert len(raw) == 37
    variants = common([s["variants"] for s in raw])
    assert len(variants) == 6
    assert {s["platform"] for s in raw} == {"linux"}
    text = shared.get_text(" ", strip=True)
    assert text.startswith("All 37 specs: platform linux · variants ")
    assert text.endswith(" · stack root")
    assert [b.get_text() for b in shared.select(".spackcache-shared-variants .sd-badge")] == (
        variants
    )
    headings = [th.get_text() for th in table.select("thead th")]
    assert headings == ["Hash", "Version", "Compiler", "Arch", "Variants", "Stacks"]
    by_hash = {spec["hash"]: spec for spec in raw}
    for row in table.select("tbody tr"):
        spec = by_hash[row.select_one("td.spackcache-hash").get_text()]  # type: ignore[union-attr]
        for column, values, shown in (
            ("variants", [v for v in spec["variants"] if v not in variants], 4),
            ("stacks", [s for s in spec["stacks"] if s != "root"], 2),
        ):
            cell = row.select_one(f"td.spackcache-{column}")
            assert cell is not None
            assert [b.get_text() for b in cell.select(".sd-badge")] == values
            more = cell.select("details.spackcache-more")
            if len(values) > shown:
                (details,) = more
                hidden = len(values) - shown
                assert details.summary.get_text() == f"+{hidden}"  # type: ignore[union-attr]
                assert details.summary["title"] == f"{hidden} more: show or hide them"  # type: ignore[index]
                assert len(details.select(".sd-badge")) == hidden
            else:
                assert more == []


def test_html_summary_fields(build: Build) -> None:
    app = build("basic", "html")
    page = soup(app.outdir / "cmake.html")
    first = page.select("dl.spackcache-summary")[0]
    fields = {
        dt.get_text().strip().rstrip(":"): dd.get_text().strip()
        for dt, dd in zip(first.select("dt"), first.select("dd"), strict=True)
    }
    raw = expected.specs(TAG, "cmake")
    assert fields["Specs"] == str(len(raw)) == "36"
    assert fields["Versions (2)"] == "3.31.6, 3.25.3"  # newest first
    oss = sorted({s["os"] for s in raw})
    assert fields[f"Operating systems ({len(oss)})"] == ", ".join(oss)
    compilers = fields[f"Compilers ({len({s['compiler'] for s in raw})})"].split(", ")
    assert compilers.index("gcc@7.5.0") < compilers.index("gcc@10.5.0")  # Spack order


def test_html_v0_23_1_links_and_normalised_compilers(build: Build) -> None:
    app = build("basic", "html")
    page = soup(app.outdir / "small.html")
    (dsfmt,) = [t for t in page.select("table.spackcache-specs") if "dsfmt" in t.caption.get_text()]  # type: ignore[union-attr]
    (raw,) = expected.specs("v0.23.1", "dsfmt")
    link = dsfmt.select_one("td.spackcache-hash a")
    assert link is not None
    assert link["href"] == raw["tarball"]
    assert link.get_text() == raw["hash"]
    assert raw["compiler"] == "gcc@=11.4.0"
    assert dsfmt.select_one("td.spackcache-compiler").get_text() == "gcc@11.4.0"  # type: ignore[union-attr]


def test_html_class_option_and_css_only_where_used(build: Build) -> None:
    app = build("basic", "html")
    small = soup(app.outdir / "small.html")
    assert small.select("div.spackcache.my-class")

    def css(page: BeautifulSoup) -> list[str]:
        return [str(link["href"]) for link in page.select("link[rel=stylesheet]")]

    assert any("spackcache.css" in str(href) for href in css(small))
    assert not any("spackcache.css" in str(href) for href in css(soup(app.outdir / "index.html")))
    assert (app.outdir / "_static" / "spackcache.css").is_file()
    # no asset from another host
    assert not [src for src in css(small) if str(src).startswith(("http:", "https:", "//"))]


def test_badge_colours_are_stable_and_distinct(build: Build) -> None:
    """A stack has one colour on every page; no two stacks of the site share one (there
    are fewer than 36 here)."""
    app = build("basic", "html")
    colours: dict[str, set[str]] = {}
    for page in ("py-packaging.html", "cmake.html", "small.html"):
        for span in soup(app.outdir / page).select("span.spackcache-stack"):
            stack = span.get_text().split("\N{NO-BREAK SPACE}(")[0]
            (hue,) = [c for c in span["class"] if c.startswith("spackcache-hue-")]
            colours.setdefault(stack, set()).add(hue)
    shown = [(TAG, "py-packaging"), (TAG, "cmake"), ("v0.23.1", "cmake"), (TAG, "sherpa")]
    shown.append(("v0.23.1", "dsfmt"))
    stacks = {
        stack for tag, package in shown for spec in expected.specs(tag, package)
        for stack in spec["stacks"]
    }  # fmt: skip
    assert set(colours) == stacks
    assert all(len(hues) == 1 for hues in colours.values())  # the same on every page
    hues = [hue for (hue,) in colours.values()]
    assert len(set(hues)) == len(hues)  # all different
    assert 24 < len(hues) <= 36


def test_doctree_is_made_of_standard_nodes(build: Build) -> None:
    app = build("basic", "pseudoxml")
    doctree = resolved(app, "py-packaging")
    (container,) = [n for n in doctree.findall(nodes.container) if "spackcache" in n["classes"]]
    allowed = (
        nodes.container, nodes.field_list, nodes.field, nodes.field_name, nodes.field_body,
        nodes.paragraph, nodes.inline, nodes.Text, nodes.table, nodes.title, nodes.tgroup,
        nodes.colspec, nodes.thead, nodes.tbody, nodes.row, nodes.entry, nodes.literal,
        nodes.reference,
    )  # fmt: skip
    assert {type(n).__name__ for n in container.findall() if not isinstance(n, allowed)} == set()
    (table,) = container.findall(nodes.table)
    assert "longtable" in table["classes"]
    assert len(list(table.findall(nodes.row))) == 28  # heading + 27 specs


def test_text_keeps_every_hash_whole(build: Build) -> None:
    app = build("basic", "text")
    assert warnings_of(app) == []
    text = (app.outdir / "py-packaging.txt").read_text("utf-8")
    lines = text.splitlines()
    for spec_hash in expected.hashes(TAG, "py-packaging"):
        assert sum(spec_hash in line for line in lines) == 1
    assert "Stacks (16):" in text
    assert "root\N{NO-BREAK SPACE}(27)" in text


def test_text_puts_one_stack_badge_on_each_line(build: Build) -> None:
    """writers/text.py: in text, a run of badges is a line block, one badge a line (the
    text writer would otherwise wrap inside a badge, at a hyphen or a no-break space)."""
    app = build("basic", "text")
    lines = [
        line.strip().replace("\N{NO-BREAK SPACE}", " ")
        for line in (app.outdir / "py-packaging.txt").read_text("utf-8").splitlines()
    ]
    counts = expected.stack_counts(TAG, "py-packaging")
    start = lines.index(f"Stacks ({len(counts)}):")
    shown = lines[start + 1 : start + 1 + len(counts)]
    assert shown == [f"{stack} ({count})" for stack, count in sorted(counts.items())]
    assert lines[start + 1 + len(counts)] == ""
    # (not in spec table cells: Sphinx's text writer wraps the lines of a cell again as
    # one paragraph, so there the badges of a cell can share a line)


def test_latex_longtable_with_widths(build: Build) -> None:
    app = build("basic", "latex")
    assert warnings_of(app) == []
    (tex,) = app.outdir.glob("*.tex")
    source = tex.read_text("utf-8")
    # py-packaging, cmake twice, sherpa and dsfmt: each a longtable in a scriptsize group
    assert source.count(r"\begin{longtable}") == 5
    assert (
        len(
            re.findall(
                r"\\begingroup\\scriptsize\\setlength\{\\tabcolsep\}\{3pt\}\s+\\begin\{savenotes\}",
                source,
            )
        )
        == 5
    )
    assert len(re.findall(r"\\end\{savenotes\}\s+\\endgroup", source)) == 5
    # the hash column keeps 30 % of the line (300 of 1000)
    assert source.count(r"\begin{longtable}{\X{300}{1000}") == 5
    for spec_hash in expected.hashes(TAG, "py-packaging"):
        assert spec_hash in source


def latex_with_break_points(value: str) -> str:
    """*value* as the LaTeX writer writes it with the break points the docs promise
    (writers/latex.py): ``\\allowbreak{}`` after each ``_ = : , @ . /`` that is not the
    last character (``_`` escaped as ``\\_``)."""
    out = []
    for index, char in enumerate(value):
        out.append("\\_" if char == "_" else char)
        if char in "_=:,@./" and index < len(value) - 1:
            out.append("\\allowbreak{}")
    return "".join(out)


def test_latex_break_points_in_table_cells(build: Build) -> None:
    """The fast check of what the slow PDF test relies on: every value of dsfmt's one
    spec (its table shows them all) and cmake's ``patches:=dbc3892`` get break points."""
    app = build("basic", "latex")
    (tex,) = app.outdir.glob("*.tex")
    source = tex.read_text("utf-8")
    (dsfmt,) = expected.specs("v0.23.1", "dsfmt")
    values = [
        *dsfmt["versions"],
        dsfmt["compiler"].replace("@=", "@"),  # gcc@11.4.0, as Spack prints it
        dsfmt["os"],
        dsfmt["target"],
        *dsfmt["variants"],
    ]
    assert values == [
        "2.2.5",
        "gcc@11.4.0",
        "ubuntu22.04",
        "x86_64_v3",
        "build_system=makefile",
        "patches=b79624c",
    ]
    assert any("patches:=dbc3892" in s["variants"] for s in expected.specs(TAG, "cmake"))
    for value in [*values, "patches:=dbc3892"]:
        assert "{" + latex_with_break_points(value) + "}" in source, value
    # the hash stays whole
    assert "{" + dsfmt["hash"] + "}" in source


@pytest.mark.parametrize("buildername", ["man", "epub", "singlehtml", "dirhtml"])
def test_other_builders_work_without_warnings(build: Build, buildername: str) -> None:
    app = build("basic", buildername)
    assert warnings_of(app) == []
    if buildername == "man":
        (page,) = app.outdir.glob("*.1")
        text = page.read_text("utf-8")
        for spec_hash in expected.hashes(TAG, "py-packaging"):
            assert spec_hash in text


@pytest.mark.skipif(shutil.which("groff") is None, reason="needs groff (installed by .ci/run)")
def test_man_page_keeps_every_hash_whole(build: Build) -> None:
    app = build("basic", "man")
    (page,) = app.outdir.glob("*.1")
    shown = subprocess.run(
        ["groff", "-t", "-man", "-Tutf8", "-rLL=200n", str(page)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = re.sub(".\b", "", shown).splitlines()  # drop overstrike (bold) sequences
    for spec_hash in expected.hashes(TAG, "py-packaging") | expected.hashes("v0.23.1", "cmake"):
        assert any(spec_hash in line for line in lines), spec_hash


def test_script_only_on_pages_with_interactive_tables(build: Build) -> None:
    app = build("views", "html")

    def scripts(page: str) -> list[str]:
        html = soup(app.outdir / page)
        return [
            str(s.get("src"))
            for s in html.select("script[src]")
            if "spackcache" in str(s.get("src"))
        ]

    def names(page: str) -> list[str]:
        return [src.split("?")[0] for src in scripts(page)]

    # one script: the CPU data, then every source of scripts/, in the order they run,
    # spackcache.js, which starts them, last
    order = [
        "filters",
        "match",
        "state",
        "page",
        "cpu",
        "matchbox",
        "copy",
        "csv",
        "controls",
        "table",
        "fit",
        "start",
    ]
    every = ["_static/spackcache.js"]
    assert {path.stem for path in SCRIPTS_DIR.glob("*.js")} == set(order)
    assert not list(STATIC_DIR.glob("*.js"))  # the sources are not copied as they are
    shipped = (app.outdir / "_static" / "spackcache.js").read_text("utf-8")
    assert shipped.startswith("/* generated by sphinx-spackcache from archspec */")
    at = [shipped.index(f"/* ---- sphinx_spackcache/scripts/{name}.js ---- */") for name in order]
    assert at == sorted(at)
    for name in order:
        assert (SCRIPTS_DIR / f"{name}.js").read_text("utf-8") in shipped
    assert not (app.outdir / "_static" / "filters.js").exists()
    assert names("packages.html") == every  # spec tables
    assert names("listing.html") == every  # package tables
    assert scripts("snapshot.html") == []  # a coverage matrix only: no script
    assert scripts("index.html") == []
    tags = soup(app.outdir / "packages.html").select("script[src*=spackcache]")
    assert all("defer" in str(tag) for tag in tags)
    # the data was there when the pages were written: Sphinx names it with its checksum,
    # so a browser never keeps an old copy (and a second build writes the same pages)
    assert all("?v=" in src for src in scripts("packages.html"))


def test_the_search_index_stems_in_c() -> None:
    """PyStemmer (a dependency) is what Sphinx's English search stems with: a snapshot's
    pages feed the index some 100,000 words, which the pure-Python stemmer took seconds
    for (benchmarks/themes.py)."""
    import snowballstemmer
    import Stemmer
    from sphinx.search.en import SearchEnglish

    assert snowballstemmer.stemmer is Stemmer.Stemmer
    assert isinstance(SearchEnglish({}).stemmer, Stemmer.Stemmer)
