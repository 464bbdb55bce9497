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
once per process and version of its file. Every file is read only when it is a regular
file (:func:`~.files.read_regular`: a FIFO or a device is refused, never waited on). A
gzipped blob is inflated a piece at a time and given up at :data:`MAX_INDEX` bytes; that
verdict is kept under its checksum in a folder of the fetch cache, so that a gzip bomb
costs the time to inflate it once, not at every build.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import msgspec

from ..data.model import Dependency, PackageRecord, Spec
from ..data.problems import (
    UNSHOWABLE,
    Problem,
    RecordError,
    collapse,
    excerpt,
    quoted,
    replace_unshowable,
)
from ..data.sizes import human_size
from ..data.suggest import close_names
from .base import LoadedRecord, SnapshotRecords, fingerprint_of
from .files import ParsedFiles, read_regular, write_atomically
from .spack_db import Database, read_database

__all__ = [
    "DB_MEDIA_TYPE",
    "INDEX",
    "INDEX_HASH",
    "INDEX_V3",
    "MAX_INDEX",
    "SIZE_GROUP",
    "TARBALL_MEDIA_TYPE",
    "IndexSource",
    "Indexed",
    "MirrorSource",
    "NotASizeError",
    "Tarball",
    "blob_path",
    "clear_mirror_cache",
    "human_size",
    "index_record",
    "parse_manifest",
    "tarball",
    "with_tarball",
]

# Where a mirror keeps its index, relative to its root, as paths (``root / INDEX``) and
# as the ends of URLs (``url + INDEX``, :mod:`.fetch`).
#: The index of a v2 mirror.
INDEX = "build_cache/index.json"
#: The SHA-256 of a v2 mirror's index.
INDEX_HASH = "build_cache/index.json.hash"
#: The manifest of a v3 mirror's index.
INDEX_V3 = "v3/manifests/index/index.manifest.json"
#: The largest index read, as a file or inflated from a gzipped blob (a bomb stops here).
MAX_INDEX = 2 * 1024**3
#: The largest manifest read (Spack's are a few kilobytes).
_MAX_MANIFEST = 1024**2
#: How much a gzipped blob is inflated at a time.
_CHUNK = 1024**2
#: The media type of a Spack database blob (followed by its version).
DB_MEDIA_TYPE = "application/vnd.spack.db."
#: The media type of a binary's tarball (followed by its version and format).
TARBALL_MEDIA_TYPE = "application/vnd.spack.install."

_parsed: ParsedFiles[Database] = ParsedFiles()


def clear_mirror_cache() -> None:
    """Forget every parsed index (for tests and long-running processes)."""
    _parsed.clear()


