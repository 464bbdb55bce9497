"""Node builders: turn summaries and specs into standard docutils nodes.

Everything here returns plain docutils nodes (``field_list``, ``table``, ``inline``,
``literal``, ``reference``), so every builder can write them. Badges are ``inline``
nodes with sphinx-design's badge classes: styled in HTML by sphinx-design's CSS, plain
text elsewhere. Column widths are given in characters (the text builder uses them as
such, LaTeX as proportions), wide enough that a 32-character hash never wraps.

Data comes in already parsed and sorted; the only Sphinx node used is ``pending_xref``,
for links from package listings to package pages.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx import addnodes

from .data.matrix import CoverageMatrix, heat_level
from .data.model import Spec, is_safe_url
from .data.summary import PackageSummary, compiler_label
from .data.versions import sort_versions

__all__ = [
    "ARCH_FIELDS",
    "DEFAULT_SPEC_COLUMNS",
    "PACKAGE_COLUMNS",
    "PALETTE_SIZE",
    "SPEC_COLUMNS",
    "Column",
    "PackageRow",
    "SpecTablePlan",
    "badge",
    "badge_run",
    "break_at",
    "colour_badges",
    "count_phrase",
    "coverage_table",
    "coverage_words",
    "fit_widths",
    "more_values",
    "package_ref",
    "package_table",
    "package_words",
    "pick_columns",
    "plan_spec_table",
    "shared_paragraph",
    "size_columns",
    "spec_columns",
    "spec_table",
    "spec_words",
    "stack_badge",
    "stack_badges",
    "summary_fields",
    "summary_words",
    "table",
    "value_badges",
]

#: CSS class on everything this extension outputs (the HTML assets look for it).
ROOT_CLASS = "spackcache"
_HUE = f"{ROOT_CLASS}-hue-"
#: How many stack colours the stylesheet defines (``spackcache-hue-0`` to ``-35``).
PALETTE_SIZE = 36


def stack_badge(stack: str, count: int | None = None) -> nodes.inline:
    """A filled badge for *stack*, with its number of specs when *count* is given. Its
    colour is given out for the whole site when it is written (:mod:`.colours`); the
    badge carries the stack's name for that (attribute ``stack``)."""
    text = stack if count is None else f"{stack}\N{NO-BREAK SPACE}({count})"
    return nodes.inline(text, text, classes=list(_STACK_CLASSES), stack=stack)


_STACK_CLASSES = ("sd-sphinx-override", "sd-badge", f"{ROOT_CLASS}-stack")
_VALUE_CLASSES = ("sd-sphinx-override", "sd-badge", "sd-outline-secondary", "sd-text-secondary")


def colour_badges(node: nodes.Element, hues: Mapping[str, int], size: int) -> None:
    """Give each stack badge under *node* (an ``inline``, or an item of a
    :class:`badge_run`) the class of its stack's colour in *hues* (or, for a stack not in
    it, the one its name hashes to among *size*)."""

    def hued(classes: Iterable[str], stack: str) -> list[str]:
        hue = hues.get(stack)
        if hue is None:
            hue = zlib.crc32(stack.encode("utf-8", "surrogatepass")) % size
        return [*(c for c in classes if not c.startswith(_HUE)), f"{_HUE}{hue}"]

    for badge in node.findall(nodes.Element):
        if isinstance(badge, badge_run):
            for item in badge["items"]:
                if item[2]:
                    item[1] = hued(item[1], item[2])
        elif isinstance(badge, nodes.inline) and badge.get("stack") is not None:
            badge["classes"] = hued(badge["classes"], badge["stack"])


def badge(
    text: str, color: str, *, outline: bool = False, classes: Sequence[str] = ()
) -> nodes.inline:
    """A sphinx-design badge (filled, or *outline*): an ``inline`` with its classes."""
    style = (
        [f"sd-outline-{color}", f"sd-text-{color}"]
        if outline
        else [
            f"sd-bg-{color}",
            f"sd-bg-text-{color}",
        ]
    )
    return nodes.inline(text, text, classes=["sd-sphinx-override", "sd-badge", *style, *classes])


