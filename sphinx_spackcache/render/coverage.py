"""Coverage matrices: a stacks-by-values table with totals, the sentences that sum it
up, and ``coverage_table_data``, the node a matrix is until its page is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..data.matrix import CoverageMatrix, heat_level
from ..data.model import Spec
from .badges import stack_badges
from .deferred import decoder, deferred_table, encode
from .labels import value_label
from .names import COVERAGE_KIND, ROOT_CLASS
from .phrases import RECORDS_HERE, count_phrase, join_with_and, sentence
from .tables import Column, make_table, text_cell

__all__ = [
    "BY_TITLES",
    "coverage_sentence",
    "coverage_table",
    "coverage_table_data",
    "coverage_words",
    "pending_coverage_table",
    "snapshot_sentence",
    "spread_phrase",
]

#: How each ``:by:`` field is named in titles.
BY_TITLES = {"os": "OS", "target": "target", "platform": "platform", "compiler": "compiler"}


def _count_cell(text: str, peak: int) -> list[nodes.Node]:
    if not text:
        return []
    level = heat_level(int(text), peak)
    return [nodes.inline(text, text, classes=[f"{ROOT_CLASS}-heat-{level}"])]


#: The texts of a row of a coverage table, by column key ("": an empty cell).
_Texts = dict[str, str]


def _coverage_texts(
    matrix: CoverageMatrix, *, packages: bool
) -> tuple[list[Column], list[_Texts], _Texts]:
    """The columns of the table of *matrix*, and the text of each cell of its rows and
    of its Total row: what the table is built from (:func:`coverage_table`) and its words
    for search (:func:`coverage_words`)."""
    values = [f"value-{i}" for i in range(len(matrix.columns))]
    columns = [Column("stack", "Stack", 26, 20)]
    columns += [
        Column(key, label, max(7, len(label) + 2), 8)
        for key, label in zip(values, map(value_label, matrix.columns), strict=True)
    ]
    columns.append(Column("total", "Total", 7, 7))
    if packages:
        columns.append(Column("packages", "Packages", 9, 8))
    rows = []
    for stack, counts in zip(matrix.rows, matrix.counts, strict=True):
        texts = {"stack": stack}
        texts.update((key, str(n) if n else "") for key, n in zip(values, counts, strict=True))
        texts["total"] = str(matrix.row_totals[stack])
        if packages:
            texts["packages"] = str(matrix.packages_by_stack.get(stack, 0))
        rows.append(texts)
    footer = {"stack": "Total"}
    footer.update((key, str(n)) for key, n in zip(values, matrix.column_totals, strict=True))
    footer["total"] = str(matrix.total)
    if packages:
        footer["packages"] = str(matrix.package_count)
    return columns, rows, footer


def coverage_table(matrix: CoverageMatrix, *, title: str, packages: bool) -> nodes.table:
    """Stacks by values of ``matrix.by``, with a Total column and row, and (for a whole
    snapshot) the number of packages in each stack."""
    columns, rows, footer = _coverage_texts(matrix, packages=packages)
    count_keys = [column.key for column in columns if column.key.startswith("value-")]
    cells = []
    for texts in rows:
        row = {key: text_cell(text) for key, text in texts.items()}
        row["stack"] = stack_badges([(texts["stack"], None)])
        row.update((key, _count_cell(texts[key], matrix.peak)) for key in count_keys)
        cells.append(row)
    total = {key: text_cell(text) for key, text in footer.items()}
    return make_table(title, columns, cells, kind=COVERAGE_KIND, footer=total)


def coverage_words(matrix: CoverageMatrix, *, packages: bool) -> list[str]:
    """Every text :func:`coverage_table` shows (headings and cells), each once: what it
    adds to a search index."""
    columns, rows, footer = _coverage_texts(matrix, packages=packages)
    words = dict.fromkeys(column.heading for column in columns)
    for texts in (*rows, footer):
        words.update(dict.fromkeys(texts.values()))
    return [word for word in words if word]


def spread_phrase(specs: Sequence[Spec]) -> str:
    """``on 8 operating systems, 5 targets, 2 platforms and 13 compilers``."""
    return "on " + join_with_and(
        [
            count_phrase(len({s.os for s in specs}), "operating system"),
            count_phrase(len({s.target for s in specs}), "target"),
            count_phrase(len({s.platform for s in specs}), "platform"),
            count_phrase(len({s.compiler for s in specs}), "compiler"),
        ]
    )


def coverage_sentence(
    subject: str,
    matrix: CoverageMatrix,
    specs: Sequence[Spec],
    *,
    tag: str,
    tag_stacks: int,
    copied: bool = False,
) -> nodes.paragraph:
    """``cmake is in 25 of 31 stacks of develop-2025-04-20 (81%), on ...``; of *copied*
    records, ``... of 31 stacks of develop-2025-04-20 in the records here ...``: the
    stacks are those the copied records name."""
    covered = len(matrix.rows)
    percent = round(100 * covered / tag_stacks) if tag_stacks else 0
    of = f"{tag} in {RECORDS_HERE}" if copied else tag
    text = (
        f"{subject} is in {covered} of {count_phrase(tag_stacks, 'stack')} of {of} "
        f"({percent}%), {spread_phrase(specs)}."
    )
    return sentence(text)


def snapshot_sentence(
    tag: str,
    matrix: CoverageMatrix,
    specs: Sequence[Spec],
    *,
    filtered: bool,
    copied: bool = False,
) -> nodes.paragraph:
    """``develop-2025-04-20 has 1,225 packages with 12,000 specs in 31 stacks, on ...``;
    of *copied* records, ``Of the records here, develop-2025-04-20 has 3 packages ...``."""
    verb = "shows" if filtered else "has"
    text = (
        f"{tag} {verb} {count_phrase(matrix.package_count, 'package')} with "
        f"{count_phrase(matrix.total, 'spec')} in {count_phrase(len(matrix.rows), 'stack')}, "
        f"{spread_phrase(specs)}."
    )
    if copied:
        text = f"Of {RECORDS_HERE}, {text}"
    return sentence(text)


_MATRIX_DECODER = decoder(CoverageMatrix)


class coverage_table_data(deferred_table):  # noqa: N801 (docutils node naming)
    """A coverage matrix before it is built (see :mod:`.deferred`): attributes ``matrix``
    (JSON) and ``packages`` (whether it has a Packages column); children, the table's
    ``title`` and an ``inline`` of its words for search."""

    interactive = False

    def build(self) -> list[nodes.Element]:
        matrix = _MATRIX_DECODER.decode(self["matrix"])
        table = coverage_table(matrix, title=self.title_text, packages=self["packages"])
        return [self.scroll(table)]


def pending_coverage_table(
    matrix: CoverageMatrix, *, title: str, packages: bool
) -> coverage_table_data:
    """The node that becomes the table of *matrix* when the page is written."""
    return coverage_table_data.pending(
        coverage_words(matrix, packages=packages),
        title=title,
        matrix=encode(matrix),
        packages=packages,
        stacks=list(matrix.rows),
    )
