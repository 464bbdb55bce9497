"""Mirrors over http(s): fetched into a cache, revalidated with index.json.hash, used
stale when the mirror cannot be reached. A local http.server serves copies of
tests/mirrors; nothing leaves the machine."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.sources.fetch import fetch_mirror
from sphinx_spackcache.sources.files import read_regular

from .conftest import MIRRORS, Build

MANIFEST = "v3/manifests/index/index.manifest.json"


class Server:
    """A mirror server: *root* is served; *requests* lists the paths asked for; *delay*
    slows every answer, *delays* and *status* one path's (a wait, an error code)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        self.delay = 0.0
        self.delays: dict[str, float] = {}
        self.status: dict[str, int] = {}
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:
                server.requests.append(self.path)
                time.sleep(server.delays.get(self.path, server.delay))
                if self.path in server.status:
                    self.send_error(server.status[self.path])
                    return
                if self.path.startswith("/moved/"):
                    self.send_response(302)
                    self.send_header("Location", self.path.removeprefix("/moved"))
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def index(self, mirror: str = "spack-v2-test") -> Path:
        return self.root / mirror / "build_cache" / "index.json"

    def change(self, mirror: str = "spack-v2-test", *, drop: str = "libdwarf") -> None:
        """Take *drop* out of the mirror's build cache, and write the new hash."""
        data = json.loads(self.index(mirror).read_bytes())
        for entry in data["database"]["installs"].values():
            if entry["spec"].get("name") == drop:
                entry["in_buildcache"] = False
        raw = json.dumps(data).encode()
        self.index(mirror).write_bytes(raw)
        self.index(mirror).with_suffix(".json.hash").write_text(hashlib.sha256(raw).hexdigest())

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


def fetch(server: Server, cache: Path, **kwargs: Any) -> Any:
    options = {"timeout": 5.0, "max_age": 0.0, **kwargs}
    return fetch_mirror(server.url + "/spack-v2-test", cache, **options)