def _spaced(badges: Iterable[nodes.Node]) -> list[nodes.Node]:
    """Badges separated by spaces, so text and LaTeX output read ``e4s (4) root (27)``."""
    result: list[nodes.Node] = []
    for node in badges:
        if result:
            result.append(nodes.Text(" "))
        result.append(node)
    return result


def stack_badges(stacks: Iterable[tuple[str, int | None]]) -> list[nodes.Node]:
    """One badge per ``(stack, count)``; the count is shown when it is not ``None``."""
    return _spaced(stack_badge(stack, count) for stack, count in stacks)


def _field(name: str, *body: nodes.Node) -> nodes.field:
    paragraph = nodes.paragraph()
    paragraph.extend(body)
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))


def _values(name: str, values: Sequence[str]) -> nodes.field:
    text = ", ".join(values)
    return _field(f"{name} ({len(values)})", nodes.Text(text))


def summary_fields(summary: PackageSummary) -> nodes.field_list:
    """The totals of a package: specs, versions, compilers, OSs, platforms, targets, stacks."""
    fields = nodes.field_list(classes=["spackcache-summary"])
    fields += _field("Specs", nodes.Text(str(summary.num_specs)))
    fields += _values("Versions", summary.versions)
    fields += _values("Compilers", [compiler_label(c) for c in summary.compilers])
    fields += _values("Operating systems", summary.oss)
    fields += _values("Platforms", summary.platforms)
    fields += _values("Targets", summary.targets)
    fields += _field(f"Stacks ({len(summary.stacks)})", *stack_badges(summary.stacks))
    return fields


