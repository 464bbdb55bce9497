"""Spec manifests over kept-alive connections, and remembered in the process (issue:
the manifests of a live-scale site cost a TCP connection each, and each page read again
the copies other pages had read).

A server of our own (an HTTP/1.1 ``http.server`` that counts the connections it
accepts, and may close a connection after some answers without saying so) serves a
copy of tests/mirrors; the expected tarballs come from tests/test_sizes.py's reading of
the manifest files. Nothing leaves the machine.
"""

from __future__ import annotations

import base64
import shutil
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.sources import manifests
from sphinx_spackcache.sources.manifests import (
    MAX_MANIFEST,
    ManifestJob,
    ManifestResult,
    fetch_manifests,
)

from . import test_fetch_hostile
from .conftest import MIRRORS, Build, warnings_of
from .test_fetch_hostile import DRIPS, Drip
from .test_sizes import conf_for, expected_rows, rows, tarballs

MIRROR = "spack-v3-test"
#: tests/test_fetch_hostile.py's self-signed certificate for 127.0.0.1, and the server's
#: TLS context (the client trusts that certificate only).
certificate = test_fetch_hostile.certificate
tls = test_fetch_hostile.tls
#: A connection left open when fetch_manifests is done is an error.
pytestmark = [
    pytest.mark.filterwarnings("error::ResourceWarning"),
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]


