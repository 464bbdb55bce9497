"""Spec tables are kept compact in the pickled doctree and built where they are written
(sphinx_spackcache/render/spectable.py): HTML writers build them, other builders get them from a
post-transform; either way the reader sees the same table, the search index the same words,
and ``numfig`` the same numbers."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes
from sphinx.search.en import SearchEnglish

from sphinx_spackcache.render.coverage import coverage_table_data
from sphinx_spackcache.render.listing import package_table_data
from sphinx_spackcache.render.spectable import spec_table_data

from . import records as expected
from .conftest import Build, resolved, warnings_of

TAG = "develop-2025-04-20"


def test_the_pickled_doctree_holds_no_table_nodes(build: Build) -> None:
    app = build("basic", "html")
    doctree = app.env.get_doctree("py-packaging")
    (data,) = doctree.findall(spec_table_data)
    assert not list(doctree.findall(nodes.table))
    assert not list(doctree.findall(nodes.entry))
    # a handful of nodes, however many specs
    assert len(list(data.findall())) == 5  # itself, title + text, inline + text
    # every hash is among the words kept for the search index
    words = data.next_node(nodes.inline)
    assert words is not None
    assert expected.hashes(TAG, "py-packaging") <= set(words.astext().split())
    assert data["ids"] == ["id1"]  # given while reading, as a table would have been


def test_html_and_pseudoxml_show_the_same_table(build: Build) -> None:
    app = build("basic", "pseudoxml")
    (table,) = resolved(app, "py-packaging").findall(nodes.table)
    assert table["ids"] == ["id1"]
    doctree_hashes = [
        entry.astext()
        for entry in table.findall(nodes.entry)
        if "spackcache-hash" in entry["classes"] and entry.astext() != "Hash"
    ]
    app = build("basic", "html")
    page = BeautifulSoup((app.outdir / "py-packaging.html").read_text("utf-8"), "html.parser")
    (html_table,) = page.select("table.spackcache-specs")
    assert html_table["id"] == "id1"
    html_hashes = [td.get_text() for td in html_table.select("tbody td.spackcache-hash")]
    assert html_hashes == doctree_hashes
    assert sorted(html_hashes) == sorted(expected.hashes(TAG, "py-packaging"))
    # nothing of the placeholder reaches the page
    assert "spec_table_data" not in str(page)
    assert page.select("table.spackcache-specs ~ span") == []


def test_the_search_index_has_every_hash_and_the_table_title(build: Build) -> None:
    app = build("basic", "html")
    source = (app.outdir / "searchindex.js").read_text("utf-8")
    index = json.loads(source[source.index("(") + 1 : source.rindex(")")])
    page = index["docnames"].index("py-packaging")
    stem = SearchEnglish({}).stem
    for spec_hash in expected.hashes(TAG, "py-packaging"):
        found = index["terms"][stem(spec_hash)]
        assert page in (found if isinstance(found, list) else [found]), spec_hash
    title = f"Specs of py-packaging in {TAG}"
    assert [page, "id1"] in index["alltitles"][title]


def test_numfig_numbers_the_tables(build: Build) -> None:
    app = build("basic", "html", conf={"numfig": True})
    assert warnings_of(app) == []

    def numbers(page: str) -> list[str]:
        html = (app.outdir / f"{page}.html").read_text("utf-8")
        return re.findall(r'<span class="caption-number">Table (\d+) </span>', html)

    # in toctree order: py-packaging has one table, cmake and small two each (two
    # snapshots); the same numbers as when the directive built the tables itself
    assert numbers("py-packaging") == ["1"]
    assert numbers("cmake") == ["2", "3"]
    assert numbers("small") == ["4", "5"]


def test_writing_leaves_the_compact_node_in_the_doctree(build: Build) -> None:
    """The HTML writer builds the table for the page only: afterwards the doctree holds
    the compact node as it was read, and no table."""
    app = build("basic", "html")
    doctree = resolved(app, "py-packaging")
    (data,) = doctree.findall(spec_table_data)
    before = data.pformat()
    app.builder.write_doc("py-packaging", doctree)
    page = (app.outdir / "py-packaging.html").read_text("utf-8")
    assert page.count('<td class="spackcache-hash') == len(expected.hashes(TAG, "py-packaging"))
    (after,) = doctree.findall(spec_table_data)
    assert after is data
    assert after.pformat() == before
    assert not list(doctree.findall(nodes.table))


# -- package listings are kept compact too (sphinx_spackcache/render/listing.py) ------


def test_a_listing_pickles_compact_and_writes_the_same_rows(build: Build) -> None:
    app = build("views", "html")
    doctree = app.env.get_doctree("listing")
    full, _darwin = doctree.findall(package_table_data)
    assert not list(doctree.findall(nodes.table))
    assert not list(doctree.findall(nodes.entry))
    assert len(list(full.findall())) == 5  # itself, title + text, inline + text
    words = full.next_node(nodes.inline)
    assert words is not None
    assert set(expected.packages(TAG)) <= set(words.astext().split())
    assert expected.snapshot_stacks(TAG) <= set(words.astext().split())

    page = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    first, second = page.select("table.spackcache-packages")
    assert first["id"] == full["ids"][0]
    names = [td.get_text(" ", strip=True) for td in first.select("tbody td.spackcache-package")]
    assert names == sorted(expected.packages(TAG))
    # the :platform: darwin listing: the packages with a darwin spec, most specs first
    darwin_counts = {
        package: sum(spec["platform"] == "darwin" for spec in expected.specs(TAG, package))
        for package in expected.packages(TAG)
    }
    rows = [
        (tr.select("td.spackcache-package")[0].get_text(strip=True),
         int(tr.select("td.spackcache-specs")[0].get_text()))
        for tr in second.select("tbody tr")
    ]  # fmt: skip
    wanted = sorted(
        ((p, n) for p, n in darwin_counts.items() if n), key=lambda item: (-item[1], item[0])
    )
    assert rows == wanted
    assert "package_table_data" not in str(page)


def test_listing_links_resolve_in_html_as_in_other_builders(build: Build) -> None:
    """HTML resolves a listing's links where it builds the table; other builders through
    Sphinx's resolver: the same targets, and plain text for a package without a page."""
    app = build("generate", "html")
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    html_links = {
        a.get_text(strip=True): str(a["href"])
        for a in page.select("table.spackcache-packages td.spackcache-package a")
    }
    app = build("generate", "pseudoxml")
    doctree = resolved(app, "index")
    (table,) = (t for t in doctree.findall(nodes.table) if "spackcache-packages" in t["classes"])
    other_links = {
        ref.astext(): ref["refuri"] for ref in table.findall(nodes.reference) if "refuri" in ref
    }
    assert html_links
    assert {name: uri.replace(".html", "") for name, uri in html_links.items()} == {
        name: uri.replace(".pseudoxml", "").replace(".xml", "") for name, uri in other_links.items()
    }
    assert not list(table.findall(addnodes.pending_xref))