def summary_words(summary: PackageSummary) -> list[str]:
    """Every text :func:`summary_fields` shows, each once: what it adds to a search index."""
    words = dict.fromkeys(["Specs", str(summary.num_specs)])
    for name, values in (
        ("Versions", summary.versions),
        ("Compilers", [compiler_label(c) for c in summary.compilers]),
        ("Operating systems", summary.oss),
        ("Platforms", summary.platforms),
        ("Targets", summary.targets),
        ("Stacks", [f"{stack} ({count})" for stack, count in summary.stacks]),
    ):
        words.update(dict.fromkeys([f"{name} ({len(values)})", *values]))
    return list(words)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table."""

    key: str
    heading: str
    #: Width in characters, as the text builder uses it.
    width: int
    #: Share of the line in LaTeX, where tables are set in a smaller font. A hash
    #: column keeps its share (in percent); the others share the rest in proportion.
    latex_width: int


#: The spec table's columns, in order. ``size`` is shown only when some spec has one.
SPEC_COLUMNS = (
    Column("hash", "Hash", 34, 30),
    Column("version", "Version", 10, 8),
    Column("compiler", "Compiler", 14, 10),
    # platform, OS and target in one column, as Spack writes an architecture
    # (linux-ubuntu22.04-x86_64_v3): the three fit in the width of the widest
    Column("arch", "Arch", 14, 12),
    Column("os", "OS", 11, 10),
    Column("platform", "Platform", 8, 7),
    Column("target", "Target", 11, 10),
    Column("variants", "Variants", 24, 14),
    Column("stacks", "Stacks", 24, 11),
    Column("size", "Size", 8, 6),
)
#: The columns of a spec table unless ``:columns:`` says otherwise (and ``size`` when a
#: spec has one).
DEFAULT_SPEC_COLUMNS = ("hash", "version", "compiler", "arch", "variants", "stacks")
#: The parts of the ``arch`` column.
ARCH_FIELDS = ("platform", "os", "target")

#: The columns of package listings (``cache-index``, ``cache-stack``).
PACKAGE_COLUMNS = (
    Column("package", "Package", 22, 16),
    Column("specs", "Specs", 6, 6),
    Column("versions", "Versions", 16, 14),
    Column("compilers", "Compilers", 20, 16),
    Column("oss", "OS", 16, 14),
    Column("platforms", "Platforms", 10, 8),
    Column("targets", "Targets", 16, 12),
    Column("stacks", "Stacks", 28, 22),
)

Cells = Mapping[str, list[nodes.Node]]


def _text(value: str) -> list[nodes.Node]:
    return [nodes.Text(value)] if value else []


def _row(columns: Sequence[Column], cells: Cells, classes: Sequence[str] = ()) -> nodes.row:
    row = nodes.row(classes=list(classes))
    for column in columns:
        content = list(cells.get(column.key, []))
        more = [node for node in content if isinstance(node, more_values)]
        paragraph = nodes.paragraph()
        paragraph.extend(node for node in content if not isinstance(node, more_values))
        row += nodes.entry("", paragraph, *more, classes=[f"{ROOT_CLASS}-{column.key}"])
    return row


def table(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Cells],
    *,
    kind: str,
    footer: Cells | None = None,
) -> nodes.table:
    """A table with a title, one heading row, *rows*, and an optional *footer* row.

    Every table is a ``longtable`` (LaTeX breaks it across pages) with given column
    widths (text and LaTeX use them), and has the classes ``spackcache-table`` and
    ``spackcache-<kind>``.
    """
    node = nodes.table(
        classes=[f"{ROOT_CLASS}-table", f"{ROOT_CLASS}-{kind}", "longtable", "colwidths-given"]
    )
    node += nodes.title(title, title)
    group = nodes.tgroup(cols=len(columns))
    node += group
    for column in columns:
        group += nodes.colspec(
            colwidth=column.width, latex_width=column.latex_width, column=column.key
        )
    head = nodes.thead()
    head += _row(columns, {c.key: _text(c.heading) for c in columns})
    group += head
    body = nodes.tbody()
    for cells in rows:
        body += _row(columns, cells)
    if footer is not None:
        body += _row(columns, footer, classes=[f"{ROOT_CLASS}-total"])
    group += body
    return node


def fit_widths(node: nodes.table, share: float = 0.8) -> None:
    """Give the columns of *node* widths from what they show, for HTML (where the widths
    become percentages of the table): the given widths are characters for text and shares
    of the line for LaTeX, and as percentages they would starve the columns with most to
    show. A cell of badges asks for room for its widest half (so that they take two
    lines), a cell of text for its length, the hash column for its first characters; a
    column asks for what *share* of its cells ask (the longest few wrap rather than widen
    it for all)."""
    colspecs = list(node.findall(nodes.colspec))
    wanted: list[list[float]] = [[] for _ in colspecs]
    for row in node.findall(nodes.row):
        for index, entry in enumerate(row.children[: len(colspecs)]):
            assert isinstance(entry, nodes.entry)
            wanted[index].append(_cell_width(entry))
    for colspec, widths in zip(colspecs, wanted, strict=True):
        widths.sort()
        # a spec's stacks must take at most two lines, however many rows have few
        part = 1.0 if colspec.get("column") == "stacks" else share
        at = widths[min(len(widths) - 1, int(part * len(widths)))] if widths else 4
        colspec["colwidth"] = max(3, round(at))


#: Characters a badge takes beyond its text (padding, border, the space between two).
_BADGE_EXTRA = 3
#: Characters "+N" takes.
_MORE_WIDTH = 4
#: Characters a hash takes as HTML shows it: its first eight, an ellipsis, a copy button.
_HASH_WIDTH = 15


def _cell_width(entry: nodes.entry) -> float:
    if f"{ROOT_CLASS}-hash" in entry["classes"]:
        return _HASH_WIDTH
    # a cell is a paragraph (its badges in a badge_run), then maybe a more_values
    shown = entry.children[0].children if entry.children else []
    badges = sorted(
        (
            len(item[0]) + _BADGE_EXTRA
            for node in shown
            if isinstance(node, badge_run)
            for item in node["items"]
        ),
        reverse=True,
    )
    if not badges:
        return len(entry.astext()) + 2
    if isinstance(entry.children[-1], more_values):
        badges = sorted([*badges, _MORE_WIDTH], reverse=True)
    return sum(badges[: -(-len(badges) // 2)])  # the widest half: two lines


def pick_columns(available: Sequence[Column], keys: Sequence[str]) -> list[Column]:
    """The columns named by *keys*, in that order."""
    by_key = {column.key: column for column in available}
    return [by_key[key] for key in keys]


# -- spec tables ---------------------------------------------------------------------

_SPEC_TEXT: dict[str, Callable[[Spec], str]] = {
    "size": lambda spec: spec.size or "-",
}

#: Columns whose values are badges (in HTML, a click on one filters the table by it).
_SPEC_VALUES: dict[str, Callable[[Spec], Iterable[str]]] = {
    "version": lambda spec: sort_versions(spec.versions),
    "compiler": lambda spec: (compiler_label(spec.compiler),),
    "os": lambda spec: (spec.os,),
    "platform": lambda spec: (spec.platform,),
    "target": lambda spec: (spec.target,),
    "variants": lambda spec: spec.variants,
    "stacks": lambda spec: spec.stacks,
}

#: Columns that are left out when every row has the same value (said once, above the
#: table), and how that is said: "version 24.2", "compiler none".
_FOLDABLE = {
    "version": "version",
    "compiler": "compiler",
    "os": "OS",
    "platform": "platform",
    "target": "target",
    "size": "size",
}
#: How many values a cell shows before "+N more" (HTML; print shows them all): two stacks
#: and "+1" fit two lines where three long stack names would take three.
_SHOWN_BEFORE_MORE = {"variants": 4, "stacks": 2, "version": 3}


class more_values(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Values of a table cell beyond the first few, as a paragraph after the cell's
    paragraph. HTML writes them in a ``<details>`` element (open it to see them, no script
    needed); for every other builder a post-transform puts the paragraph in its place,
    so print shows them all. Attribute ``count``: how many values it holds."""


