"""Package listings (``cache-index``, ``cache-stack``): one row per package with the
totals of its specs shown, and ``package_table_data``, the node a listing is until its
page is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docutils import nodes

from ..data.sizes import human_size
from ..data.summary import PackageSummary
from ..domain import package_ref
from .badges import Cell, stack_items, value_items
from .deferred import decoder, deferred_table, encode
from .labels import compiler_label
from .names import ROOT_CLASS
from .tables import Cells, Column, make_table, pick_columns

__all__ = [
    "PACKAGE_COLUMNS",
    "PackageRow",
    "decode_package_rows",
    "package_row",
    "package_table",
    "package_table_data",
    "package_words",
    "pending_package_table",
]

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
    # the sizes of the specs shown added up (where a v3 mirror's manifests give them)
    Column("size", "Size", 9, 7),
)


def package_cell(package: str, tag: str) -> list[nodes.Node]:
    """A package's name, linked to its page for *tag* (through the ``cache`` domain)."""
    name = nodes.inline(package, package, classes=[f"{ROOT_CLASS}-package-name"])
    return [package_ref(package, tag, name)]


@dataclass(frozen=True, slots=True)
class PackageRow:
    """One package in a listing: its name and the totals of the specs shown."""

    name: str
    tag: str
    summary: PackageSummary


#: The field each column of badges names (its badges' class, and the HTML script's filter).
_BADGE_FIELDS = {
    "versions": "version",
    "compilers": "compiler",
    "oss": "os",
    "platforms": "platform",
    "targets": "target",
}


def package_row(row: PackageRow) -> dict[str, Cell]:
    """What each cell of *row* shows, by column key (the package's name as text, which
    :func:`package_cell` links): the data both the listing's nodes and the HTML writer's
    rows (:mod:`~sphinx_spackcache.writers.html`) are made of."""
    texts = _package_texts(row)
    shown = _SHOWN_IN_LISTINGS
    cells = {
        key: Cell(value_items(texts[key], field), shown) for key, field in _BADGE_FIELDS.items()
    }
    cells["package"] = Cell(text=row.name)  # linked by package_cell
    cells["specs"] = Cell(text=texts["specs"][0])
    cells["size"] = Cell(text=texts["size"][0])
    cells["stacks"] = Cell(stack_items(texts["stacks"]), shown)
    return cells


def _package_cells(row: PackageRow) -> Cells:
    cells: dict[str, list[nodes.Node]] = {
        key: cell.as_nodes() for key, cell in package_row(row).items()
    }
    cells["package"] = package_cell(row.name, row.tag)
    return cells


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
    """The texts each cell of *row* shows, by column key: what its cells are built from
    (:func:`_package_cells`) and its words for search (:func:`package_words`)."""
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
        "size": (human_size(summary.size_bytes) if summary.sized else "-",),
    }


def package_table(rows: Iterable[PackageRow], *, title: str, columns: Sequence[str]) -> nodes.table:
    """One row per package, in the order given."""
    return make_table(
        title,
        pick_columns(PACKAGE_COLUMNS, columns),
        (_package_cells(row) for row in rows),
        kind="packages",
    )


_ROWS_DECODER = decoder(list[PackageRow])


def decode_package_rows(node: package_table_data) -> list[PackageRow]:
    """The rows *node* holds."""
    return _ROWS_DECODER.decode(node["rows"])


class package_table_data(deferred_table):  # noqa: N801 (docutils node naming)
    """A package listing before it is built (see :mod:`.deferred`): attributes ``rows``
    (JSON) and ``columns``; children, the table's ``title`` and an ``inline`` of its
    words for search."""

    has_links = True

    def build(self) -> list[nodes.Element]:
        rows = decode_package_rows(self)
        table = package_table(rows, title=self.title_text, columns=self["columns"])
        return [self.scroll(table)]


def pending_package_table(
    rows: Iterable[PackageRow], *, title: str, columns: Sequence[str]
) -> package_table_data:
    """The node that becomes the listing of *rows* when the page is written."""
    rows = list(rows)
    return package_table_data.pending(
        package_words(rows, columns),
        title=title,
        rows=encode(rows),
        columns=list(columns),
        stacks=sorted({s for row in rows for s, _ in row.summary.stacks})
        if "stacks" in columns
        else [],
    )
