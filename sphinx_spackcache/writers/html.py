"""HTML writers: deferred output built, coloured, sized and written where the writer meets
it, badge runs written as the spans their ``inline`` badges would be, and the ``<details>``
of a cell's further values. Everything goes through ``starttag`` and ``encode``, which
escape.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxTranslator
from sphinx.util.nodes import make_refnode
from sphinx.writers.html5 import HTML5Translator

from ..data.dag import DependencyClosure
from ..data.model import Dependency, Spec
from ..domain import PKG_ROLE, cache_domain
from ..render.badges import (
    ALIKE_CLASS,
    MORE_CLASS,
    Cell,
    badge_run,
    colour_badges,
    colour_items,
    counted_stack_items,
    more_values,
)
from ..render.coverage import coverage_table_data
from ..render.deferred import decoder, deferred, deferred_table, splice
from ..render.listing import (
    PACKAGE_COLUMNS,
    decode_package_rows,
    package_cell,
    package_row,
    package_table,
    package_table_data,
)
from ..render.names import GRAPH_CLASS, PALETTE_SIZE, ROOT_CLASS
from ..render.spectable import (
    ALSO_IN,
    SHA256_CLASS,
    SpecDependencies,
    SpecTableData,
    also_in_cell,
    decode_spec_table,
    dependencies_label,
    dependency_groups,
    dependency_text,
    has_dependencies,
    hash_link,
    hash_nodes,
    shared_paragraph,
    spec_rows,
    spec_table_data,
    table_shell,
    tarball_sha256,
    tarball_sha256_nodes,
)
from ..render.summary import decode_summary, field_list, summary_data, summary_texts
from ..render.tables import Column, cell_width, fit_widths, pick_columns, size_columns
from ..render.trees import (
    TreePlan,
    disclosure_nodes,
    line_link,
    line_suffix,
    split_list,
    tree_plan,
)
from ..site.colours import hues_of

__all__ = [
    "add_deferred",
    "depart_badge_run",
    "depart_deferred",
    "depart_more_values",
    "setup_html",
    "visit_badge_run",
    "visit_deferred",
    "visit_more_values",
    "visit_package_table",
    "visit_spec_table",
    "visit_summary",
    "visit_tarball_sha256",
]


def _resolve_package_links(translator: SphinxTranslator, built: list[nodes.Element]) -> None:
    """The links of a listing, resolved as Sphinx's reference resolver would (which has
    run before the writer builds the table): through the ``cache`` domain, and a package
    without a page stays plain text (see :mod:`~sphinx_spackcache.domain`).

    Building the output in the writer (rather than in a post-transform, before Sphinx
    resolves references) is what makes this necessary, and it pays: under ``-j`` the
    writer runs in the worker processes, post-transforms in the main one, one page after
    the other. Built by a post-transform, a snapshot's 1,225 pages took 1.61x as long with
    ``-j 1`` and 1.95x with ``-j 3`` (``benchmarks/tricks.py``, furo, best of 3)."""
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
    """HTML writers: build the output, write it in place of *node*, and let it go."""
    built = node.build()
    if node.needs_links():
        _resolve_package_links(translator, built)
    for element in built:
        for table in element.findall(nodes.table):
            size_columns(table)
    _write_built(translator, node, built)


def _write_built(translator: SphinxTranslator, node: deferred, built: list[nodes.Element]) -> None:
    """Colour the stack badges of *built*, write it in place of *node*, and take it out
    of the doctree again (which stays as it was read).

    Until issue 21 the garbage collector was paused for this and the output was walked
    by a walker of the extension's own; with the rows of spec tables written from their
    data, neither paid any more (``benchmarks/tricks.py``, 1,225 pages in furo, best of
    3: 18.9 s without the pause and 19.0 s with docutils' own ``walkabout``, against
    19.2 s with both), so both went.
    """
    hues = hues_of(translator.builder.env)
    for element in built:
        colour_badges(element, hues, PALETTE_SIZE)
    parent, index = splice(node, built)
    try:
        for element in built:
            element.walkabout(translator)
    finally:
        parent[index : index + len(built)] = [node]
    raise nodes.SkipNode


#: Whether HTML writers write the rows of spec tables (:func:`visit_spec_table`) and
#: listings (:func:`visit_package_table`) and package summaries (:func:`visit_summary`)
#: from their data rather than build them as nodes and walk them (:func:`visit_deferred`).
#: The two write the same bytes (``tests/test_html_rows.py`` compares them on eight test
#: roots). It pays: with the rows built as nodes, a snapshot's 1,225 pages took 1.50x as
#: long (``benchmarks/tricks.py``, furo, best of 3).
DIRECT_OUTPUT = True


#: Writes the content of one cell of a row (its number) that is not a :class:`Cell`.
CellWriter = Callable[[HTML5Translator, int], None]


class table_rows(nodes.Element):  # noqa: N801 (docutils node naming)
    """The body rows of a table while the HTML writer writes it (:func:`visit_table_rows`):
    in the table's ``tbody``, only for the length of the visit (never in a doctree that
    is kept). Each row's cells are :class:`Cell` data, by column key, but for the
    columns in *own*, whose content those functions write; *row_ids*: each row's id,
    where rows have one (a spec table's)."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: list[dict[str, Cell]],
        own: Mapping[str, CellWriter],
        row_ids: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.columns = columns
        self.rows = rows
        self.own = own
        self.row_ids = row_ids


def _write_table(
    translator: HTML5Translator,
    node: deferred_table,
    table: nodes.table,
    columns: Sequence[Column],
    rows: list[dict[str, Cell]],
    own: Mapping[str, CellWriter],
    before: list[nodes.Element],
    row_ids: Sequence[str] = (),
) -> None:
    """Write *table* (its frame: title, *columns*, heading) with *rows* in its body, in
    *node*'s place, after *before*: the columns' widths from what the cells show, the
    badges coloured."""
    hues = hues_of(translator.builder.env)
    for row in rows:
        for cell in row.values():
            colour_items(cell.items, hues, PALETTE_SIZE)
    empty = Cell()
    fit_widths(
        table,
        wanted=[
            [
                cell_width(column, Cell(text=column.heading)),
                *(cell_width(column, row.get(column.key, empty)) for row in rows),
            ]
            for column in columns
        ],
    )
    body = table.next_node(nodes.tbody)
    assert body is not None
    body += table_rows(columns, rows, own, row_ids)
    _write_built(translator, node, [*before, node.scroll(table)])


def visit_spec_table(translator: HTML5Translator, node: spec_table_data) -> None:
    """HTML writers: a spec table, its rows written straight from its data.

    A snapshot's spec tables are some 12,000 rows and 400,000 nodes; built and walked,
    they were most of the time of writing its pages. Here only the table's frame (title,
    columns, heading) is built as nodes; each row is written by :func:`visit_table_rows`
    through the translator's own ``starttag`` and ``encode`` (which escape), the same
    bytes the nodes would give (see :data:`DIRECT_OUTPUT`). Before it, from a source
    that records dependencies, the dependencies of its binaries (:func:`_write_closure`)."""
    if node.get("closure"):
        _write_closure(translator, _CLOSURE_DECODER.decode(node["closure"]))
    if not DIRECT_OUTPUT:
        visit_deferred(translator, node)
        return
    data = decode_spec_table(node)
    elsewhere = data.also_in or {}
    rows = spec_rows(data.specs, data.plan, elsewhere)

    def write_hash(translator: HTML5Translator, number: int) -> None:
        _write_hash(translator, data.specs[number], data)

    def write_also_in(translator: HTML5Translator, number: int) -> None:
        tags = elsewhere.get(data.specs[number].hash, ())
        if tags:  # the links, resolved and written as the table's nodes would be
            cell = nodes.paragraph("", "", *also_in_cell(data.package, tags))
            _resolve_package_links(translator, [cell])
            for child in cell.children:
                child.walkabout(translator)
        translator.body.append("</p>")

    shared = shared_paragraph(data.plan)
    table = table_shell(node, data, rows=False)
    before: list[nodes.Element] = [] if shared is None else [shared]
    own = {"hash": write_hash, ALSO_IN: write_also_in}
    _write_table(translator, node, table, data.plan.columns, rows, own, before, data.row_ids)


_CLOSURE_DECODER = decoder(DependencyClosure)


def _write_closure(translator: HTML5Translator, closure: DependencyClosure) -> None:
    """Every dependency of a spec table's binaries, directly or through others, for the
    "Match a spec" box (``scripts/matchbox.js``: ``^name@version``, ``%name``), as two
    attributes of a hidden ``div`` (escaped by ``starttag``), in words rather than JSON
    (whose quotes an attribute writes as ``&quot;``): ``data-nodes``, each dependency as
    ``name:version:n,m`` (*n*, *m*: the numbers of its own direct dependencies, counted
    from 0 in this list), and ``data-roots``, each binary as ``hash:n,m`` (its direct
    dependencies). A package's name and a concrete version hold no colon and no space."""
    nodes_text = " ".join(
        f"{name}:{version}:{','.join(map(str, children))}"
        for name, version, children in closure.nodes
    )
    roots_text = " ".join(
        f"{key}:{','.join(map(str, children))}" for key, children in closure.roots.items()
    )
    element = nodes.Element(classes=[GRAPH_CLASS])
    attributes: dict[str, Any] = {
        "hidden": "hidden",
        "data-nodes": nodes_text,
        "data-roots": roots_text,
    }
    translator.body.append(translator.starttag(element, "div", "", **attributes) + "</div>\n")


def visit_package_table(translator: HTML5Translator, node: package_table_data) -> None:
    """HTML writers: a package listing, its rows written straight from its data (as
    :func:`visit_spec_table`): a snapshot's listing is 1,225 rows."""
    if not DIRECT_OUTPUT:
        visit_deferred(translator, node)
        return
    listed = decode_package_rows(node)

    def write_package(translator: HTML5Translator, number: int) -> None:
        row = listed[number]
        link = nodes.paragraph("", "", *package_cell(row.name, row.tag))
        _resolve_package_links(translator, [link])
        for child in link.children:
            child.walkabout(translator)
        translator.body.append("</p>")

    columns = pick_columns(PACKAGE_COLUMNS, node["columns"])
    table = package_table([], title=node.title_text, columns=node["columns"])
    rows = [package_row(row) for row in listed]
    _write_table(translator, node, table, columns, rows, {"package": write_package}, [])


#: HTML that translators write the same way each time but for some texts, by builder and
#: kind: the parts of HTML between the texts, and where each text goes (its number). See
#: :func:`_template`.
_TEMPLATES: WeakKeyDictionary[object, dict[Hashable, list[str | int]]] = WeakKeyDictionary()

#: Where a text of a template's prototype is: a character no data holds (Unicode's
#: private use area) around the text's number; ``encode`` and ``attval`` leave it as it is.
_MARK = "\ue000"


def _mark(number: int) -> str:
    return f"{_MARK}{number}{_MARK}"


def _template(
    translator: HTML5Translator, key: Hashable, write_prototype: Callable[[], None]
) -> list[str | int]:
    """The HTML *translator* writes for the prototype that *write_prototype* writes
    (whose texts are :func:`_mark` numbers), once a build for each *key*: the parts of
    HTML between the marks and, in place of each mark, its number. Filled with the real
    texts, each through ``encode`` or ``attval`` (which escape), it is what the
    translator would write for them: the same code wrote it."""
    templates = _TEMPLATES.setdefault(translator.builder, {})
    template = templates.get(key)
    if template is None:
        start = len(translator.body)
        write_prototype()
        html = "".join(translator.body[start:])
        del translator.body[start:]
        pieces = html.split(_MARK)
        template = templates[key] = [int(p) if n % 2 else p for n, p in enumerate(pieces)]
    return template


def _summary_template(
    translator: HTML5Translator, node: summary_data, fields: int
) -> list[str | int]:
    """The HTML of a summary field list of *fields* fields in *node*'s place: texts
    ``2n`` and ``2n + 1`` are the name and value of field *n*. (A field list is written
    in a way that depends on the number of its fields and on whether its parent is a
    table of contents: both are part of the key.)"""
    parent = node.parent
    assert parent is not None

    def write_prototype() -> None:
        texts = [(_mark(2 * n), [_mark(2 * n + 1)]) for n in range(fields)]
        prototype = field_list(texts, [nodes.Text(texts[-1][1][0])])
        parent, index = splice(node, [prototype])
        try:
            prototype.walkabout(translator)
        finally:
            parent[index : index + 1] = [node]

    key = ("summary", fields, "contents" in parent["classes"])
    return _template(translator, key, write_prototype)


def visit_summary(translator: HTML5Translator, node: summary_data) -> None:
    """HTML writers: a package summary, the field list's HTML from a template that the
    translator wrote once a build (:func:`_summary_template`) and the summary's texts
    and stack badges, each through ``encode`` (which escapes)."""
    if not DIRECT_OUTPUT:
        visit_deferred(translator, node)
        return
    summary = decode_summary(node)
    texts = summary_texts(summary)
    filled = [text for name, values in texts for text in (name, ", ".join(values))]
    body = translator.body
    stacks = len(filled) - 1  # the last text: the stack badges
    for part in _summary_template(translator, node, len(texts)):
        if isinstance(part, str):
            body.append(part)
        elif part == stacks:
            items = counted_stack_items(summary.stacks)
            colour_items(items, hues_of(translator.builder.env), PALETTE_SIZE)
            _write_badges(translator, items)
        else:
            body.append(translator.encode(filled[part]))
    raise nodes.SkipNode


def visit_table_rows(translator: HTML5Translator, node: table_rows) -> None:
    """HTML: the rows of a table, as the translator writes a ``row`` of ``entry`` nodes,
    each a ``paragraph`` of badges and perhaps a :class:`more_values`."""
    body = translator.body
    ids = node.row_ids
    for number, cells in enumerate(node.rows):
        row = nodes.row(ids=[ids[number]] if ids else [])
        translator.visit_row(row)
        for column in node.columns:
            body.append(_start_tag(translator, "td", f"{ROOT_CLASS}-{column.key}"))
            body.append(_start_tag(translator, "p", ""))
            own = node.own.get(column.key)
            if own is not None:
                own(translator, number)
            else:
                _write_cell(translator, cells[column.key])
            body.append("</td>\n")
        translator.depart_row(row)
    raise nodes.SkipNode


def _write_cell(translator: HTML5Translator, cell: Cell) -> None:
    shown, rest = cell.split()
    if shown:
        _write_badges(translator, shown)
    elif cell.text:
        translator.body.append(translator.encode(cell.text))
    if cell.note:
        if shown or cell.text:
            translator.body.append(" ")
        translator.body.append(_start_tag(translator, "span", ALIKE_CLASS))
        translator.body.append(f"{translator.encode(cell.note)}</span>")
    if not rest:
        translator.body.append("</p>")
        return
    translator.body.append("</p>\n")
    translator.body.append(_start_tag(translator, "details", MORE_CLASS, "\n"))
    _write_summary(translator, len(rest), None)
    translator.body.append(_start_tag(translator, "p", ""))
    _write_badges(translator, rest)
    translator.body.append("</p>\n</details>")


#: A hash that HTML writes as one ``<span class="pre">`` (no space, nothing to escape),
#: which :func:`_write_hash` fills into a template.
_PLAIN_HASH = re.compile(r"[A-Za-z0-9]+")


def _write_hash(translator: HTML5Translator, spec: Spec, data: SpecTableData) -> None:
    """The hash cell: the hash (a ``literal``, perhaps in a ``reference``) and then the
    dependencies' disclosure, in a paragraph as in the table. The hash is filled into the
    HTML the translator wrote for a prototype (:func:`_template`): with the hashes written
    as nodes, a snapshot's 1,225 pages took 1.05x as long (``benchmarks/tricks.py``, furo,
    best of 3)."""
    dependencies = data.dependencies.get(spec.hash)
    url = hash_link(spec)
    body = translator.body
    if _PLAIN_HASH.fullmatch(spec.hash):

        def write_prototype() -> None:
            prototype = hash_nodes(_mark(0), None if url is None else _mark(1))
            nodes.paragraph("", "", *prototype)  # the parent it has in a table
            prototype[0].walkabout(translator)

        texts = [translator.encode(spec.hash), "" if url is None else translator.attval(url)]
        for part in _template(translator, ("hash", url is not None), write_prototype):
            body.append(part if isinstance(part, str) else texts[part])
    else:
        paragraph = nodes.paragraph("", "", *hash_nodes(spec.hash, url))
        paragraph.children[0].walkabout(translator)
    for checksum in tarball_sha256_nodes(spec):
        checksum.walkabout(translator)
    if not has_dependencies(dependencies):
        body.append("</p>")
        return
    body.append("</p>\n")
    assert dependencies is not None
    _write_dependencies(translator, spec, dependencies, data)


def _write_dependencies(
    translator: HTML5Translator, spec: Spec, dependencies: SpecDependencies, data: SpecTableData
) -> None:
    """A row's dependencies' disclosure (``_dependencies_cell``'s nodes, the same HTML):
    from a template the translator wrote for a disclosure of marks, each link from
    :func:`_link_html`, the texts through ``encode``; then the row's tree. (A table's
    cells are never written compact, whatever holds the table: the templates need not
    know where the table is.)"""

    def write_prototype() -> None:
        paragraph = nodes.paragraph("", "", nodes.Text(_mark(0)))
        more = more_values("", paragraph, count=0, label=_mark(1), classes=[f"{ROOT_CLASS}-more"])
        more.walkabout(translator)

    template = _template(translator, ("dependencies",), write_prototype)
    links: list[str] = []
    for number, (intro, group) in enumerate(dependency_groups(dependencies)):
        if number:
            links.append("; ")
        if intro:
            links.append(translator.encode(intro))
        for place, (name, version, spec_hash, types, virtuals) in enumerate(group):
            if place:
                links.append(", ")
            found = Dependency(name, version, spec_hash, split_list(types), split_list(virtuals))
            links.append(_link_html(translator, found, data.tag, dependency_text))
    texts = ["".join(links), translator.encode(dependencies_label(dependencies))]
    body = translator.body
    *parts, last = template
    assert isinstance(last, str)
    assert last.endswith("</details>")
    for part in parts:
        body.append(part if isinstance(part, str) else texts[part])
    body.append(last[: -len("</details>")])
    if data.installed is not None:
        plan = tree_plan(spec.hash, data.installed)
        if plan is not None:
            _write_tree(translator, plan, data.tag, dependency_text)
    body.append("</details>")


#: The HTML of each link to a binary written on the page being written (a tree's line,
#: a row's direct dependency), by translator (one a page): a page's rows share most of
#: them (each binary's compiler runtime, its libc...), each is resolved and written once.
_LINKS: WeakKeyDictionary[object, dict[tuple[object, ...], str]] = WeakKeyDictionary()


def _write_tree(
    translator: HTML5Translator, plan: TreePlan, tag: str, text: Callable[..., str]
) -> None:
    """A row's tree disclosure, as :func:`~..render.trees.tree_disclosure`'s nodes are
    written (the same HTML): the lists from a template made once a build for each shape
    of tree (the depths of its lines) by the translator itself, each line's link
    resolved and written once a page, the texts through ``encode`` (which escapes).
    Building the trees as nodes was 30 % of writing the live-scale example's pages."""
    depths = tuple(branch.depth for branch in plan.branches)
    lines = len(depths)

    def write_prototype() -> None:
        # the texts: each line's (0 to lines - 1), the label's, what is said of a cut
        marked = dataclasses.replace(
            plan,
            label=_mark(lines),
            said=None if plan.said is None else _mark(lines + 1),
        )
        paragraphs = [nodes.paragraph("", "", nodes.Text(_mark(n))) for n in range(lines)]
        disclosure_nodes(marked, paragraphs).walkabout(translator)

    template = _template(translator, ("tree", plan.said is not None, depths), write_prototype)
    known = _LINKS.setdefault(translator, {})
    texts: list[str] = []
    for branch in plan.branches:
        link = _link_html(translator, branch.dependency, tag, text, known)
        texts.append(link + translator.encode(line_suffix(branch)))
    texts.append(translator.encode(plan.label))
    if plan.said is not None:
        texts.append(translator.encode(plan.said))
    body = translator.body
    for part in template:
        body.append(part if isinstance(part, str) else texts[part])


def _link_html(
    translator: HTML5Translator,
    dependency: Dependency,
    tag: str,
    text: Callable[..., str],
    known: dict[tuple[object, ...], str] | None = None,
) -> str:
    """The HTML of the link to *dependency*'s binary (``line_link``, resolved), once a
    page (*known*: the page's links so far)."""
    if known is None:
        known = _LINKS.setdefault(translator, {})
    key = (tag, dependency)
    html = known.get(key)
    if html is None:
        html = known[key] = _new_link_html(translator, dependency, tag, text)
    return html


def _new_link_html(
    translator: HTML5Translator, dependency: Dependency, tag: str, text: Callable[..., str]
) -> str:
    """The HTML of a link to *dependency*'s binary, resolved, written from a template
    made by the translator from a link of the same kind (its attributes), its texts
    through ``attval`` and ``encode``."""
    builder = translator.builder
    docname = builder.current_docname
    xref = line_link(dependency, tag, text)
    found = cache_domain(builder.env).listing_target(
        xref["reftarget"],
        docname,
        spec_hash=dependency.hash,
        package=dependency.name,
        listing=True,
    )
    content = xref.children[0]
    assert isinstance(content, nodes.Element)
    link: nodes.Element = content
    if found is not None:  # as the domain resolves it (CacheDomain.resolve_xref)
        link = make_refnode(builder, docname, found[0], found[1], content, found[2])
    nodes.paragraph("", "", link)  # the parent it has on the page
    if not isinstance(link, nodes.reference) or set(link.attributes) - _TEMPLATED_LINK:
        start = len(translator.body)
        link.walkabout(translator)
        html = "".join(translator.body[start:])
        del translator.body[start:]
        return html
    target = "refuri" if "refuri" in link else "refid"
    (content,) = link.children
    assert isinstance(content, nodes.inline)
    shape = tuple(sorted((k, str(v)) for k, v in link.attributes.items() if k in _SHAPE))
    key = ("tree-link", target, "reftitle" in link, shape, tuple(content["classes"]))

    def write_prototype() -> None:
        prototype = link.deepcopy()
        prototype[target] = _mark(0)
        if "reftitle" in link:
            prototype["reftitle"] = _mark(1)
        prototype.children = []
        prototype += nodes.inline("", _mark(2), classes=content["classes"])
        nodes.paragraph("", "", prototype)  # the parent it has on the page
        prototype.walkabout(translator)

    texts = [
        translator.attval(link[target]),
        translator.attval(link.get("reftitle", "")),
        translator.encode(content.astext()),
    ]
    template = _template(translator, key, write_prototype)
    return "".join(part if isinstance(part, str) else texts[part] for part in template)


#: The attributes of a tree line's link that its template fills in, or that set its
#: shape (part of the template's key); a link with any other is written from its nodes.
_SHAPE = frozenset({"internal", "classes", "ids", "names", "dupnames", "backrefs"})
_TEMPLATED_LINK = _SHAPE | {"refuri", "refid", "reftitle"}


def visit_tarball_sha256(translator: HTML5Translator, node: tarball_sha256) -> None:
    """HTML: a binary's tarball SHA-256 as an empty ``<data>`` element whose ``value`` is
    the SHA-256 (through ``starttag``, which escapes), for ``scripts/copy.js``'s "copy
    the SHA-256" button; nothing on the page shows it. The same visit writes it for both
    ways a spec table's rows are written (:data:`DIRECT_OUTPUT`)."""
    element = nodes.Element(classes=[SHA256_CLASS])
    translator.body.append(translator.starttag(element, "data", "", value=node["sha256"]))
    translator.body.append("</data>")
    raise nodes.SkipNode


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
    _write_summary(translator, int(node["count"]), node.get("label"))


def _write_summary(translator: HTML5Translator, count: int, label: str | None) -> None:
    if label:  # a disclosure of its own, such as a spec's dependencies
        translator.body.append(f"<summary>{translator.encode(label)}</summary>")
        return
    # the count in a span of its own: open, spackcache.css shows "show less" in its place
    title = translator.attval(f"{count:,} more: show or hide them")
    translator.body.append(
        f'<summary title="{title}"><span class="{MORE_CLASS}-count">+{count:,}</span></summary>'
    )


def depart_more_values(translator: HTML5Translator, node: more_values) -> None:
    translator.body.append("</details>")


def visit_badge_run(translator: HTML5Translator, node: badge_run) -> None:
    """HTML: each badge as the ``span`` an ``inline`` badge is written as (through
    ``starttag``, and the text through ``encode``: both escape)."""
    _write_badges(translator, node["items"])
    raise nodes.SkipNode


def _write_badges(translator: HTML5Translator, items: list[list[Any]]) -> None:
    body = translator.body
    for number, (text, classes, _stack) in enumerate(items):
        if number:
            body.append(" ")
        body.append(_badge(translator, text, " ".join(classes)))


def _badge(translator: HTML5Translator, text: str, classes: str) -> str:
    """A badge as the ``span`` an ``inline`` badge is written as (through ``starttag``,
    and the text through ``encode``: both escape)."""
    return f"{_start_tag(translator, 'span', classes)}{translator.encode(text)}</span>"


def depart_badge_run(translator: HTML5Translator, node: badge_run) -> None:
    """Never called: the visit skips the node."""


#: ``starttag`` of an element with no ids or attributes but its classes, by builder: such
#: a tag depends on nothing else (not on the page), and a snapshot's spec tables write a
#: few dozen different ones some hundred thousand times. It pays: without it a
#: snapshot's 1,225 pages took 1.14x as long (``benchmarks/tricks.py``, furo, best of 3).
_START_TAGS: WeakKeyDictionary[object, dict[tuple[str, str, str], str]] = WeakKeyDictionary()


def _start_tag(translator: HTML5Translator, tagname: str, classes: str, suffix: str = "") -> str:
    tags = _START_TAGS.setdefault(translator.builder, {})
    key = (tagname, classes, suffix)
    tag = tags.get(key)
    if tag is None:
        element = nodes.Element(classes=classes.split())
        tag = tags[key] = translator.starttag(element, tagname, suffix)
    return tag


def setup_html(app: Sphinx) -> None:
    """Register the extension's nodes for HTML writers: the deferred output (tables as
    enumerable ``table`` nodes), badge runs and the disclosure of further values."""
    add_deferred(app, coverage_table_data)
    app.add_enumerable_node(
        package_table_data, "table", html=(visit_package_table, depart_deferred)
    )
    app.add_node(summary_data, html=(visit_summary, depart_deferred))
    app.add_enumerable_node(spec_table_data, "table", html=(visit_spec_table, depart_deferred))
    app.add_node(table_rows, html=(visit_table_rows, depart_deferred))
    app.add_node(more_values, html=(visit_more_values, depart_more_values))
    app.add_node(tarball_sha256, html=(visit_tarball_sha256, depart_deferred))
    app.add_node(badge_run, html=(visit_badge_run, depart_badge_run))
