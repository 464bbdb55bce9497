"""Spec tables, built where they are written.

A package page is mostly its spec table, some forty docutils nodes a spec. Built by the
directive, those nodes would go through every read transform, be pickled with the
doctree, unpickled again to be written (in the main process, one page after the other,
under ``-j``), walked by every post-transform and by the search indexer. So the directive
puts a :class:`spec_table_data` node in the doctree instead: the specs to show as one JSON
string, the column keys, the table's title, and one line holding every text the table
shows (each once), which is what the search index needs of it. The table itself is
built from that node, as the same standard docutils ``table``
(:func:`~sphinx_spackcache.render.spec_table`):

* for HTML builders (``html``, ``dirhtml``, ``singlehtml``, ``epub``, …), by the writer,
  when it meets the node: with ``-j`` that is in the worker processes, in parallel;
* for every other builder, by a post-transform (:class:`BuildSpecTables`) that runs before
  the LaTeX, text and man touches, so those see the table.

The node is registered as an enumerable ``table``: it gets its id (and, with ``numfig``,
its number) while the document is read, and the table takes both over.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any

import msgspec
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxTranslator

from .model import Spec
from .render import spec_columns, spec_table, spec_words

__all__ = [
    "BuildSpecTables",
    "build_spec_table",
    "pending_spec_table",
    "setup_spectable",
    "spec_table_data",
]

_DECODER = msgspec.json.Decoder(list[Spec])


class spec_table_data(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A spec table before it is built: attributes ``specs`` (JSON) and ``columns``, and
    two children, the table's ``title`` and an ``inline`` of its words for search."""


def pending_spec_table(
    specs: Sequence[Spec], *, title: str, columns: Sequence[str] | None = None
) -> spec_table_data:
    """The node that :func:`build_spec_table` turns into ``spec_table(specs, ...)``."""
    shown = spec_columns(specs, columns)
    words = " ".join(spec_words(specs, shown))
    return spec_table_data(
        "",
        nodes.title(title, title),
        nodes.inline(words, words),
        specs=msgspec.json.encode(list(specs)).decode("utf-8"),
        columns=[column.key for column in shown],
    )


def build_spec_table(node: spec_table_data) -> nodes.table:
    """The table *node* stands for, with *node*'s ids."""
    specs = _DECODER.decode(node["specs"])
    title = node.next_node(nodes.title)
    table = spec_table(specs, title=title.astext() if title else "", columns=node["columns"])
    table["ids"] = list(node["ids"])
    return table


class BuildSpecTables(SphinxPostTransform):
    """Build the spec tables of a doctree (registered for builders that are not HTML)."""

    #: before Sphinx's reference resolution (10) and this extension's LaTeX, text and
    #: man touches (400)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(spec_table_data)):
            node.replace_self(build_spec_table(node))


def visit_spec_table_data(translator: SphinxTranslator, node: spec_table_data) -> None:
    """HTML writers: build the table, write it in place of *node*, and let it go.

    The table's nodes (some 240 Python objects a spec) live only for this visit. Left to
    the cyclic garbage collector (docutils nodes point to their parents), they would be
    promoted to its oldest generation while the page is written and set off full
    collections of the whole build's memory: most of the write phase, measured. So the
    collector is paused for the visit, the table is taken out of the doctree again (which
    stays as it was read), and its parent links are cut, so that reference counting frees
    it at once.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        table = build_spec_table(node)
        parent = node.parent
        parent.replace(node, table)  # not replace_self(), which merges the classes
        try:
            table.walkabout(translator)
        finally:
            parent.replace(table, node)
            for descendant in table.findall():
                descendant.parent = None
    finally:
        if collecting:
            gc.enable()
    raise nodes.SkipNode


def depart_spec_table_data(translator: SphinxTranslator, node: spec_table_data) -> None:
    """Never called: the visit skips the node."""


def _add_post_transform(app: Sphinx) -> None:
    # Known only once the builder is: HTML writers build the tables themselves.
    if app.builder.format != "html":
        app.add_post_transform(BuildSpecTables)


def setup_spectable(app: Sphinx) -> None:
    """Register the node (as an enumerable table), its HTML visitor and, for other
    builders, the post-transform."""
    app.add_enumerable_node(
        spec_table_data, "table", html=(visit_spec_table_data, depart_spec_table_data)
    )
    app.connect("builder-inited", _add_post_transform)
