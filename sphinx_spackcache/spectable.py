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
from sphinx.writers.html5 import HTML5Translator

from .model import Spec
from .render import (
    PALETTE_SIZE,
    ROOT_CLASS,
    colour_badges,
    fit_widths,
    more_values,
    plan_spec_table,
    shared_paragraph,
    spec_columns,
    spec_table,
    spec_words,
)

__all__ = [
    "BuildSpecTables",
    "UnfoldMoreValues",
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
    """The node that :func:`build_spec_table` turns into the table of *specs* (and the
    sentence of what they share); *columns* as the user gave them, if they did."""
    words = " ".join(spec_words(specs, spec_columns(specs, columns)))
    return spec_table_data(
        "",
        nodes.title(title, title),
        nodes.inline(words, words),
        specs=msgspec.json.encode(list(specs)).decode("utf-8"),
        columns=list(columns) if columns is not None else None,
        stacks=sorted({stack for spec in specs for stack in spec.stacks}),
    )


def build_spec_table(node: spec_table_data) -> list[nodes.Element]:
    """What *node* stands for: the sentence of what all its specs share, if anything,
    and the table (with *node*'s ids) in a container that scrolls it sideways in HTML
    when it cannot fit."""
    specs = _DECODER.decode(node["specs"])
    title = node.next_node(nodes.title)
    plan = plan_spec_table(specs, node["columns"])
    table = spec_table(specs, title=title.astext() if title else "", plan=plan)
    table["ids"] = list(node["ids"])
    scroll = nodes.container("", table, classes=[f"{ROOT_CLASS}-scroll"])
    shared = shared_paragraph(plan)
    return [scroll] if shared is None else [shared, scroll]


class BuildSpecTables(SphinxPostTransform):
    """Build the spec tables of a doctree (registered for builders that are not HTML)."""

    #: before Sphinx's reference resolution (10) and this extension's LaTeX, text and
    #: man touches (400)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(spec_table_data)):
            # not replace_self(), which would give the node's ids to the first of several
            parent = node.parent
            index = parent.index(node)
            parent[index : index + 1] = build_spec_table(node)


class UnfoldMoreValues(SphinxPostTransform):
    """Builders that are not HTML show every value: each :class:`~.render.more_values`
    gives way to the values it holds (registered with :class:`BuildSpecTables`)."""

    #: after the spec tables are built (5), before the LaTeX, text and man touches (400)
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(more_values)):
            parent = node.parent
            index = parent.index(node)
            parent[index : index + 1] = node.children  # (not merging the node's classes)


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
        built = build_spec_table(node)
        for table in built[-1].findall(nodes.table):
            fit_widths(table)
        domain = translator.builder.env.get_domain("cache")
        for element in built:
            colour_badges(element, domain.data.get("hues", {}), PALETTE_SIZE)
        parent = node.parent
        index = parent.index(node)
        parent[index : index + 1] = built  # not replace_self(), which merges the classes
        try:
            for element in built:
                element.walkabout(translator)
        finally:
            parent[index : index + len(built)] = [node]
            for element in built:
                for descendant in element.findall():
                    descendant.parent = None
    finally:
        if collecting:
            gc.enable()
    raise nodes.SkipNode


def depart_spec_table_data(translator: SphinxTranslator, node: spec_table_data) -> None:
    """Never called: the visit skips the node."""


def visit_more_values(translator: HTML5Translator, node: more_values) -> None:
    """HTML: the values in a ``<details>`` whose summary says how many there are, as
    ``+3`` (short enough to share a line with the badge before it)."""
    translator.body.append(translator.starttag(node, "details"))
    count = int(node["count"])
    title = translator.attval(f"{count:,} more: show them")
    translator.body.append(f'<summary title="{title}">+{count:,}</summary>')


def depart_more_values(translator: HTML5Translator, node: more_values) -> None:
    translator.body.append("</details>")


def _add_post_transforms(app: Sphinx) -> None:
    # Known only once the builder is: HTML writers build the tables themselves.
    if app.builder.format != "html":
        app.add_post_transform(BuildSpecTables)
        app.add_post_transform(UnfoldMoreValues)


def setup_spectable(app: Sphinx) -> None:
    """Register the nodes (spec tables as enumerable tables), their HTML visitors and, for
    other builders, the post-transforms."""
    app.add_enumerable_node(
        spec_table_data, "table", html=(visit_spec_table_data, depart_spec_table_data)
    )
    app.add_node(more_values, html=(visit_more_values, depart_more_values))
    app.connect("builder-inited", _add_post_transforms)