class badge_run(nodes.Inline, nodes.Element):  # noqa: N801 (docutils node naming)
    """The badges of one table cell, side by side, as one node: attribute ``items``, one
    ``[text, classes, stack, breakable]`` a badge (*stack*: the stack a stack badge names,
    else ""; *breakable*: a value that may break before its ``@``, see :func:`break_at`).

    A snapshot's spec tables show some 170,000 badges. As ``inline`` nodes (with their
    text and the spaces between them, three nodes a badge) they took a third of the time
    of writing a snapshot's pages. HTML writes a run itself
    (:func:`.deferred.visit_badge_run`: the very same HTML); other builders get the
    ``inline`` badges (:meth:`expand`) when the table is built."""

    def astext(self) -> str:
        return " ".join(item[0] for item in self["items"])

    def expand(self) -> list[nodes.Node]:
        """The run as ``inline`` badges separated by spaces."""
        return _spaced(_badge_node(*item) for item in self["items"])


def _badge_node(text: str, classes: Sequence[str], stack: str, breakable: bool) -> nodes.inline:
    node = nodes.inline(text, text, classes=list(classes), **({"stack": stack} if stack else {}))
    return _breakable_at(node) if breakable else node


def _run(items: list[list[Any]], shown: int | None) -> list[nodes.Node]:
    """*items* as a run; past *shown* of them, the rest in a :class:`more_values`."""
    if not items:
        return []
    if shown is None or len(items) <= shown:
        return [badge_run(items=items)]
    rest = nodes.paragraph("", "", badge_run(items=items[shown:]))
    count = len(items) - shown
    more = more_values("", rest, count=count, classes=[f"{ROOT_CLASS}-more"])
    return [badge_run(items=items[:shown]), more]


def _value_items(values: Iterable[str], field: str = "") -> list[list[Any]]:
    classes = (
        *_VALUE_CLASSES,
        f"{ROOT_CLASS}-value",
        *([f"{ROOT_CLASS}-{field}"] if field else []),
    )
    return [[value, classes, "", True] for value in values]


def _stack_items(stacks: Iterable[str]) -> list[list[Any]]:
    return [[stack, _STACK_CLASSES, stack, False] for stack in stacks]


def value_badges(
    values: Iterable[str], *, field: str = "", shown: int | None = None
) -> list[nodes.Node]:
    """Neutral (outline) badges for the values of one cell, as a :class:`badge_run`;
    past *shown* of them, the rest in a :class:`more_values` (a compact table in HTML)."""
    return _run(_value_items(values, field), shown)


