"""Find snapshots and records under a cache folder, and load each record once.

The folder is laid out as cache.spack.io's ``_cache``: ``<tag>/<package>/specs.md``.
A :class:`CacheStore` (a :class:`~.base.Source`) answers which tags and packages exist
and hands out parsed records. Parsed records are kept in a process-wide cache
(:class:`~.files.ParsedFiles`), so a record is parsed once per version of its file and
build process however many directives use it, and an edited record is parsed again (as
in ``sphinx-autobuild``).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..data.problems import RecordError, quoted
from ..data.suggest import close_names
from .base import LoadedRecord, SnapshotRecords, fingerprint_of
from .files import ParsedFiles
from .records import load_record

__all__ = [
    "RECORD_FILE",
    "CacheStore",
    "clear_cache",
    "is_valid_name",
    "load_file",
    "safe_is_dir",
    "safe_is_file",
]

#: The file name of a record inside its package folder.
RECORD_FILE = "specs.md"

# Spack package names and snapshot tags: no path separators, no leading dot.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")


def is_valid_name(name: str) -> bool:
    """Whether *name* can be a tag or package name (and so is safe in a path)."""
    return bool(_NAME.fullmatch(name))


#: The start of the message of a record that made the parser fail in a way it does not
#: know: a bug, reported as the record's problem instead of stopping the build.
_UNEXPECTED = "the record could not be read because of a bug in sphinx-spackcache; please report it"

_parsed: ParsedFiles[LoadedRecord] = ParsedFiles()


def clear_cache() -> None:
    """Forget every parsed record (for tests and long-running processes)."""
    _parsed.clear()


def load_file(location: str, *, tag: str, package: str) -> LoadedRecord:
    """The parsed record in the file *location*, as *package* of snapshot *tag*, parsed at
    most once per version of the file (this process).

    :raises RecordError: when the record is missing, unreadable or unusable.
    """
    try:
        stat = os.stat(location)
    except OSError as exc:
        message = f"cannot read the record: {exc.strerror or exc}"
        raise RecordError(Path(location), 0, message) from None
    return _load_cached(location, stat, tag, package)


def _load_cached(location: str, stat: os.stat_result, tag: str, package: str) -> LoadedRecord:
    return _parsed.get(location, stat, lambda: _parse(location, tag, package))


def _parse(location: str, tag: str, package: str) -> LoadedRecord:
    """The record in *location*.

    :raises RecordError: when it cannot be used, and for a bug too (a record never stops
        a build).
    """
    try:
        return LoadedRecord(*load_record(location, package=package, tag=tag))
    except (RecordError, MemoryError):
        raise
    except Exception as exc:
        # Parsing reports every problem it knows as a RecordError; this is the guard
        # for one it does not (the fuzz tests check that it is never reached).
        raise RecordError(location, 0, f"{_UNEXPECTED} ({quoted(repr(exc), 200)})") from None


class CacheStore:
    """The snapshots under one cache folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def exists(self) -> bool:
        """Whether the cache folder is there and can be listed."""
        return safe_is_dir(self.root) and os.access(self.root, os.R_OK | os.X_OK)

    def tags(self) -> tuple[str, ...]:
        """The snapshot tags (sub-folders of the cache folder), sorted by name."""
        return self._subfolders(self.root)

    def has_tag(self, tag: str) -> bool:
        """Whether *tag* is a snapshot here."""
        return is_valid_name(tag) and safe_is_dir(self.root / tag)

    def packages(self, tag: str) -> tuple[str, ...]:
        """The packages with a record in snapshot *tag*, sorted by name."""
        if not self.has_tag(tag):
            return ()
        base = self.root / tag
        return tuple(
            name for name in self._subfolders(base) if safe_is_file(base / name / RECORD_FILE)
        )

    def record_path(self, tag: str, package: str) -> Path:
        """Where the record of *package* in *tag* is, or would be."""
        if not (is_valid_name(tag) and is_valid_name(package)):
            raise ValueError(f"not a valid tag/package name: {tag!r}/{package!r}")
        return self.root / tag / package / RECORD_FILE

    def has_record(self, tag: str, package: str) -> bool:
        """Whether *package* has a record in *tag*."""
        return (
            is_valid_name(package)
            and self.has_tag(tag)
            and safe_is_file(self.record_path(tag, package))
        )

    def close_packages(self, tag: str, package: str, limit: int = 5) -> list[str]:
        """Names in *tag* that look like *package*, best first."""
        return close_names(package, self.packages(tag), limit)

    def load(self, tag: str, package: str) -> LoadedRecord:
        """Return the parsed record of *package* in *tag*, parsing it at most once per version.

        :raises RecordError: when the record is missing, unreadable or unusable.
        """
        return load_file(str(self.record_path(tag, package)), tag=tag, package=package)

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Load every record of *tag* (each parsed at most once per version)."""
        records: list[LoadedRecord] = []
        errors: list[RecordError] = []
        if not self.has_tag(tag):
            return SnapshotRecords(tag, (), (), copied=True)
        base = os.path.join(self.root, tag)
        for package in self._subfolders(Path(base)):
            location = os.path.join(base, package, RECORD_FILE)
            try:
                stat = os.stat(location)
            except OSError:
                continue  # a folder without a record is not a package
            try:
                records.append(_load_cached(location, stat, tag, package))
            except RecordError as exc:
                errors.append(exc)
        return SnapshotRecords(tag, tuple(records), tuple(errors), copied=True)

    def fingerprint(self, tag: str | None = None) -> str:
        """A short fingerprint of which packages *tag* holds, or (for ``None``) of which
        snapshots there are: to notice added or removed records between builds without
        keeping the list."""
        return fingerprint_of(self.tags() if tag is None else self.packages(tag))

    def problem(self, tag: str) -> str | None:
        """Why snapshot *tag* cannot be read (its folder cannot be listed), or ``None``."""
        if not self.has_tag(tag):
            return None
        try:
            with os.scandir(self.root / tag):
                return None
        except OSError as exc:
            return f"its folder {str(self.root / tag)!r} cannot be read ({exc.strerror or exc})"

    @staticmethod
    def _subfolders(folder: Path) -> tuple[str, ...]:
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries if is_valid_name(e.name) and safe_is_dir(e)]
        except OSError:
            return ()
        return tuple(sorted(names))


def safe_is_dir(path: Path | os.DirEntry[str]) -> bool:
    """Whether *path* is a folder; ``False`` when it cannot be told (a folder above it that
    cannot be read, a name too long: :meth:`pathlib.Path.is_dir` raises for these)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def safe_is_file(path: Path) -> bool:
    """Whether *path* is a file; ``False`` when it cannot be told (as :func:`_is_dir`)."""
    try:
        return path.is_file()
    except OSError:
        return False
