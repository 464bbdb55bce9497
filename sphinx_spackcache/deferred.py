"""Output built where it is written: the machinery shared by spec tables
(:mod:`.spectable`), package listings (:mod:`.listing`) and package summaries
(:mod:`.package`).

A spec table is some forty docutils nodes a spec; a listing of a whole snapshot some
fifty a package (1,225 rows: a 6 MB pickled doctree). Built by the directive, those nodes
would go through every read transform, be pickled with the doctree, unpickled again to
be written (in the main process, one page after the other, under ``-j``), walked by every
post-transform and by the search indexer, and Sphinx unpickles the root document once for
every page it writes (to find its toctrees): a listing there slows every page of the site.

So the directives put a :class:`deferred` node in the doctree instead: the data to show
as one JSON string, a table's ``title``, and an ``inline`` holding every word the output
shows (each once), which is what the search index needs of it. The output itself is
built from that node by the node's :meth:`~deferred.build`, as standard docutils nodes:

* for HTML builders (``html``, ``dirhtml``, ``singlehtml``, ``epub``, …), by the writer,
  when it meets the node (:func:`visit_deferred`): with ``-j`` that is in the worker
  processes, in parallel; links to package pages are resolved there, through the domain;
* for every other builder, by a post-transform (:class:`BuildDeferredTables`) that runs
  before Sphinx resolves references and before the LaTeX, text and man touches.

Tables (:class:`deferred_table`) are registered as enumerable ``table`` nodes: they get
their ids (and, with ``numfig``, their numbers) while the document is read, and the
table takes both over.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxTranslator
from sphinx.writers.html5 import HTML5Translator

from .render import (
    PALETTE_SIZE,
    ROOT_CLASS,
    badge_run,
    break_at,
    colour_badges,
    more_values,
    size_columns,
)

__all__ = [
    "BuildDeferredTables",
    "UnfoldMoreValues",
    "add_deferred",
    "deferred",
    "deferred_table",
    "setup_deferred",
    "visit_deferred",
    "walk",
]


class deferred(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Output of this extension before it is built. Children: an ``inline`` of its words
    (for search), and, for a table, its ``title``; attribute ``stacks``: the stacks its
    badges name (for :mod:`.colours`). Subclasses say how to build it."""

    #: Whether what it builds holds links to package pages (``pending_xref``) for the
    #: HTML writer to resolve.
    has_links: ClassVar[bool] = False

    @classmethod
    def pending(
        cls: type[_Deferred], words: Iterable[str], *, title: str | None = None, **attributes: Any
    ) -> _Deferred:
        """A node of this kind: its *title* (for a table), *words* (what the output shows,
        for search) and *attributes* (the data to build it from)."""
        text = " ".join(words)
        heading = [nodes.title(title, title)] if title is not None else []
        return cls("", *heading, nodes.inline(text, text), **attributes)

    def build(self) -> list[nodes.Element]:
        """The nodes this node stands for (a table takes this node's ids)."""
        raise NotImplementedError


_Deferred = TypeVar("_Deferred", bound=deferred)


class deferred_table(deferred):  # noqa: N801 (docutils node naming)
    """A table before it is built (an enumerable ``table``: see :func:`add_deferred`)."""

    #: Whether the HTML script enhances the table (search, sort, pages, badge filters).
    interactive: ClassVar[bool] = True

    def scroll(self, table: nodes.table) -> nodes.container:
        """*table*, with this node's ids, in the container that scrolls it sideways in
        HTML when it cannot fit."""
        table["ids"] = list(self["ids"])
        return nodes.container("", table, classes=[f"{ROOT_CLASS}-scroll"])

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
    """Build the deferred output of a doctree (registered for builders that are not HTML)."""

    #: before Sphinx's reference resolution (10) and this extension's LaTeX, text and
    #: man touches (400)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(deferred)):
            built = node.build()
            for element in built:  # the inline badges, as Sphinx's touches expect them
                for run in list(element.findall(badge_run)):
                    _replace(run, run.expand())  # type: ignore[arg-type]
            _replace(node, built)


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


