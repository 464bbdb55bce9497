"""A Spack binary mirror as a snapshot: the specs its build cache index lists.

Two layouts are read (Spack's ``lib/spack/spack/url_buildcache.py``):

* **v2** (Spack < 1.0): the index at ``build_cache/index.json`` (the Spack database of
  every spec in it, see :mod:`.spack_db`), beside ``build_cache/index.json.hash``;
* **v3** (Spack >= 1.0): ``v3/manifests/index/index.manifest.json`` names the index as a
  content-addressed blob, ``blobs/sha256/<ab>/<sha256>`` (maybe gzipped); a named index
  view, ``v3/manifests/index/<view>/index.manifest.json``, lists a subset of the specs,
  and each view becomes a stack; each binary has a manifest,
  ``v3/manifests/spec/<name>/<name>-<version>-<hash>.spec.manifest.json``, whose tarball
  record gives the binary's size. Manifests may be clear-signed; the signature is not
  checked here (nothing is installed from what this reads).

:class:`MirrorSource` reads a mirror in a local folder as one snapshot named after the
mirror, each spec in a stack of that name (and in its views'), and parses the index
once per process and version of its file.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import re
from pathlib import Path
from typing import Any

import msgspec

from ..data.model import PackageRecord, Spec
from ..data.problems import (
    UNSHOWABLE,
    Problem,
    RecordError,
    collapse,
    excerpt,
    quoted,
    replace_unshowable,
)
from ..data.suggest import close_names
from .base import LoadedRecord, SnapshotRecords, fingerprint_of
from .files import ParsedFiles
from .spack_db import Database, read_database
from .store import safe_is_file

__all__ = [
    "DB_MEDIA_TYPE",
    "INDEX",
    "INDEX_HASH",
    "INDEX_V3",
    "MirrorSource",
    "blob_path",
    "clear_mirror_cache",
    "human_size",
    "index_record",
    "parse_manifest",
]

# Where a mirror keeps its index, relative to its root, as paths (``root / INDEX``) and
# as the ends of URLs (``url + INDEX``, :mod:`.fetch`).
#: The index of a v2 mirror.
INDEX = "build_cache/index.json"
#: The SHA-256 of a v2 mirror's index.
INDEX_HASH = "build_cache/index.json.hash"
#: The manifest of a v3 mirror's index.
INDEX_V3 = "v3/manifests/index/index.manifest.json"
#: The largest index read from a gzipped blob (a bomb stops here).
_MAX_INDEX = 2 * 1024**3
#: The media type of a Spack database blob (followed by its version).
DB_MEDIA_TYPE = "application/vnd.spack.db."
_TARBALL_MEDIA_TYPE = "application/vnd.spack.install."

_parsed: ParsedFiles[Database] = ParsedFiles()


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
        """The file that changes when the mirror's index does: the v3 index manifest, or
        the v2 ``build_cache/index.json`` (also when neither is there, or the folder
        cannot be read)."""
        v3 = self.root / INDEX_V3
        return v3 if safe_is_file(v3) else self.root / INDEX

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
        return _parsed.get(location, stat, lambda: self._read(location))

    def _read(self, location: str) -> Database:
        """The index at *location*, parsed.

        :raises RecordError: when it cannot be read or is not a Spack database.
        """
        try:
            if location.endswith(".manifest.json"):
                return _read_v3(self.root, Path(location), self.name)
            with open(location, "rb") as stream:
                return read_database(stream.read(), location, stack=self.name)
        except OSError as exc:
            raise RecordError(location, 0, f"cannot read the index: {exc}") from None

    def _packages(self) -> tuple[str, ...]:
        try:
            return tuple(self.database().packages)
        except RecordError:
            return ()

    def problem(self, tag: str) -> str | None:
        """Why the mirror's specs cannot be read (its index cannot be used), or ``None``."""
        if tag != self.name:
            return None
        try:
            self.database()
        except RecordError as exc:
            return f"its index cannot be used ({exc.problem})"
        return None

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
        return close_names(package, self.packages(tag), limit)

    def load(self, tag: str, package: str) -> LoadedRecord:
        """The specs of *package* in the mirror, as a record.

        :raises RecordError: when the index cannot be read, or the package has no spec.
        """
        database = self.database()
        specs = database.packages.get(package) if tag == self.name else None
        if specs is None:
            raise RecordError(self.index_path, 0, f"no package {package!r} in mirror {tag!r}")
        record = PackageRecord(name=package, tag=tag, location=str(self.index_path), specs=specs)
        return LoadedRecord(record, database.problems, database.roots, database.dependencies)

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
                database.roots,
                database.dependencies,
            )
            for number, (name, specs) in enumerate(database.packages.items())
        )
        return SnapshotRecords(tag, records, ())

    def fingerprint(self, tag: str | None = None) -> str:
        """A short fingerprint of the mirror's package list (``None``: its name)."""
        names = self.tags() if tag is None else self.packages(tag)
        return fingerprint_of(names)