#: A value this long or shorter stays on one line (gcc@12.4.0, cce@18.0.0).
_UNBROKEN = 10


def _breakable_at(node: nodes.inline) -> nodes.inline:
    """*node* (a badge) with what follows an ``@`` (a compiler's version) in an inline of
    its own, which HTML may put on the next line: ``intel-oneapi-compilers`` /
    ``@2025.1.0``. The text stays whole for searching, copying and other builders."""
    parts = break_at(node.astext())
    if parts is None:
        return node
    node.children = []
    node += nodes.Text(parts[0])
    node += nodes.inline(parts[1], parts[1], classes=[f"{ROOT_CLASS}-at"])
    return node


def break_at(text: str) -> tuple[str, str] | None:
    """``("intel-oneapi-compilers", "@2025.1.0")``: where a long value may break (``None``
    for a value of at most 10 characters, or without a name before its ``@``)."""
    name, at, version = text.partition("@")
    if not at or not name or len(text) <= _UNBROKEN:
        return None
    return name, at + version


def _hash_cell(spec: Spec) -> list[nodes.Node]:
    code = nodes.literal(spec.hash, spec.hash, classes=[f"{ROOT_CLASS}-hash"])
    if spec.tarball and is_safe_url(spec.tarball):
        return [nodes.reference("", "", code, refuri=spec.tarball, reftitle="Download the binary")]
    return [code]


def _cell_texts(spec: Spec) -> dict[str, Sequence[str]]:
    """The texts each cell of *spec*'s row shows, by column key."""
    texts: dict[str, Sequence[str]] = {"hash": (spec.hash,)}
    texts.update((key, (value(spec),)) for key, value in _SPEC_TEXT.items())
    texts.update((key, tuple(values(spec))) for key, values in _SPEC_VALUES.items())
    texts["arch"] = (spec.platform, spec.os, spec.target)
    return texts


@dataclass(frozen=True, slots=True)
class SpecTablePlan:
    """What a spec table shows in its rows, and what it says once, above them: a column
    whose value is the same on every row is left out, and the variants and stacks every
    spec has are named once instead of on every row."""

    #: The columns of the table, in order.
    columns: tuple[Column, ...]
    #: The columns left out, each with the one value (or values) every row has.
    shared: tuple[tuple[Column, tuple[str, ...]], ...]
    #: Variants every spec has (not repeated in the rows).
    common_variants: tuple[str, ...]
    #: Stacks every spec is in (not repeated in the rows).
    common_stacks: tuple[str, ...]
    #: How many specs.
    count: int
    #: The parts of :data:`ARCH_FIELDS` the ``arch`` column shows (the others are shared).
    arch: tuple[str, ...] = ARCH_FIELDS


def plan_spec_table(specs: Sequence[Spec], keys: Sequence[str] | None = None) -> SpecTablePlan:
    """The plan of a table of *specs*: with *keys*, those columns and nothing said once
    (the user's choice wins); else every column but ``size`` (unless some spec has one),
    with what every row shares said once when there are two specs or more."""
    if keys is not None:
        return SpecTablePlan(tuple(pick_columns(SPEC_COLUMNS, keys)), (), (), (), len(specs))
    columns = spec_columns(specs)
    if len(specs) < 2:
        return SpecTablePlan(tuple(columns), (), (), (), len(specs))
    texts = [_cell_texts(spec) for spec in specs]
    shared: list[tuple[Column, tuple[str, ...]]] = []
    kept: list[Column] = []
    common: dict[str, tuple[str, ...]] = {}
    arch: list[str] = []
    for column in columns:
        if column.key == "arch":
            for part in pick_columns(SPEC_COLUMNS, ARCH_FIELDS):
                values = {tuple(row[part.key]) for row in texts}
                if len(values) == 1:
                    shared.append((part, next(iter(values))))
                else:
                    arch.append(part.key)
            if arch:
                kept.append(column)
            continue
        values = {tuple(row[column.key]) for row in texts}
        if column.key in _FOLDABLE and len(values) == 1:
            shared.append((column, next(iter(values))))
            continue
        if column.key in ("variants", "stacks"):
            every = set.intersection(*(set(row[column.key]) for row in texts))
            common[column.key] = tuple(v for v in texts[0][column.key] if v in every)
            if all(set(row[column.key]) <= every for row in texts):
                continue  # nothing left to show in any row
        kept.append(column)
    return SpecTablePlan(
        tuple(kept),
        tuple(shared),
        common.get("variants", ()),
        common.get("stacks", ()),
        len(specs),
        tuple(arch),
    )


