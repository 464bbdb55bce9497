"""Fetch a Spack mirror's index over http(s) into a local folder, and keep it fresh.

A mirror at ``https://cache.example.org/2025.04`` keeps its index either in the v3
layout (Spack >= 1.0: the manifest ``v3/manifests/index/index.manifest.json`` names the
index blob, ``blobs/sha256/<ab>/<sha256>``) or in the v2 layout (``build_cache/index.json``
beside ``build_cache/index.json.hash``, its SHA-256). :func:`fetch_mirror` copies the
index into a cache folder laid out the same way, which :class:`~.mirror.MirrorSource`
then reads like any local mirror (the views and the per-spec manifests of a v3 mirror
are not fetched: one request each would be thousands):

* the folder is named by what it holds, a short SHA-256 of the mirror's URL
  (:func:`cache_folder`), not by the name the site gives the mirror: a mirror given
  another URL starts from an empty folder, and the copy of the old URL is never shown
  for it; inside, a v3 index blob is named by its checksum;
* a copy is used only when it is intact: a v2 index's SHA-256 is the one it was fetched
  with (kept in ``index.json.hash``), a v3 index blob's is its checksum; a copy that was
  replaced or damaged is fetched again;
* within *max_age* seconds of the last check, nothing is requested at all (a rebuild
  that changed nothing costs no request); with *max_age* 0 the mirror is asked;
* after that, the v3 manifest or the v2 hash is requested (a few hundred bytes); when it
  is the one the copy was fetched with, the copy is kept and not even rewritten (so no
  page is read again);
* otherwise the index is fetched, checked against the checksum, and written atomically;
* when the mirror cannot be reached, an intact copy fetched earlier is used, with a
  problem that says so; without one, the mirror is left out.

The standard library's ``urllib`` does the requests (redirects followed, certificates
checked by the default SSL context, credentials in the URL sent as HTTP basic
authentication and never shown: :func:`~sphinx_spackcache.sources.urls.redact`). Every
check of a mirror has one deadline, *timeout* seconds for all its requests together,
connecting, the headers and the body: each read of a socket waits at most until the
deadline, so a server that sends one byte a second is given up on in time like one that
sends nothing. Every file of the copy is read only when it is a regular file
(:func:`~.files.read_regular`). Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import http.client
import json
import os
import socket
import ssl
import stat
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.problems import RecordError
from .files import read_regular, write_atomically, write_if_changed
from .snapshot_index import blob_checksum
from .urls import redact

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

from .mirror import (
    DB_MEDIA_TYPE,
    INDEX,
    INDEX_HASH,
    INDEX_V3,
    MAX_INDEX,
    blob_path,
    index_record,
    parse_manifest,
)

__all__ = [
    "CHECKED",
    "FILE",
    "KEPT_ALIVE",
    "SMALL_BYTES",
    "Connections",
    "Deadline",
    "FetchResult",
    "UnusableIndexError",
    "cache_folder",
    "fetch_blob",
    "fetch_file",
    "fetch_mirror",
    "fetch_stack",
    "file_age",
    "intact_v2",
    "opener",
    "remember_checksum",
    "unreachable",
]

#: The file whose modification time is the last successful check.
CHECKED = ".checked"
#: The largest index accepted (Spack's largest public build caches are a few hundred MB).
_MAX_BYTES = MAX_INDEX
#: The largest hash file or index manifest accepted (they are a few hundred bytes).
SMALL_BYTES = 64 * 1024


def cache_folder(root: Path, url: str) -> Path:
    """The folder of the fetch cache *root* that keeps the copy of the mirror at *url*:
    ``mirrors/`` and the first 16 hex digits of the SHA-256 of the URL, its scheme and
    host in lower case and without the slashes that end it (so ``HTTPS://Host/m/`` and
    ``https://host/m`` share a copy, and no two mirrors do).

    >>> cache_folder(Path("c"), "https://Cache.example.org/2025.04/").parent.as_posix()
    'c/mirrors'
    """
    parts = urllib.parse.urlsplit(url.strip())
    userinfo, at, host = parts.netloc.rpartition("@")
    normal = urllib.parse.urlunsplit(
        (
            parts.scheme.lower(),
            userinfo + at + host.lower(),
            parts.path.rstrip("/"),
            parts.query,
            "",
        )
    )
    return root / "mirrors" / hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What fetching a mirror gave: the local folder to read (``None``: nothing to read),
    a problem to report (or ``""``), and how many requests it took."""

    folder: Path | None
    problem: str
    requests: int
    #: Whether a new copy of the index was written.
    fetched: bool = False


def fetch_mirror(url: str, cache: Path, *, timeout: float, max_age: float) -> FetchResult:
    """Bring the copy of the index of the mirror at *url* in *cache* up to date: a v3
    mirror's index manifest and blob, or a v2 mirror's ``index.json``, in at most
    *timeout* seconds. The layout of the copy is asked for first (v3 when there is
    none); when the mirror does not have it, the other, and the copy of the layout the
    mirror left is removed."""
    base = url.rstrip("/") + "/"
    checked = cache / CHECKED
    copy = _intact_copy(cache)
    if copy is not None and max_age > 0 and file_age(checked) < max_age:
        return FetchResult(cache, "", 0)
    order = (_fetch_v2, _fetch_v3) if copy == cache / INDEX else (_fetch_v3, _fetch_v2)
    deadline = Deadline(timeout)
    get = functools.partial(_get, opener(deadline))
    requests = 0
    try:
        for fetch in order:
            result = fetch(base, cache, get, copy)
            requests += result.requests
            if result.folder is not None:
                stale = (INDEX, INDEX_HASH) if fetch is _fetch_v3 else (INDEX_V3,)
                for path in stale:
                    (cache / path).unlink(missing_ok=True)
                checked.touch()
                return dataclasses.replace(result, requests=requests)
        raise UnusableIndexError(f"{redact(base)} has no Spack index ({INDEX_V3} nor {INDEX})")
    except _FAILURES as exc:
        return _failed(url, cache, exc, deadline, requests)


def _failed(
    url: str, cache: Path, exc: BaseException, deadline: Deadline, requests: int
) -> FetchResult:
    """What a check of *url* that failed with *exc* gives (:func:`unreachable`, with the
    intact copy in *cache* fetched earlier)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return unreachable(url, cache, _intact_copy(cache), reason, deadline, requests)


def unreachable(
    url: str,
    cache: Path,
    copy: Path | None,
    reason: object,
    deadline: Deadline,
    requests: int,
) -> FetchResult:
    """What a check of the mirror at *url* that failed for *reason* gives: the intact
    *copy* in *cache* (its main file, ``None``: there is none) with a problem that says
    when it was fetched, else nothing to read. When *deadline* has passed, the reason is
    the deadline, whatever error it made."""
    if deadline.passed():
        reason = f"no complete answer within {deadline.seconds:g} s (spackcache_fetch_timeout)"
    shown = redact(url)
    if copy is not None:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.stat().st_mtime))
        return FetchResult(
            cache, f"cannot fetch {shown}: {reason}; using the copy of {when}", requests
        )
    return FetchResult(None, f"cannot fetch {shown}: {reason}; the mirror is left out", requests)


def fetch_stack(url: str, cache_root: Path, *, timeout: float, max_age: float) -> FetchResult:
    """Bring the copy of one stack's index up to date: a v3 index blob's URL (as a
    snapshot index gives it, :func:`~.snapshot_index.blob_checksum`) with
    :func:`fetch_blob`, any other URL as a mirror's with :func:`fetch_mirror`; the copy
    in the folder of *cache_root* its URL names (:func:`cache_folder`). A blob's copy is
    in the folder of its mirror's ``blobs`` URL, not of the blob's own: a stack given a
    new blob is fetched into the same folder (its old blob removed), so that its index
    manifest changes, and with it the pages that show the stack's ref."""
    checksum = blob_checksum(url)
    if checksum is not None:
        mirror = url[: len(url) - len(f"{checksum[:2]}/{checksum}")]
        return fetch_blob(url, checksum, cache_folder(cache_root, mirror), timeout=timeout)
    return fetch_mirror(url, cache_folder(cache_root, url), timeout=timeout, max_age=max_age)


def fetch_blob(url: str, checksum: str, cache: Path, *, timeout: float) -> FetchResult:
    """Bring the copy of the v3 index blob at *url*, named by its sha256 *checksum*, into
    *cache*, laid out as a v3 mirror (the blob, and an index manifest that names it, so
    that :class:`~.mirror.MirrorSource` reads it as any v3 mirror: checked against the
    checksum, inflated when gzipped). A blob named by its checksum never changes: an
    intact copy is used without a request, whatever its age."""
    if _intact_v3(cache) == checksum:
        return FetchResult(cache, "", 0)
    deadline = Deadline(timeout)
    get = functools.partial(_get, opener(deadline))
    try:
        data = get(url, _MAX_BYTES)
        if data is None:
            raise UnusableIndexError(f"{redact(url)} does not exist (404)")
        if hashlib.sha256(data).hexdigest() != checksum:
            raise UnusableIndexError(f"{redact(url)} does not match its sha256 checksum")
        record = {
            # Spack writes v3 build caches from 1.0 on, with database version 8
            "mediaType": DB_MEDIA_TYPE + "v8+json",
            "compression": "gzip" if data[:2] == b"\x1f\x8b" else "none",
            "checksumAlgorithm": "sha256",
            "checksum": checksum,
            "contentLength": len(data),
        }
        manifest = {"version": 3, "data": [record], "spackcache_source": redact(url)}
        relative = "/".join(blob_path(record))
        write_atomically(cache / relative, data)
        remember_checksum(cache, relative, checksum)
        write_atomically(cache / INDEX_V3, json.dumps(manifest).encode("utf-8"))
        for old in (cache / "blobs" / "sha256").glob("*/*"):
            if old != cache / relative:
                old.unlink(missing_ok=True)
        return FetchResult(cache, "", 1, fetched=True)
    except _FAILURES as exc:
        return _failed(url, cache, exc, deadline, 1)


#: The copy of a file fetched with :func:`fetch_file`, in its cache folder.
FILE = "file"


def fetch_file(
    url: str, cache: Path, *, timeout: float, max_age: float, limit: int
) -> tuple[Path | None, str]:
    """Bring the copy of the file at *url* (at most *limit* bytes) in *cache* up to
    date: asked for again only *max_age* seconds after the last check, rewritten only
    when its bytes changed; when it cannot be fetched, the copy fetched earlier is used
    with a problem that says so. Gives the copy (``None``: none) and the problem
    (``""``)."""
    copy, checked = cache / FILE, cache / CHECKED
    has_copy = _read_bytes(copy, limit) is not None
    if has_copy and max_age > 0 and file_age(checked) < max_age:
        return copy, ""
    deadline = Deadline(timeout)
    try:
        data = _get(opener(deadline), url, limit)
        if data is None:
            raise UnusableIndexError(f"{redact(url)} does not exist (404)")
        write_if_changed(copy, data)
        checked.touch()
        return copy, ""
    except _FAILURES as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if deadline.passed():
            reason = f"no complete answer within {timeout:g} s (spackcache_fetch_timeout)"
        if has_copy:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.stat().st_mtime))
            return copy, f"cannot fetch {redact(url)}: {reason}; using the copy of {when}"
        return None, f"cannot fetch {redact(url)}: {reason}"


