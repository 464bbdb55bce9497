"""Tables built where they are written: the machinery shared by spec tables
(:mod:`.spectable`) and package listings (:mod:`.listing`).

A spec table is some forty docutils nodes a spec; a listing of a whole snapshot some
fifty a package (1,225 rows: a 6 MB pickled doctree). Built by the directive, those nodes
would go through every read transform, be pickled with the doctree, unpickled again to
be written (in the main process, one page after the other, under ``-j``), walked by every
post-transform and by the search indexer, and Sphinx unpickles the root document once for
every page it writes (to find its toctrees): a listing there slows every page of the site.

So the directives put a :class:`deferred_table` in the doctree instead: the data to show
as one JSON string, the table's ``title``, and an ``inline`` holding every word the table
shows (each once), which is what the search index needs of it. The table itself is built
from that node by the node's :meth:`~deferred_table.build`, as standard docutils nodes:

* for HTML builders (``html``, ``dirhtml``, ``singlehtml``, ``epub``, …), by the writer,
  when it meets the node (:func:`visit_deferred_table`): with ``-j`` that is in the worker
  processes, in parallel; links to package pages are resolved there, through the domain;
* for every other builder, by a post-transform (:class:`BuildDeferredTables`) that runs
  before Sphinx resolves references and before the LaTeX, text and man touches.

The nodes are registered as enumerable ``table`` nodes: they get their ids (and, with
``numfig``, their numbers) while the document is read, and the table takes both over.
"""

from __future__ import annotations

import gc
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxTranslator
from sphinx.writers.html5 import HTML5Translator

from .render import PALETTE_SIZE, colour_badges, fit_widths, more_values

__all__ = [
    "BuildDeferredTables",
    "UnfoldMoreValues",
    "add_deferred_table",
    "deferred_table",
    "setup_deferred",
    "visit_deferred_table",
]


class deferred_table(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A table before it is built. Children: the table's ``title`` and an ``inline`` of
    its words (for search); attribute ``stacks``: the stacks its badges name (for
    :mod:`.colours`). Subclasses say how to build it."""

    def build(self) -> list[nodes.Element]:
        """The nodes this node stands for; the table takes this node's ids."""
        raise NotImplementedError

    @property
    def title_text(self) -> str:
        title = self.next_node(nodes.title)
        return title.astext() if title is not None else ""


def _replace(node: nodes.Element, built: list[nodes.Element]) -> tuple[nodes.Element, int]:
    # not replace_self(), which would give the node's ids (and classes) to the first of
    # several nodes
    parent = node.parent
    assert parent is not None
    index = parent.index(node)
    parent[index : index + 1] = built
    return parent, index


class BuildDeferredTables(SphinxPostTransform):
    """Build the deferred tables of a doctree (registered for builders that are not HTML)."""

    #: before Sphinx's reference resolution (10) and this extension's LaTeX, text and
    #: man touches (400)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(deferred_table)):
            _replace(node, node.build())


class UnfoldMoreValues(SphinxPostTransform):
    """Builders that are not HTML show every value: each :class:`~.render.more_values`
    gives way to the values it holds (registered with :class:`BuildDeferredTables`)."""

    #: after the tables are built (5), before the LaTeX, text and man touches (400)
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(more_values)):
            parent = node.parent
            index = parent.index(node)
            parent[index : index + 1] = node.children  # (not merging the node's classes)


def _resolve_package_links(translator: SphinxTranslator, built: list[nodes.Element]) -> None:
    """The links of a listing, resolved as Sphinx's reference resolver would (which has
    run before the writer builds the table): through the ``cache`` domain, and a package
    without a page stays plain text (see :mod:`.domain`)."""
    builder = translator.builder
    env = builder.env
    domain = env.get_domain("cache")
    docname = builder.current_docname  # type: ignore[attr-defined]  # HTML builders
    for element in built:
        for xref in list(element.findall(addnodes.pending_xref)):
            content = xref.children[0]
            assert isinstance(content, nodes.Element)
            reference = domain.resolve_xref(
                env, docname, builder, "pkg", xref["reftarget"], xref, content
            )
            xref.replace_self(reference if reference is not None else content)


def visit_deferred_table(translator: SphinxTranslator, node: deferred_table) -> None:
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
        built = node.build()
        _resolve_package_links(translator, built)
        hues = translator.builder.env.get_domain("cache").data.get("hues", {})
        for element in built:
            for table in element.findall(nodes.table):
                fit_widths(table)
            colour_badges(element, hues, PALETTE_SIZE)
        parent, index = _replace(node, built)
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


def depart_deferred_table(translator: SphinxTranslator, node: deferred_table) -> None:
    """Never called: the visit skips the node."""


def add_deferred_table(app: Sphinx, node_class: type[deferred_table]) -> None:
    """Register a kind of deferred table: an enumerable ``table`` that HTML writers build."""
    app.add_enumerable_node(node_class, "table", html=(visit_deferred_table, depart_deferred_table))


def _add_post_transforms(app: Sphinx) -> None:
    # Known only once the builder is: HTML writers build the tables themselves.
    if app.builder.format != "html":
        app.add_post_transform(BuildDeferredTables)
        app.add_post_transform(UnfoldMoreValues)


def visit_more_values(translator: HTML5Translator, node: more_values) -> None:
    """HTML: the values in a ``<details>`` whose summary says how many there are, as
    ``+3`` (short enough to share a line with the badge before it)."""
    translator.body.append(translator.starttag(node, "details"))
    count = int(node["count"])
    title = translator.attval(f"{count:,} more: show them")
    translator.body.append(f'<summary title="{title}">+{count:,}</summary>')


def depart_more_values(translator: HTML5Translator, node: more_values) -> None:
    translator.body.append("</details>")


def setup_deferred(app: Sphinx) -> None:
    """Register the "more values" disclosure; for builders that are not HTML, the
    post-transforms that build deferred tables and unfold the disclosures."""
    app.add_node(more_values, html=(visit_more_values, depart_more_values))
    app.connect("builder-inited", _add_post_transforms)