# -- the v3 layout -------------------------------------------------------------------


def human_size(size: int) -> str:
    """``4.2 MB``: a size in bytes in decimal units, as ``du --si`` gives it (a size of a
    file: at most ``2**63 - 1``, which :func:`_sizes` checks; far larger ones are too
    large for a float)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _manifest(path: Path) -> dict[str, Any]:
    """A manifest's JSON, clear-signed or not.

    :raises RecordError: when it cannot be read.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(path, 0, f"cannot read the manifest: {exc}") from None
    return parse_manifest(text, path)


def parse_manifest(text: str, path: Path | str) -> dict[str, Any]:
    """The JSON of a manifest's *text* (clear-signed or not), read from *path*.

    :raises RecordError: when it is not a manifest.
    """
    if text.startswith("-----BEGIN PGP SIGNED MESSAGE-----"):
        # the armor headers end at the first empty line; the signature follows the text
        body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
        text = body.split("\n-----BEGIN PGP SIGNATURE-----", 1)[0]
    try:
        data = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise RecordError(path, 1, f"the manifest is not JSON ({excerpt(str(exc))})") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise RecordError(path, 1, "not a Spack build-cache manifest (no data list)")
    data["data"] = [record for record in data["data"] if isinstance(record, dict)]
    return data


_SHA256 = re.compile(r"[0-9a-f]{64}")


def index_record(manifest: dict[str, Any], media_type: str = DB_MEDIA_TYPE) -> dict[str, Any]:
    """The manifest's first blob record of *media_type*, with a sha256 checksum (the
    only algorithm Spack writes, and the only one read: a checksum names a file).

    :raises RecordError: when there is none.
    """
    records: list[dict[str, Any]] = manifest["data"]
    for record in records:
        if (
            str(record.get("mediaType", "")).startswith(media_type)
            and record.get("checksumAlgorithm") == "sha256"
            and isinstance(record.get("checksum"), str)
            and _SHA256.fullmatch(record["checksum"])
        ):
            return record
    raise RecordError("", 1, f"the manifest names no {media_type}* blob with a sha256 checksum")


def blob_path(record: dict[str, Any]) -> tuple[str, ...]:
    """Where the blob of a checked *record* (:func:`index_record`) is, from the root."""
    checksum = str(record["checksum"])
    return ("blobs", "sha256", checksum[:2], checksum)


