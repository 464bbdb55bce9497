"""Fetching from hostile servers and into a damaged cache (issue 22, items 1 and 2): a
deadline for the whole fetch, whatever the server drips; special files in the fetch
cache refused without being waited on; a cache keyed by the mirror's URL, whose copies
are checked before they are trusted. Every server listens on 127.0.0.1 only, and every
loop of theirs is bounded."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.sources import mirror
from sphinx_spackcache.sources.fetch import fetch_mirror

from .conftest import MIRRORS, Build
from .test_fetch import MANIFEST, Server
from .test_mirror_files import make_special, within

INDEX = "build_cache/index.json"
HASH = "build_cache/index.json.hash"


class Drip:
    """A server that answers each request (after its headers) with *head*, at once,
    then *drip* one byte every *pause* seconds: at most *count* bytes, so that every
    loop ends. Paths not ending in *slow* are answered 404 at once."""

    def __init__(
        self,
        head: bytes,
        drip: bytes,
        *,
        slow: str = "",
        pause: float = 0.05,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.head, self.drip, self.slow, self.pause, self.tls = head, drip, slow, pause, tls
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        if self.tls is not None:
            try:
                connection = self.tls.wrap_socket(connection, server_side=True)
            except OSError:
                connection.close()
                return
        with connection:
            request = b""
            for _ in range(100):  # bounded: a request is a few hundred bytes
                if b"\r\n\r\n" in request:
                    break
                request += connection.recv(4096) or b"\r\n\r\n"
            self.requests.append(request)
            path = request.split(b" ")[1].decode("latin-1") if request.count(b" ") > 1 else ""
            try:
                if not path.endswith(self.slow):
                    connection.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    return
                connection.sendall(self.head)
                for byte in self.drip:
                    if self.stopped.wait(self.pause):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(2)
        self.listener.close()


DRIPS = {
    # the status line and the headers, a byte at a time
    "status line": (b"", b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}" * 4, ""),
    "headers": (b"HTTP/1.0 200 OK\r\n", b"X-Slow: " + b"a" * 200 + b"\r\n\r\n{}", ""),
    # the body, a byte at a time: with a length, chunked, and till the server closes
    "body": (b"HTTP/1.0 200 OK\r\nContent-Length: 300\r\n\r\n", b"{" * 300, ""),
    "chunked body": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        b"1\r\n{\r\n" * 60,
        "",
    ),
    "body to the end": (b"HTTP/1.0 200 OK\r\n\r\n", b"{" * 300, ""),
    # the small requests answered at once (404), then the index dripped
    "the index only": (b"HTTP/1.0 200 OK\r\nContent-Length: 300\r\n\r\n", b"{" * 300, INDEX),
    # nothing at all (a per-read timeout caught this one already)
    "silence": (b"", b"\0" * 100, ""),
}


@pytest.fixture
def drip(request: pytest.FixtureRequest) -> Iterator[Drip]:
    head, body, slow = DRIPS[request.param]
    pause = 1.0 if request.param == "silence" else 0.05  # silence: no byte within 1 s
    server = Drip(head, body, slow=slow, pause=pause)
    yield server
    server.stop()


@pytest.mark.parametrize("drip", DRIPS, indirect=True)
def test_a_dripping_server_is_given_up_at_the_deadline(drip: Drip, tmp_path: Path) -> None:
    """Each byte comes well within the socket timeout; the whole answer does not come
    within the deadline (0.8 s): the fetch ends then, and says so."""
    started = time.monotonic()
    result = fetch_mirror(drip.url + "/m", tmp_path / "c", timeout=0.8, max_age=0)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert result.folder is None
    assert result.problem == (
        f"cannot fetch {drip.url}/m: no complete answer within 0.8 s "
        "(spackcache_fetch_timeout); the mirror is left out"
    )


@pytest.mark.parametrize("drip", ["headers"], indirect=True)
def test_the_copy_is_used_when_the_server_drips(drip: Drip, server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    shutil.copytree(server.root / "spack-v2-test" / "build_cache", cache / "build_cache")
    result = fetch_mirror(drip.url + "/m", cache, timeout=0.8, max_age=0)
    assert result.folder == cache
    assert "no complete answer within 0.8 s" in result.problem
    assert "using the copy of" in result.problem


@pytest.mark.parametrize("drip", ["headers"], indirect=True)
def test_credentials_are_sent_and_never_shown(drip: Drip, tmp_path: Path) -> None:
    host = drip.url.removeprefix("http://")
    url = f"http://me%40site:s3cr%3At@{host}/m"
    result = fetch_mirror(url, tmp_path / "c", timeout=0.8, max_age=0)
    assert result.problem.startswith(f"cannot fetch http://***@{host}/m: no complete answer")
    assert "s3cr" not in result.problem
    assert "me%40site" not in result.problem
    token = base64.b64encode(b"me@site:s3cr:t").decode()
    assert f"Authorization: Basic {token}".encode() in drip.requests[0]
    assert b"s3cr" not in drip.requests[0].split(b"\r\n")[0]  # not in the request line


def mirrors_conf(spack_test: str, tmp_path: Path, **values: Any) -> dict[str, Any]:
    """The configuration of the mirrors root: *spack_test* as the mirror spack-test (the
    pages show it), clingo-bootstrap's folder as clingo, the fetch cache in *tmp_path*."""
    mirrors = {"spack-test": spack_test, "clingo": str(MIRRORS / "clingo-bootstrap")}
    conf = {"spackcache_mirrors": mirrors, "spackcache_fetch_cache": str(tmp_path / "fetched")}
    return {**conf, **{f"spackcache_{name}": value for name, value in values.items()}}