def shared_paragraph(plan: SpecTablePlan) -> nodes.paragraph | None:
    """``All 27 specs: version 24.2 · compiler none · variant build_system=python_pip``:
    what the table's rows have in common, said once (``None`` when there is nothing)."""
    parts: list[tuple[str, str, list[nodes.Node]]] = [
        (column.key, _FOLDABLE[column.key], value_badges(values, field=column.key))
        for column, values in plan.shared
    ]
    if plan.common_variants:
        name = "variant" if len(plan.common_variants) == 1 else "variants"
        parts.append(("variants", name, value_badges(plan.common_variants, field="variants")))
    if plan.common_stacks:
        name = "stack" if len(plan.common_stacks) == 1 else "stacks"
        parts.append(("stacks", name, _run(_stack_items(plan.common_stacks), None)))
    if not parts:
        return None
    paragraph = nodes.paragraph(classes=[f"{ROOT_CLASS}-shared"])
    paragraph += nodes.Text(f"All {count_phrase(plan.count, 'spec')}: ")
    for number, (key, name, badges) in enumerate(parts):
        if number:
            paragraph += nodes.Text(" \N{MIDDLE DOT} ")
        part = nodes.inline(classes=[f"{ROOT_CLASS}-shared-{key}"])
        part += nodes.Text(f"{name} ")
        part.extend(badges)
        paragraph += part
    return paragraph


def _spec_cells(spec: Spec, plan: SpecTablePlan) -> Cells:
    texts = _cell_texts(spec)
    cells: dict[str, list[nodes.Node]] = {key: _text(texts[key][0]) for key in _SPEC_TEXT}
    for key in _SPEC_VALUES:
        shown = _SHOWN_BEFORE_MORE.get(key)
        if key == "stacks":
            stacks = [s for s in texts[key] if s not in plan.common_stacks]
            cells[key] = _run(_stack_items(stacks), shown)
        elif key == "variants":
            variants = [v for v in texts[key] if v not in plan.common_variants]
            cells[key] = value_badges(variants, field=key, shown=shown)
        else:
            cells[key] = value_badges(texts[key], field=key, shown=shown)
    cells["hash"] = _hash_cell(spec)
    cells["arch"] = _run(
        [item for field in plan.arch for item in _value_items(texts[field], field)], None
    )
    return cells


def spec_words(specs: Iterable[Spec], columns: Sequence[Column]) -> list[str]:
    """Every text a spec table with *columns* shows (headings and cells), each once, in
    the order of first appearance: what the table adds to a search index."""
    words = dict.fromkeys(column.heading for column in columns)
    keys = [column.key for column in columns]
    for spec in specs:
        texts = _cell_texts(spec)
        for key in keys:
            words.update(dict.fromkeys(texts[key]))
    return [word for word in words if word]


def spec_columns(specs: Sequence[Spec], keys: Sequence[str] | None = None) -> list[Column]:
    """The spec table's columns: *keys*, or all but ``size`` unless some spec has one."""
    if keys is None:
        keys = [*DEFAULT_SPEC_COLUMNS, *(["size"] if any(spec.size for spec in specs) else [])]
    return pick_columns(SPEC_COLUMNS, keys)


def spec_table(
    specs: Sequence[Spec],
    *,
    title: str,
    columns: Sequence[str] | None = None,
    plan: SpecTablePlan | None = None,
) -> nodes.table:
    """One row per spec, in the order given, as :func:`plan_spec_table` plans it (from
    *columns*, unless a *plan* is given)."""
    plan = plan or plan_spec_table(specs, columns)
    return table(title, plan.columns, (_spec_cells(spec, plan) for spec in specs), kind="specs")


