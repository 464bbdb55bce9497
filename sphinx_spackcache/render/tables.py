"""Tables: ``Column``, the standard docutils ``table`` every table of the extension is
(a ``longtable`` with given column widths, in characters for text, shares of the line
for LaTeX), and the column widths HTML gets from what the cells show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from docutils import nodes

from ..data.model import SHORT_HASH_LENGTH
from .badges import ITEM_TEXT, Cell, badge_run, more_values
from .names import COVERAGE_CLASS, HASH_CLASS, ROOT_CLASS, TABLE_CLASS

__all__ = [
    "Cells",
    "Column",
    "cell_width",
    "fit_widths",
    "make_table",
    "pick_columns",
    "size_columns",
    "text_cell",
]


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


Cells = Mapping[str, list[nodes.Node]]


def text_cell(value: str) -> list[nodes.Node]:
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


def scrolling(table: nodes.table) -> nodes.container:
    """*table* in the container that scrolls it sideways in HTML when it cannot fit."""
    return nodes.container("", table, classes=[f"{ROOT_CLASS}-scroll"])


def make_table(
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
        classes=[TABLE_CLASS, f"{ROOT_CLASS}-{kind}", "longtable", "colwidths-given"]
    )
    node += nodes.title(title, title)
    group = nodes.tgroup(cols=len(columns))
    node += group
    for column in columns:
        group += nodes.colspec(
            colwidth=column.width, latex_width=column.latex_width, column=column.key
        )
    head = nodes.thead()
    head += _row(columns, {c.key: text_cell(c.heading) for c in columns})
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


def fit_widths(
    node: nodes.table, share: float = 0.8, wanted: Sequence[Sequence[float]] | None = None
) -> None:
    """Give the columns of *node* widths from what they show, for HTML (where the widths
    become percentages of the table): the given widths are characters for text and shares
    of the line for LaTeX, and as percentages they would starve the columns with most to
    show. A cell of badges asks for room for its widest half (so that they take two
    lines), a cell of text for its length, the hash column for its first characters; a
    column asks for what *share* of its cells ask (the longest few wrap rather than widen
    it for all). *wanted*: what each column's cells ask (:func:`cell_width`), where they
    are known without the table's rows (the HTML writer's spec tables)."""
    colspecs = list(node.findall(nodes.colspec))
    if wanted is None:
        asked: list[list[float]] = [[] for _ in colspecs]
        for row in node.findall(nodes.row):
            for index, entry in enumerate(row.children[: len(colspecs)]):
                assert isinstance(entry, nodes.entry)
                asked[index].append(_entry_width(entry))
        wanted = asked
    for colspec, asks in zip(colspecs, wanted, strict=True):
        widths = sorted(asks)
        # a spec's stacks must take at most two lines, however many rows have few
        part = 1.0 if colspec.get("column") == "stacks" else share
        at = widths[min(len(widths) - 1, int(part * len(widths)))] if widths else 4
        colspec["colwidth"] = max(3, round(at))


#: Characters a badge takes beyond its text (padding, border, the space between two).
_BADGE_EXTRA = 3


#: Characters "+N" takes.
_MORE_WIDTH = 4


#: Characters a hash takes as HTML shows it: its first :data:`.SHORT_HASH_LENGTH`, an
#: ellipsis, and six for the copy buttons beside them.
_HASH_WIDTH = SHORT_HASH_LENGTH + 1 + 6


def _badges_width(texts: Iterable[str], more: bool) -> float | None:
    """What a cell of badges with *texts* (and "+N" after them if *more*) asks for: its
    widest half, so that they take two lines (``None``: no badges)."""
    badges = [len(text) + _BADGE_EXTRA for text in texts]
    if not badges:
        return None
    if more:
        badges.append(_MORE_WIDTH)
    badges.sort(reverse=True)
    return sum(badges[: -(-len(badges) // 2)])


def _entry_width(entry: nodes.entry) -> float:
    if HASH_CLASS in entry["classes"]:
        return _HASH_WIDTH
    # a cell is a paragraph (its badges in a badge_run), then maybe a more_values
    shown = entry.children[0].children if entry.children else []
    texts = [
        item[ITEM_TEXT] for node in shown if isinstance(node, badge_run) for item in node["items"]
    ]
    width = _badges_width(texts, isinstance(entry.children[-1], more_values) if texts else False)
    return len(entry.astext()) + 2 if width is None else width


def cell_width(column: Column, cell: Cell) -> float:
    """What a cell of *column* showing *cell* asks for (as :func:`fit_widths` measures a
    built table's cells)."""
    if column.key == "hash":
        return _HASH_WIDTH
    shown, rest = cell.split()
    width = _badges_width((item[ITEM_TEXT] for item in shown), bool(rest))
    text = " ".join(part for part in (cell.text, cell.note) if part)
    return len(text) + 2 if width is None else width


def size_columns(table: nodes.table) -> None:
    """HTML column widths for one of this extension's tables: a coverage matrix (numbers
    under turned headings) gets the browser's own widths, the best there; every other
    table widths from its content (:func:`fit_widths`)."""
    if COVERAGE_CLASS in table["classes"]:
        table["classes"] = [c for c in table["classes"] if c != "colwidths-given"]
        table["classes"].append("colwidths-auto")
    else:
        fit_widths(table)
