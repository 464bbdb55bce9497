"""The spec manifests of a v3 mirror over http(s): each binary's size and SHA-256,
fetched for the binaries a page shows.

A v3 mirror keeps one manifest per binary, at
``<mirror>/v3/manifests/spec/<name>/<name>-<version>-<hash>.spec.manifest.json``
(spack/spack ``lib/spack/spack/url_buildcache.py``, ``URLBuildcacheEntry.get_manifest_url``
and ``get_manifest_filename``, commit 00b778b4a9d53021fafb3b3a0c7d8ce0b8dcfa37); its
tarball record gives the binary's compressed size (``contentLength``) and the
SHA-256 of the tarball (:func:`~.mirror.tarball`). A local mirror's manifests are read
with its index (:class:`~.mirror.MirrorSource`); over http(s) that is one request per
binary, thousands for a whole mirror, so only the binaries a page shows are asked for
(and those they bring with them, for their size with dependencies):

* :func:`manifest_jobs` says which, and where each one's copy is kept: in the fetch
  cache, ``manifests/<16 hex digits of the SHA-256 of the mirror's URL>/<hash>.json``.
  A binary's DAG hash names what was built, and Spack does not push a binary over one
  of the same hash unless told to (``spack buildcache push --force``), so a copy is
  used without a request, whatever its age (a build that shows the same binaries again
  asks for nothing);
* :func:`fetch_manifests` fetches the others concurrently, at most *workers* at a time
  (a thread each: the work is waiting on the network), each within *timeout* seconds,
  and gives each result as it comes, so that the caller can show progress. A manifest
  that cannot be fetched, is larger than :data:`MAX_MANIFEST`, or is not a manifest
  with a usable tarball record is a problem, and its binary has no size; nothing of it
  is kept, so that the next build asks again. Each thread keeps its connection to the
  mirror open for its next manifest (HTTP/1.1, :class:`~.fetch.Connections`): one TCP
  connection and TLS handshake per thread, not one per binary; they are closed when
  all are fetched;
* a usable manifest, read from its copy or fetched, is remembered in the process by its
  URL (the mirror's and the hash: what was built), so that the pages that show its
  binary after the first neither read its copy again nor ask for it
  (:func:`clear_manifest_memo` forgets them).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..data.model import SPACK_HASH, Spec
from ..data.problems import RecordError
from .fetch import _FAILURES, Connections, Deadline, cache_folder
from .files import read_regular, write_atomically
from .mirror import NotASizeError, Tarball, parse_manifest, tarball
from .urls import redact

__all__ = [
    "MAX_MANIFEST",
    "MAX_WORKERS",
    "SPEC_MANIFESTS",
    "ManifestJob",
    "ManifestResult",
    "clear_manifest_memo",
    "fetch_manifests",
    "manifest_jobs",
    "manifest_path",
]

#: Where a v3 mirror keeps its spec manifests, from its root.
SPEC_MANIFESTS = "v3/manifests/spec"
#: The largest spec manifest read (Spack's are well under a kilobyte, signed ones a few).
MAX_MANIFEST = 1024**2
#: How many manifests are fetched at a time, at most.
MAX_WORKERS = 16
#: The folder of the fetch cache that keeps the manifests fetched.
_FOLDER = "manifests"
#: The tarball of each usable manifest read in this process (from its copy or
#: fetched), by the manifest's URL.
_MEMO: dict[str, Tarball] = {}


def clear_manifest_memo() -> None:
    """Forget the manifests read in this process (their copies are read again)."""
    _MEMO.clear()


def manifest_path(name: str, version: str, spec_hash: str) -> str:
    """The spec manifest of a binary, from its mirror's root (each part of the name
    quoted, so that no name or version leaves the folder).

    >>> manifest_path("zlib", "1.3.1", "abc")
    'v3/manifests/spec/zlib/zlib-1.3.1-abc.spec.manifest.json'
    """
    quoted_name = urllib.parse.quote(name, safe="")
    quoted_version = urllib.parse.quote(version, safe="")
    return (
        f"{SPEC_MANIFESTS}/{quoted_name}/{quoted_name}-{quoted_version}-{spec_hash}"
        ".spec.manifest.json"
    )


@dataclass(frozen=True, slots=True)
class ManifestJob:
    """One binary's manifest to read: its hash, its URL, and where its copy is kept."""

    hash: str
    url: str
    copy: Path


@dataclass(frozen=True, slots=True)
class ManifestResult:
    """What one manifest gave: its binary's tarball (``None``: no size), why not
    (``""``), and whether it took a request (``False``: the copy was used)."""

    hash: str
    tarball: Tarball | None
    problem: str = ""
    requested: bool = False


