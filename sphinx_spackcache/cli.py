"""``sphinx-spackcache check``: check cache records without building documentation.

Usage: ``sphinx-spackcache check [--format text|json] [--strict] [--progress] PATH...``
(or ``python -m sphinx_spackcache check ...``). Each PATH is a record file, a package
folder (holding ``specs.md``), a snapshot folder (``<tag>/``) or a whole cache folder
(``_cache/``). Every record is read by the same code, with the same rules and messages,
as in a build: parsing (:func:`~sphinx_spackcache.sources.store.load_file`) and the checks of a
page showing the record (:func:`~sphinx_spackcache.data.checks.check_record`).

Each problem is printed as ``file:line: subtype: message``, then a summary line. The exit
status is 0 when no problem counts, 1 when some do, 2 for a usage error (no such path,
no record under it, a folder or name that cannot be read). Disagreements between a
record's ``meta`` and its specs are shown but count only with ``--strict`` (pages always
show what the specs say).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .data.checks import check_record
from .data.problems import Problem, RecordError, SpackCacheWarning, printable
from .sources.store import RECORD_FILE, is_valid_name, load_file
from .sources.urls import redact

__all__ = ["JSON_VERSION", "CheckReport", "check_paths", "main"]

#: The version of the ``--format json`` output's layout.
JSON_VERSION = 1

#: Problems of these subtypes are shown but count only with ``--strict``.
_LENIENT = frozenset({SpackCacheWarning.META})


class UsageError(Exception):
    """A path that cannot be checked at all (exit status 2)."""


@dataclass(frozen=True, slots=True)
class _RecordFile:
    """One record file to check, as the build would see it."""

    path: Path
    tag: str
    package: str


@dataclass(slots=True)
class CheckReport:
    """What checking some records found."""

    strict: bool = False
    records: int = 0
    specs: int = 0
    snapshots: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    #: Seconds spent reading and checking records (not finding them, not printing).
    seconds: float = 0.0

    def counts(self, problem: Problem) -> bool:
        """Whether *problem* makes the check fail."""
        return self.strict or problem.subtype not in _LENIENT

    @property
    def failed(self) -> bool:
        """Whether any problem counts."""
        return any(map(self.counts, self.problems))

    def by_subtype(self) -> Counter[str]:
        """How many problems of each subtype."""
        return Counter(problem.subtype.value for problem in self.problems)

    def summary(self) -> str:
        """One line: what was checked, and the problems by subtype."""
        checked = (
            f"{self.records:,} record{'s' * (self.records != 1)} "
            f"({len(self.snapshots):,} snapshot{'s' * (len(self.snapshots) != 1)}, "
            f"{self.specs:,} specs) in {self.seconds:.2f} s"
        )
        counted = [p for p in self.problems if self.counts(p)]
        by_subtype = Counter(problem.subtype.value for problem in counted)
        found = ", ".join(f"{subtype} {n:,}" for subtype, n in sorted(by_subtype.items()))
        text = f"checked {checked}: {len(counted):,} problem{'s' * (len(counted) != 1)}"
        text += f" ({found})" if found else ""
        ignored = len(self.problems) - len(counted)
        if ignored:
            text += f"; {ignored:,} meta disagreement{'s' * (ignored != 1)} not counted "
            text += "(--strict counts them)"
        return text

    def as_json(self) -> dict[str, Any]:
        """The report for ``--format json`` (layout version :data:`JSON_VERSION`)."""
        return {
            "version": JSON_VERSION,
            "records": self.records,
            "snapshots": sorted(self.snapshots),
            "specs": self.specs,
            "seconds": round(self.seconds, 4),
            "strict": self.strict,
            "problems": [
                {
                    "path": str(problem.path),
                    "line": max(problem.line, 1),
                    "subtype": problem.subtype.value,
                    "message": printable(redact(problem.message)),
                    "counted": self.counts(problem),
                }
                for problem in self.problems
            ],
            "by_subtype": dict(sorted(self.by_subtype().items())),
            "failed": self.failed,
        }


def _contains_record(folder: Path) -> bool:
    return (folder / RECORD_FILE).is_file()


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(entry for entry in folder.iterdir() if entry.is_dir())
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list the folder ({exc.strerror or exc})") from None


def _record_files(path: Path, problems: list[Problem]) -> Iterator[_RecordFile]:
    """The records under *path*, named as the build would name them; folders the build
    would ignore because of their names are reported in *problems*."""
    if path.is_file():
        yield _RecordFile(path, path.parent.parent.name, path.parent.name)
        return
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or folder")
    if _contains_record(path):  # a package folder
        yield _RecordFile(path / RECORD_FILE, path.parent.name, path.name)
        return
    folders = _subfolders(path)
    if any(_contains_record(folder) for folder in folders):  # a snapshot
        yield from _snapshot_files(path, folders, problems)
        return
    found = False
    for folder in folders:  # a cache folder: snapshots inside
        packages = _subfolders(folder)
        if not any(_contains_record(package) for package in packages):
            continue
        found = True
        if not is_valid_name(folder.name):
            problems.append(_ignored(folder, "snapshot", SpackCacheWarning.TAG))
            continue
        yield from _snapshot_files(folder, packages, problems)
    if not found:
        raise UsageError(f"{path}: no cache records ({RECORD_FILE}) under it")


def _snapshot_files(
    folder: Path, packages: list[Path], problems: list[Problem]
) -> Iterator[_RecordFile]:
    for package in packages:
        if not _contains_record(package):
            continue  # the build does not count a folder without a record as a package
        if not is_valid_name(package.name):
            problems.append(_ignored(package, "package", SpackCacheWarning.PACKAGE))
            continue
        yield _RecordFile(package / RECORD_FILE, folder.name, package.name)


def _ignored(folder: Path, what: str, subtype: SpackCacheWarning) -> Problem:
    message = (
        f"{folder.name!r} is not a valid {what} name (letters, digits and _.+- only, not "
        "starting with a dot); builds ignore this folder"
    )
    return Problem(folder / RECORD_FILE if what == "package" else folder, 0, message, subtype)


def check_paths(
    paths: Sequence[Path], *, strict: bool = False, progress: TextIO | None = None
) -> CheckReport:
    """Check every record under *paths* (see the module docstring).

    :raises UsageError: for a path that does not exist, cannot be read or holds no
        record.
    """
    report = CheckReport(strict=strict)
    targets: list[_RecordFile] = []
    for path in paths:
        try:
            targets.extend(_record_files(path, report.problems))
        except OSError as exc:  # a folder that cannot be read, a name too long, ...
            where = exc.filename if exc.filename is not None else path
            raise UsageError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    start = time.perf_counter()
    shown = 0.0
    for number, target in enumerate(targets, start=1):
        report.records += 1
        report.snapshots.add(target.tag)
        try:
            loaded = load_file(str(target.path), tag=target.tag, package=target.package)
        except RecordError as exc:
            report.problems.append(exc.problem)
        else:
            report.specs += len(loaded.record.specs)
            report.problems.extend(loaded.problems)
            report.problems.extend(check_record(loaded.record))
        if progress is not None and (time.perf_counter() - shown > 0.2 or number == len(targets)):
            shown = time.perf_counter()
            progress.write(f"\rchecked {number:,} of {len(targets):,} records")
            if number == len(targets):
                progress.write("\n")
            progress.flush()
    report.seconds = time.perf_counter() - start
    report.problems.sort(key=lambda p: (str(p.path), p.line))
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sphinx-spackcache",
        description="Tools for Spack build-cache records, as sphinx-spackcache reads them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="check cache records with the same rules and messages as a build",
        description=(
            "Check record files, package folders, snapshot folders or whole cache folders "
            "(<tag>/<package>/specs.md). Exit status: 0 no problem, 1 problems, 2 usage error."
        ),
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="count disagreements between a record's meta and its specs as problems",
    )
    check.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on standard error (default: when it is a terminal)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    try:
        report = check_paths(
            args.paths, strict=args.strict, progress=sys.stderr if progress else None
        )
    except UsageError as exc:
        print(f"sphinx-spackcache check: {printable(str(exc))}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(report.as_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for problem in report.problems:
            line = f"{problem.location}: {problem.subtype.value}: {problem.message}"
            print(printable(redact(line)))
        print(report.summary())
    return 1 if report.failed else 0
