"""Node builders: turn summaries and specs into standard docutils nodes.

Everything here returns plain docutils nodes (``field_list``, ``table``, ``inline``,
``literal``, ``reference``), so every builder can write them. Badges are ``inline``
nodes with sphinx-design's badge classes: styled in HTML by sphinx-design's CSS, plain
text elsewhere. Column widths are given in characters (the text builder uses them as
such, LaTeX as proportions), wide enough that a 32-character hash never wraps.

No Sphinx imports; data comes in already parsed and sorted.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from docutils import nodes

from .model import Spec, is_safe_url
from .summary import PackageSummary, compiler_label

__all__ = [
    "BADGE_COLORS",
    "SPEC_COLUMNS",
    "badge",
    "spec_table",
    "stack_badges",
    "stack_color",
    "summary_fields",
]

#: sphinx-design colours a stack badge can take; all legible in light and dark themes.
BADGE_COLORS = ("primary", "secondary", "success", "info", "warning", "danger", "dark")

#: CSS class on everything this extension outputs (the HTML assets look for it).
ROOT_CLASS = "spackcache"


def stack_color(stack: str) -> str:
    """The badge colour of *stack*: the same for a name on every page, build and machine."""
    return BADGE_COLORS[zlib.crc32(stack.encode("utf-8")) % len(BADGE_COLORS)]


def badge(text: str, color: str, *, classes: Sequence[str] = ()) -> nodes.inline:
    """A sphinx-design badge: an ``inline`` with its classes."""
    return nodes.inline(
        text,
        text,
        classes=[
            "sd-sphinx-override",
            "sd-badge",
            f"sd-bg-{color}",
            f"sd-bg-text-{color}",
            *classes,
        ],
    )


def stack_badges(stacks: Iterable[tuple[str, int | None]]) -> list[nodes.Node]:
    """One badge per ``(stack, count)``; the count is shown when it is not ``None``.

    Badges are separated by spaces, so text and LaTeX output read ``e4s (4) root (27)``.
    """
    result: list[nodes.Node] = []
    for stack, count in stacks:
        if result:
            result.append(nodes.Text(" "))
        label = stack if count is None else f"{stack}\N{NO-BREAK SPACE}({count})"
        result.append(badge(label, stack_color(stack), classes=["spackcache-stack"]))
    return result


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
    """One column of the spec table."""

    key: str
    heading: str
    #: Width in characters, as the text builder uses it.
    width: int
    #: Share of the line in LaTeX, where the table is set in a smaller font. The hash
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


def _cell(spec: Spec, key: str) -> list[nodes.Node]:
    if key == "hash":
        code = nodes.literal(spec.hash, spec.hash, classes=["spackcache-hash"])
        if spec.tarball and is_safe_url(spec.tarball):
            return [
                nodes.reference("", "", code, refuri=spec.tarball, reftitle="Download the binary")
            ]
        return [code]
    if key == "stacks":
        return stack_badges((stack, None) for stack in spec.stacks)
    text = _TEXT_CELLS[key](spec)
    return [nodes.Text(text)] if text else []


_TEXT_CELLS: dict[str, Callable[[Spec], str]] = {
    "version": lambda spec: ", ".join(spec.versions),
    "compiler": lambda spec: compiler_label(spec.compiler),
    "os": lambda spec: spec.os,
    "platform": lambda spec: spec.platform,
    "target": lambda spec: spec.target,
    "variants": lambda spec: " ".join(spec.variants),
    "size": lambda spec: spec.size or "-",
}


def _row(cells: Iterable[tuple[str, list[nodes.Node]]]) -> nodes.row:
    row = nodes.row()
    for key, content in cells:
        paragraph = nodes.paragraph()
        paragraph.extend(content)
        row += nodes.entry("", paragraph, classes=[f"{ROOT_CLASS}-{key}"])
    return row


def spec_table(specs: Sequence[Spec], *, title: str) -> nodes.table:
    """One row per spec, in the order given, with the columns of :data:`SPEC_COLUMNS`."""
    show_size = any(spec.size for spec in specs)
    columns = [c for c in SPEC_COLUMNS if c.key != "size" or show_size]
    # ``longtable`` lets LaTeX break the table across pages; ``colwidths-given`` makes
    # LaTeX and text use the widths below.
    table = nodes.table(classes=[f"{ROOT_CLASS}-specs", "longtable", "colwidths-given"])
    table += nodes.title(title, title)
    group = nodes.tgroup(cols=len(columns))
    table += group
    for column in columns:
        group += nodes.colspec(
            colwidth=column.width, latex_width=column.latex_width, column=column.key
        )
    head = nodes.thead()
    head += _row((c.key, [nodes.Text(c.heading)]) for c in columns)
    group += head
    body = nodes.tbody()
    for spec in specs:
        body += _row((c.key, _cell(spec, c.key)) for c in columns)
    group += body
    return table