def manifest_jobs(
    binaries: Iterable[tuple[str, Spec]], remotes: Mapping[str, str], cache_root: Path
) -> list[ManifestJob]:
    """The manifests to read for *binaries* (``(package, spec)`` pairs; each hash once,
    in the order given): each in the mirror of the first of its stacks that *remotes*
    (stack -> mirror URL) names; none for a spec that already has a size, has no such
    stack, or whose hash is not a Spack hash (it names a file)."""
    jobs: dict[str, ManifestJob] = {}
    for package, spec in binaries:
        if spec.hash in jobs or spec.record_bytes is not None:
            continue
        if not SPACK_HASH.fullmatch(spec.hash) or not spec.versions:
            continue
        mirror = next((remotes[s] for s in spec.stacks if s in remotes), None)
        if mirror is None:
            continue
        url = mirror.rstrip("/") + "/" + manifest_path(package, spec.versions[0], spec.hash)
        folder = cache_root / _FOLDER / cache_folder(cache_root, mirror).name
        jobs[spec.hash] = ManifestJob(spec.hash, url, folder / f"{spec.hash}.json")
    return list(jobs.values())


def fetch_manifests(
    jobs: Iterable[ManifestJob], *, timeout: float, workers: int = MAX_WORKERS
) -> Iterator[ManifestResult]:
    """The result of each of *jobs*, those read before in this process and the copies
    first, then each fetched manifest as it comes (at most *workers* requests at a time,
    each within *timeout* seconds, a connection kept open by each worker)."""
    pending: list[ManifestJob] = []
    for job in jobs:
        known = _MEMO.get(job.url)
        if known is not None:
            yield ManifestResult(job.hash, known)
            continue
        copied = _from_copy(job)
        if copied is None:
            pending.append(job)
        else:
            yield _remembered(job, copied)
    if not pending:
        return
    connections = Connections()
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pending)))) as pool:
            futures: dict[Future[ManifestResult], ManifestJob] = {
                pool.submit(_fetch_one, job, timeout, connections): job for job in pending
            }
            for future in as_completed(futures):
                yield _remembered(futures[future], future.result())
    finally:
        connections.close()


def _remembered(job: ManifestJob, result: ManifestResult) -> ManifestResult:
    """*result*, remembered in :data:`_MEMO` when it is usable."""
    if result.tarball is not None and not result.problem:
        _MEMO[job.url] = result.tarball
    return result


def _from_copy(job: ManifestJob) -> ManifestResult | None:
    """The result of *job* from its copy, ``None`` when there is no usable one."""
    try:
        raw = read_regular(job.copy, MAX_MANIFEST)
    except OSError:
        return None
    result = _parsed(job, raw, requested=False)
    return result if not result.problem else None


def _fetch_one(job: ManifestJob, timeout: float, connections: Connections) -> ManifestResult:
    """Fetch *job*'s manifest (on a connection of *connections*), keep it when it is
    usable."""
    try:
        raw = connections.get(job.url, MAX_MANIFEST, Deadline(timeout))
    except _FAILURES as exc:
        reason: object = exc
        if isinstance(exc, urllib.error.HTTPError):
            reason = f"HTTP {exc.code} {exc.reason}"
        elif isinstance(exc, urllib.error.URLError):
            reason = exc.reason
        return ManifestResult(job.hash, None, f"cannot fetch {redact(job.url)}: {reason}", True)
    if raw is None:
        return ManifestResult(job.hash, None, f"{redact(job.url)} does not exist (404)", True)
    result = _parsed(job, raw, requested=True)
    if not result.problem:
        # a copy not kept is asked for again at the next build, nothing worse
        with contextlib.suppress(OSError):
            write_atomically(job.copy, raw)
    return result


def _parsed(job: ManifestJob, raw: bytes, *, requested: bool) -> ManifestResult:
    """The tarball *raw* (a manifest's bytes) gives."""
    where = redact(job.url)
    try:
        found = tarball(parse_manifest(raw.decode("utf-8"), where), where)
    except UnicodeDecodeError as exc:
        message = f"{where} is not UTF-8 text ({exc.reason})"
        return ManifestResult(job.hash, None, message, requested)
    except RecordError as exc:
        return ManifestResult(job.hash, None, f"{where}: {exc.problem.message}", requested)
    except NotASizeError as exc:
        return ManifestResult(job.hash, None, str(exc), requested)
    if found is None:
        return ManifestResult(job.hash, None, f"{where} names no tarball", requested)
    return ManifestResult(job.hash, found, "", requested)
