"""A snapshot made of several Spack mirrors, one per stack, as Spack's CI publishes
them (``<bucket>/<ref>/<stack>``): the stacks of a ref of binaries.spack.io's snapshot
index (:mod:`.snapshot_index`), or a snapshot of ``spackcache_mirrors`` given as
``{stack: folder or URL}``.

:class:`StackedSource` reads each stack's mirror with a
:class:`~.mirror.MirrorSource` named after the stack (so v2 and v3 stack mirrors may
mix, and a v3 mirror's index views stay stacks of their own) and merges them into one
snapshot: a spec (one hash) is listed once, in every stack whose index lists it, in the
order of the stacks. A stack whose index cannot be used is left out after a problem
that says why; the snapshot cannot be read only when no stack can.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

from ..data.model import Dependency, Spec
from ..data.problems import Problem, RecordError
from .mirror import IndexSource, MirrorSource
from .spack_db import Database, collector_paused, specs_shared

__all__ = ["StackedSource", "clear_stacked_cache", "merge_databases"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Merged:
    """The stacks' databases merged: the specs by package, the roots, the problems."""

    packages: Mapping[str, tuple[Spec, ...]]
    roots: frozenset[str]
    problems: tuple[Problem, ...]
    databases: tuple[Database, ...]
    #: The database of each hash asked about so far (``None``: no stack has it).
    _holder: dict[str, Database | None] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def dependencies(self, spec_hash: str) -> tuple[Dependency, ...]:
        """The direct dependencies of *spec_hash*, from the first stack that has it."""
        try:
            holder = self._holder[spec_hash]
        except KeyError:
            holder = next((d for d in self.databases if spec_hash in d.nodes), None)
            if len(self._holder) >= 200_000:  # a few stacks' worth; then start again
                self._holder.clear()
            self._holder[spec_hash] = holder
        return holder.dependencies(spec_hash) if holder is not None else ()


def merge_databases(databases: Mapping[str, Database]) -> _Merged:
    """The databases of the stacks (label -> database) as one: each spec once, its
    stacks those of every database that lists it (each once, in order)."""
    by_package: dict[str, dict[str, Spec]] = {}
    for database in databases.values():
        for package, specs in database.packages.items():
            known = by_package.setdefault(package, {})
            for spec in specs:
                first = known.get(spec.hash)
                if first is None:
                    known[spec.hash] = spec
                else:
                    stacks = tuple(dict.fromkeys((*first.stacks, *spec.stacks)))
                    sized = first if first.record_size or not spec.record_size else spec
                    known[spec.hash] = msgspec.structs.replace(
                        first,
                        stacks=stacks,
                        record_size=sized.record_size,
                        record_bytes=sized.record_bytes,
                        record_sha256=sized.record_sha256,
                    )
    return _Merged(
        packages={name: tuple(by_package[name].values()) for name in sorted(by_package)},
        roots=frozenset().union(*(database.roots for database in databases.values())),
        problems=tuple(p for database in databases.values() for p in database.problems),
        databases=tuple(databases.values()),
    )


#: (snapshot name, the stacks' index files and their versions) -> the merged databases.
_merged: dict[str, tuple[tuple[object, ...], _Merged | RecordError]] = {}


def clear_stacked_cache() -> None:
    """Forget every merged snapshot (for tests and long-running processes)."""
    _merged.clear()


class StackedSource(IndexSource):
    """One snapshot *name* made of the stack mirrors *stacks* (label -> local folder):
    a :class:`~.base.Source` of one snapshot. *verdicts* and *settled*: as for
    :class:`~.mirror.MirrorSource`."""

    kind = "snapshot"

    def __init__(
        self,
        name: str,
        stacks: Mapping[str, Path],
        verdicts: Path | None = None,
        *,
        settled: bool = False,
    ) -> None:
        self.name = name
        self.settled = settled
        self.stacks = {
            label: MirrorSource(label, Path(folder), verdicts, settled=settled)
            for label, folder in stacks.items()
        }
        self._index_paths: tuple[Path, ...] | None = None
        self._database: _Merged | None = None

    @property
    def index_paths(self) -> tuple[Path, ...]:
        """The index file of each stack (what a page that shows the snapshot depends on)."""
        if self._index_paths is not None:
            return self._index_paths
        found = tuple(stack.index_path for stack in self.stacks.values())
        if self.settled:
            self._index_paths = found
        return found

    @property
    def index_path(self) -> Path:
        """The index file of the first stack (where a problem of the whole is located)."""
        paths = self.index_paths
        return paths[0] if paths else Path(self.name)

    def _versions(self) -> tuple[object, ...]:
        versions: list[object] = []
        for path in self.index_paths:
            try:
                stat = os.stat(path)
            except OSError:
                versions.append((str(path), None))
                continue
            versions.append((str(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns))
        return tuple(versions)

    def database(self) -> _Merged:
        """The stacks' indexes merged, merged again only when one of them changed.

        :raises RecordError: when no stack's index can be used.
        """
        if self._database is not None:
            return self._database
        versions = self._versions()
        cached = _merged.get(self.name)
        if cached is None or cached[0] != versions:
            result: _Merged | RecordError
            try:
                result = self._merge()
            except RecordError as exc:
                result = exc
            cached = (versions, result)
            _merged[self.name] = cached
        if isinstance(cached[1], RecordError):
            raise cached[1].with_traceback(None)
        if self.settled:
            self._database = cached[1]
        return cached[1]

    def _merge(self) -> _Merged:
        databases: dict[str, Database] = {}
        problems: list[Problem] = []
        with specs_shared():  # a spec the stacks share is made once
            for label, stack in self.stacks.items():
                try:
                    with collector_paused():
                        databases[label] = stack.database()
                except RecordError as exc:
                    problem = exc.problem
                    message = (
                        f"stack {label!r} of snapshot {self.name!r} is left out: {problem.message}"
                    )
                    problems.append(Problem(problem.path, problem.line, message))
        if not databases:
            reasons = "; ".join(p.message for p in problems) or "it has no stack"
            raise RecordError(self.index_path, 0, f"no stack index can be used ({reasons})")
        with collector_paused():
            merged = merge_databases(databases)
        return dataclasses.replace(merged, problems=(*problems, *merged.problems))