# -- package listings ----------------------------------------------------------------


def package_ref(package: str, tag: str) -> addnodes.pending_xref:
    """A package name that links to the page documenting it with ``cache-package``: the
    one for *tag*, else the package's preferred page, else no link and no warning (see
    :mod:`sphinx_spackcache.site.domain`)."""
    return addnodes.pending_xref(
        "",
        nodes.inline(package, package, classes=[f"{ROOT_CLASS}-package-name"]),
        refdomain="cache",
        reftype="pkg",
        reftarget=f"{package}@{tag}",
        refexplicit=True,
        spackcache_listing=True,
    )


@dataclass(frozen=True, slots=True)
class PackageRow:
    """One package in a listing: its name and the totals of the specs shown."""

    name: str
    tag: str
    summary: PackageSummary


def _package_cells(row: PackageRow) -> Cells:
    summary = row.summary
    shown = _SHOWN_IN_LISTINGS
    return {
        "package": [package_ref(row.name, row.tag)],
        "specs": _text(str(summary.num_specs)),
        "versions": value_badges(summary.versions, field="version", shown=shown),
        "compilers": value_badges(
            (compiler_label(c) for c in summary.compilers), field="compiler", shown=shown
        ),
        "oss": value_badges(summary.oss, field="os", shown=shown),
        "platforms": value_badges(summary.platforms, field="platform", shown=shown),
        "targets": value_badges(summary.targets, field="target", shown=shown),
        "stacks": _run(_stack_items(stack for stack, _ in summary.stacks), shown),
    }


#: How many values a cell of a package listing shows before "N more" (HTML).
_SHOWN_IN_LISTINGS = 4


def package_words(rows: Iterable[PackageRow], columns: Sequence[str]) -> list[str]:
    """Every text the listing of *rows* shows in *columns* (headings and cells), each
    once, in the order of first appearance: what the listing adds to a search index."""
    seen = dict.fromkeys(column.heading for column in pick_columns(PACKAGE_COLUMNS, columns))
    for row in rows:
        texts = _package_texts(row)
        for key in columns:
            seen.update(dict.fromkeys(texts[key]))
    return [word for word in seen if word]


def _package_texts(row: PackageRow) -> dict[str, Sequence[str]]:
    """The texts each cell of *row* shows, by column key."""
    summary = row.summary
    return {
        "package": (row.name,),
        "specs": (str(summary.num_specs),),
        "versions": summary.versions,
        "compilers": [compiler_label(c) for c in summary.compilers],
        "oss": summary.oss,
        "platforms": summary.platforms,
        "targets": summary.targets,
        "stacks": [stack for stack, _ in summary.stacks],
    }


def package_table(rows: Iterable[PackageRow], *, title: str, columns: Sequence[str]) -> nodes.table:
    """One row per package, in the order given."""
    return table(
        title,
        pick_columns(PACKAGE_COLUMNS, columns),
        (_package_cells(row) for row in rows),
        kind="packages",
    )


# -- coverage matrices ---------------------------------------------------------------

#: How each ``:by:`` field is named in titles.
BY_NAMES = {"os": "OS", "target": "target", "platform": "platform", "compiler": "compiler"}


def _count_cell(count: int, peak: int) -> list[nodes.Node]:
    if not count:
        return []
    level = heat_level(count, peak)
    return [nodes.inline(str(count), str(count), classes=[f"{ROOT_CLASS}-heat-{level}"])]


