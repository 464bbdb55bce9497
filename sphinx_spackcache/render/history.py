"""Snapshots over time, as standard docutils nodes: the difference between two snapshots
(a sentence and up to three tables) and one package's history (a sentence, a snapshots by
versions matrix shaded like the coverage matrices, and the stacks by snapshot).

Package names link to their pages for the snapshot they are in (through the ``cache``
domain; a package without a page stays plain text).
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..data.history import PackageChanges, PackageHistory, SnapshotDiff
from ..data.matrix import heat_level
from ..data.model import Spec
from ..data.versions import sort_versions
from .badges import badge_cell, badge_run, stack_items, value_badges, value_items
from .labels import compiler_label
from .listing import package_cell
from .names import HASH_CLASS, ROOT_CLASS
from .phrases import RECORDS_HERE, count_phrase, join_with_and, sentence
from .tables import Cells, Column, make_table, scrolling, text_cell

__all__ = [
    "DIFF_KIND",
    "HISTORY_KIND",
    "diff_nodes",
    "diff_sentence",
    "history_nodes",
    "history_sentence",
    "snapshot_runs",
]

#: The kinds (CSS classes ``spackcache-<kind>``) of the outputs and their tables.
DIFF_KIND = "diff"
HISTORY_KIND = "history"


def _plain(cell: list[nodes.Node]) -> list[nodes.Node]:
    """*cell* with its badge runs as the ``inline`` badges they stand for: this output is
    built by the directive, for every builder, and is small."""
    plain: list[nodes.Node] = []
    for node in cell:
        plain.extend(node.expand() if isinstance(node, badge_run) else [node])
    return plain


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
                    "versions": _plain(value_badges(versions, field="version")),
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
        "versions-gained": _plain(value_badges(changes.versions_gained, field="version")),
        "versions-lost": _plain(value_badges(changes.versions_lost, field="version")),
        "stacks-gained": _plain(badge_cell(stack_items(changes.stacks_gained), None)),
        "stacks-lost": _plain(badge_cell(stack_items(changes.stacks_lost), None)),
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


def _spec_row(package: str, tag: str, change: str, old: Spec | None, new: Spec | None) -> Cells:
    spec = new or old
    assert spec is not None
    return {
        "package": package_cell(package, tag),
        "change": text_cell(change),
        "version": _plain(value_badges(spec.versions, field="version")),
        "compiler": _plain(value_badges([compiler_label(spec.compiler)], field="compiler")),
        "arch": _plain(
            badge_cell(
                [
                    *value_items([spec.platform], "platform"),
                    *value_items([spec.os], "os"),
                    *value_items([spec.target], "target"),
                ],
                None,
            )
        ),
        "variants": _plain(value_badges(spec.variants, field="variants")),
        "old": _hash_cell(old),
        "new": _hash_cell(new),
    }


def _specs_table(diff: SnapshotDiff, one_package: bool) -> nodes.table:
    """A row per spec rebuilt, added or removed (no Package column for one package)."""
    rows: list[Cells] = []
    for changes in diff.changed:
        name = changes.package
        rows += [_spec_row(name, diff.new, "rebuilt", r.old, r.new) for r in changes.rebuilt]
        rows += [_spec_row(name, diff.new, "added", None, spec) for spec in changes.added]
        rows += [_spec_row(name, diff.new, "removed", spec, None) for spec in changes.removed]
    title = f"Specs rebuilt, added and removed from {diff.old} to {diff.new}"
    columns = [c for c in _SPEC_COLUMNS if not (one_package and c.key == "package")]
    return make_table(title, columns, rows, kind=f"{DIFF_KIND}-specs")


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
        output.append(scrolling(_specs_table(diff, one_package=package is not None)))
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
    5 versions.``"""
    seen = history.seen
    text = (
        f"{history.package} is in {len(seen):,} of the "
        f"{count_phrase(len(history.tags), 'snapshot')}: first in {seen[0]}, last in "
        f"{seen[-1]}; {count_phrase(len(history.versions), 'version')}."
    )
    return sentence(text)


def _matrix_table(history: PackageHistory) -> nodes.table:
    columns = [Column("snapshot", "Snapshot", 22, 18)]
    columns += [
        Column(f"version-{i}", version, max(7, len(version) + 2), 8)
        for i, version in enumerate(history.versions)
    ]
    columns.append(Column("total", "Total", 7, 7))
    rows: list[Cells] = []
    for tag in history.tags:
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
    title = f"Specs of {history.package} by snapshot and version"
    return make_table(title, columns, rows, kind=HISTORY_KIND)


_STACK_COLUMNS = (
    Column("stack", "Stack", 26, 20),
    Column("snapshots", "Snapshots", 50, 40),
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
    seen = history.seen
    rows: list[Cells] = []
    for stack, tags in history.stacks:
        if len(tags) == len(seen) > 1:
            listed = f"all {len(seen)}"
        else:  # runs in the order of every snapshot: a snapshot without it breaks a run
            listed = snapshot_runs(tags, history.tags)
        stack_cell = _plain(badge_cell(stack_items([stack]), None))
        rows.append({"stack": stack_cell, "snapshots": text_cell(listed)})
    title = f"Stacks that built {history.package}, by snapshot"
    return make_table(title, _STACK_COLUMNS, rows, kind=f"{HISTORY_KIND}-stacks")


def history_nodes(history: PackageHistory) -> list[nodes.Element]:
    """The sentence, the snapshots by versions matrix, and the stacks by snapshot."""
    output: list[nodes.Element] = [
        history_sentence(history),
        scrolling(_matrix_table(history)),
    ]
    if history.stacks:
        output.append(scrolling(_stacks_table(history)))
    return output