#: ``get(url, limit)``: the body of *url* (``None`` for 404), at most *limit* bytes.
_Get = Callable[[str, int], "bytes | None"]


def _fetch_v2(base: str, cache: Path, get: _Get, intact: Path | None) -> FetchResult:
    """The v2 index: its hash (small), then the index when the hash is not the copy's
    (or the mirror has none, or the copy is not *intact*, the main file of the copy
    checked by :func:`_intact_copy`); folder ``None`` when the mirror has no v2 index
    (404). The SHA-256 of the copy is kept in its ``index.json.hash``."""
    index, digest = cache / INDEX, cache / INDEX_HASH
    remote_hash = _hash_text(get(base + INDEX_HASH, SMALL_BYTES))
    if (
        remote_hash is not None
        and intact == index
        and _hash_text(_read_bytes(digest)) == remote_hash
    ):
        return FetchResult(cache, "", 1)
    data = get(base + INDEX, _MAX_BYTES)
    if data is None:
        return FetchResult(None, "", 2)
    actual = hashlib.sha256(data).hexdigest()
    if remote_hash is not None and actual != remote_hash:
        raise UnusableIndexError(
            f"{redact(base)}{INDEX_HASH} ({remote_hash[:12]}...) is not the SHA-256 of "
            f"the index ({actual[:12]}...)"
        )
    write_atomically(index, data)
    write_atomically(digest, actual.encode("ascii"))
    remember_checksum(cache, INDEX, actual)
    return FetchResult(cache, "", 2, fetched=True)