def test_fetched_once_then_revalidated_with_the_hash(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = fetch(server, cache)
    assert (first.folder, first.problem, first.requests, first.fetched) == (cache, "", 3, True)
    assert (cache / "build_cache" / "index.json").read_bytes() == server.index().read_bytes()
    assert server.requests == [
        "/spack-v2-test/v3/manifests/index/index.manifest.json",  # 404: not a v3 mirror
        "/spack-v2-test/build_cache/index.json.hash",
        "/spack-v2-test/build_cache/index.json",
    ]
    written = (cache / "build_cache" / "index.json").stat().st_mtime_ns

    # unchanged: one small request, and the copy is not rewritten (no page is read again)
    again = fetch(server, cache)
    assert (again.requests, again.fetched, again.problem) == (1, False, "")
    assert (cache / "build_cache" / "index.json").stat().st_mtime_ns == written

    # within max_age: no request at all
    quiet = fetch(server, cache, max_age=600)
    assert (quiet.requests, quiet.folder) == (0, cache)
    assert len(server.requests) == 4

    # changed: fetched again
    server.change()
    changed = fetch(server, cache)
    assert (changed.requests, changed.fetched) == (2, True)
    assert (cache / "build_cache" / "index.json").read_bytes() == server.index().read_bytes()


def test_an_unchanged_copy_is_not_read_again_to_check_it(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within max_age, an intact copy is used without reading the index to hash it (the
    hash is kept with the file's size, time and inode); a copy damaged since is still
    found out and fetched again."""
    cache = tmp_path / "cache"
    index = cache / "build_cache" / "index.json"
    fetch(server, cache)
    read: list[Path] = []

    def reading(path: Path, limit: int) -> bytes:
        read.append(path)
        return read_regular(path, limit)

    monkeypatch.setattr("sphinx_spackcache.sources.fetch.read_regular", reading)
    assert fetch(server, cache, max_age=600).requests == 0
    assert fetch(server, cache, max_age=600).requests == 0
    assert index not in read
    damaged = bytearray(index.read_bytes())
    damaged[-2:-1] = b" "  # the same size, not the bytes fetched
    index.write_bytes(bytes(damaged))
    again = fetch(server, cache, max_age=600)  # as the first time: v3 manifest, hash, index
    assert (again.requests, again.fetched) == (3, True)
    assert index.read_bytes() == server.index().read_bytes()


def test_redirects_are_followed(server: Server, tmp_path: Path) -> None:
    result = fetch_mirror(server.url + "/moved/spack-v2-test", tmp_path / "c", timeout=5, max_age=0)
    assert (result.problem, result.fetched) == ("", True)


@pytest.mark.parametrize(
    ("mirror", "spoil", "message"),
    [
        (
            "nowhere",
            None,
            "/nowhere/ has no Spack index (v3/manifests/index/index.manifest.json nor",
        ),
        ("spack-v2-test", "hash", "is not the SHA-256 of the index"),
    ],
)
def test_a_mirror_without_a_usable_index_is_left_out(
    server: Server, tmp_path: Path, mirror: str, spoil: str | None, message: str
) -> None:
    if spoil == "hash":
        server.index().with_suffix(".json.hash").write_text("0" * 64)
    result = fetch_mirror(f"{server.url}/{mirror}", tmp_path / "c", timeout=5, max_age=0)
    assert result.folder is None
    assert message in result.problem
    assert result.problem.endswith("the mirror is left out")


def test_the_copy_is_used_when_the_mirror_is_down_or_slow(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert fetch(server, cache).fetched
    server.delay = 2.0
    slow = fetch(server, cache, timeout=0.5)
    assert slow.folder == cache
    assert "no complete answer within 0.5 s (spackcache_fetch_timeout)" in slow.problem
    assert "using the copy of" in slow.problem
    server.delay = 0.0
    url = server.url
    server.stop()
    down = fetch_mirror(url + "/spack-v2-test", cache, timeout=2, max_age=0)
    assert down.folder == cache
    assert "using the copy of" in down.problem


def test_a_site_documents_a_mirror_over_http(server: Server, build: Build, tmp_path: Path) -> None:
    conf = {
        "spackcache_mirrors": {
            "spack-test": server.url + "/spack-v2-test",
            "clingo": server.url + "/clingo-bootstrap/",
        },
        "spackcache_fetch_max_age": 0,
        "spackcache_fetch_cache": str(tmp_path / "fetched"),
    }
    app = build("mirrors", conf=conf)
    assert app.warning.getvalue() == ""
    assert "checking Spack mirrors" in app.status.getvalue()
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    (stack,) = listing.select("table.spackcache-packages")
    assert "libdwarf" in {a.get_text() for a in stack.select("td.spackcache-package")}
    doctrees = app.doctreedir
    before = {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")}

    # unchanged: two small requests, nothing read again
    asked = len(server.requests)
    app = build("mirrors", conf=conf)
    assert server.requests[asked:] == [
        "/clingo-bootstrap/build_cache/index.json.hash",
        "/spack-v2-test/build_cache/index.json.hash",
    ]
    assert {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")} == before

    # one mirror changed: its pages, and only they, are read again
    server.change()
    app = build("mirrors", conf=conf)
    after = {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")}
    assert {n for n in after if after[n] != before[n]} == {"index", "package", "listing"}
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    (stack,) = listing.select("table.spackcache-packages")
    assert "libdwarf" not in {a.get_text() for a in stack.select("td.spackcache-package")}


def test_a_corrupt_index_is_a_located_warning(server: Server, build: Build, tmp_path: Path) -> None:
    raw = b'{"database": {"version": "8", "installs": {'
    server.index().write_bytes(raw)
    server.index().with_suffix(".json.hash").write_text(hashlib.sha256(raw).hexdigest())
    conf = {
        "spackcache_mirrors": {
            "spack-test": server.url + "/spack-v2-test",
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        },
        "spackcache_fetch_cache": str(tmp_path / "fetched"),
    }
    app = build("mirrors", conf=conf)
    warnings = app.warning.getvalue()
    # the copy's folder is named by the URL (lower case, no trailing slash: as given here)
    key = hashlib.sha256(f"{server.url}/spack-v2-test".encode()).hexdigest()[:16]
    copy = tmp_path / "fetched" / "mirrors" / key / "build_cache" / "index.json"
    assert f"{copy}:1: WARNING: not a Spack database: the JSON is broken" in warnings
    assert "[spackcache.record]" in warnings


def test_a_v3_mirror_is_fetched_by_its_index_manifest(server: Server, tmp_path: Path) -> None:
    from sphinx_spackcache.sources.mirror import MirrorSource

    cache = tmp_path / "cache"
    url = server.url + "/spack-v3-test"
    first = fetch_mirror(url, cache, timeout=5, max_age=0)
    assert (first.problem, first.requests, first.fetched) == ("", 2, True)
    manifest = json.loads((server.root / "spack-v3-test" / MANIFEST).read_text())
    checksum = manifest["data"][0]["checksum"]
    assert server.requests == [
        f"/spack-v3-test/{MANIFEST}",
        f"/spack-v3-test/blobs/sha256/{checksum[:2]}/{checksum}",
    ]
    mirror = MirrorSource("v3", cache)
    assert mirror.packages("v3") == ("compiler-wrapper", "gcc-runtime", "libdwarf", "libelf")

    again = fetch_mirror(url, cache, timeout=5, max_age=0)
    assert (again.requests, again.fetched) == (1, False)  # the manifest only, unchanged

    # a new index: a new blob, named by a new manifest
    served = server.root / "spack-v3-test"
    data = json.loads(server.index().read_bytes())
    for entry in data["database"]["installs"].values():
        if entry["spec"]["name"] == "libdwarf":
            entry["in_buildcache"] = False
    raw = json.dumps(data).encode()
    digest = hashlib.sha256(raw).hexdigest()
    (served / "blobs" / "sha256" / digest[:2]).mkdir(parents=True, exist_ok=True)
    (served / "blobs" / "sha256" / digest[:2] / digest).write_bytes(raw)
    manifest["data"][0].update(checksum=digest, contentLength=len(raw))
    (served / MANIFEST).write_text(json.dumps(manifest))
    changed = fetch_mirror(url, cache, timeout=5, max_age=0)
    assert (changed.requests, changed.fetched) == (2, True)
    assert "libdwarf" not in MirrorSource("v3", cache).packages("v3")


def test_a_v3_blob_that_does_not_match_is_refused(server: Server, tmp_path: Path) -> None:
    manifest = json.loads((server.root / "spack-v3-test" / MANIFEST).read_text())
    checksum = manifest["data"][0]["checksum"]
    blob = server.root / "spack-v3-test" / "blobs" / "sha256" / checksum[:2] / checksum
    blob.write_bytes(blob.read_bytes() + b" ")
    result = fetch_mirror(server.url + "/spack-v3-test", tmp_path / "c", timeout=5, max_age=0)
    assert result.folder is None
    assert "does not match its sha256 checksum" in result.problem


def test_a_mirror_that_changes_layout_is_followed(server: Server, tmp_path: Path) -> None:
    """v2 -> v3 (spack buildcache migrate) and back: the copy follows the mirror, and the
    copy of the layout the mirror left is removed (it would otherwise win)."""
    from sphinx_spackcache.sources.mirror import MirrorSource

    served, cache = server.root / "m", tmp_path / "cache"
    shutil.copytree(server.root / "spack-v2-test", served)
    assert fetch_mirror(server.url + "/m", cache, timeout=5, max_age=0).fetched
    assert MirrorSource("m", cache).index_path == cache / "build_cache" / "index.json"

    shutil.rmtree(served)
    shutil.copytree(server.root / "spack-v3-test", served)
    moved = fetch_mirror(server.url + "/m", cache, timeout=5, max_age=0)
    assert (moved.problem, moved.fetched) == ("", True)
    assert not (cache / "build_cache" / "index.json").exists()
    assert MirrorSource("m", cache).index_path == cache / MANIFEST

    shutil.rmtree(served)
    shutil.copytree(server.root / "clingo-bootstrap", served)
    back = fetch_mirror(server.url + "/m", cache, timeout=5, max_age=0)
    assert (back.problem, back.fetched) == ("", True)
    assert not (cache / MANIFEST).exists()
    assert "clingo-bootstrap" in MirrorSource("m", cache).packages("m")


def test_an_uppercase_hash_is_a_hash(server: Server, tmp_path: Path) -> None:
    hash_file = server.index().with_suffix(".json.hash")
    hash_file.write_text(hashlib.sha256(server.index().read_bytes()).hexdigest().upper() + "\n")
    cache = tmp_path / "c"
    assert fetch(server, cache).fetched
    again = fetch(server, cache)
    assert (again.requests, again.fetched) == (1, False)


@pytest.mark.parametrize(
    "manifest",
    [
        '{"version": 3, "data": [1, "x"]}',
        '{"version": 3, "data": [{"mediaType": "application/vnd.spack.db.v8+json",'
        ' "checksumAlgorithm": "sha256", "checksum": "../../../../etc/passwd"}]}',
        '{"version": 3, "data": [{"mediaType": "application/vnd.spack.db.v8+json",'
        ' "checksumAlgorithm": "shake_128", "checksum": "' + "a" * 64 + '"}]}',
        '{"version": 3, "data": [{"mediaType": "application/vnd.spack.db.v8+json",'
        ' "checksumAlgorithm": ["x"], "checksum": 5}]}',
        "[" * 60_000,  # nested past any parser's depth, under the size limit
    ],
)
def test_a_hostile_manifest_is_a_problem_not_a_crash(
    server: Server, tmp_path: Path, manifest: str
) -> None:
    from sphinx_spackcache.data.problems import RecordError
    from sphinx_spackcache.sources.mirror import MirrorSource

    served = server.root / "spack-v3-test" / MANIFEST
    served.write_text(manifest)
    result = fetch_mirror(server.url + "/spack-v3-test", tmp_path / "c", timeout=5, max_age=0)
    assert result.folder is None
    assert "is not usable" in result.problem
    local = MirrorSource("m", server.root / "spack-v3-test")  # the same, read locally
    assert local.packages("m") == ()
    with pytest.raises(RecordError):
        local.database()
