"""Fetch a Spack mirror's index over http(s) into a local folder, and keep it fresh.

A mirror at ``https://cache.example.org/2025.04`` keeps its index either in the v3
layout (Spack >= 1.0: the manifest ``v3/manifests/index/index.manifest.json`` names the
index blob, ``blobs/sha256/<ab>/<sha256>``) or in the v2 layout (``build_cache/index.json``
beside ``build_cache/index.json.hash``, its SHA-256). :func:`fetch_mirror` copies the
index into a cache folder laid out the same way, which :class:`~.mirror.MirrorSource`
then reads like any local mirror (the views and the per-spec manifests of a v3 mirror
are not fetched: one request each would be thousands):

* within *max_age* seconds of the last check, nothing is requested at all (a rebuild
  that changed nothing costs no request);
* after that, the v3 manifest or the v2 hash is requested (a few hundred bytes); when it
  is the one the copy was fetched with, the copy is kept and not even rewritten (so no
  page is read again);
* otherwise the index is fetched, checked against the checksum, and written atomically;
* when the mirror cannot be reached, a copy fetched earlier is used, with a problem
  that says so; without a copy, the mirror is left out.

The standard library's ``urllib`` does the requests: two GETs with a timeout, redirects
followed, certificates checked by the default SSL context; no client library is needed
for that. Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..data.problems import RecordError
from .files import write_atomically
from .mirror import INDEX, INDEX_HASH, INDEX_V3, blob_path, index_record, parse_manifest

__all__ = ["FetchResult", "fetch_mirror", "is_url"]

#: The file whose modification time is the last successful check.
_CHECKED = ".checked"
#: The largest index accepted (Spack's largest public build caches are a few hundred MB).
_MAX_BYTES = 2 * 1024**3
#: The largest hash file or index manifest accepted (they are a few hundred bytes).
_SMALL_BYTES = 64 * 1024


def is_url(location: str) -> bool:
    """Whether a mirror's location is an http(s) URL (else it is a folder)."""
    return location.startswith(("http://", "https://"))


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
    mirror's index manifest and blob, or a v2 mirror's ``index.json``. The layout of the
    copy is asked for first (v3 when there is none); when the mirror does not have it,
    the other, and the copy of the layout the mirror left is removed."""
    base = url.rstrip("/") + "/"
    checked = cache / _CHECKED
    manifest, index = cache / INDEX_V3, cache / INDEX
    copy = manifest if manifest.is_file() else index
    if copy.is_file() and max_age > 0 and _age(checked) < max_age:
        return FetchResult(cache, "", 0)
    order = (_fetch_v2, _fetch_v3) if copy == index and index.is_file() else (_fetch_v3, _fetch_v2)
    requests = 0
    try:
        for fetch in order:
            result = fetch(base, cache, timeout)
            requests += result.requests
            if result.folder is not None:
                stale = (cache / INDEX, cache / INDEX_HASH) if fetch is _fetch_v3 else (manifest,)
                for path in stale:
                    path.unlink(missing_ok=True)
                checked.touch()
                return dataclasses.replace(result, requests=requests)
        raise _UnusableIndexError(f"{base} has no Spack index ({INDEX_V3} nor {INDEX})")
    except (
        _UnusableIndexError,
        urllib.error.URLError,
        http.client.HTTPException,
        TimeoutError,
        OSError,
        ValueError,
    ) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if copy.is_file():
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(copy.stat().st_mtime))
            return FetchResult(
                cache, f"cannot fetch {url}: {reason}; using the copy of {when}", requests
            )
        return FetchResult(None, f"cannot fetch {url}: {reason}; the mirror is left out", requests)


def _fetch_v2(base: str, cache: Path, timeout: float) -> FetchResult:
    """The v2 index: its hash (small), then the index when the hash is not the copy's
    (or the mirror has none); folder ``None`` when the mirror has no v2 index (404)."""
    index, digest = cache / INDEX, cache / INDEX_HASH
    remote_hash = _get_text(base + INDEX_HASH, timeout)
    if remote_hash is not None and index.is_file() and _read(digest) == remote_hash:
        return FetchResult(cache, "", 1)
    data = _get(base + INDEX, timeout, _MAX_BYTES)
    if data is None:
        return FetchResult(None, "", 2)
    if remote_hash is not None and hashlib.sha256(data).hexdigest() != remote_hash:
        raise _UnusableIndexError(
            f"{base}{INDEX_HASH} ({remote_hash[:12]}...) is not the SHA-256 of the index "
            f"({hashlib.sha256(data).hexdigest()[:12]}...)"
        )
    write_atomically(index, data)
    write_atomically(digest, (remote_hash or "").encode("ascii"))
    return FetchResult(cache, "", 2, fetched=True)


def _fetch_v3(base: str, cache: Path, timeout: float) -> FetchResult:
    """The v3 index: its manifest (small), then its blob when the manifest is not the
    copy's; folder ``None`` when the mirror has no v3 index (404)."""
    text = _get(base + INDEX_V3, timeout, _SMALL_BYTES)
    if text is None:
        return FetchResult(None, "", 1)
    try:
        record = index_record(parse_manifest(text.decode("utf-8"), base + INDEX_V3))
    except (RecordError, UnicodeDecodeError) as exc:
        raise _UnusableIndexError(f"{base}{INDEX_V3} is not usable ({exc})") from None
    relative = "/".join(blob_path(record))
    if (cache / relative).is_file() and _read_bytes(cache / INDEX_V3) == text:
        return FetchResult(cache, "", 1)
    data = _get(base + relative, timeout, _MAX_BYTES)
    if data is None:
        raise _UnusableIndexError(f"{base}{relative} does not exist (404)")
    if hashlib.sha256(data).hexdigest() != record["checksum"]:
        raise _UnusableIndexError(f"{base}{relative} does not match its sha256 checksum")
    write_atomically(cache / relative, data)
    write_atomically(cache / INDEX_V3, text)  # last: it names the blob
    for old in (cache / "blobs" / "sha256").glob("*/*"):
        if old != cache / relative:
            old.unlink(missing_ok=True)  # the index blobs of earlier fetches
    return FetchResult(cache, "", 2, fetched=True)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


class _UnusableIndexError(Exception):
    """The mirror answered, but not with a usable index."""


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return float("inf")


def _read(path: Path) -> str | None:
    try:
        return path.read_text("ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _get(url: str, timeout: float, limit: int) -> bytes | None:
    """The body of *url* (``None`` for 404), at most *limit* bytes; raises for any other
    failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "sphinx-spackcache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    if len(data) > limit:
        raise _UnusableIndexError(f"{url} is larger than {limit:,} bytes")
    return data


def _get_text(url: str, timeout: float) -> str | None:
    data = _get(url, timeout, _SMALL_BYTES)
    if data is None:
        return None
    text = data.decode("ascii", errors="replace").strip().lower()
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None