def visit_deferred(translator: SphinxTranslator, node: deferred) -> None:
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
        if node.has_links:
            _resolve_package_links(translator, built)
        hues = translator.builder.env.get_domain("cache").data.get("hues", {})
        for element in built:
            for table in element.findall(nodes.table):
                size_columns(table)
            colour_badges(element, hues, PALETTE_SIZE)
        parent, index = _replace(node, built)
        try:
            for element in built:
                walk(element, translator)
        finally:
            parent[index : index + len(built)] = [node]
            for element in built:
                for descendant in element.findall():
                    descendant.parent = None
    finally:
        if collecting:
            gc.enable()
    raise nodes.SkipNode


def walk(node: nodes.Node, translator: SphinxTranslator) -> None:
    """What ``node.walkabout(translator)`` does, for nodes the translator has visitors
    for under their own class name (every node of this extension's output): the same
    calls, in the same order, with the same ``Skip*`` exceptions. Without docutils' debug
    message and Sphinx's search along the class hierarchy for every node, writing a
    snapshot's tables takes some 2 s less. Any other node is walked by docutils."""
    name = type(node).__name__
    visit = getattr(translator, f"visit_{name}", None)
    depart = getattr(translator, f"depart_{name}", None)
    if visit is None or depart is None:
        node.walkabout(translator)
        return
    call_depart = True
    try:
        visit(node)
    except nodes.SkipNode:
        return
    except nodes.SkipDeparture:
        call_depart = False
    except nodes.SkipChildren:
        depart(node)
        return
    for child in list(node.children):
        walk(child, translator)
    if call_depart:
        depart(node)


def depart_deferred(translator: SphinxTranslator, node: deferred) -> None:
    """Never called: the visit skips the node."""


def add_deferred(app: Sphinx, node_class: type[deferred]) -> None:
    """Register a kind of deferred output, which HTML writers build (a table as an
    enumerable ``table``)."""
    if issubclass(node_class, deferred_table):
        app.add_enumerable_node(node_class, "table", html=(visit_deferred, depart_deferred))
    else:
        app.add_node(node_class, html=(visit_deferred, depart_deferred))


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


def depart_badge_run(translator: HTML5Translator, node: badge_run) -> None:
    """Never called: the visit skips the node."""


def depart_more_values(translator: HTML5Translator, node: more_values) -> None:
    translator.body.append("</details>")


def visit_badge_run(translator: HTML5Translator, node: badge_run) -> None:
    """HTML: each badge as the ``span`` an ``inline`` badge is written as (through
    ``starttag``, and the text through ``encode``: both escape)."""
    body = translator.body
    encode = translator.encode
    for number, (text, classes, _stack, breakable) in enumerate(node["items"]):
        if number:
            body.append(" ")
        body.append(_start_tag(translator, node, " ".join(classes)))
        parts = break_at(text) if breakable else None
        if parts is not None:
            body.append(encode(parts[0]))
            body.append(_start_tag(translator, node, f"{ROOT_CLASS}-at"))
            body.append(f"{encode(parts[1])}</span>")
        else:
            body.append(encode(text))
        body.append("</span>")
    raise nodes.SkipNode


#: ``starttag`` of a ``span`` with these classes, by translator class: a badge run has no
#: ids or other attributes, so the tag depends on nothing else (some 170,000 badges in a
#: snapshot's pages, a few hundred different tags).
_TAGS: dict[tuple[type, str], str] = {}


def _start_tag(translator: HTML5Translator, node: badge_run, classes: str) -> str:
    key = (type(translator), classes)
    tag = _TAGS.get(key)
    if tag is None:
        tag = _TAGS[key] = translator.starttag(node, "span", "", CLASS=classes)
    return tag


def setup_deferred(app: Sphinx) -> None:
    """Register the "more values" disclosure; for builders that are not HTML, the
    post-transforms that build deferred tables and unfold the disclosures."""
    app.add_node(more_values, html=(visit_more_values, depart_more_values))
    app.add_node(badge_run, html=(visit_badge_run, depart_badge_run))
    app.connect("builder-inited", _add_post_transforms)