def _fetch_v3(base: str, cache: Path, get: _Get, intact: Path | None) -> FetchResult:
    """The v3 index: its manifest (small), then its blob when the manifest is not the
    copy's (or the copy is not *intact*); folder ``None`` when the mirror has no v3
    index (404)."""
    text = get(base + INDEX_V3, SMALL_BYTES)
    if text is None:
        return FetchResult(None, "", 1)
    try:
        record = index_record(parse_manifest(text.decode("utf-8"), INDEX_V3))
    except (RecordError, UnicodeDecodeError) as exc:
        raise UnusableIndexError(f"{redact(base)}{INDEX_V3} is not usable ({exc})") from None
    relative = "/".join(blob_path(record))
    if intact == cache / INDEX_V3 and _read_bytes(intact) == text:
        return FetchResult(cache, "", 1)
    data = get(base + relative, _MAX_BYTES)
    if data is None:
        raise UnusableIndexError(f"{redact(base)}{relative} does not exist (404)")
    if hashlib.sha256(data).hexdigest() != record["checksum"]:
        raise UnusableIndexError(f"{redact(base)}{relative} does not match its sha256 checksum")
    write_atomically(cache / relative, data)
    remember_checksum(cache, relative, str(record["checksum"]))
    write_atomically(cache / INDEX_V3, text)  # last: it names the blob
    for old in (cache / "blobs" / "sha256").glob("*/*"):
        if old != cache / relative:
            old.unlink(missing_ok=True)  # the index blobs of earlier fetches
    return FetchResult(cache, "", 2, fetched=True)