def test_a_coverage_matrix_pickles_compact_and_shows_the_same_numbers(build: Build) -> None:
    app = build("views", "html")
    doctree = app.env.get_doctree("snapshot")
    (data,) = doctree.findall(coverage_table_data)
    assert not list(doctree.findall(nodes.table))
    assert set(data["stacks"]) == expected.snapshot_stacks(TAG)
    page = BeautifulSoup((app.outdir / "snapshot.html").read_text("utf-8"), "html.parser")
    (table,) = page.select("table.spackcache-coverage")
    assert not table.select("colgroup")  # the browser's widths, under turned headings
    # the Total column of each stack row: its specs, counted from the records
    totals = {
        tr.select("td.spackcache-stack")[0].get_text(strip=True): int(
            tr.select("td.spackcache-total")[0].get_text()
        )
        for tr in table.select("tbody tr")
        if "spackcache-total" not in (tr.get_attribute_list("class") or [])
    }
    counted: dict[str, int] = {}
    for package in expected.packages(TAG):
        for stack, count in expected.stack_counts(TAG, package).items():
            counted[stack] = counted.get(stack, 0) + count
    assert totals == counted
    # no script: the matrix is not an interactive table
    assert "spackcache.js" not in str(page)


def test_a_long_compiler_badge_is_one_span(build: Build) -> None:
    """A compiler badge, however long, is one ``span`` with the whole compiler in it (a
    badge's text stays on one line: issue 25.5), and holds nothing of the badges after
    it (every span closed)."""
    app = build("basic", "html")
    html = (app.outdir / "cmake.html").read_text("utf-8")
    assert html.count("<span") == html.count("</span>")  # a parser would close them
    page = BeautifulSoup(html, "html.parser")
    table = page.select("table.spackcache-specs")[0]  # the first section's: TAG
    badges = table.select("td.spackcache-compiler span.spackcache-compiler")
    # the compilers of the record, "gcc@=11.4.0" spelled "gcc@11.4.0" as Spack prints it
    compilers = {s["compiler"].replace("@=", "@") for s in expected.specs(TAG, "cmake")}
    assert {badge.get_text() for badge in badges} == compilers
    assert "intel-oneapi-compilers@2025.1.0" in compilers
    for badge in badges:
        assert badge.find("span") is None
        assert [str(part) for part in badge.contents] == [badge.get_text()]
