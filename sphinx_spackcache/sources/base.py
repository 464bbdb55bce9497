"""What a source of build-cache data gives the rest of the package.

A source is where the specs come from: a folder of cache.spack.io records
(:class:`~sphinx_spackcache.sources.store.CacheStore`) or a Spack mirror's index
(:class:`~sphinx_spackcache.sources.mirror.MirrorSource`), which
:class:`~sphinx_spackcache.sources.combined.Sources` puts together for a build.
Directives, generated pages and incremental builds need four things of it, which
:class:`Source` names: the snapshots, the packages of a snapshot, one package's record
(or a whole snapshot's), and a fingerprint that changes when the list of snapshots or
of a snapshot's packages does.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..data.model import Dependency, PackageRecord, Spec
from ..data.problems import Problem, RecordError

__all__ = [
    "LoadedRecord",
    "SnapshotRecords",
    "Source",
    "fingerprint_of",
]


@dataclass(frozen=True, slots=True)
class LoadedRecord:
    """A parsed record and what was skipped while parsing it."""

    record: PackageRecord
    problems: tuple[Problem, ...]
    #: The hashes of the specs that are roots (installed explicitly, or that nothing in
    #: the cache depends on), where the source knows; ``None`` where it does not.
    roots: frozenset[str] | None = None
    #: A spec's direct dependencies by its hash, where the source knows them.
    dependencies: Callable[[str], tuple[Dependency, ...]] | None = None


@dataclass(frozen=True, slots=True)
class SnapshotRecords:
    """Every record of one snapshot that could be loaded, and those that could not."""

    tag: str
    records: tuple[LoadedRecord, ...]
    errors: tuple[RecordError, ...]
    #: Whether these are records copied into a folder (cache.spack.io's, in
    #: ``spackcache_path``): a site copies the packages it wants, so what is counted
    #: over them is of *the records here*, not of the snapshot (issue 24). A mirror's
    #: index, or one per stack, is the whole snapshot: ``False``.
    copied: bool = False

    def specs_by_package(self) -> dict[str, tuple[Spec, ...]]:
        """Each package's specs, by package name."""
        return {loaded.record.name: loaded.record.specs for loaded in self.records}

    def stacks(self) -> frozenset[str]:
        """Every stack that holds a spec of this snapshot."""
        return frozenset(
            stack
            for loaded in self.records
            for spec in loaded.record.specs
            for stack in spec.stacks
        )


@runtime_checkable
class Source(Protocol):
    """A source of build-cache data: snapshots of packages, each package's specs."""

    def tags(self) -> tuple[str, ...]:
        """The snapshots, sorted by name."""
        ...

    def packages(self, tag: str) -> tuple[str, ...]:
        """The packages of snapshot *tag*, sorted by name (none for an unknown tag)."""
        ...

    def load(self, tag: str, package: str) -> LoadedRecord:
        """The record of *package* in *tag*.

        :raises RecordError: when it is missing, unreadable or unusable.
        """
        ...

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Every record of *tag* that can be loaded, and the errors of the others."""
        ...

    def fingerprint(self, tag: str | None = None) -> str:
        """A short text that changes when the packages of *tag* (or, for ``None``, the
        snapshots) change: what an incremental build compares to notice added or
        removed records without keeping their list."""
        ...


def fingerprint_of(names: tuple[str, ...]) -> str:
    """A short fingerprint of a list of names (packages, snapshots)."""
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]
