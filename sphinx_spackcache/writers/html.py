"""HTML writers: deferred output built, coloured, sized and written where the writer meets
it, badge runs written as the spans their ``inline`` badges would be, and the ``<details>``
of a cell's further values. Everything goes through ``starttag`` and ``encode``, which
escape.
"""

from __future__ import annotations

import gc

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxTranslator
from sphinx.writers.html5 import HTML5Translator

from ..domain import PKG_ROLE, cache_domain
from ..render.badges import badge_run, break_at, colour_badges, more_values
from ..render.coverage import coverage_table_data
from ..render.deferred import deferred, deferred_table, splice
from ..render.listing import package_table_data
from ..render.names import AT_CLASS, PALETTE_SIZE
from ..render.spectable import spec_table_data
from ..render.summary import summary_data
from ..render.tables import size_columns
from ..site.colours import hues_of

__all__ = [
    "add_deferred",
    "depart_badge_run",
    "depart_deferred",
    "depart_more_values",
    "fast_walkabout",
    "setup_html",
    "visit_badge_run",
    "visit_deferred",
    "visit_more_values",
]


def _resolve_package_links(translator: SphinxTranslator, built: list[nodes.Element]) -> None:
    """The links of a listing, resolved as Sphinx's reference resolver would (which has
    run before the writer builds the table): through the ``cache`` domain, and a package
    without a page stays plain text (see :mod:`~sphinx_spackcache.domain`)."""
    builder = translator.builder
    env = builder.env
    domain = cache_domain(env)
    docname = builder.current_docname  # type: ignore[attr-defined]  # HTML builders
    for element in built:
        for xref in list(element.findall(addnodes.pending_xref)):
            content = xref.children[0]
            assert isinstance(content, nodes.Element)
            reference = domain.resolve_xref(
                env, docname, builder, PKG_ROLE, xref["reftarget"], xref, content
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
        if node.needs_links():
            _resolve_package_links(translator, built)
        hues = hues_of(translator.builder.env)
        for element in built:
            for table in element.findall(nodes.table):
                size_columns(table)
            colour_badges(element, hues, PALETTE_SIZE)
        parent, index = splice(node, built)
        try:
            for element in built:
                fast_walkabout(element, translator)
        finally:
            parent[index : index + len(built)] = [node]
            for element in built:
                for descendant in element.findall():
                    descendant.parent = None
    finally:
        if collecting:
            gc.enable()
    raise nodes.SkipNode


def fast_walkabout(node: nodes.Node, translator: SphinxTranslator) -> None:
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
        fast_walkabout(child, translator)
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


def visit_more_values(translator: HTML5Translator, node: more_values) -> None:
    """HTML: the values in a ``<details>`` whose summary says how many there are, as
    ``+3`` (short enough to share a line with the badge before it)."""
    translator.body.append(translator.starttag(node, "details"))
    count = int(node["count"])
    if node.get("label"):  # a disclosure of its own, such as a spec's dependencies
        label = translator.encode(node["label"])
        translator.body.append(f"<summary>{label}</summary>")
        return
    title = translator.attval(f"{count:,} more: show them")
    translator.body.append(f'<summary title="{title}">+{count:,}</summary>')


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
            body.append(_start_tag(translator, node, AT_CLASS))
            body.append(f"{encode(parts[1])}</span>")
        else:
            body.append(encode(text))
        body.append("</span>")
    raise nodes.SkipNode


def depart_badge_run(translator: HTML5Translator, node: badge_run) -> None:
    """Never called: the visit skips the node."""


#: ``starttag`` of a ``span`` with these classes, by translator class: a badge run has no
#: ids or other attributes, so the tag depends on nothing else (some 170,000 badges in a
#: snapshot's pages, a few hundred different tags).
_SPAN_START_TAGS: dict[tuple[type, str], str] = {}


def _start_tag(translator: HTML5Translator, node: badge_run, classes: str) -> str:
    key = (type(translator), classes)
    tag = _SPAN_START_TAGS.get(key)
    if tag is None:
        tag = _SPAN_START_TAGS[key] = translator.starttag(node, "span", "", CLASS=classes)
    return tag


def setup_html(app: Sphinx) -> None:
    """Register the extension's nodes for HTML writers: the deferred output (tables as
    enumerable ``table`` nodes), badge runs and the disclosure of further values."""
    for node_class in (summary_data, spec_table_data, package_table_data, coverage_table_data):
        add_deferred(app, node_class)
    app.add_node(more_values, html=(visit_more_values, depart_more_values))
    app.add_node(badge_run, html=(visit_badge_run, depart_badge_run))