def coverage_table(matrix: CoverageMatrix, *, title: str, packages: bool) -> nodes.table:
    """Stacks by values of ``matrix.by``, with a Total column and row, and (for a whole
    snapshot) the number of packages in each stack."""
    columns = [Column("stack", "Stack", 26, 20)]
    columns += [
        Column(f"value-{i}", value, max(7, len(value) + 2), 8)
        for i, value in enumerate(matrix.columns)
    ]
    columns.append(Column("total", "Total", 7, 7))
    if packages:
        columns.append(Column("packages", "Packages", 9, 8))
    rows = []
    for stack in matrix.rows:
        cells: dict[str, list[nodes.Node]] = {"stack": stack_badges([(stack, None)])}
        for i, value in enumerate(matrix.columns):
            cells[f"value-{i}"] = _count_cell(matrix.count(stack, value), matrix.peak)
        cells["total"] = _text(str(matrix.row_totals[stack]))
        cells["packages"] = _text(str(matrix.packages.get(stack, 0)))
        rows.append(cells)
    footer: dict[str, list[nodes.Node]] = {"stack": _text("Total")}
    for i, value in enumerate(matrix.columns):
        footer[f"value-{i}"] = _text(str(matrix.column_totals[value]))
    footer["total"] = _text(str(matrix.total))
    footer["packages"] = _text(str(matrix.package_count))
    return table(title, columns, rows, kind="coverage", footer=footer)


def coverage_words(matrix: CoverageMatrix, *, packages: bool) -> list[str]:
    """Every text :func:`coverage_table` shows, each once: what it adds to a search index."""
    words = dict.fromkeys(["Stack", *matrix.columns, "Total"])
    if packages:
        words["Packages"] = None
    words.update(dict.fromkeys(matrix.rows))
    counts = [*matrix.counts.values(), *matrix.row_totals.values()]
    counts += [*matrix.column_totals.values(), matrix.total]
    if packages:
        counts += [*matrix.packages.values(), matrix.package_count]
    words.update(dict.fromkeys(str(count) for count in counts if count))
    return list(words)


def size_columns(table: nodes.table) -> None:
    """HTML column widths for one of this extension's tables: a coverage matrix (numbers
    under turned headings) gets the browser's own widths, the best there; every other
    table widths from its content (:func:`fit_widths`)."""
    if f"{ROOT_CLASS}-coverage" in table["classes"]:
        table["classes"] = [c for c in table["classes"] if c != "colwidths-given"]
        table["classes"].append("colwidths-auto")
    else:
        fit_widths(table)


def count_phrase(number: int, singular: str, plural: str | None = None) -> str:
    """``1 package``, ``1,225 packages``."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def spread(matrix: CoverageMatrix, specs: Sequence[Spec]) -> str:
    """``on 8 operating systems, 5 targets, 2 platforms and 13 compilers``."""
    return "on " + _and(
        [
            count_phrase(len({s.os for s in specs}), "operating system"),
            count_phrase(len({s.target for s in specs}), "target"),
            count_phrase(len({s.platform for s in specs}), "platform"),
            count_phrase(len({s.compiler for s in specs}), "compiler"),
        ]
    )


def coverage_sentence(
    subject: str, matrix: CoverageMatrix, specs: Sequence[Spec], *, tag: str, tag_stacks: int
) -> nodes.paragraph:
    """``cmake is in 25 of 31 stacks of develop-2025-04-20 (81%), on ...``."""
    covered = len(matrix.rows)
    percent = round(100 * covered / tag_stacks) if tag_stacks else 0
    text = (
        f"{subject} is in {covered} of {count_phrase(tag_stacks, 'stack')} of {tag} ({percent}%), "
        f"{spread(matrix, specs)}."
    )
    return nodes.paragraph(text, text, classes=[f"{ROOT_CLASS}-sentence"])


def snapshot_sentence(
    tag: str, matrix: CoverageMatrix, specs: Sequence[Spec], *, filtered: bool
) -> nodes.paragraph:
    """``develop-2025-04-20 has 1,225 packages with 12,000 specs in 31 stacks, on ...``."""
    verb = "shows" if filtered else "has"
    text = (
        f"{tag} {verb} {count_phrase(matrix.package_count, 'package')} with "
        f"{count_phrase(matrix.total, 'spec')} in {count_phrase(len(matrix.rows), 'stack')}, "
        f"{spread(matrix, specs)}."
    )
    return nodes.paragraph(text, text, classes=[f"{ROOT_CLASS}-sentence"])
