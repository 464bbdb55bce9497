"""Snapshots over time: the order of snapshots, what changed between two of them, and one
package's history across all of them.

**Order.** :mod:`~sphinx_spackcache.data.snapshots` orders snapshots (releases by
version, then develop snapshots by date, then the others by name); a package's history
follows that order, oldest first. Only releases and develop snapshots are points in
Spack's history: a snapshot of another name (a mirror, read as it is when the pages are
built) has no date, and a history keeps it apart (:attr:`PackageHistory.others`).

**Differences.** Specs are matched by hash first: a hash in both snapshots is the same
binary. Of the others, a spec is *rebuilt* when the other snapshot has a spec with the
same versions, compiler, OS, platform, target and variants under a new hash (paired in
hash order when there are several); what is left is *added* or *removed*.

**The same binary elsewhere.** :func:`also_in`: for each spec of one snapshot, the other
snapshots that hold a spec of the same package under the same hash (``cache-package
:also-in:``).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Spec
from .snapshots import OTHER, snapshot_kind, snapshot_order
from .versions import sort_versions

__all__ = [
    "PackageChanges",
    "PackageHistory",
    "Rebuilt",
    "SnapshotDiff",
    "also_in",
    "diff_snapshots",
    "package_history",
    "spec_identity",
]

#: What makes two specs the same build: versions, compiler, OS, platform, target and the
#: set of variants.
Identity = tuple[tuple[str, ...], str | None, str, str, str, tuple[str, ...]]


def spec_identity(spec: Spec) -> Identity:
    """What makes *spec* the same build as another, whatever its hash."""
    return (
        tuple(spec.versions),
        spec.compiler,
        spec.os,
        spec.platform,
        spec.target,
        tuple(sorted(spec.variants)),
    )


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """The same build under a new hash."""

    old: Spec
    new: Spec


@dataclass(frozen=True, slots=True)
class PackageChanges:
    """What changed in one package present in both snapshots."""

    package: str
    versions_gained: tuple[str, ...]
    versions_lost: tuple[str, ...]
    added: tuple[Spec, ...]
    removed: tuple[Spec, ...]
    rebuilt: tuple[Rebuilt, ...]
    stacks_gained: tuple[str, ...]
    stacks_lost: tuple[str, ...]
    #: Specs with the same hash in both.
    unchanged: int

    def __bool__(self) -> bool:
        return bool(
            self.versions_gained
            or self.versions_lost
            or self.added
            or self.removed
            or self.rebuilt
            or self.stacks_gained
            or self.stacks_lost
        )


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    """What changed from one snapshot to another."""

    old: str
    new: str
    #: Packages only in the new snapshot, with their specs.
    packages_added: tuple[tuple[str, tuple[Spec, ...]], ...]
    #: Packages only in the old snapshot, with their specs.
    packages_removed: tuple[tuple[str, tuple[Spec, ...]], ...]
    #: Packages in both that changed, by name.
    changed: tuple[PackageChanges, ...]
    #: How many packages are in both.
    common: int

    def __bool__(self) -> bool:
        return bool(self.packages_added or self.packages_removed or self.changed)

    def total(self, what: str) -> int:
        """The number of ``added``, ``removed`` or ``rebuilt`` specs of the packages in
        both snapshots, or of ``versions_gained``, ``stacks_lost``, ... entries."""
        return sum(len(getattr(changes, what)) for changes in self.changed)


def _changes(package: str, old: Sequence[Spec], new: Sequence[Spec]) -> PackageChanges:
    old_hashes = {spec.hash for spec in old}
    new_hashes = {spec.hash for spec in new}
    gone: dict[Identity, list[Spec]] = defaultdict(list)
    came: dict[Identity, list[Spec]] = defaultdict(list)
    for spec in sorted(old, key=lambda s: s.hash):
        if spec.hash not in new_hashes:
            gone[spec_identity(spec)].append(spec)
    for spec in sorted(new, key=lambda s: s.hash):
        if spec.hash not in old_hashes:
            came[spec_identity(spec)].append(spec)
    rebuilt: list[Rebuilt] = []
    for identity in sorted(set(gone) & set(came), key=repr):
        pairs = min(len(gone[identity]), len(came[identity]))
        olds, news = gone[identity][:pairs], came[identity][:pairs]
        rebuilt += [Rebuilt(o, n) for o, n in zip(olds, news, strict=True)]
        del gone[identity][:pairs], came[identity][:pairs]
    old_versions = {v for spec in old for v in spec.versions}
    new_versions = {v for spec in new for v in spec.versions}
    old_stacks = {s for spec in old for s in spec.stacks}
    new_stacks = {s for spec in new for s in spec.stacks}
    return PackageChanges(
        package=package,
        versions_gained=tuple(sort_versions(new_versions - old_versions)),
        versions_lost=tuple(sort_versions(old_versions - new_versions)),
        added=tuple(sorted((s for specs in came.values() for s in specs), key=lambda s: s.hash)),
        removed=tuple(sorted((s for specs in gone.values() for s in specs), key=lambda s: s.hash)),
        rebuilt=tuple(sorted(rebuilt, key=lambda r: r.old.hash)),
        stacks_gained=tuple(sorted(new_stacks - old_stacks)),
        stacks_lost=tuple(sorted(old_stacks - new_stacks)),
        unchanged=len(old_hashes & new_hashes),
    )


def diff_snapshots(
    old_tag: str,
    old: Mapping[str, Sequence[Spec]],
    new_tag: str,
    new: Mapping[str, Sequence[Spec]],
) -> SnapshotDiff:
    """What changed from *old* to *new* (package -> specs each; a package with no specs
    counts as absent)."""
    old = {name: specs for name, specs in old.items() if specs}
    new = {name: specs for name, specs in new.items() if specs}
    common = sorted(set(old) & set(new))
    changes = [_changes(name, old[name], new[name]) for name in common]
    return SnapshotDiff(
        old=old_tag,
        new=new_tag,
        packages_added=tuple((n, tuple(new[n])) for n in sorted(set(new) - set(old))),
        packages_removed=tuple((n, tuple(old[n])) for n in sorted(set(old) - set(new))),
        changed=tuple(c for c in changes if c),
        common=len(common),
    )


@dataclass(frozen=True, slots=True)
class PackageHistory:
    """One package across snapshots, in :func:`~.snapshots.snapshot_order`."""

    package: str
    #: Every snapshot looked at, in order.
    tags: tuple[str, ...]
    #: Every version seen, newest first.
    versions: tuple[str, ...]
    #: ``(tag, version) -> number of specs`` (absent: none).
    counts: Mapping[tuple[str, str], int]
    #: Specs per snapshot (0 where the package is absent).
    totals: Mapping[str, int]
    #: Each stack seen, with the snapshots it built the package in (in order).
    stacks: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def seen(self) -> tuple[str, ...]:
        """The snapshots that have the package, in order."""
        return tuple(tag for tag in self.tags if self.totals.get(tag))

    @property
    def dated(self) -> tuple[str, ...]:
        """The releases and develop snapshots of :attr:`tags` (points in Spack's
        history), in order."""
        return tuple(tag for tag in self.tags if snapshot_kind(tag) != OTHER)

    @property
    def others(self) -> tuple[str, ...]:
        """The snapshots of :attr:`tags` that are neither a release nor a dated develop
        snapshot (mirrors, tags of other names), by name: no point in time."""
        return tuple(tag for tag in self.tags if snapshot_kind(tag) == OTHER)

    @property
    def peak(self) -> int:
        """The largest count of the matrix."""
        return max(self.counts.values(), default=0)


def package_history(package: str, specs_by_tag: Mapping[str, Sequence[Spec]]) -> PackageHistory:
    """The history of *package* from its specs in each snapshot (no specs: absent)."""
    tags = tuple(snapshot_order(specs_by_tag))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    stacks: dict[str, list[str]] = defaultdict(list)
    for tag in tags:
        for spec in specs_by_tag[tag]:
            for version in spec.versions:
                counts[tag, version] += 1
        for stack in sorted({s for spec in specs_by_tag[tag] for s in spec.stacks}):
            stacks[stack].append(tag)
    return PackageHistory(
        package=package,
        tags=tags,
        versions=tuple(sort_versions({version for _, version in counts})),
        counts=dict(counts),
        totals={tag: len(specs_by_tag[tag]) for tag in tags},
        stacks=tuple((stack, tuple(found)) for stack, found in sorted(stacks.items())),
    )


def also_in(
    tag: str, specs: Iterable[Spec], others: Mapping[str, Iterable[Spec]]
) -> dict[str, tuple[str, ...]]:
    """For each hash of *specs* (a package's specs in snapshot *tag*) that another
    snapshot of *others* (snapshot -> the same package's specs there) holds too, those
    snapshots in :func:`~.snapshots.snapshot_order`; a hash that is only in *tag* has no
    entry. A hash names one binary, so the same hash is the very same binary.

    >>> from sphinx_spackcache.data.model import Spec
    >>> def spec(h): return Spec(hash=h, versions=("1.0",), record_compiler="gcc@12",
    ...     os="ubuntu22.04", platform="linux", target="x86_64", variants=(), stacks=())
    >>> also_in("v0.23.1", [spec("a"), spec("b")],
    ...         {"develop-2025-04-20": [spec("a")], "v0.22.0": [spec("a")], "v0.23.1": []})
    {'a': ('v0.22.0', 'develop-2025-04-20')}
    """
    holders: dict[str, list[str]] = defaultdict(list)
    for other in snapshot_order(others):
        if other == tag:
            continue
        for spec_hash in {spec.hash for spec in others[other]}:
            holders[spec_hash].append(other)
    found: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        tags = holders.get(spec.hash)
        if tags:
            found[spec.hash] = tuple(tags)
    return found
