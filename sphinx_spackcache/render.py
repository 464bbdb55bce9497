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

from docutils import nodes
from sphinx import addnodes

from .matrix import CoverageMatrix, heat_level
from .model import Spec, is_safe_url
from .summary import PackageSummary, compiler_label
from .versions import sort_versions

__all__ = [
    "BADGE_COLORS",
    "PACKAGE_COLUMNS",
    "SPEC_COLUMNS",
    "Column",
    "PackageRow",
    "badge",
    "count_phrase",
    "coverage_table",
    "package_ref",
    "package_table",
    "pick_columns",
    "spec_columns",
    "spec_table",
    "spec_words",
    "stack_badges",
    "stack_color",
    "summary_fields",
    "table",
    "value_badges",
]

#: sphinx-design colours a stack badge can take; all legible in light and dark themes.
BADGE_COLORS = ("primary", "secondary", "success", "info", "warning", "danger", "dark")

#: CSS class on everything this extension outputs (the HTML assets look for it).
ROOT_CLASS = "spackcache"


def stack_color(stack: str) -> str:
    """The badge colour of *stack*: the same for a name on every page, build and machine."""
    return BADGE_COLORS[zlib.crc32(stack.encode("utf-8")) % len(BADGE_COLORS)]


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
    return _spaced(
        badge(
            stack if count is None else f"{stack}\N{NO-BREAK SPACE}({count})",
            stack_color(stack),
            classes=[f"{ROOT_CLASS}-stack"],
        )
        for stack, count in stacks
    )


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
    Column("os", "OS", 11, 10),
    Column("platform", "Platform", 8, 7),
    Column("target", "Target", 11, 10),
    Column("variants", "Variants", 24, 14),
    Column("stacks", "Stacks", 24, 11),
    Column("size", "Size", 8, 6),
)

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
        paragraph = nodes.paragraph()
        paragraph.extend(cells.get(column.key, []))
        row += nodes.entry("", paragraph, classes=[f"{ROOT_CLASS}-{column.key}"])
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


def pick_columns(available: Sequence[Column], keys: Sequence[str]) -> list[Column]:
    """The columns named by *keys*, in that order."""
    by_key = {column.key: column for column in available}
    return [by_key[key] for key in keys]


# -- spec tables ---------------------------------------------------------------------

_SPEC_TEXT: dict[str, Callable[[Spec], str]] = {
    "variants": lambda spec: " ".join(spec.variants),
    "size": lambda spec: spec.size or "-",
}

#: Columns whose values are badges (in HTML, a click on one filters the table by it).
_SPEC_VALUES: dict[str, Callable[[Spec], Iterable[str]]] = {
    "version": lambda spec: sort_versions(spec.versions),
    "compiler": lambda spec: (compiler_label(spec.compiler),),
    "os": lambda spec: (spec.os,),
    "platform": lambda spec: (spec.platform,),
    "target": lambda spec: (spec.target,),
}


def value_badges(values: Iterable[str]) -> list[nodes.Node]:
    """Neutral (outline) badges for the values of one cell, separated by spaces."""
    return _spaced(
        badge(value, "secondary", outline=True, classes=[f"{ROOT_CLASS}-value"]) for value in values
    )


def _hash_cell(spec: Spec) -> list[nodes.Node]:
    code = nodes.literal(spec.hash, spec.hash, classes=[f"{ROOT_CLASS}-hash"])
    if spec.tarball and is_safe_url(spec.tarball):
        return [nodes.reference("", "", code, refuri=spec.tarball, reftitle="Download the binary")]
    return [code]


def _cell_texts(spec: Spec) -> dict[str, Sequence[str]]:
    """The texts each cell of *spec*'s row shows, by column key."""
    texts: dict[str, Sequence[str]] = {"hash": (spec.hash,), "stacks": spec.stacks}
    texts.update((key, (value(spec),)) for key, value in _SPEC_TEXT.items())
    texts.update((key, tuple(values(spec))) for key, values in _SPEC_VALUES.items())
    return texts


def _spec_cells(spec: Spec) -> Cells:
    texts = _cell_texts(spec)
    cells: dict[str, list[nodes.Node]] = {key: _text(texts[key][0]) for key in _SPEC_TEXT}
    cells.update((key, value_badges(texts[key])) for key in _SPEC_VALUES)
    cells["hash"] = _hash_cell(spec)
    cells["stacks"] = stack_badges((stack, None) for stack in texts["stacks"])
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
        show_size = any(spec.size for spec in specs)
        keys = [c.key for c in SPEC_COLUMNS if c.key != "size" or show_size]
    return pick_columns(SPEC_COLUMNS, keys)


def spec_table(
    specs: Sequence[Spec], *, title: str, columns: Sequence[str] | None = None
) -> nodes.table:
    """One row per spec, in the order given."""
    return table(title, spec_columns(specs, columns), (_spec_cells(s) for s in specs), kind="specs")


# -- package listings ----------------------------------------------------------------


def package_ref(package: str, tag: str) -> addnodes.pending_xref:
    """A package name that links to the page documenting it with ``cache-package``: the
    one for *tag*, else the package's preferred page, else no link and no warning (see
    :mod:`sphinx_spackcache.domain`)."""
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
    return {
        "package": [package_ref(row.name, row.tag)],
        "specs": _text(str(summary.num_specs)),
        "versions": value_badges(summary.versions),
        "compilers": value_badges(compiler_label(c) for c in summary.compilers),
        "oss": value_badges(summary.oss),
        "platforms": value_badges(summary.platforms),
        "targets": value_badges(summary.targets),
        "stacks": stack_badges((stack, None) for stack, _ in summary.stacks),
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