def _blob(root: Path, manifest_path: Path, media_type: str) -> bytes:
    """The content of the manifest's first blob of *media_type*, checked against its
    checksum and uncompressed.

    :raises RecordError: when it is missing or does not match.
    """
    try:
        record = index_record(_manifest(manifest_path), media_type)
    except RecordError as exc:
        raise RecordError(manifest_path, 1, exc.problem.message) from None
    path = root.joinpath(*blob_path(record))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordError(manifest_path, 1, f"its blob {path} cannot be read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != record["checksum"]:
        raise RecordError(manifest_path, 1, f"its blob {path} does not match its sha256 checksum")
    if record.get("compression") == "gzip":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(_MAX_INDEX + 1)
        except (OSError, EOFError) as exc:
            raise RecordError(path, 0, f"the blob is not gzip data: {exc}") from None
        if len(data) > _MAX_INDEX:
            raise RecordError(path, 0, f"the blob holds more than {_MAX_INDEX:,} bytes")
    return data


def _read_v3(root: Path, manifest_path: Path, name: str) -> Database:
    """The database of a v3 mirror: its index, each spec in the mirror's stack and in
    the stacks of the views that list it, with the size of its tarball; the problems of
    its views and spec manifests added to the index's."""
    blob = _blob(root, manifest_path, DB_MEDIA_TYPE)
    database = read_database(blob, str(manifest_path), stack=name)
    views, view_problems = _views(root, manifest_path.parent)
    sizes, size_problems = _sizes(root / "v3" / "manifests" / "spec")
    problems = (*database.problems, *view_problems, *collapse(size_problems))
    if not views and not sizes:
        return dataclasses.replace(database, problems=problems)
    packages = {
        package: tuple(_with_views_and_size(spec, name, views, sizes) for spec in specs)
        for package, specs in database.packages.items()
    }
    return dataclasses.replace(database, packages=packages, problems=problems)


def _views(root: Path, index_folder: Path) -> tuple[dict[str, list[str]], list[Problem]]:
    """spec hash -> the named index views that list it; and the views' problems: a view
    that cannot be used is left out after a problem that says why (it does not hide
    the mirror), and a view name that holds a character no page can show is shown
    with U+FFFD (as a record's stack name is)."""
    views: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for manifest in sorted(index_folder.glob("*/index.manifest.json")):
        view = manifest.parent.name
        if UNSHOWABLE.search(view):
            view = replace_unshowable(view)
            problems.append(
                Problem(
                    manifest,
                    1,
                    f"the name of index view {excerpt(manifest.parent.name)!r} holds "
                    f"characters no page can show; its stack is shown as {view!r}",
                )
            )
        try:
            database = read_database(
                _blob(root, manifest, DB_MEDIA_TYPE), str(manifest), stack=view
            )
        except RecordError as exc:
            problems.append(
                Problem(
                    manifest,
                    1,
                    f"index view {view!r} cannot be used, so no spec is in stack {view!r}: "
                    f"{exc.problem.message}",
                )
            )
            continue
        for specs in database.packages.values():
            for spec in specs:
                views.setdefault(spec.hash, []).append(view)
    return views, problems


#: The largest tarball size believed (2**63 - 1: the largest a file system can tell, and
#: Spack's ``contentLength`` is the tarball's ``os.stat`` size).
_MAX_SIZE = 2**63 - 1
_SIZE_GROUP = "spec manifests give a contentLength that is not a size, so no size is shown"
_UNREAD_GROUP = "spec manifests cannot be read, so their binaries have no size"


def _sizes(spec_manifests: Path) -> tuple[dict[str, int], list[Problem]]:
    """spec hash -> the size of its tarball, from the spec manifests; and a problem for
    each ``contentLength`` that is not a size (a bool, text, a float, a negative number,
    a number larger than any file) and each manifest that cannot be read (a number out
    of JSON's range, ``NaN``: not JSON)."""
    sizes: dict[str, int] = {}
    problems: list[Problem] = []
    for manifest in spec_manifests.glob("*/*.spec.manifest.json"):
        spec_hash = manifest.name.removesuffix(".spec.manifest.json").rsplit("-", 1)[-1]
        try:
            records = _manifest(manifest)["data"]
        except RecordError as exc:
            message = f"{manifest.name}: {exc.problem.message}"
            problems.append(Problem(manifest.parent, 1, message, group=_UNREAD_GROUP))
            continue
        for record in records:
            if isinstance(record, dict) and str(record.get("mediaType", "")).startswith(
                _TARBALL_MEDIA_TYPE
            ):
                length = record.get("contentLength")
                if (
                    isinstance(length, int)
                    and not isinstance(length, bool)
                    and 0 <= length <= _MAX_SIZE
                ):
                    sizes[spec_hash] = length
                    continue
                if "contentLength" in record:
                    message = f"{manifest.name}: contentLength {quoted(length)} is not a size"
                    problems.append(Problem(manifest.parent, 1, message, group=_SIZE_GROUP))
    return sizes, problems


def _with_views_and_size(
    spec: Spec, name: str, views: dict[str, list[str]], sizes: dict[str, int]
) -> Spec:
    size = sizes.get(spec.hash)
    return msgspec.structs.replace(
        spec,
        stacks=(name, *views.get(spec.hash, ())),
        record_size=human_size(size) if size is not None else None,
    )
