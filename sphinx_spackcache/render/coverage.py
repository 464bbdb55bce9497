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
from .phrases import count_phrase, join_with_and, sentence
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
        Column(f"value-{i}", label, max(7, len(label) + 2), 8)
        for i, label in enumerate(map(value_label, matrix.columns))
    ]
    columns.append(Column("total", "Total", 7, 7))
    if packages:
        columns.append(Column("packages", "Packages", 9, 8))
    rows = []
    for stack, counts in zip(matrix.rows, matrix.counts, strict=True):
        cells: dict[str, list[nodes.Node]] = {"stack": stack_badges([(stack, None)])}
        for i, count in enumerate(counts):
            cells[f"value-{i}"] = _count_cell(count, matrix.peak)
        cells["total"] = text_cell(str(matrix.row_totals[stack]))
        cells["packages"] = text_cell(str(matrix.packages_by_stack.get(stack, 0)))
        rows.append(cells)
    footer: dict[str, list[nodes.Node]] = {"stack": text_cell("Total")}
    for i, count in enumerate(matrix.column_totals):
        footer[f"value-{i}"] = text_cell(str(count))
    footer["total"] = text_cell(str(matrix.total))
    footer["packages"] = text_cell(str(matrix.package_count))
    return make_table(title, columns, rows, kind=COVERAGE_KIND, footer=footer)


def coverage_words(matrix: CoverageMatrix, *, packages: bool) -> list[str]:
    """Every text :func:`coverage_table` shows, each once: what it adds to a search index."""
    words = dict.fromkeys(["Stack", *map(value_label, matrix.columns), "Total"])
    if packages:
        words["Packages"] = None
    words.update(dict.fromkeys(matrix.rows))
    counts = [n for row in matrix.counts for n in row]
    counts += [*matrix.row_totals.values(), *matrix.column_totals, matrix.total]
    if packages:
        counts += [*matrix.packages_by_stack.values(), matrix.package_count]
    words.update(dict.fromkeys(str(count) for count in counts if count))
    return list(words)


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
    subject: str, matrix: CoverageMatrix, specs: Sequence[Spec], *, tag: str, tag_stacks: int
) -> nodes.paragraph:
    """``cmake is in 25 of 31 stacks of develop-2025-04-20 (81%), on ...``."""
    covered = len(matrix.rows)
    percent = round(100 * covered / tag_stacks) if tag_stacks else 0
    text = (
        f"{subject} is in {covered} of {count_phrase(tag_stacks, 'stack')} of {tag} ({percent}%), "
        f"{spread_phrase(specs)}."
    )
    return sentence(text)


def snapshot_sentence(
    tag: str, matrix: CoverageMatrix, specs: Sequence[Spec], *, filtered: bool
) -> nodes.paragraph:
    """``develop-2025-04-20 has 1,225 packages with 12,000 specs in 31 stacks, on ...``."""
    verb = "shows" if filtered else "has"
    text = (
        f"{tag} {verb} {count_phrase(matrix.package_count, 'package')} with "
        f"{count_phrase(matrix.total, 'spec')} in {count_phrase(len(matrix.rows), 'stack')}, "
        f"{spread_phrase(specs)}."
    )
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