def _intact_copy(cache: Path) -> Path | None:
    """The main file of the intact copy in *cache* (the v3 index manifest, or the v2
    index), ``None`` when there is none."""
    if _intact_v3(cache) is not None:
        return cache / INDEX_V3
    return cache / INDEX if intact_v2(cache) is not None else None


def intact_v2(cache: Path) -> str | None:
    """The SHA-256 of the v2 index in *cache* when it is the one the copy was fetched
    with (kept in its hash file), else ``None``."""
    kept = _hash_text(_read_bytes(cache / INDEX_HASH))
    if kept is None or _checksum(cache, INDEX) != kept:
        return None
    return kept


def _intact_v3(cache: Path) -> str | None:
    """The checksum of the v3 index blob in *cache* when the blob its manifest names is
    there and matches it, else ``None``."""
    text = _read_bytes(cache / INDEX_V3, SMALL_BYTES)
    try:
        record = index_record(parse_manifest((text or b"").decode("utf-8"), INDEX_V3))
    except (RecordError, UnicodeDecodeError):
        return None
    checksum = str(record["checksum"])
    return checksum if _checksum(cache, "/".join(blob_path(record))) == checksum else None


#: The SHA-256 of the main file of a copy as last worked out, with the file's size,
#: modification time and inode then.
VERIFIED = ".verified"


def _checksum(cache: Path, relative: str) -> str | None:
    """The SHA-256 of the regular file *relative* of the copy in *cache* (``None`` when it
    cannot be read), worked out again only when the file is not the one it was last
    worked out for (:data:`VERIFIED`: another size, modification time or inode), so that
    a build that changed nothing does not read the hundreds of megabytes of a ref's
    stack indexes to check them."""
    path = cache / relative
    try:
        status = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    key = [relative, status.st_size, status.st_mtime_ns, status.st_ino]
    try:
        known = json.loads(_read_bytes(cache / VERIFIED) or b"null")
    except ValueError:
        known = None
    if isinstance(known, dict) and known.get("file") == key:
        digest = _hash_text(str(known.get("sha256")).encode("ascii", errors="replace"))
        if digest is not None:
            return digest
    data = _read_bytes(path, _MAX_BYTES)
    if data is None:
        return None
    digest = hashlib.sha256(data).hexdigest()
    remember_checksum(cache, relative, digest)
    return digest


def remember_checksum(cache: Path, relative: str, digest: str) -> None:
    """Note in :data:`VERIFIED` that the file *relative* of the copy in *cache*, as it is
    now, has the SHA-256 *digest* (which the caller worked out: the file was just written
    with it)."""
    try:
        status = (cache / relative).lstat()
        key = [relative, status.st_size, status.st_mtime_ns, status.st_ino]
        write_atomically(cache / VERIFIED, json.dumps({"file": key, "sha256": digest}).encode())
    except OSError:
        pass


