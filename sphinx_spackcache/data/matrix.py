"""Coverage maths: how many specs each stack has per OS, target, platform or compiler.

Rows are stacks, columns the values of one field (``by``). A cell counts the specs of
that stack with that value. A spec is usually in several stacks (every spec is in
``root``), so totals count each spec once: the Total column is the number of specs in the
stack, the Total row the number of specs with that value, and neither is a plain sum.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Spec
from .summary import compiler_sort_key

__all__ = ["BY_FIELDS", "ROOT_STACK", "CoverageMatrix", "Value", "coverage_matrix", "heat_level"]

#: The stack every spec of a build cache is in.
ROOT_STACK = "root"


#: A column of a matrix: a value of its field (a compiler may be ``None``, no compiler).
Value = str | None

#: The fields a matrix can have as columns, and how to read them from a spec.
_VALUE_OF: Mapping[str, Callable[[Spec], Value]] = {
    "os": lambda spec: spec.os,
    "target": lambda spec: spec.target,
    "platform": lambda spec: spec.platform,
    "compiler": lambda spec: spec.compiler,
}
BY_FIELDS: tuple[str, ...] = tuple(_VALUE_OF)


@dataclass(frozen=True, slots=True)
class CoverageMatrix:
    """Spec counts per (stack, value). Plain fields only (tuples, dicts with string keys,
    strings and numbers), so that it goes to and from JSON as it is (a coverage table
    keeps it so until it is written)."""

    by: str
    #: Stacks, sorted by name.
    rows: tuple[str, ...]
    #: Values of ``by``, sorted (compilers by name, then Spack version, no compiler first).
    columns: tuple[Value, ...]
    #: For each row, the number of its specs with each column's value (0: none).
    counts: tuple[tuple[int, ...], ...]
    #: Specs in each stack, each counted once.
    row_totals: Mapping[str, int]
    #: Specs with each column's value, each counted once (in the order of ``columns``).
    column_totals: tuple[int, ...]
    #: Specs in all.
    total: int
    #: Packages with at least one spec in each stack.
    packages_by_stack: Mapping[str, int]
    #: Packages with at least one spec.
    package_count: int
    #: The largest cell outside the ``root`` stack, which holds every spec (for shading;
    #: the largest cell of all when ``root`` is the only row).
    peak: int


def coverage_matrix(
    specs_by_package: Mapping[str, Sequence[Spec]],
    by: str,
    keep_stack: Callable[[str], bool] = lambda stack: True,
) -> CoverageMatrix:
    """The coverage matrix of some packages' specs, with columns of field *by* and a row
    for each stack that *keep_stack* accepts."""
    if by not in _VALUE_OF:
        raise ValueError(f"cannot tabulate by {by!r}; choose from {', '.join(BY_FIELDS)}")
    value_of = _VALUE_OF[by]
    counts: Counter[tuple[str, Value]] = Counter()
    row_totals: Counter[str] = Counter()
    column_totals: Counter[Value] = Counter()
    packages: dict[str, set[str]] = {}
    total = 0
    package_count = 0
    for package, specs in specs_by_package.items():
        package_count += bool(specs)
        for spec in specs:
            value = value_of(spec)
            total += 1
            column_totals[value] += 1
            for stack in set(spec.stacks):
                if not keep_stack(stack):
                    continue
                counts[(stack, value)] += 1
                row_totals[stack] += 1
                packages.setdefault(stack, set()).add(package)
    column_key: Callable[[Value], Any] = compiler_sort_key if by == "compiler" else str
    rows = tuple(sorted(row_totals))
    columns = tuple(sorted(column_totals, key=column_key))
    return CoverageMatrix(
        by=by,
        rows=rows,
        columns=columns,
        counts=tuple(tuple(counts[(row, column)] for column in columns) for row in rows),
        row_totals=dict(row_totals),
        column_totals=tuple(column_totals[column] for column in columns),
        total=total,
        packages_by_stack={stack: len(names) for stack, names in packages.items()},
        package_count=package_count,
        peak=max(
            (n for (stack, _), n in counts.items() if stack != ROOT_STACK),
            default=max(counts.values(), default=0),
        ),
    )


def heat_level(count: int, peak: int, levels: int = 5) -> int:
    """Shade of a cell, 0 (empty) to *levels* (the peak, or more in ``root``)."""
    if count <= 0 or peak <= 0:
        return 0
    return min(levels, max(1, -(-count * levels // peak)))