class IndexSource:
    """What a source of one snapshot read from Spack indexes does with them: the
    :class:`~.base.Source` methods, over what :meth:`database` gives (the packages'
    specs, the roots, the dependencies, the problems). :class:`MirrorSource` reads one
    mirror; :class:`~.stacked.StackedSource`, one mirror per stack."""

    #: The snapshot's name.
    name: str
    #: What the snapshot is, in messages ("mirror").
    kind = "mirror"

    @property
    def index_path(self) -> Path:
        """The file where a problem of the whole snapshot is located."""
        raise NotImplementedError

    @property
    def index_paths(self) -> tuple[Path, ...]:
        """The files the snapshot is read from (what a page that shows it depends on)."""
        return (self.index_path,)

    def database(self) -> Indexed:
        """The specs of the snapshot.

        :raises RecordError: when they cannot be read.
        """
        raise NotImplementedError

    def _packages(self) -> tuple[str, ...]:
        try:
            return tuple(self.database().packages)
        except RecordError:
            return ()

    def problem(self, tag: str) -> str | None:
        """Why the snapshot's specs cannot be read, or ``None``."""
        if tag != self.name:
            return None
        try:
            self.database()
        except RecordError as exc:
            return f"its index cannot be used ({exc.problem})"
        return None

    def tags(self) -> tuple[str, ...]:
        """The one snapshot: its name."""
        return (self.name,)

    def packages(self, tag: str) -> tuple[str, ...]:
        """The packages with a spec in the snapshot, sorted by name."""
        return self._packages() if tag == self.name else ()

    def has_record(self, tag: str, package: str) -> bool:
        """Whether *package* has a spec in the snapshot."""
        if tag != self.name:
            return False
        try:
            return package in self.database().packages
        except RecordError:
            return False

    def close_packages(self, tag: str, package: str, limit: int = 5) -> list[str]:
        """Names in the snapshot that look like *package*, best first."""
        return close_names(package, self.packages(tag), limit)

    def load(self, tag: str, package: str) -> LoadedRecord:
        """The specs of *package* in the snapshot, as a record.

        :raises RecordError: when the index cannot be read, or the package has no spec.
        """
        database = self.database()
        specs = database.packages.get(package) if tag == self.name else None
        if specs is None:
            message = f"no package {package!r} in {self.kind} {tag!r}"
            raise RecordError(self.index_path, 0, message)
        record = PackageRecord(name=package, tag=tag, location=str(self.index_path), specs=specs)
        return LoadedRecord(record, database.problems, database.roots, database.dependencies)

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Every package of the snapshot, as records (the index's problems once, on the
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
        """A short fingerprint of what the snapshot is read from (``None``: of its name):
        its index files, and whether each can be read.

        Not of its package list, as for records, which would parse the indexes when Sphinx
        looks for outdated documents, in every build: the package list changes only with
        the index files, and a page that shows the snapshot depends on them (it is read
        again when one is newer or gone); what is left is a stack added or removed, or a
        file that can no longer be read, which this fingerprint sees.
        """
        if tag is None:
            return fingerprint_of(self.tags())
        if tag != self.name:
            return fingerprint_of(())
        return fingerprint_of(
            tuple(f"{path}:{os.access(path, os.R_OK)}" for path in self.index_paths)
        )


class Indexed(Protocol):
    """What an :class:`IndexSource` reads: a :class:`~.spack_db.Database`, or several
    merged."""

    @property
    def packages(self) -> Mapping[str, tuple[Spec, ...]]: ...
    @property
    def roots(self) -> frozenset[str]: ...
    @property
    def problems(self) -> tuple[Problem, ...]: ...
    def dependencies(self, spec_hash: str) -> tuple[Dependency, ...]: ...


class MirrorSource(IndexSource):
    """One Spack mirror in a local folder: a :class:`~.base.Source` of one snapshot.

    *verdicts* is the folder where the verdict on a gzipped blob too large to inflate is
    kept between builds (``None``: it is not kept).

    *settled*: the folder does not change while this object is used (a build's, whose
    mirrors were fetched when it started), so its index file is found and its database
    checked once, not at each question (a live-scale site asks hundreds of thousands of
    them: a tenth of its reading was the file system answering the same thing)."""

    def __init__(
        self, name: str, root: Path, verdicts: Path | None = None, *, settled: bool = False
    ) -> None:
        self.name = name
        self.root = root
        self.verdicts = verdicts
        self.settled = settled
        self._index_path: Path | None = None
        self._database: Database | None = None

    @property
    def index_path(self) -> Path:
        """The file that changes when the mirror's index does: the v3 index manifest
        (whatever kind of file is there: reading it says what is wrong), or the v2
        ``build_cache/index.json`` (also when neither is there, or the folder cannot be
        read)."""
        if self._index_path is not None:
            return self._index_path
        v3 = self.root / INDEX_V3
        found = v3 if os.path.lexists(v3) else self.root / INDEX
        if self.settled:
            self._index_path = found
        return found

    def database(self) -> Database:
        """The parsed index, parsed at most once per version of the file (this process).

        :raises RecordError: when the index is missing, unreadable or not a Spack
            database.
        """
        if self._database is not None:
            return self._database
        location = str(self.index_path)
        try:
            stat = os.stat(location)
        except OSError as exc:
            message = f"mirror {self.name!r}: cannot read its index: {exc.strerror or exc}"
            raise RecordError(location, 0, message) from None
        found = _parsed.get(location, stat, lambda: self._read(location))
        if self.settled:
            self._database = found
        return found

    def _read(self, location: str) -> Database:
        """The index at *location*, parsed.

        :raises RecordError: when it cannot be read or is not a Spack database.
        """
        try:
            if location.endswith(".manifest.json"):
                return _read_v3(self.root, Path(location), self.name, self.verdicts)
            return read_database(read_regular(location, MAX_INDEX), location, stack=self.name)
        except OSError as exc:
            message = f"cannot read the index: {exc.strerror or exc}"
            raise RecordError(location, 0, message) from None


# -- the v3 layout -------------------------------------------------------------------


def _manifest(path: Path) -> dict[str, Any]:
    """A manifest's JSON, clear-signed or not.

    :raises RecordError: when it cannot be read.
    """
    try:
        text = read_regular(path, _MAX_MANIFEST).decode("utf-8")
    except OSError as exc:
        raise RecordError(path, 0, f"cannot read the manifest: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
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


def _blob(root: Path, manifest_path: Path, media_type: str, verdicts: Path | None) -> bytes:
    """The content of the manifest's first blob of *media_type*, checked against its
    checksum and uncompressed (the verdict on a blob too large to inflate is kept in
    *verdicts*, and read from there before the blob is, see :func:`_inflate`).

    :raises RecordError: when it is missing or does not match.
    """
    try:
        record = index_record(_manifest(manifest_path), media_type)
    except RecordError as exc:
        raise RecordError(manifest_path, 1, exc.problem.message) from None
    path = root.joinpath(*blob_path(record))
    gzipped = record.get("compression") == "gzip"
    verdict = _verdict_file(verdicts, record["checksum"]) if gzipped else None
    known = _read_verdict(verdict)
    if known:
        raise RecordError(path, 0, f"{known} (remembered from an earlier build: {verdict})")
    try:
        data = read_regular(path, MAX_INDEX)
    except OSError as exc:
        message = f"its blob {path} cannot be read: {exc.strerror or exc}"
        raise RecordError(manifest_path, 1, message) from None
    if hashlib.sha256(data).hexdigest() != record["checksum"]:
        raise RecordError(manifest_path, 1, f"its blob {path} does not match its sha256 checksum")
    if gzipped:
        try:
            return _inflate(data, MAX_INDEX)
        except _TooLargeError as exc:
            if verdict is not None:
                _write_verdict(verdict, str(exc))
            raise RecordError(path, 0, str(exc)) from None
        except (zlib.error, EOFError) as exc:
            raise RecordError(path, 0, f"the blob is not gzip data: {exc}") from None
    return data


class _TooLargeError(Exception):
    """A gzipped blob inflates to more than the limit."""


def _inflate(data: bytes, limit: int) -> bytes:
    """The gzip data *data* (one member or more) inflated a piece at a time: at most
    :data:`_CHUNK` bytes of it are fed to zlib, and at most :data:`_CHUNK` bytes come
    out, at a time, so that inflating holds no more than *limit* bytes (and a piece)
    and copies no byte of *data* more than twice.

    :raises _TooLargeError: when it inflates to more than *limit* bytes (the size its
        gzip trailer gives is not trusted: a blob cut short or made to lie has one).
    :raises zlib.error, EOFError: when it is not gzip data, or is cut short.
    """
    view = memoryview(data)
    pieces: list[bytes] = []
    size = offset = 0
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    while True:
        if inflater.eof:  # the end of a member: another may follow (zeros may pad them)
            offset -= len(inflater.unused_data)
            while offset < len(data) and data[offset] == 0:
                offset += 1
            if offset >= len(data):
                break
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        fed: bytes | memoryview = inflater.unconsumed_tail
        if not fed:
            fed = view[offset : offset + _CHUNK]
            offset += len(fed)
        piece = inflater.decompress(fed, _CHUNK)
        if not piece and not fed and not inflater.eof:
            raise EOFError("the gzip data is cut short")
        size += len(piece)
        if size > limit:
            raise _TooLargeError(f"the blob holds more than {limit:,} bytes when inflated")
        pieces.append(piece)
    return b"".join(pieces)


def _verdict_file(verdicts: Path | None, checksum: str) -> Path | None:
    """Where the verdict on the gzipped blob *checksum* is kept (the limit is part of
    the name: another limit gives another verdict)."""
    return None if verdicts is None else verdicts / f"gzip-over-{MAX_INDEX}-{checksum}"


def _read_verdict(verdict: Path | None) -> str:
    if verdict is None:
        return ""
    try:
        return read_regular(verdict, 1024).decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


def _write_verdict(verdict: Path, message: str) -> None:
    # a verdict not kept is inflated again at the next build, nothing worse
    with contextlib.suppress(OSError):
        write_atomically(verdict, message.encode("utf-8"))


def _read_v3(root: Path, manifest_path: Path, name: str, verdicts: Path | None) -> Database:
    """The database of a v3 mirror: its index, each spec in the mirror's stack and in
    the stacks of the views that list it, with the size of its tarball; the problems of
    its views and spec manifests added to the index's."""
    blob = _blob(root, manifest_path, DB_MEDIA_TYPE, verdicts)
    database = read_database(blob, str(manifest_path), stack=name)
    views, view_problems = _views(root, manifest_path.parent, verdicts)
    sizes, size_problems = _sizes(root / "v3" / "manifests" / "spec")
    problems = (*database.problems, *view_problems, *collapse(size_problems))
    if not views and not sizes:
        return dataclasses.replace(database, problems=problems)
    packages = {
        package: tuple(_with_views_and_size(spec, name, views, sizes) for spec in specs)
        for package, specs in database.packages.items()
    }
    return dataclasses.replace(database, packages=packages, problems=problems)


def _views(
    root: Path, index_folder: Path, verdicts: Path | None
) -> tuple[dict[str, list[str]], list[Problem]]:
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
                _blob(root, manifest, DB_MEDIA_TYPE, verdicts), str(manifest), stack=view
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
#: What many spec manifests whose tarball record is not usable are reported as.
SIZE_GROUP = "spec manifests give a contentLength that is not a size, so no size is shown"


class NotASizeError(ValueError):
    """A spec manifest's tarball record gives a ``contentLength`` that is not a size."""


@dataclass(frozen=True, slots=True)
class Tarball:
    """What a spec manifest says of its binary's tarball."""

    #: Its size in bytes (``contentLength``).
    size: int
    #: Its SHA-256 (``None`` when the manifest gives another algorithm or no checksum).
    sha256: str | None


def tarball(manifest: dict[str, Any], name: str) -> Tarball | None:
    """The tarball record of the spec *manifest* (parsed, :func:`parse_manifest`; named
    *name* in messages), ``None`` when it has none (Spack's
    ``URLBuildcacheEntry.TARBALL_MEDIATYPE``, ``lib/spack/spack/url_buildcache.py``).

    :raises NotASizeError: when its ``contentLength`` is not a size (a bool, text, a
        float, a negative number, a number larger than any file).
    """
    for record in manifest["data"]:
        if not str(record.get("mediaType", "")).startswith(TARBALL_MEDIA_TYPE):
            continue
        length = record.get("contentLength")
        if not (isinstance(length, int) and not isinstance(length, bool)):
            length = None
        if length is None or not 0 <= length <= _MAX_SIZE:
            if "contentLength" not in record:
                return None
            message = f"contentLength {quoted(record.get('contentLength'))} is not a size"
            raise NotASizeError(f"{name}: {message}")
        checksum = record.get("checksum")
        usable = (
            record.get("checksumAlgorithm") == "sha256"
            and isinstance(checksum, str)
            and _SHA256.fullmatch(checksum) is not None
        )
        return Tarball(length, checksum if usable and isinstance(checksum, str) else None)
    return None


def with_tarball(spec: Spec, found: Tarball) -> Spec:
    """*spec* with the size and SHA-256 of its tarball."""
    return msgspec.structs.replace(
        spec,
        record_size=human_size(found.size),
        record_bytes=found.size,
        record_sha256=found.sha256,
    )


_UNREAD_GROUP = "spec manifests cannot be read, so their binaries have no size"


def _sizes(spec_manifests: Path) -> tuple[dict[str, Tarball], list[Problem]]:
    """spec hash -> its tarball (size and SHA-256), from the spec manifests; and a
    problem for each manifest whose tarball record is not usable (:func:`.manifests.tarball`)
    and each manifest that cannot be read (a number out of JSON's range, ``NaN``: not
    JSON)."""
    sizes: dict[str, Tarball] = {}
    problems: list[Problem] = []
    for manifest in spec_manifests.glob("*/*.spec.manifest.json"):
        spec_hash = manifest.name.removesuffix(".spec.manifest.json").rsplit("-", 1)[-1]
        try:
            found = tarball(_manifest(manifest), manifest.name)
        except RecordError as exc:
            message = f"{manifest.name}: {exc.problem.message}"
            problems.append(Problem(manifest.parent, 1, message, group=_UNREAD_GROUP))
            continue
        except NotASizeError as exc:
            problems.append(Problem(manifest.parent, 1, str(exc), group=SIZE_GROUP))
            continue
        if found is not None:
            sizes[spec_hash] = found
    return sizes, problems


def _with_views_and_size(
    spec: Spec, name: str, views: dict[str, list[str]], sizes: dict[str, Tarball]
) -> Spec:
    spec = msgspec.structs.replace(spec, stacks=(name, *views.get(spec.hash, ())))
    found = sizes.get(spec.hash)
    return spec if found is None else with_tarball(spec, found)