@pytest.mark.parametrize("drip", ["body"], indirect=True)
def test_a_dripping_mirror_is_a_located_warning_and_the_build_goes_on(
    drip: Drip, build: Build, tmp_path: Path
) -> None:
    conf = mirrors_conf(
        f"http://user:pa55@{drip.url.removeprefix('http://')}/m", tmp_path, fetch_timeout=0.8
    )
    started = time.monotonic()
    app = build("mirrors", conf=conf)
    assert time.monotonic() - started < 4.5
    warnings = app.warning.getvalue()
    conf_py = app.confdir / "conf.py"
    host = drip.url.removeprefix("http://")
    assert (
        f"{conf_py}:1: WARNING: spackcache_mirrors: 'spack-test': cannot fetch "
        f"http://***@{host}/m: no complete answer within 0.8 s (spackcache_fetch_timeout); "
        "the mirror is left out [spackcache.config]"
    ) in warnings
    assert "pa55" not in warnings
    assert (app.outdir / "clingo.html").is_file()  # the build went on


# -- over TLS ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate (and its key, in one file) for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    pem = folder / "cert.pem"
    key = folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(pem), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    pem.write_text(pem.read_text() + key.read_text())
    return pem


@pytest.fixture
def tls(certificate: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server's TLS context; the client trusts its certificate (and no other)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    monkeypatch.setenv("SSL_CERT_DIR", str(certificate.parent))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    return context


def test_a_mirror_over_https_is_fetched(
    server: Server, tls: ssl.SSLContext, tmp_path: Path
) -> None:
    server.httpd.socket = tls.wrap_socket(server.httpd.socket, server_side=True)
    url = server.url.replace("http://", "https://") + "/spack-v2-test"
    result = fetch_mirror(url, tmp_path / "c", timeout=5, max_age=0)
    assert (result.problem, result.fetched) == ("", True)
    assert (tmp_path / "c" / INDEX).read_bytes() == server.index().read_bytes()


@pytest.mark.parametrize("where", ["handshake", "headers", "body"])
def test_a_dripping_server_over_https_is_given_up_at_the_deadline(
    tls: ssl.SSLContext, tmp_path: Path, where: str
) -> None:
    if where == "handshake":  # a server that is no TLS server drips its "handshake"
        drip = Drip(b"", b"\x16\x03\x03" + b"\0" * 100)
    else:
        head, body, _ = DRIPS[where]
        drip = Drip(head, body, tls=tls)
    try:
        started = time.monotonic()
        url = drip.url.replace("http://", "https://") + "/m"
        result = fetch_mirror(url, tmp_path / "c", timeout=0.8, max_age=0)
        assert time.monotonic() - started < 2.0
        assert f"cannot fetch {url}: no complete answer within 0.8 s" in result.problem
    finally:
        drip.stop()


# -- special files in the fetch cache ----------------------------------------------------


def v3_blob(root: Path) -> str:
    checksum = json.loads((root / MANIFEST).read_text())["data"][0]["checksum"]
    return f"blobs/sha256/{checksum[:2]}/{checksum}"


@pytest.mark.parametrize("kind", ["fifo", "char device", "folder"])
@pytest.mark.parametrize("max_age", [0, 600])
@pytest.mark.parametrize(
    ("mirror_name", "where"),
    [
        ("spack-v2-test", INDEX),
        ("spack-v2-test", HASH),
        ("spack-v3-test", MANIFEST),
        ("spack-v3-test", "blob"),
    ],
)
def test_a_special_file_in_the_copy_is_fetched_again(
    server: Server, tmp_path: Path, kind: str, max_age: int, mirror_name: str, where: str
) -> None:
    """The copy is whole, but one of its files is not a regular file: it is not trusted
    (within max_age as after), not waited on, and the mirror's index is fetched again."""
    url = f"{server.url}/{mirror_name}"
    cache = tmp_path / "c"
    assert fetch_mirror(url, cache, timeout=5, max_age=0).fetched
    path = cache / (v3_blob(server.root / mirror_name) if where == "blob" else where)
    make_special(path, kind, tmp_path)
    fifo = path if kind == "fifo" else None
    result: Any = within(3, lambda: fetch_mirror(url, cache, timeout=2, max_age=max_age), fifo)
    if kind == "folder":  # not removed (nothing is, but files): the new copy cannot be written
        assert result.folder is None
        assert f"Is a directory: '{path.parent}" in result.problem
        return
    assert (result.folder, result.problem, result.fetched) == (cache, "", True)
    assert path.is_file()
    served = server.root / mirror_name / (INDEX if mirror_name == "spack-v2-test" else MANIFEST)
    copied = cache / (INDEX if mirror_name == "spack-v2-test" else MANIFEST)
    assert copied.read_bytes() == served.read_bytes()


# -- a cache that cannot go stale ----------------------------------------------------------


def changed_copy(server: Server, name: str) -> None:
    """Serve, as *name*, spack-v2-test without libdwarf."""
    shutil.copytree(server.root / "spack-v2-test", server.root / name)
    server.change(name)


def packages_listed(app: Any) -> set[str]:
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    (stack,) = listing.select("table.spackcache-packages")
    return {a.get_text() for a in stack.select("td.spackcache-package")}


def test_a_mirror_given_a_new_url_shows_the_new_mirror(
    server: Server, build: Build, tmp_path: Path
) -> None:
    """Within max_age, nothing is asked of a mirror whose copy is fresh; a mirror whose
    URL changed has no copy yet, and is fetched: the old URL's copy is not shown."""
    changed_copy(server, "other")
    conf = mirrors_conf(server.url + "/spack-v2-test", tmp_path, fetch_max_age=600)
    assert "libdwarf" in packages_listed(build("mirrors", conf=conf))
    conf = mirrors_conf(server.url + "/other", tmp_path, fetch_max_age=600)
    asked = len(server.requests)
    assert "libdwarf" not in packages_listed(build("mirrors", conf=conf))
    assert "/other/build_cache/index.json" in server.requests[asked:]


def test_an_old_folder_named_after_the_mirror_is_not_read(
    server: Server, build: Build, tmp_path: Path
) -> None:
    """The layout before issue 22 kept a mirror's copy in a folder of its name: such a
    folder (fresh, of another mirror) is left alone and not read."""
    old = tmp_path / "fetched" / "spack-test"
    shutil.copytree(server.root / "clingo-bootstrap" / "build_cache", old / "build_cache")
    (old / ".checked").touch()
    conf = mirrors_conf(server.url + "/spack-v2-test", tmp_path, fetch_max_age=600)
    app = build("mirrors", conf=conf)
    assert {"libdwarf", "libelf"} <= packages_listed(app)
    assert "clingo-bootstrap" not in packages_listed(app)
    assert (old / "build_cache" / "index.json").is_file()  # left alone


@pytest.mark.parametrize("url", ["/spack-v2-test/", "/spack-v2-test//"])
def test_a_url_written_another_way_shares_the_copy(
    server: Server, tmp_path: Path, url: str
) -> None:
    from sphinx_spackcache.sources.fetch import cache_folder

    plain = cache_folder(tmp_path, server.url + "/spack-v2-test")
    loud = server.url.replace("http://", "HTTP://") + url
    assert cache_folder(tmp_path, loud) == plain
    assert cache_folder(tmp_path, server.url + "/spack-v2-tes") != plain
    assert cache_folder(tmp_path, server.url + "/SPACK-v2-test") != plain  # paths keep case
    digest = hashlib.sha256(f"{server.url}/spack-v2-test".encode()).hexdigest()
    assert plain == tmp_path / "mirrors" / digest[:16]


@pytest.mark.parametrize("max_age", [0, 600])
@pytest.mark.parametrize("layout", ["v2", "v3"])
def test_a_copy_replaced_in_the_cache_is_fetched_again(
    server: Server, tmp_path: Path, max_age: int, layout: str
) -> None:
    """Someone (or something) replaced the copy of the index, not its hash file or
    manifest: the copy is checked against them, and fetched again."""
    name = "spack-v2-test" if layout == "v2" else "spack-v3-test"
    url, cache = f"{server.url}/{name}", tmp_path / "c"
    assert fetch_mirror(url, cache, timeout=5, max_age=0).fetched
    copy = cache / (INDEX if layout == "v2" else v3_blob(server.root / name))
    good = copy.read_bytes()
    copy.write_bytes(good.replace(b"libdwarf", b"libdwarX"))
    result = fetch_mirror(url, cache, timeout=5, max_age=max_age)
    assert (result.problem, result.fetched) == ("", True)
    assert copy.read_bytes() == good


def test_a_damaged_copy_is_not_used_when_the_mirror_is_down(server: Server, tmp_path: Path) -> None:
    url, cache = f"{server.url}/spack-v2-test", tmp_path / "c"
    assert fetch_mirror(url, cache, timeout=5, max_age=0).fetched
    (cache / INDEX).write_bytes(b"{}")
    server.stop()
    result = fetch_mirror(url, cache, timeout=2, max_age=0)
    assert result.folder is None
    assert result.problem.endswith("the mirror is left out")


def test_a_fresh_environment_asks_the_mirror(server: Server, build: Build, tmp_path: Path) -> None:
    """-E: the copy is fresh (max_age), but the reader asked for a build from scratch:
    the mirror is asked (its hash: a small request), and its change shown."""
    conf = mirrors_conf(server.url + "/spack-v2-test", tmp_path, fetch_max_age=600)
    assert "libdwarf" in packages_listed(build("mirrors", conf=conf))
    server.change()
    asked = len(server.requests)
    assert "libdwarf" in packages_listed(build("mirrors", conf=conf))  # within max_age
    assert server.requests[asked:] == []
    app = build("mirrors", conf=conf, freshenv=True)
    assert server.requests[asked:] == [
        "/spack-v2-test/build_cache/index.json.hash",
        "/spack-v2-test/build_cache/index.json",
    ]
    assert "libdwarf" not in packages_listed(app)


def test_a_gzip_bomb_s_verdict_is_kept_in_the_fetch_cache(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_mirror_files import gzipped_mirror

    monkeypatch.setattr(mirror, "MAX_INDEX", 64 * 1024)
    bomb = gzipped_mirror(tmp_path, b"\0" * (1024 * 1024))
    conf = mirrors_conf(str(bomb), tmp_path)
    app = build("mirrors", conf=conf)
    assert "the blob holds more than 65,536 bytes when inflated" in app.warning.getvalue()
    (verdict,) = (tmp_path / "fetched" / "verdicts").iterdir()
    checksum = json.loads((bomb / MANIFEST).read_text())["data"][0]["checksum"]
    assert verdict.name.endswith(checksum)
    assert os.path.getsize(verdict) > 0