def _read_bytes(path: Path, limit: int = SMALL_BYTES) -> bytes | None:
    """The bytes of the regular file *path* (``None`` when it cannot be read)."""
    try:
        return read_regular(path, limit)
    except OSError:
        return None


class UnusableIndexError(Exception):
    """The mirror answered, but not with a usable index."""


#: What a check that failed raises.
_FAILURES = (
    UnusableIndexError,
    urllib.error.URLError,
    http.client.HTTPException,
    TimeoutError,
    OSError,
    ValueError,
)


def file_age(path: Path) -> float:
    """Seconds since *path* was last modified (infinite when it cannot be read: as old
    as can be)."""
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return float("inf")


def _hash_text(data: bytes | None) -> str | None:
    """A SHA-256 as a hash file gives it (``None`` when *data* is not one)."""
    if data is None:
        return None
    text = data.decode("ascii", errors="replace").strip().lower()
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def _get(opener: urllib.request.OpenerDirector, url: str, limit: int) -> bytes | None:
    """The body of *url* (``None`` for 404), at most *limit* bytes; raises for any other
    failure."""
    try:
        with opener.open(_request(url)) as response:
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    if len(data) > limit:
        raise UnusableIndexError(f"{redact(url)} is larger than {limit:,} bytes")
    return data


def _request(url: str) -> urllib.request.Request:
    """The request for *url*: credentials in it (``user:password@``) are taken out of
    the URL and sent as HTTP basic authentication, to the mirror only (not to where it
    redirects)."""
    parts = urllib.parse.urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=host)) if at else url
    request = urllib.request.Request(clean, headers={"User-Agent": "sphinx-spackcache"})
    if at:
        user, _, password = userinfo.partition(":")
        pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
        token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
        request.add_unredirected_header("Authorization", f"Basic {token}")
    return request


# -- the deadline ----------------------------------------------------------------------


class _DeadlineError(TimeoutError):
    """The deadline of a fetch passed."""


class Deadline:
    """The time by which every request of one fetch must be done."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds until the deadline.

        :raises _DeadlineError: when it has passed.
        """
        left = self.end - time.monotonic()
        if left <= 0:
            raise _DeadlineError(f"the deadline of {self.seconds:g} s passed")
        return left

    def passed(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.end


class _DeadlineSocket(socket.socket):
    """A plain socket each read of which waits at most until the deadline."""

    __slots__ = ("deadline",)
    deadline: Deadline

    @classmethod
    def taking(cls, sock: socket.socket, deadline: Deadline) -> _DeadlineSocket:
        """A socket of this class for the connection of *sock* (which is given up)."""
        new = cls(sock.family, sock.type, sock.proto, fileno=sock.detach())
        new.deadline = deadline
        new.settimeout(deadline.remaining())
        return new

    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(self.deadline.remaining())
        return super().recv_into(buffer, nbytes, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """A TLS socket each read of which waits at most until the deadline (the class the
    SSL context of a fetch makes its sockets of)."""

    deadline: Deadline | None = None

    def recv_into(self, buffer: WriteableBuffer, nbytes: int | None = None, flags: int = 0) -> int:
        if self.deadline is not None:
            self.settimeout(self.deadline.remaining())
        return super().recv_into(buffer, nbytes, flags)


class _DeadlineConnection(http.client.HTTPConnection):
    """An HTTP connection that connects and reads within the deadline."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = self.deadline.remaining()  # connecting and the TLS handshake
        super().connect()
        if isinstance(self.sock, _DeadlineSSLSocket):
            self.sock.deadline = self.deadline
        elif isinstance(self.sock, socket.socket) and not isinstance(self.sock, ssl.SSLSocket):
            self.sock = _DeadlineSocket.taking(self.sock, self.deadline)


class _DeadlineHTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    """An HTTPS connection that connects, shakes hands and reads within the deadline."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_DeadlineConnection, deadline=self.deadline)
        return self.do_open(connection, req)


def _tls_context() -> ssl.SSLContext:
    """The default SSL context, its sockets of :class:`_DeadlineSSLSocket` (made once per
    ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``: it loads the system's certificates, some
    50 ms, which one request per spec manifest would pay every time; each socket holds
    its own deadline)."""
    return _tls_context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _tls_context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        self.context = _tls_context()
        super().__init__(context=self.context)
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_DeadlineHTTPSConnection, deadline=self.deadline)
        return self.do_open(connection, req, context=self.context)


def opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """An opener whose every request (redirects too) is done by *deadline*."""
    return urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline))


