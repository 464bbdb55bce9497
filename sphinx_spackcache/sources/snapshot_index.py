"""The Spack build cache's snapshot index: ``cache_spack_io_index.json``, which
binaries.spack.io publishes and spack/spack-cache (the site of cache.spack.io since 2026)
reads to know every ref's stack indexes.

Its producer is spack/spack-infrastructure ``images/cache-indexer/cache_indexer.py``,
which lists the bucket and writes::

    {"<ref>": [{"label": "root", "url": "s3://spack-binaries/<ref>/blobs/sha256/<xx>/<sum>"},
               {"label": "<stack>", "url": "s3://spack-binaries/<ref>/<stack>/..."}, ...]}

* a ref is ``develop``, ``develop-YYYY-MM-DD`` or ``vX.Y.Z`` (its ``REF_REGEXES``; a
  site's own index may have others, and any valid name is read);
* a label is ``root`` for the ref's top-level mirror (the folder after the ref is the
  layout's ``v3``), else the stack, the folder after the ref;
* a url is a v2 index, ``<mirror>/build_cache/index.json``, or a v3 index blob,
  ``<mirror>/blobs/sha256/<xx>/<checksum>`` (``get_index_url``: the database JSON
  itself, named by its checksum; the manifest that named it is not in the index).

Its consumer, spack/spack-cache ``data.py``, reads every label but ``root``
(``IGNORE_STACKS``) and maps ``s3://spack-binaries/`` to ``https://binaries.spack.io/``;
:func:`read_snapshot_index` does the same with ``spackcache_buckets``, and reads the
``root`` mirror only for a ref that has no stack (the root mirror is where the stacks'
binaries are copied to for readers: its index is the largest and lists no spec that a
stack does not, so reading it would cost the most and add only a stack ``root`` to
every spec; its URL is still what the install commands name).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from ..data.problems import Problem, RecordError, excerpt, quoted
from .store import is_valid_name
from .urls import is_url, location_problem, redact

__all__ = [
    "BLOB",
    "MAX_SNAPSHOT_INDEX",
    "ROOT",
    "IndexRef",
    "StackIndex",
    "blob_checksum",
    "bucket_problem",
    "read_snapshot_index",
]

#: The label of a ref's top-level mirror.
ROOT = "root"
#: The largest snapshot index read (the live one is well under a megabyte).
MAX_SNAPSHOT_INDEX = 16 * 1024**2
#: A v3 index blob's URL: the mirror, then ``blobs/sha256/<xx>/<checksum>``.
BLOB = re.compile(r"(?P<mirror>.*/)?blobs/sha256/(?P<xx>[0-9a-f]{2})/(?P<checksum>[0-9a-f]{64})")
_V2_INDEX = "build_cache/index.json"
#: An S3 bucket name (AWS's rules, dots allowed).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_GROUP = "entries of the snapshot index are not usable and were skipped"


@dataclass(frozen=True, slots=True)
class StackIndex:
    """One mirror of a ref: its label, and the https URL of its index (a v2 mirror's
    base URL, or a v3 index blob's URL: see :func:`blob_checksum`)."""

    label: str
    url: str
    #: The mirror's own URL (what ``spack mirror add`` takes).
    mirror: str


@dataclass(frozen=True, slots=True)
class IndexRef:
    """A ref of the index: the stacks that make its snapshot, and its root mirror."""

    ref: str
    stacks: tuple[StackIndex, ...]
    root: StackIndex | None


def blob_checksum(url: str) -> str | None:
    """The checksum a v3 index blob's *url* names (``None``: it is not one).

    >>> blob_checksum("https://h/develop/e4s/blobs/sha256/ab/" + "ab" * 32) == "ab" * 32
    True
    """
    found = BLOB.fullmatch(url)
    if found is None or found["checksum"][:2] != found["xx"]:
        return None
    return found["checksum"]


def bucket_problem(bucket: object, base: object) -> str | None:
    """Why *bucket* -> *base* cannot be an entry of ``spackcache_buckets``."""
    if not isinstance(bucket, str) or not _BUCKET.fullmatch(bucket):
        return f"{quoted(bucket)} is not an S3 bucket name"
    if not isinstance(base, str) or not is_url(base):
        return f"the base of {bucket!r} must be an http(s) URL, not {quoted(base)}"
    reason = location_problem(base)
    return None if reason is None else f"the base of {bucket!r}, {reason}"


def _https(url: str, buckets: Mapping[str, str]) -> str:
    """The http(s) URL *url* (``s3://`` or http(s)) is read from.

    :raises ValueError: when it cannot be read.
    """
    if location_problem(url) is not None:
        raise ValueError(f"URL {quoted(redact(url))} holds a control or invisible character")
    if url.startswith("s3://"):
        bucket, _, key = url.removeprefix("s3://").partition("/")
        if bucket not in buckets:
            raise ValueError(
                f"URL {quoted(url)} is in bucket {bucket!r}, which spackcache_buckets does not name"
            )
        if ".." in key.split("/") or "?" in key or "#" in key or key.startswith("/"):
            raise ValueError(f"URL {quoted(url)} is not a plain key of its bucket")
        base = buckets[bucket]
        return base + ("" if base.endswith("/") else "/") + key
    if is_url(url):
        return url
    raise ValueError(f"URL {quoted(redact(url))} is neither s3:// nor http(s)")


def _stack(label: str, url: str) -> StackIndex:
    """The stack of *label* at the http(s) *url*.

    :raises ValueError: when *url* is neither a v2 index nor a v3 index blob.
    """
    found = BLOB.fullmatch(url)
    if found is not None and blob_checksum(url) is not None:
        return StackIndex(label, url, found["mirror"] or "")
    if url.endswith("/" + _V2_INDEX):
        mirror = url.removesuffix(_V2_INDEX)
        return StackIndex(label, mirror, mirror)
    raise ValueError(
        f"URL {quoted(redact(url))} is neither a v2 index (.../{_V2_INDEX}) nor a v3 "
        "index blob (.../blobs/sha256/<xx>/<sha256>)"
    )


def _decode(raw: bytes, location: str) -> dict[str, Any]:
    try:
        document = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        message = f"not a snapshot index: the JSON is broken ({excerpt(str(exc))})"
        raise RecordError(location, 1, message) from None
    if not isinstance(document, dict):
        message = "not a snapshot index: not a JSON object of refs"
        raise RecordError(location, 1, message)
    return document


def read_snapshot_index(
    raw: bytes, location: str, buckets: Mapping[str, str], patterns: Iterable[str]
) -> tuple[tuple[IndexRef, ...], tuple[Problem, ...]]:
    """The refs of the snapshot index *raw* (read from *location*) that match one of
    the shell *patterns*, sorted by name, each with the stacks whose index is to be
    read; and the problems of the entries that were skipped (a ref or label that is not
    a valid name, a label given twice, a URL outside *buckets* or not an index).

    :raises RecordError: when it is not a snapshot index at all.
    """
    document = _decode(raw, location)
    patterns = tuple(patterns)
    problems: list[Problem] = []

    def skip(message: str) -> None:
        problems.append(Problem(location, 1, message, group=_GROUP))

    refs: list[IndexRef] = []
    for ref in sorted(document, key=str):
        if not any(fnmatch.fnmatchcase(ref, pattern) for pattern in patterns):
            continue
        if not is_valid_name(ref):
            skip(f"ref {quoted(excerpt(ref, 60))} is not a valid snapshot name; skipped")
            continue
        entries = document[ref]
        if not isinstance(entries, list):
            skip(f"ref {ref!r}: not a list of mirrors; skipped")
            continue
        mirrors: dict[str, StackIndex] = {}
        for entry in entries:
            label = entry.get("label") if isinstance(entry, dict) else None
            url = entry.get("url") if isinstance(entry, dict) else None
            if not isinstance(label, str) or not isinstance(url, str):
                skip(f"ref {ref!r}: {quoted(excerpt(repr(entry), 60))} has no label and url")
                continue
            if not is_valid_name(label):
                skip(f"ref {ref!r}: label {quoted(excerpt(label, 60))} is not a valid name")
                continue
            if label in mirrors:
                skip(f"ref {ref!r}: label {label!r} is given again; the first is read")
                continue
            try:
                mirrors[label] = _stack(label, _https(url, buckets))
            except ValueError as exc:
                skip(f"ref {ref!r}, stack {label!r}: {exc}; skipped")
        root = mirrors.pop(ROOT, None)
        stacks = tuple(mirrors.values()) or ((root,) if root is not None else ())
        if not stacks:
            skip(f"ref {ref!r} has no usable mirror; skipped")
            continue
        refs.append(IndexRef(ref, stacks, root))
    return tuple(refs), tuple(problems)