class KeepAlive:
    """tests/mirrors (a copy in *root*) served over HTTP/1.1: *connections* counts the
    connections accepted, *requests* the paths asked for (with the Authorization header
    each came with); a connection is closed, without a word, after *close_after*
    answers (0: never). ``/moved/<path>`` is redirected to ``<path>`` on *target* (a
    server of its own: another host for the client), ``/drip/<path>`` answered with its
    headers and then one byte every 50 ms, ``/none<path>`` 404 (the connection kept)."""

    def __init__(self, root: Path, *, close_after: int = 0, target: str = "") -> None:
        self.root = root
        self.connections = 0
        self.requests: list[tuple[str, str | None]] = []
        self.close_after = close_after
        self.target = target
        self.delay = 0.0
        self.stopped = threading.Event()
        this = self

        class Handler(SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # as a web server (benchmarks/sizes.py)
            answered = 0

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:
                this.requests.append((self.path, self.headers.get("Authorization")))
                time.sleep(this.delay)
                if self.path.startswith("/moved/"):
                    self.send_response(302)
                    self.send_header("Location", this.target + self.path.removeprefix("/moved"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path.startswith("/none"):
                    # as S3 answers: the connection kept (http.server's send_error
                    # closes it)
                    body = b"<Error><Code>NoSuchKey</Code></Error>"
                    self.send_response(404)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif self.path.startswith("/drip/"):
                    self.send_response(200)
                    self.send_header("Content-Length", "300")
                    self.end_headers()
                    for _ in range(300):
                        if this.stopped.wait(0.05):
                            break
                        self.wfile.write(b"{")
                        self.wfile.flush()
                    self.close_connection = True
                else:
                    super().do_GET()
                self.answered += 1
                if this.close_after and self.answered >= this.close_after:
                    self.close_connection = True  # and no "Connection: close" said

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Counting(ThreadingHTTPServer):
            def get_request(self) -> Any:
                accepted = super().get_request()
                this.connections += 1
                return accepted

        self.httpd = Counting(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def stop(self) -> None:
        self.stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def keepalive(tmp_path: Path) -> Iterator[KeepAlive]:
    root = tmp_path / "served"
    shutil.copytree(MIRRORS / MIRROR, root / MIRROR)
    running = KeepAlive(root)
    yield running
    running.stop()


def jobs_for(base: str, cache: Path, times: int = 1) -> list[ManifestJob]:
    """A job for each manifest of the test mirror at *base* (each *times*, copies in
    folders of their own), in the order of their hashes."""
    return [
        ManifestJob(key, f"{base}/{MIRROR}/{path}", cache / str(n) / f"{key}.json")
        for n in range(times)
        for key, (_, _, path) in sorted(tarballs().items())
    ]


def results(jobs: list[ManifestJob], **kwargs: Any) -> list[ManifestResult]:
    return sorted(fetch_manifests(jobs, **{"timeout": 5.0, **kwargs}), key=lambda r: r.hash)


def expected(times: int = 1) -> list[tuple[str, int, str]]:
    return sorted(
        (key, size, sha256) for key, (size, sha256, _) in tarballs().items() for _ in range(times)
    )


def tarballs_of(found: list[ManifestResult]) -> list[tuple[str, int, str]]:
    assert [r.problem for r in found if r.problem] == []
    return sorted((r.hash, r.tarball.size, str(r.tarball.sha256)) for r in found if r.tarball)


@pytest.mark.parametrize("workers", [1, 2])
def test_one_connection_per_worker_not_per_manifest(
    keepalive: KeepAlive, tmp_path: Path, workers: int
) -> None:
    """36 manifests (the test mirror's 6, six times each), and 6 that do not exist (404:
    a mirror without spec manifests), on at most *workers* connections."""
    jobs = jobs_for(keepalive.url, tmp_path / "c", times=6)
    missing = [
        ManifestJob(f"{n}" * 32, f"{keepalive.url}/none/{n}.json", tmp_path / "m") for n in range(6)
    ]
    found = results(jobs + missing, workers=workers)
    assert tarballs_of([r for r in found if r.tarball]) == expected(times=6)
    assert sorted(r.problem for r in found if r.problem) == sorted(
        f"{keepalive.url}/none/{n}.json does not exist (404)" for n in range(6)
    )
    assert len(keepalive.requests) == 42
    assert 1 <= keepalive.connections <= workers


@pytest.mark.parametrize("close_after", [1, 2, 5])
def test_a_server_that_closes_its_connections_still_gives_every_manifest(
    keepalive: KeepAlive, tmp_path: Path, close_after: int
) -> None:
    """The server closes each connection after *close_after* answers without saying so:
    the next request on it fails, and is sent again once on a new connection."""
    keepalive.close_after = close_after
    jobs = jobs_for(keepalive.url, tmp_path / "c", times=5)
    found = results(jobs, workers=1)
    assert tarballs_of(found) == expected(times=5)
    # each request answered once (a request sent on a closed connection never arrives)
    assert len(keepalive.requests) == 30
    assert keepalive.connections == -(-30 // close_after)


@pytest.mark.parametrize("close_after", [0, 2])
def test_over_https_one_handshake_per_worker(
    keepalive: KeepAlive, tls: ssl.SSLContext, tmp_path: Path, close_after: int
) -> None:
    """Over TLS: 12 manifests on one connection (one handshake), or on one per two
    answers when the server closes them after two without saying so."""
    keepalive.httpd.socket = tls.wrap_socket(keepalive.httpd.socket, server_side=True)
    keepalive.close_after = close_after
    base = keepalive.url.replace("http://", "https://")
    found = results(jobs_for(base, tmp_path / "c", times=2), workers=1)
    assert tarballs_of(found) == expected(times=2)
    assert len(keepalive.requests) == 12
    assert keepalive.connections == (6 if close_after else 1)


def test_each_manifest_has_its_own_deadline_on_a_kept_connection(
    keepalive: KeepAlive, tmp_path: Path
) -> None:
    """Each answer takes 0.3 s, all six 1.8 s, on one connection: each is in time (its
    deadline, 1 s, starts with its request, not with the connection)."""
    keepalive.delay = 0.3
    found = results(jobs_for(keepalive.url, tmp_path / "c"), workers=1, timeout=1.0)
    assert tarballs_of(found) == expected()
    assert keepalive.connections == 1


def test_a_manifest_dripped_on_a_kept_connection_is_given_up_at_its_deadline(
    keepalive: KeepAlive, tmp_path: Path
) -> None:
    """The second of three manifests is dripped (300 bytes, one every 50 ms): given up
    at its deadline (0.8 s), its connection dropped; the third comes on a new one."""
    first, second, third = jobs_for(keepalive.url, tmp_path / "c")[:3]
    dripped = ManifestJob(
        second.hash, second.url.replace(f"/{MIRROR}/", f"/drip/{MIRROR}/"), second.copy
    )
    started = time.monotonic()
    found = list(fetch_manifests([first, dripped, third], timeout=0.8, workers=1))
    assert time.monotonic() - started < 2.0
    assert [r.hash for r in found if r.problem] == [second.hash]
    assert found[1].problem.startswith(f"cannot fetch {dripped.url}: ")
    assert {r.hash for r in found if r.tarball} == {first.hash, third.hash}
    assert keepalive.connections == 2


@pytest.fixture
def dripping(request: pytest.FixtureRequest) -> Iterator[Drip]:
    """tests/test_fetch_hostile.py's ``drip`` fixture."""
    head, body, slow = DRIPS[request.param]
    pause = 1.0 if request.param == "silence" else 0.05  # silence: no byte within 1 s
    server = Drip(head, body, slow=slow, pause=pause)
    yield server
    server.stop()


@pytest.mark.parametrize("dripping", DRIPS, indirect=True)
def test_a_dripping_server_is_given_up_at_the_deadline(dripping: Drip, tmp_path: Path) -> None:
    """tests/test_fetch_hostile.py's dripping servers (each a new connection: they
    answer HTTP/1.0), a manifest each, within the deadline (0.8 s)."""
    drip = dripping
    job = ManifestJob("a" * 32, f"{drip.url}/m/x.spec.manifest.json", tmp_path / "a.json")
    started = time.monotonic()
    (found,) = fetch_manifests([job], timeout=0.8)
    assert time.monotonic() - started < 2.0
    if drip.slow:  # the index only: the manifest is answered 404 at once
        assert found.problem == f"{job.url} does not exist (404)"
    else:
        assert found.problem.startswith(f"cannot fetch {job.url}: ")
    assert found.tarball is None
    assert not job.copy.exists()


def test_an_oversized_manifest_is_refused_and_the_connection_dropped(
    keepalive: KeepAlive, tmp_path: Path
) -> None:
    first, second = jobs_for(keepalive.url, tmp_path / "c")[:2]
    big = keepalive.root / "big.json"
    big.write_bytes(b" " * (MAX_MANIFEST + 64 * 1024))
    oversized = ManifestJob("b" * 32, f"{keepalive.url}/big.json", tmp_path / "big.json")
    found = list(fetch_manifests([first, oversized, second], timeout=5, workers=1))
    assert [r.problem for r in found if r.problem] == [
        f"cannot fetch {oversized.url}: {oversized.url} is larger than 1,048,576 bytes"
    ]
    assert {r.hash for r in found if r.tarball} == {first.hash, second.hash}
    assert not oversized.copy.exists()
    assert keepalive.connections == 2  # the rest of the big one was not read


def test_a_redirect_is_followed_and_the_credentials_stay_with_the_mirror(
    keepalive: KeepAlive, tmp_path: Path
) -> None:
    """The mirror (with credentials in its URL) redirects every manifest to another
    server: they come from there, which is not sent the credentials."""
    mirror = KeepAlive(tmp_path / "empty", target=keepalive.url)
    try:
        base = f"http://me:s3cr3t@{mirror.url.removeprefix('http://')}/moved"
        found = results(jobs_for(base, tmp_path / "c"), workers=2)
    finally:
        mirror.stop()
    assert tarballs_of(found) == expected()
    token = "Basic " + base64.b64encode(b"me:s3cr3t").decode()
    assert {auth for _, auth in mirror.requests} == {token}
    assert sorted(keepalive.requests) == sorted(
        (f"/{MIRROR}/{path}", None) for _, _, path in tarballs().values()
    )
    assert all("s3cr3t" not in r.problem for r in found)


def test_a_manifest_read_once_is_not_read_nor_asked_for_again(
    keepalive: KeepAlive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process: fetched, then given again without a request or a read of its
    copy; a manifest that could not be used (404) is asked for again."""
    read: list[Path] = []
    real = manifests.read_regular  # type: ignore[attr-defined]

    def counted(path: Path, limit: int) -> bytes:
        read.append(path)
        return real(path, limit)

    monkeypatch.setattr(manifests, "read_regular", counted)
    jobs = jobs_for(keepalive.url, tmp_path / "c")
    missing = ManifestJob("c" * 32, f"{keepalive.url}/none.json", tmp_path / "none.json")
    first = results([*jobs, missing])
    assert len(read) == 7  # no copy yet
    assert len(keepalive.requests) == 7
    second = results([*jobs, missing])
    assert tarballs_of([r for r in second if r.tarball]) == expected()
    assert [r.requested for r in second if r.tarball] == [False] * 6
    assert [r.tarball for r in second] == [r.tarball for r in first]
    assert keepalive.paths()[7:] == ["/none.json"]
    assert read[7:] == [missing.copy]

    manifests.clear_manifest_memo()  # forgotten: the copies are read again
    assert tarballs_of(results(jobs)) == expected()
    assert sorted(read[8:]) == sorted(job.copy for job in jobs)
    assert len(keepalive.requests) == 8


def test_pages_read_again_in_one_process_read_no_copy(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sizes root over HTTP/1.1 through Sphinx: a page read again in the same
    process (its source changed) reads no copy of a manifest, and every page's sizes are
    right."""
    root = tmp_path / "served"
    shutil.copytree(MIRRORS, root)
    server = KeepAlive(root)
    read: list[Path] = []
    real = manifests.read_regular  # type: ignore[attr-defined]

    def counted(path: Path, limit: int) -> bytes:
        read.append(path)
        return real(path, limit)

    monkeypatch.setattr(manifests, "read_regular", counted)
    try:
        conf = conf_for(server, tmp_path)  # type: ignore[arg-type]
        app = build("sizes", conf=conf)
        assert warnings_of(app) == []
        asked = [p for p in server.paths() if "/v3/manifests/spec/" in p]
        assert len(asked) == len(set(asked)) > 1
        source = app.srcdir / "libdwarf.rst"
        source.write_text(source.read_text("utf-8") + "\nAgain.\n", "utf-8")
        copies_before = len(read)
        app = build("sizes", conf=conf)
        assert warnings_of(app) == []
        assert read[copies_before:] == []
        assert [p for p in server.paths() if "/v3/manifests/spec/" in p] == asked
        assert rows(app.outdir / "libdwarf.html") == expected_rows("libdwarf")
    finally:
        server.stop()
