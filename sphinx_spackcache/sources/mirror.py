"""A Spack binary mirror as a snapshot: the specs its build cache index lists.

A mirror laid out as Spack's v2 build caches are keeps its index at
``build_cache/index.json`` (the Spack database of every spec in it, see
:mod:`.spack_db`), beside ``build_cache/index.json.hash``, the index's SHA-256, which
Spack reads to tell whether the index changed. :class:`MirrorSource` reads a mirror in
a local folder as one snapshot named after the mirror, each spec in one stack of that
name, and parses the index once per process and version of the file.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from pathlib import Path

from ..data.model import PackageRecord
from ..data.problems import RecordError
from .base import LoadedRecord, SnapshotRecords
from .spack_db import Database, read_database

__all__ = ["INDEX", "MirrorSource", "clear_mirror_cache"]

#: Where a v2 mirror keeps its index, relative to the mirror's root.
INDEX = ("build_cache", "index.json")

_parsed: dict[str, tuple[tuple[int, int], Database | RecordError]] = {}


def clear_mirror_cache() -> None:
    """Forget every parsed index (for tests and long-running processes)."""
    _parsed.clear()


class MirrorSource:
    """One Spack mirror in a local folder: a :class:`~.base.Source` of one snapshot."""

    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = root

    @property
    def index_path(self) -> Path:
        """The mirror's ``build_cache/index.json``."""
        return self.root.joinpath(*INDEX)

    def database(self) -> Database:
        """The parsed index, parsed at most once per version of the file (this process).

        :raises RecordError: when the index is missing, unreadable or not a Spack
            database.
        """
        location = str(self.index_path)
        try:
            stat = os.stat(location)
        except OSError as exc:
            message = f"mirror {self.name!r}: cannot read its index: {exc.strerror or exc}"
            raise RecordError(location, 0, message) from None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _parsed.get(location)
        if cached is None or cached[0] != key:
            result: Database | RecordError
            try:
                with open(location, "rb") as stream:
                    result = read_database(stream.read(), location, stack=self.name)
            except RecordError as exc:
                result = exc
            except OSError as exc:
                result = RecordError(location, 0, f"cannot read the index: {exc}")
            cached = (key, result)
            _parsed[location] = cached
        if isinstance(cached[1], RecordError):
            raise cached[1].with_traceback(None)
        return cached[1]

    def _packages(self) -> tuple[str, ...]:
        try:
            return tuple(self.database().packages)
        except RecordError:
            return ()

    def tags(self) -> tuple[str, ...]:
        """The one snapshot: the mirror's name."""
        return (self.name,)

    def packages(self, tag: str) -> tuple[str, ...]:
        """The packages with a spec in the mirror, sorted by name."""
        return self._packages() if tag == self.name else ()

    def has_record(self, tag: str, package: str) -> bool:
        """Whether *package* has a spec in the mirror."""
        return package in self.packages(tag)

    def close_packages(self, tag: str, package: str, limit: int = 5) -> list[str]:
        """Names in the mirror that look like *package*, best first."""
        return difflib.get_close_matches(package, self.packages(tag), n=limit, cutoff=0.6)

    def load(self, tag: str, package: str) -> LoadedRecord:
        """The specs of *package* in the mirror, as a record.

        :raises RecordError: when the index cannot be read, or the package has no spec.
        """
        database = self.database()
        specs = database.packages.get(package) if tag == self.name else None
        if specs is None:
            raise RecordError(self.index_path, 0, f"no package {package!r} in mirror {tag!r}")
        record = PackageRecord(name=package, tag=tag, location=str(self.index_path), specs=specs)
        return LoadedRecord(record, database.problems)

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Every package of the mirror, as records (the index's problems once, on the
        first)."""
        try:
            database = self.database()
        except RecordError as exc:
            return SnapshotRecords(tag, (), (exc,))
        location = str(self.index_path)
        records = tuple(
            LoadedRecord(
                PackageRecord(name=name, tag=tag, location=location, specs=specs),
                database.problems if number == 0 else (),
            )
            for number, (name, specs) in enumerate(database.packages.items())
        )
        return SnapshotRecords(tag, records, ())

    def fingerprint(self, tag: str | None = None) -> str:
        """A short fingerprint of the mirror's package list (``None``: its name)."""
        names = self.tags() if tag is None else self.packages(tag)
        return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]
