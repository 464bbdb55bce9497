"""Fetch a Spack mirror's index over http(s) into a local folder, and keep it fresh.

A mirror at ``https://cache.example.org/2025.04`` keeps its index at
``build_cache/index.json`` and the index's SHA-256 at ``build_cache/index.json.hash``
(Spack writes both, and reads the hash to tell whether the index changed).
:func:`fetch_mirror` copies the index into a cache folder laid out the same way, which
:class:`~.mirror.MirrorSource` then reads like any local mirror:

* within *max_age* seconds of the last check, nothing is requested at all (a rebuild
  that changed nothing costs no request);
* after that, the hash is requested (a few dozen bytes); when it is the one the copy
  was fetched with, the copy is kept and not even rewritten (so no page is read again);
* otherwise the index is fetched, checked against the hash, and written atomically;
* when the mirror cannot be reached, a copy fetched earlier is used, with a problem
  that says so; without a copy, the mirror is left out.

The standard library's ``urllib`` does the requests: two GETs with a timeout, redirects
followed, certificates checked by the default SSL context; no client library is needed
for that. Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FetchResult", "fetch_mirror", "is_url"]

_INDEX = "build_cache/index.json"
_HASH = "build_cache/index.json.hash"
#: The file whose modification time is the last successful check.
_CHECKED = ".checked"
#: The largest index accepted (Spack's largest public build caches are a few hundred MB).
_MAX_BYTES = 2 * 1024**3


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
    """Bring the copy of the index of the mirror at *url* in *cache* up to date."""
    base = url.rstrip("/") + "/"
    index, digest, checked = cache / _INDEX, cache / _HASH, cache / _CHECKED
    if index.is_file() and max_age > 0 and _age(checked) < max_age:
        return FetchResult(cache, "", 0)
    requests = 0
    try:
        requests += 1
        remote_hash = _get_text(base + _HASH, timeout)
        if remote_hash is not None and index.is_file() and _read(digest) == remote_hash:
            checked.touch()
            return FetchResult(cache, "", requests)
        requests += 1
        data = _get(base + _INDEX, timeout)
        if data is None:
            raise _UnusableIndexError(f"{base}{_INDEX} does not exist (404)")
        if remote_hash is not None and hashlib.sha256(data).hexdigest() != remote_hash:
            raise _UnusableIndexError(
                f"{base}{_HASH} ({remote_hash[:12]}...) is not the SHA-256 of the index "
                f"({hashlib.sha256(data).hexdigest()[:12]}...)"
            )
        _write_atomically(index, data)
        _write_atomically(digest, (remote_hash or "").encode("ascii"))
        checked.touch()
        return FetchResult(cache, "", requests, fetched=True)
    except (_UnusableIndexError, urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if index.is_file():
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(index.stat().st_mtime))
            return FetchResult(
                cache, f"cannot fetch {url}: {reason}; using the copy of {when}", requests
            )
        return FetchResult(None, f"cannot fetch {url}: {reason}; the mirror is left out", requests)


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


def _get(url: str, timeout: float) -> bytes | None:
    """The body of *url* (``None`` for 404); raises for any other failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "sphinx-spackcache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    if len(data) > _MAX_BYTES:
        raise _UnusableIndexError(f"{url} is larger than {_MAX_BYTES:,} bytes")
    return data


def _get_text(url: str, timeout: float) -> str | None:
    data = _get(url, timeout)
    if data is None:
        return None
    text = data.decode("ascii", errors="replace").strip()
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