# -- persistent connections ------------------------------------------------------------

#: What a connection that served a request before raises when the server closed it
#: since (HTTP/1.1 lets a server close an idle connection at any time): the request is
#: sent again once, on a new connection (``RemoteDisconnected`` is a
#: ``ConnectionResetError``).
KEPT_ALIVE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class Connections:
    """HTTP/1.1 connections kept open between requests: one per thread and server
    (scheme, host and port), so that many small files of one server (a v3 mirror's
    spec manifests, one request each) cost one TCP connection (and TLS handshake) per
    thread, not one per file. Every request of :meth:`get` is what :func:`_get` would
    send (the same headers, credentials as basic authentication, the same TLS
    context) and gives what it would, within its own deadline: its sockets wait at most
    until it, connecting and reading (a server that drips is given up on in time). An
    answer that is not a success nor a 404 is not read: its connection is closed (an
    error is raised as urllib would; a redirect is asked for again through urllib's
    opener, which follows it and sends the credentials to the first server only). A
    connection is used again only when its last answer was read to its end. A mirror
    behind a proxy (``http_proxy``, ``https_proxy``) is asked through urllib too.
    :meth:`close` closes them all (the threads' too)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[http.client.HTTPConnection] = []
        #: How many connections were opened (the reconnections of a connection too).
        self.opened = 0

    def get(self, url: str, limit: int, deadline: Deadline) -> bytes | None:
        """The body of *url* (``None`` for 404), at most *limit* bytes, by *deadline*;
        raises for any other failure, as :func:`_get`."""
        request = _request(url)
        scheme = request.type
        if scheme not in ("http", "https") or urllib.request.getproxies().get(scheme):
            return _get(opener(deadline), url, limit)
        key = (scheme, request.host)
        connections: dict[tuple[str, str], _DeadlineConnection] = self._local.__dict__.setdefault(
            "connections", {}
        )
        connection = connections.get(key)
        if connection is None:
            connection = connections[key] = self._new(scheme, request.host, deadline)
        reused = connection.sock is not None
        answer: http.client.HTTPResponse | None = None
        try:
            try:
                answer = self._ask(connection, request, deadline)
            except KEPT_ALIVE:
                if not reused:
                    raise
                connection.close()  # closed by the server since: once more, anew
                answer = self._ask(connection, request, deadline)
            if 300 <= answer.status < 400:
                redirected = True
            elif answer.status == 404 or 200 <= answer.status < 300:
                redirected = False
                data: bytes = answer.read(limit + 1)
            else:
                raise urllib.error.HTTPError(
                    request.full_url, answer.status, answer.reason, answer.headers, None
                )
        except BaseException:
            _drop(connection, answer)
            raise
        if redirected or not answer.isclosed() or answer.will_close:
            _drop(connection, answer)  # not read to its end, or the server closes it
        if redirected:
            return _get(opener(deadline), url, limit)
        if answer.status == 404:
            return None
        if len(data) > limit:
            raise UnusableIndexError(f"{redact(url)} is larger than {limit:,} bytes")
        return data

    def _new(self, scheme: str, host: str, deadline: Deadline) -> _DeadlineConnection:
        connection = (
            _DeadlineHTTPSConnection(host, context=_tls_context(), deadline=deadline)
            if scheme == "https"
            else _DeadlineConnection(host, deadline=deadline)
        )
        with self._lock:
            self._all.append(connection)
        return connection

    def _ask(
        self, connection: _DeadlineConnection, request: urllib.request.Request, deadline: Deadline
    ) -> http.client.HTTPResponse:
        """Send *request* on *connection* (connecting when it is closed), within
        *deadline*; its answer's status line and headers."""
        connection.deadline = deadline
        sock = connection.sock
        if isinstance(sock, _DeadlineSocket | _DeadlineSSLSocket):
            sock.deadline = deadline
            sock.settimeout(deadline.remaining())  # sending too
        else:
            with self._lock:
                self.opened += 1
        headers = dict(request.header_items())
        connection.request("GET", request.selector, headers=headers)
        return connection.getresponse()

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()


def _drop(connection: http.client.HTTPConnection, answer: http.client.HTTPResponse | None) -> None:
    """Close *connection* and its *answer* (which may hold its socket)."""
    if answer is not None:
        answer.close()
    connection.close()
