"""The deferred nodes (sphinx_spackcache/render/deferred.py): the data each kind keeps,
through the one serialiser (``encode``/``decoder``) and back unchanged, as a string; and
the words each keeps for the search index, against the words of the output it is built
into by a real build (the search index splits text into words as :func:`_words` does)."""

from __future__ import annotations

from typing import Any

import pytest
from docutils import nodes
from sphinx.search.en import SearchEnglish

from sphinx_spackcache.data.matrix import BY_FIELDS, CoverageMatrix, coverage_matrix
from sphinx_spackcache.data.model import Spec
from sphinx_spackcache.data.summary import PackageSummary, summarise
from sphinx_spackcache.render.coverage import coverage_table_data
from sphinx_spackcache.render.deferred import decoder, deferred, deferred_table, encode
from sphinx_spackcache.render.listing import PackageRow, package_table_data
from sphinx_spackcache.render.names import DEPENDENCY_CLASS
from sphinx_spackcache.render.spectable import spec_table_data
from sphinx_spackcache.render.summary import summary_data
from sphinx_spackcache.sources.store import CacheStore

from .conftest import RECORDS, Build, resolved
from .test_mirrors import MIRROR_CONF

TAG = "develop-2025-04-20"


def _round_trip(value: Any, kind: Any) -> None:
    text = encode(value)
    assert isinstance(text, str)  # what a node attribute pickles compactly
    assert decoder(kind).decode(text) == value


@pytest.mark.parametrize("by", BY_FIELDS)
def test_a_coverage_matrix_goes_through_json_unchanged(by: str) -> None:
    specs = CacheStore(RECORDS).load_snapshot(TAG).specs_by_package()
    matrix = coverage_matrix(specs, by)
    if by == "compiler":  # py-packaging's specs have no compiler: a column of None
        assert None in matrix.columns
    _round_trip(matrix, CoverageMatrix)
    # and a matrix of some stacks, with empty cells
    _round_trip(coverage_matrix(specs, by, lambda stack: stack != "root"), CoverageMatrix)


def test_specs_summaries_rows_and_dependencies_go_through_json_unchanged() -> None:
    snapshot = CacheStore(RECORDS).load_snapshot(TAG)
    specs = [spec for loaded in snapshot.records for spec in loaded.record.specs]
    _round_trip(specs, list[Spec])
    rows = [
        PackageRow(loaded.record.name, TAG, summarise(loaded.record.specs))
        for loaded in snapshot.records
    ]
    _round_trip(rows[0].summary, PackageSummary)
    _round_trip(rows, list[PackageRow])
    # a spec table's dependencies: hash -> [name, version, hash] each
    _round_trip({specs[0].hash: [["zlib", "1.3.1", specs[1].hash]]}, dict[str, list[list[str]]])


# -- search words ---------------------------------------------------------------------

_SEARCH = SearchEnglish({})


def _words(text: str) -> set[str]:
    """The words of *text* as the search index takes them (case aside)."""
    return {word.casefold() for word in _SEARCH.split(text)}


#: Every kind appears in these test roots (the mirrors root: spec tables with dependencies).
_ROOTS = (("views", None), ("mirrors", MIRROR_CONF))


def _pending_and_built(build: Build, kind: type[deferred]) -> list[tuple[deferred, nodes.Element]]:
    """Each node of *kind* the test roots' pages hold as read, with what a text build
    (the post-transform) built it into: a summary's field list, a table's ``table``."""
    found: list[tuple[deferred, nodes.Element]] = []
    for root, conf in _ROOTS:
        app = build(root, "text", conf=conf)
        for docname in sorted(app.env.found_docs):
            pending = list(app.env.get_doctree(docname).findall(kind))
            if not pending:
                continue
            doctree = resolved(app, docname)
            assert not list(doctree.findall(deferred))
            if issubclass(kind, deferred_table):
                tables = {t["ids"][0]: t for t in doctree.findall(nodes.table) if t["ids"]}
                found += [(node, tables[node["ids"][0]]) for node in pending]
            else:
                summaries = [
                    f
                    for f in doctree.findall(nodes.field_list)
                    if "spackcache-summary" in f["classes"]
                ]
                assert len(summaries) == len(pending)
                found += zip(pending, summaries, strict=True)
    assert found
    return found


def _search_words(node: deferred) -> set[str]:
    inline = node.next_node(nodes.inline)
    assert inline is not None
    return _words(inline.astext())


@pytest.mark.parametrize("kind", [summary_data, package_table_data, coverage_table_data])
def test_the_search_words_are_the_words_of_the_output(build: Build, kind: type[deferred]) -> None:
    """A summary, a listing and a coverage matrix: every word the output shows (a table's
    headings and cells; its title is a child of its own) is among the node's words for
    search, and every one of those words is shown."""
    for node, built in _pending_and_built(build, kind):
        shown = built.next_node(nodes.tgroup) if isinstance(built, nodes.table) else built
        assert shown is not None
        assert _search_words(node) == _words(shown.astext()), node.get("ids")


def test_the_search_words_of_a_spec_table_hold_every_word_it_shows(build: Build) -> None:
    """A spec table: every word of its headings and cells is among the node's words for
    search, and so is every value the sentence above it names (what all its specs share,
    folded out of the rows), dependencies included."""
    dependencies = shared = 0
    for node, table in _pending_and_built(build, spec_table_data):
        words = _search_words(node)
        tgroup = table.next_node(nodes.tgroup)
        assert tgroup is not None
        assert _words(tgroup.astext()) <= words, node["ids"]
        scroll = table.parent
        assert scroll is not None
        assert scroll.parent is not None
        index = scroll.parent.index(scroll)
        before = scroll.parent[index - 1] if index else None
        if isinstance(before, nodes.paragraph) and "spackcache-shared" in before["classes"]:
            for part in before.findall(nodes.inline):
                if any(c.startswith("spackcache-shared-") for c in part["classes"]):
                    values = "".join(child.astext() for child in part.children[1:])
                    assert values
                    shared += 1
                    assert _words(values) <= words, node["ids"]
        dependencies += sum(DEPENDENCY_CLASS in n["classes"] for n in table.findall(nodes.inline))
    assert dependencies
    assert shared
