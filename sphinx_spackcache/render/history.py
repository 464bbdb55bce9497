"""Snapshots over time, as standard docutils nodes: the difference between two snapshots
(a sentence and up to three tables) and one package's history (a sentence, a snapshots by
versions matrix shaded like the coverage matrices, and the stacks by snapshot).

Package names link to their pages for the snapshot they are in (through the ``cache``
domain; a package without a page stays plain text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from docutils import nodes

from ..data.history import PackageChanges, PackageHistory, SnapshotDiff
from ..data.matrix import heat_level
from ..data.model import Spec
from ..data.versions import sort_versions
from .badges import badge_cell, badge_run, stack_items, value_badges
from .deferred import splice
from .listing import package_cell
from .names import HASH_CLASS, ROOT_CLASS
from .phrases import RECORDS_HERE, count_phrase, join_with_and, join_with_or, sentence
from .spectable import SpecTablePlan, fold_columns, shared_paragraph, spec_row
from .tables import Cells, Column, make_table, scrolling, text_cell

__all__ = [
    "DIFF_KIND",
    "HISTORY_KIND",
    "OTHERS_CLASS",
    "diff_nodes",
    "diff_sentence",
    "history_nodes",
    "history_sentence",
    "others_paragraph",
    "plain_cell",
    "snapshot_runs",
]

#: The kinds (CSS classes ``spackcache-<kind>``) of the outputs and their tables.
DIFF_KIND = "diff"
HISTORY_KIND = "history"


def plain_cell(cell: list[nodes.Node]) -> list[nodes.Node]:
    """*cell* with its badge runs (in it, and in its further values) as the ``inline``
    badges they stand for: for output built by a directive, for every builder, which is
    small (``cache-diff``, ``cache-history``, ``cache-match``)."""
    plain: list[nodes.Node] = []
    for node in cell:
        if isinstance(node, badge_run):
            plain.extend(node.expand())
        else:
            plain.append(_expanded(node) if isinstance(node, nodes.Element) else node)
    return plain


_Element = TypeVar("_Element", bound=nodes.Element)


def _expanded(element: _Element) -> _Element:
    """*element* with the badge runs in it as ``inline`` badges (:func:`plain_cell`)."""
    for run in list(element.findall(badge_run)):
        splice(run, run.expand())  # type: ignore[arg-type]
    return element


def _hash_cell(spec: Spec | None) -> list[nodes.Node]:
    if spec is None:
        return []
    return [nodes.literal(spec.hash, spec.hash, classes=[HASH_CLASS])]


def _change_details(diff: SnapshotDiff) -> list[str]:
    """``122 specs rebuilt``, ``7 added``, ... for the packages in both (none that is 0)."""
    counts = [
        ("rebuilt", "spec", "rebuilt"),
        ("added", "spec", "added"),
        ("removed", "spec", "removed"),
        ("versions_gained", "version", "gained"),
        ("versions_lost", "version", "lost"),
        ("stacks_gained", "stack", "gained"),
        ("stacks_lost", "stack", "lost"),
    ]
    return [
        f"{count_phrase(diff.total(what), noun)} {verb}"
        for what, noun, verb in counts
        if diff.total(what)
    ]


def diff_sentence(
    diff: SnapshotDiff,
    package: str | None = None,
    *,
    filtered: bool = False,
    copied: bool = False,
) -> nodes.paragraph:
    """``develop-2025-04-13 → develop-2025-04-20: 79 packages added, 0 removed; of the 30
    in both, 25 changed: 122 specs rebuilt, 7 specs added, ...`` (for one *package*:
    ``..., cmake: 33 specs rebuilt, 2 specs removed``). Of *copied* records (a few
    packages of each snapshot, maybe), the snapshots' head says so:
    ``develop-2025-04-13 → develop-2025-04-20 (the records here): ...``."""
    head = f"{diff.old} \N{RIGHTWARDS ARROW} {diff.new}"
    if copied and package is None:
        head += f" ({RECORDS_HERE})"
    if package is not None:
        head += f", {package}"
        if diff.packages_added:
            specs = len(diff.packages_added[0][1])
            if filtered:
                return sentence(
                    f"{head}: no spec in {diff.old} passes the filters; "
                    f"{count_phrase(specs, 'spec')} in {diff.new}."
                )
            return sentence(f"{head}: new in {diff.new} ({count_phrase(specs, 'spec')}).")
        if diff.packages_removed:
            specs = len(diff.packages_removed[0][1])
            if filtered:
                return sentence(
                    f"{head}: no spec in {diff.new} passes the filters; "
                    f"{count_phrase(specs, 'spec')} in {diff.old}."
                )
            return sentence(
                f"{head}: gone from {diff.new} ({count_phrase(specs, 'spec')} in {diff.old})."
            )
        details = _change_details(diff)
        return sentence(f"{head}: {', '.join(details) if details else 'no change'}.")
    if not diff:
        return sentence(f"{head}: no change ({count_phrase(diff.common, 'package')} in both).")
    parts = [
        f"{count_phrase(len(diff.packages_added), 'package')} added, "
        f"{len(diff.packages_removed):,} removed",
        f"of the {count_phrase(diff.common, 'package')} in both, {len(diff.changed):,} changed"
        + (": " + ", ".join(_change_details(diff)) if diff.changed else ""),
    ]
    return sentence(f"{head}: {'; '.join(parts)}.")


_PACKAGE_COLUMNS = (
    Column("package", "Package", 24, 20),
    Column("change", "Change", 10, 10),
    Column("specs", "Specs", 7, 7),
    Column("versions", "Versions", 24, 20),
)


def _packages_table(diff: SnapshotDiff) -> nodes.table:
    rows: list[Cells] = []
    for change, tag, packages in (
        ("added", diff.new, diff.packages_added),
        ("removed", diff.old, diff.packages_removed),
    ):
        for name, specs in packages:
            versions = sort_versions({v for spec in specs for v in spec.versions})
            rows.append(
                {
                    "package": package_cell(name, tag),
                    "change": text_cell(change),
                    "specs": text_cell(str(len(specs))),
                    "versions": plain_cell(value_badges(versions, field="version")),
                }
            )
    title = f"Packages added and removed from {diff.old} to {diff.new}"
    return make_table(title, _PACKAGE_COLUMNS, rows, kind=f"{DIFF_KIND}-packages")


_CHANGES_COLUMNS = (
    Column("package", "Package", 22, 16),
    Column("rebuilt", "Rebuilt", 8, 7),
    Column("added", "Added", 7, 6),
    Column("removed", "Removed", 8, 7),
    Column("versions-gained", "Versions gained", 14, 12),
    Column("versions-lost", "Versions lost", 14, 12),
    Column("stacks-gained", "Stacks gained", 18, 14),
    Column("stacks-lost", "Stacks lost", 18, 14),
)


def _count_text(count: int) -> list[nodes.Node]:
    return text_cell(str(count)) if count else []


def _changes_row(changes: PackageChanges, tag: str) -> Cells:
    return {
        "package": package_cell(changes.package, tag),
        "rebuilt": _count_text(len(changes.rebuilt)),
        "added": _count_text(len(changes.added)),
        "removed": _count_text(len(changes.removed)),
        "versions-gained": plain_cell(value_badges(changes.versions_gained, field="version")),
        "versions-lost": plain_cell(value_badges(changes.versions_lost, field="version")),
        "stacks-gained": plain_cell(badge_cell(stack_items(changes.stacks_gained), None)),
        "stacks-lost": plain_cell(badge_cell(stack_items(changes.stacks_lost), None)),
    }


def _changes_table(diff: SnapshotDiff, one_package: bool) -> nodes.table:
    """A row per changed package; a column only where some row has something in it (no
    Package column for one package)."""
    title = f"Changes of the packages in both {diff.old} and {diff.new}"
    rows = [_changes_row(changes, diff.new) for changes in diff.changed]
    columns = [
        c
        for c in _CHANGES_COLUMNS
        if any(row[c.key] for row in rows) and not (one_package and c.key == "package")
    ]
    return make_table(title, columns, rows, kind=f"{DIFF_KIND}-changes")


_SPEC_COLUMNS = (
    Column("package", "Package", 18, 14),
    Column("change", "Change", 9, 8),
    Column("version", "Version", 10, 8),
    Column("compiler", "Compiler", 14, 10),
    Column("arch", "Arch", 14, 12),
    Column("variants", "Variants", 22, 14),
    Column("old", "Old hash", 15, 30),
    Column("new", "New hash", 15, 30),
)


def _spec_row(
    package: str, tag: str, change: str, old: Spec | None, new: Spec | None, plan: SpecTablePlan
) -> Cells:
    """A row of the table of specs: the package and the change, the spec's cells as a
    spec table's (:func:`~.spectable.spec_row`: what *plan* folds is not repeated), and
    the two hashes."""
    spec = new or old
    assert spec is not None
    cells = spec_row(spec, plan)
    return {
        "package": package_cell(package, tag),
        "change": text_cell(change),
        **{key: plain_cell(cells[key].as_nodes()) for key in _SPEC_CELLS},
        "old": _hash_cell(old),
        "new": _hash_cell(new),
    }


#: The columns of the table of specs whose cells are a spec table's.
_SPEC_CELLS = ("version", "compiler", "arch", "variants")


def _specs_table(diff: SnapshotDiff, one_package: bool) -> list[nodes.Element]:
    """A row per spec rebuilt, added or removed (no Package column for one package),
    after what all its rows share, said once as a spec table says it
    (:func:`~.spectable.fold_columns`, :func:`~.spectable.shared_paragraph`)."""
    changes: list[tuple[str, str, Spec | None, Spec | None]] = []
    for package in diff.changed:
        name = package.package
        changes += [(name, "rebuilt", r.old, r.new) for r in package.rebuilt]
        changes += [(name, "added", None, spec) for spec in package.added]
        changes += [(name, "removed", spec, None) for spec in package.removed]
    specs = [spec for _, _, old, new in changes if (spec := new or old) is not None]
    columns = [c for c in _SPEC_COLUMNS if not (one_package and c.key == "package")]
    plan = fold_columns(specs, columns)
    rows = [_spec_row(name, diff.new, change, old, new, plan) for name, change, old, new in changes]
    title = f"Specs rebuilt, added and removed from {diff.old} to {diff.new}"
    table = scrolling(make_table(title, plan.columns, rows, kind=f"{DIFF_KIND}-specs"))
    kinds = dict.fromkeys(change for _, change, _, _ in changes)
    shared = shared_paragraph(plan, f" {join_with_or(list(kinds))}")
    return [table] if shared is None else [_expanded(shared), table]


def diff_nodes(
    diff: SnapshotDiff,
    package: str | None = None,
    *,
    filtered: bool = False,
    copied: bool = False,
) -> list[nodes.Element]:
    """The sentence, then the tables that have rows: packages added and removed, the
    changes of the packages in both, and their specs rebuilt, added and removed. For one
    *package*, the sentence says what the first two would. *copied*: the packages are
    those of copied records, and the sentence says it counts "the records here"."""
    output: list[nodes.Element] = [diff_sentence(diff, package, filtered=filtered, copied=copied)]
    if package is None and (diff.packages_added or diff.packages_removed):
        output.append(scrolling(_packages_table(diff)))
    if diff.changed and (package is None or _named_changes(diff.changed[0])):
        output.append(scrolling(_changes_table(diff, one_package=package is not None)))
    if any(c.rebuilt or c.added or c.removed for c in diff.changed):
        output.extend(_specs_table(diff, one_package=package is not None))
    return output


def _named_changes(changes: PackageChanges) -> bool:
    """Whether *changes* name versions or stacks (which a sentence only counts)."""
    return bool(
        changes.versions_gained
        or changes.versions_lost
        or changes.stacks_gained
        or changes.stacks_lost
    )


def history_sentence(history: PackageHistory) -> nodes.paragraph:
    """``cmake is in 3 of the 3 snapshots: first in v0.23.1, last in develop-2025-04-20;
    3 versions.`` The snapshots counted are the releases and dated develop snapshots
    (:attr:`~.PackageHistory.dated`); the others are counted apart
    (:func:`others_paragraph`)."""
    package = history.package
    dated = history.dated
    seen = [tag for tag in history.seen if tag in dated]
    versions = count_phrase(len(history.versions), "version")
    if seen:
        text = (
            f"{package} is in {len(seen):,} of the {count_phrase(len(dated), 'snapshot')}: "
            f"first in {seen[0]}, last in {seen[-1]}; {versions}."
        )
    elif dated:
        text = (
            f"{package} is in none of the {count_phrase(len(dated), 'snapshot')}, only in "
            f"sources that are not dated snapshots; {versions}."
        )
    else:
        text = f"{package} is in no dated snapshot, only in sources that are not; {versions}."
    return sentence(text)


#: The class of the paragraph that says what the sources of a history that are not
#: dated snapshots are, and of the table of their counts.
OTHERS_CLASS = f"{ROOT_CLASS}-{HISTORY_KIND}-others"


def others_paragraph(history: PackageHistory) -> nodes.paragraph | None:
    """What a reader should make of the sources of *history* that are neither a release
    nor a dated develop snapshot (:attr:`~.PackageHistory.others`: mirrors read as they
    are when the page is built, tags of other shapes): they carry no date, so they are
    not counted among the snapshots and are shown apart, by name (``None``: there are
    none)."""
    others = history.others
    if not others:
        return None
    having = [tag for tag in others if history.totals.get(tag)]
    package = history.package
    if len(others) == 1:
        text = (
            f"{others[0]} is not a dated snapshot (a mirror, or a tag that is neither a "
            "release nor develop-YYYY-MM-DD): read as it is when this page is built, it says "
            "what a cache holds, not when, so it is not counted among the snapshots and is "
            f"shown apart. {package} is {'' if having else 'not '}in it."
        )
    else:
        where = f"in {len(having):,} of them: {join_with_and(having)}" if having else "in none"
        text = (
            f"{join_with_and(list(others))} are not dated snapshots (mirrors, or tags that are "
            "neither a release nor develop-YYYY-MM-DD): read as they are when this page is "
            "built, they say what a cache holds, not when, so they are not counted among the "
            f"snapshots and are shown apart, by name. {package} is {where}"
            f"{'' if having else ' of them'}."
        )
    return nodes.paragraph(text, text, classes=[OTHERS_CLASS])


def _matrix_table(
    history: PackageHistory, tags: Sequence[str], title: str, heading: str = "Snapshot"
) -> nodes.table:
    """The counts of *tags* by version (each count shaded against the largest of the
    whole history, :attr:`~.PackageHistory.peak`), under *heading*."""
    columns = [Column("snapshot", heading, 22, 18)]
    columns += [
        Column(f"version-{i}", version, max(7, len(version) + 2), 8)
        for i, version in enumerate(history.versions)
    ]
    columns.append(Column("total", "Total", 7, 7))
    rows: list[Cells] = []
    for tag in tags:
        cells: dict[str, list[nodes.Node]] = {"snapshot": text_cell(tag)}
        for i, version in enumerate(history.versions):
            count = history.counts.get((tag, version), 0)
            if count:
                level = heat_level(count, history.peak)
                heat = [f"{ROOT_CLASS}-heat-{level}"]
                inline = nodes.inline(str(count), str(count), classes=heat)
                cells[f"version-{i}"] = [inline]
        cells["total"] = text_cell(str(history.totals[tag]))
        rows.append(cells)
    return make_table(title, columns, rows, kind=HISTORY_KIND)


_STACK_COLUMNS = (
    Column("stack", "Stack", 26, 20),
    Column("snapshots", "Snapshots", 50, 40),
    Column("others", "Not dated", 24, 20),
)


def snapshot_runs(tags: Sequence[str], order: Sequence[str]) -> str:
    """*tags* as runs of consecutive snapshots of *order*: ``v0.23.1;
    develop-2025-04-13 to develop-2025-04-20``."""
    position = {tag: number for number, tag in enumerate(order)}
    runs: list[list[str]] = []
    for tag in sorted(tags, key=position.__getitem__):
        if runs and position[tag] == position[runs[-1][-1]] + 1:
            runs[-1].append(tag)
        else:
            runs.append([tag])
    return "; ".join(
        run[0]
        if len(run) == 1
        else f"{run[0]} to {run[-1]}"
        if len(run) > 2
        else join_with_and(run)
        for run in runs
    )


def _stacks_table(history: PackageHistory) -> nodes.table:
    """Each stack, with the dated snapshots it built the package in (as runs), and the
    sources that are not dated snapshots, apart (a column only when one has the
    package)."""
    dated = history.dated
    seen = [tag for tag in history.seen if tag in dated]
    others = set(history.others)
    rows: list[Cells] = []
    for stack, tags in history.stacks:
        in_time = [tag for tag in tags if tag not in others]
        if len(in_time) == len(seen) > 1:
            listed = f"all {len(seen)}"
        else:  # runs in the order of every snapshot: a snapshot without it breaks a run
            listed = snapshot_runs(in_time, dated) if in_time else ""
        stack_cell = plain_cell(badge_cell(stack_items([stack]), None))
        rows.append(
            {
                "stack": stack_cell,
                "snapshots": text_cell(listed),
                "others": text_cell(", ".join(tag for tag in tags if tag in others)),
            }
        )
    title = f"Stacks that built {history.package}, by snapshot"
    # (the Snapshots of a package in no dated snapshot, and Not dated, only when a row
    # has one)
    columns = [c for c in _STACK_COLUMNS if c.key == "stack" or any(r[c.key] for r in rows)]
    return make_table(title, columns, rows, kind=f"{HISTORY_KIND}-stacks")


def history_nodes(history: PackageHistory) -> list[nodes.Element]:
    """The sentence, the snapshots by versions matrix (the dated snapshots, then, apart,
    the other sources that have the package, after a paragraph that says what they are),
    and the stacks by snapshot."""
    output: list[nodes.Element] = [history_sentence(history)]
    package = history.package
    if any(history.totals.get(tag) for tag in history.dated):
        title = f"Specs of {package} by snapshot and version"
        output.append(scrolling(_matrix_table(history, history.dated, title)))
    others = others_paragraph(history)
    if others is not None:
        output.append(others)
        having = [tag for tag in history.others if history.totals.get(tag)]
        if having:
            title = f"Specs of {package} in sources that are not dated snapshots, by name"
            table = _matrix_table(history, having, title, "Source")
            table["classes"].append(OTHERS_CLASS)
            output.append(scrolling(table))
    if history.stacks:
        output.append(scrolling(_stacks_table(history)))
    return output
