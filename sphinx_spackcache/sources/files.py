"""Files read once and written whole.

* Writing so that no reader sees half of a file: generated pages, fetched mirror indexes,
  exports and the script's CPU data are all written here (:func:`write_atomically`).
* Reading a file only when it is a regular file (:func:`read_regular`): a FIFO or a
  device where an index, a manifest or a blob should be would block the build or read
  until memory runs out, and is refused without being read.
* Parsing a file at most once per version of it in this process (:class:`ParsedFiles`):
  records and mirror indexes. A version is the file's identity, ``(path, st_dev,
  st_ino, st_size, st_mtime_ns)``: an edited file (new size or modification time) and a
  file replaced by another (a new inode, as :func:`write_atomically` makes one, even with
  the same size and time) are parsed again, as in ``sphinx-autobuild``.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from ..data.problems import RecordError

__all__ = [
    "MAX_STEM",
    "ParsedFiles",
    "file_stem",
    "read_regular",
    "write_atomically",
    "write_if_changed",
]

_T = TypeVar("_T")
#: What tells one version of a file from another, besides its path.
_Version = tuple[int, int, int, int]


class ParsedFiles(Generic[_T]):
    """What parsing each file gave (a value or a :class:`RecordError`), by path, kept for
    as long as the file is the same version (see the module docstring)."""

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[_Version, _T | RecordError]] = {}

    def clear(self) -> None:
        """Forget every parsed file (for tests and long-running processes)."""
        self._parsed.clear()

    def get(self, location: str, stat: os.stat_result, parse: Callable[[], _T]) -> _T:
        """What *parse* gives for the file at *location*, whose ``os.stat`` is *stat*:
        called only when this version of the file was not parsed before.

        :raises RecordError: what *parse* raised for this version (again, each time).
        """
        version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        cached = self._parsed.get(location)
        if cached is None or cached[0] != version:
            result: _T | RecordError
            try:
                result = parse()
            except RecordError as exc:
                result = exc
            cached = (version, result)
            self._parsed[location] = cached  # a dict update is atomic: no lock needed
        if isinstance(cached[1], RecordError):
            raise cached[1].with_traceback(None)
        return cached[1]


#: The longest name (in UTF-8 bytes) a generated file is named after as it is. A file
#: name has at most 255 bytes, and Sphinx names files after a page with suffixes of its
#: own (``.doctree``, ``.rst.txt``, ``.fjson``), so a page of a package of 250 characters
#: (a legal record folder) could not be built under its own name.
MAX_STEM = 200


def file_stem(name: str) -> str:
    """The stem of a file generated for *name* (a package or snapshot): *name* itself up
    to :data:`MAX_STEM` bytes; a longer one is cut, and the first 8 hex digits of its
    SHA-256 added, so that two long names stay two files (``<first 191>-1a2b3c4d``)."""
    encoded = name.encode("utf-8", "surrogatepass")
    if len(encoded) <= MAX_STEM:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:8]
    cut = encoded[: MAX_STEM - 9].decode("utf-8", "ignore")
    return f"{cut}-{digest}"


#: What a file that is not a regular file is, by the test of its mode.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: str | os.PathLike[str], mode: int) -> OSError | None:
    """The error for a file of *mode* that is not a regular file (``None`` when it is)."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return OSError(errno.EINVAL, f"it is {kind}, not a regular file", os.fspath(path))


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of the regular file *path*, at most *limit* of them.

    A FIFO, a device, a socket or a folder is refused: ``os.stat`` tells it before the
    file is opened (opening some devices does something), and the file is opened with
    ``O_NONBLOCK`` and checked again with ``os.fstat`` (it may have been replaced in
    between), so that nothing here ever waits for a writer or reads without end.

    :raises OSError: when the file cannot be read, is not a regular file, or holds more
        than *limit* bytes (its ``strerror`` says which).
    """
    problem = _not_regular(path, os.stat(path).st_mode)
    if problem is not None:
        raise problem
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with open(descriptor, "rb", closefd=True) as stream:
        status = os.fstat(descriptor)
        problem = _not_regular(path, status.st_mode)
        if problem is not None:
            raise problem
        if limit is not None and status.st_size > limit:
            raise OSError(errno.EFBIG, f"it holds more than {limit:,} bytes", os.fspath(path))
        data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while it was read
        raise OSError(errno.EFBIG, f"it holds more than {limit:,} bytes", os.fspath(path))
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Write *path* (and its folder) so that a reader (another ``sphinx-build`` on the
    same sources, say, or another ``-j`` worker) sees the old bytes or the new, never
    half of them: they go to a hidden temporary file beside it, which then replaces it.
    (Replacing a symbolic link replaces the link, not the file it points to.) The
    temporary name is short whatever *path*'s is (a name of 250 bytes is legal, and a
    longer one would pass the file system's limit of 255)."""
    temporary = path.with_name(f".spackcache-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        try:
            temporary.write_bytes(data)
        except FileNotFoundError:  # the folder first (asked only then: a snapshot's
            path.parent.mkdir(parents=True, exist_ok=True)  # 2,451 exports share 2)
            temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write *path* atomically unless it already holds *data*; whether it was written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True
