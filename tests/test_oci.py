"""Spack build caches in OCI registries, read from a real registry on 127.0.0.1: Debian's
``docker-registry`` (the CNCF distribution registry), started here with the configuration
in tests/mirrors/oci-registry/ (see its README for where each format detail comes from).
The fixture images are pushed with plain HTTP calls, as Spack pushes them.

The bearer-token handshake is exercised through a small proxy in front of the registry
(:class:`TokenProxy`): it answers 401 with a ``WWW-Authenticate: Bearer`` challenge
until a token from its own token endpoint comes with the request. The registry's own
``auth: token`` needs tokens signed with an X.509 certificate chain (a JWT checked
against ``rootcertbundle``), which would take a certificate authority in the tests; the
proxy takes the standard library only, and can also answer what a registry should not
(500, no answer, a blob that does not match, a manifest that is not JSON), which the
registry itself never does. Expected values are read from the pushed JSON here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.sources.fetch import FetchResult
from sphinx_spackcache.sources.mirror import INDEX, INDEX_HASH, MirrorSource
from sphinx_spackcache.sources.oci import Registry, fetch_oci, parse_challenge, spec_tag

from .conftest import MIRRORS, Build

REGISTRY = shutil.which("docker-registry")
CONFIG = MIRRORS / "oci-registry" / "config.yml"
#: The database pushed as the index: Spack's own v2 test mirror's (database version 8).
DATABASE = (MIRRORS / "spack-v2-test" / "build_cache" / "index.json").read_bytes()
#: The image with the build cache, the image with a list of manifests as its index.
CACHE, LISTED = "spack/cache", "spack/listed"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
LIST = "application/vnd.oci.image.index.v1+json"

needs_registry = pytest.mark.skipif(
    REGISTRY is None,
    reason="docker-registry (Debian's CNCF distribution registry) is not installed: "
    "apt-get install docker-registry",
)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def push_blob(base: str, name: str, data: bytes) -> dict[str, Any]:
    """Upload *data* (POST an upload, PUT its bytes with their digest); its descriptor."""
    request = urllib.request.Request(f"{base}/v2/{name}/blobs/uploads/", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 202
        location = urllib.parse.urljoin(base, answer.headers["Location"])
    joiner = "&" if "?" in location else "?"
    put = urllib.request.Request(
        f"{location}{joiner}digest={sha256(data)}",
        data=data,
        method="PUT",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(put) as answer:
        assert answer.status == 201
    return {"digest": sha256(data), "size": len(data)}


def push_manifest(base: str, name: str, tag: str, manifest: dict[str, Any]) -> bytes:
    body = json.dumps(manifest).encode()
    put = urllib.request.Request(
        f"{base}/v2/{name}/manifests/{tag}",
        data=body,
        method="PUT",
        headers={"Content-Type": manifest["mediaType"]},
    )
    with urllib.request.urlopen(put) as answer:
        assert answer.status == 201
    return body


def push_index(base: str, name: str, database: bytes) -> bytes:
    """Push *database* as Spack's ``_oci_update_index`` does: an empty ``{}`` config and
    the database as the only layer of an image manifest tagged ``index.spack``."""
    config = push_blob(base, name, b"{}")
    layer = push_blob(base, name, database)
    return push_manifest(
        base,
        name,
        "index.spack",
        {
            "mediaType": MANIFEST,
            "schemaVersion": 2,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
        },
    )


class TokenProxy:
    """A registry's front door that wants a bearer token (see the module's description);
    *fault* makes it misbehave: ``"500"``, ``"hang"``, ``"refuse"`` (no token given),
    ``"bad-blob"`` (a blob's bytes changed), ``"not-json"`` (a manifest that is not),
    ``"wrong-type"`` (a manifest of another media type), ``"huge"`` (a manifest of more
    than 64 KiB), ``"no-token"`` (the token service answers without one)."""

    SERVICE = "oci-fixture"

    def __init__(self, registry: str) -> None:
        self.registry = registry
        self.fault = ""
        self.tokens: set[str] = set()
        #: (path, authorization) of every request.
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reply(
        self, handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str
    ) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        authorization = handler.headers.get("Authorization", "")
        self.requests.append((path, authorization))
        if self.fault == "hang":  # no answer at all (the client has given up by then)
            time.sleep(3)
            return
        if self.fault == "500":
            self.reply(handler, 500, b"broken")
            return
        if path.startswith("/token?"):
            query = dict(urllib.parse.parse_qsl(path.partition("?")[2]))
            if self.fault == "refuse" or query.get("service") != self.SERVICE:
                self.reply(handler, 401, b'{"errors": []}')
                return
            if self.fault == "no-token":
                self.reply(handler, 200, b'{"expires_in": 300}')
                return
            token = f"t{len(self.tokens)}-{query['scope']}"
            self.tokens.add(token)
            self.reply(handler, 200, json.dumps({"token": token}).encode())
            return
        name = path.removeprefix("/v2/").rpartition("/")[0].rpartition("/")[0]
        scope = f"repository:{name}:pull"
        if authorization.removeprefix("Bearer ") not in self.tokens or scope not in authorization:
            challenge = (
                f'Bearer realm="http://{self.host}/token",service="{self.SERVICE}",scope="{scope}"'
            )
            self.reply(handler, 401, b"{}", WWW_Authenticate=challenge)
            return
        request = urllib.request.Request(
            self.registry + path, headers={"Accept": handler.headers.get("Accept", "*/*")}
        )
        try:
            with urllib.request.urlopen(request) as answer:
                status, body, headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as exc:
            status, body, headers = exc.code, exc.read(), exc.headers
        if self.fault == "bad-blob" and "/blobs/" in path:
            body = body.replace(b"libelf", b"libelF")
        if self.fault == "not-json" and "/manifests/" in path:
            body = b"<html>an error page</html>"
        if self.fault == "wrong-type" and "/manifests/" in path:
            body = json.dumps({"mediaType": "text/html", "layers": []}).encode()
        if self.fault == "huge" and "/manifests/" in path:
            body = body + b" " * 65536
        self.reply(handler, status, body, Content_Type=headers.get("Content-Type", ""))

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Registries:
    """The registry (``direct``: its ``host:port``) and the proxy in front of it."""

    def __init__(self, direct: str, proxy: TokenProxy, index_manifest: bytes) -> None:
        self.direct = direct
        self.proxy = proxy
        self.index_manifest = index_manifest

    def url(self, name: str = CACHE, *, direct: bool = False) -> str:
        return f"oci+http://{self.direct if direct else self.proxy.host}/{name}"


@pytest.fixture(scope="module")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    if REGISTRY is None:
        pytest.skip("docker-registry is not installed: apt-get install docker-registry")
    folder = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = folder / "config.yml"
    text = CONFIG.read_text("utf-8")
    config.write_text(text.replace("{root}", str(folder / "data")).replace("{port}", str(port)))
    process = subprocess.Popen(
        [REGISTRY, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/v2/", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"docker-registry stopped: {process.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.1)
        index_manifest = push_index(base, CACHE, DATABASE)
        # a list of manifests tagged index.spack: not what Spack pushes
        listed = push_index(base, LISTED, DATABASE)
        push_manifest(
            base,
            LISTED,
            "index.spack",
            {
                "mediaType": LIST,
                "schemaVersion": 2,
                "manifests": [{"mediaType": MANIFEST, **push_blob_descriptor(listed)}],
            },
        )
        proxy = TokenProxy(base)
        try:
            yield Registries(f"127.0.0.1:{port}", proxy, index_manifest)
        finally:
            proxy.stop()
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def push_blob_descriptor(manifest: bytes) -> dict[str, Any]:
    return {"digest": sha256(manifest), "size": len(manifest)}


@pytest.fixture
def proxy(registries: Registries) -> Iterator[TokenProxy]:
    registries.proxy.fault = ""
    registries.proxy.requests.clear()
    yield registries.proxy
    registries.proxy.fault = ""


def fetch(url: str, cache: Path, *, timeout: float = 10, max_age: float = 0) -> FetchResult:
    return fetch_oci(url, cache, timeout=timeout, max_age=max_age)


def in_cache(database: bytes, package: str) -> set[str]:
    """The hashes of *package*'s specs the raw JSON lists as in the build cache."""
    installs = json.loads(database)["database"]["installs"]
    return {
        spec_hash
        for spec_hash, entry in installs.items()
        if entry["spec"]["name"] == package and entry.get("in_buildcache")
    }


# -- without a registry ------------------------------------------------------------------


def test_references_are_read_as_spack_reads_them() -> None:
    assert Registry.parse("oci://ghcr.io/Spack/Spack-Cache/") == Registry(
        "https", "ghcr.io", "spack/spack-cache"
    )
    assert Registry.parse("oci+http://127.0.0.1:5000/a/b:latest") == Registry(
        "http", "127.0.0.1:5000", "a/b"
    )
    assert Registry.parse("oci://ghcr.io/a/b").manifest_url("index.spack") == (
        "https://ghcr.io/v2/a/b/manifests/index.spack"
    )
    for bad in (
        "oci://",
        "oci://ghcr.io",
        "oci://ghcr.io/a b",
        "https://ghcr.io/a",
        "oci://u:p@h/a",
    ):
        with pytest.raises(ValueError, match="not oci://<host>/<name>"):
            Registry.parse(bad)


def test_a_spec_tag_is_sanitised_and_shortened_as_spack_does() -> None:
    assert spec_tag("py-x", "1.0+local", "h" * 32) == "py-x-1.0_local-" + "h" * 32 + ".spack"
    long = spec_tag("p" * 200, "1", "h" * 32)
    assert len(long) == 128
    assert long == ("p" * 64) + ("p" * 200 + "-1-" + "h" * 32 + ".spack")[-64:]


def test_challenges_are_parsed() -> None:
    header = 'Bearer realm="https://r/token",service=reg,scope="repository:a/b:pull,push"'
    assert parse_challenge(header) == (
        "bearer",
        {"realm": "https://r/token", "service": "reg", "scope": "repository:a/b:pull,push"},
    )
    assert parse_challenge('Basic realm="x", Bearer realm="y"') == ("basic", {"realm": "x"})
    assert parse_challenge("") == ("", {})


def test_a_url_that_is_no_registry_is_left_out(tmp_path: Path) -> None:
    result = fetch("oci://me:secret@ghcr.io/a", tmp_path / "cache")
    assert result.folder is None
    assert "secret" not in result.problem
    assert "is not oci://<host>/<name>" in result.problem


# -- a registry --------------------------------------------------------------------------


@needs_registry
def test_the_index_comes_through_the_token_handshake(
    registries: Registries, proxy: TokenProxy, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    result = fetch(registries.url(), cache)
    assert (result.problem, result.fetched) == ("", True)
    assert result.folder == cache
    assert (cache / INDEX).read_bytes() == DATABASE
    assert (cache / INDEX_HASH).read_text() == hashlib.sha256(DATABASE).hexdigest()
    # 401, the token, the manifest again with it, the blob with it
    paths = [path for path, _ in proxy.requests]
    assert paths[0] == "/v2/spack/cache/manifests/index.spack"
    assert paths[1].startswith("/token?")
    query = dict(urllib.parse.parse_qsl(paths[1].partition("?")[2]))
    assert query["scope"] == "repository:spack/cache:pull"
    assert query["service"] == TokenProxy.SERVICE
    assert paths[2:] == [paths[0], "/v2/spack/cache/blobs/" + sha256(DATABASE)]
    assert all(auth.startswith("Bearer t") for _, auth in proxy.requests[2:])
    assert result.requests == 4
    source = MirrorSource("oci-test", cache)
    assert {s.hash for s in source.load("oci-test", "libelf").record.specs} == in_cache(
        DATABASE, "libelf"
    )

    # unchanged: the manifest is asked for (after the handshake), the blob is not
    proxy.requests.clear()
    again = fetch(registries.url(), cache)
    assert (again.problem, again.fetched, again.folder) == ("", False, cache)
    assert [p for p, _ in proxy.requests if "/blobs/" in p] == []
    # within max_age: nothing at all
    proxy.requests.clear()
    assert fetch(registries.url(), cache, max_age=3600).requests == 0
    assert proxy.requests == []


@needs_registry
def test_a_registry_without_auth_is_read_directly(registries: Registries, tmp_path: Path) -> None:
    result = fetch(registries.url(direct=True), tmp_path / "cache")
    assert (result.problem, result.requests) == ("", 2)
    assert (tmp_path / "cache" / INDEX).read_bytes() == DATABASE


@needs_registry
@pytest.mark.parametrize(
    ("fault", "name", "expected"),
    [
        ("", "spack/nothing", "manifests/index.spack does not exist (404)"),
        ("refuse", CACHE, "token?"),
        ("no-token", CACHE, "/token gave no token"),
        ("500", CACHE, "answered 500"),
        ("bad-blob", CACHE, "does not match its digest"),
        ("not-json", CACHE, "is not JSON, so not an image manifest"),
        ("", LISTED, f"is a list of manifests ({LIST})"),
        ("wrong-type", CACHE, f"has media type 'text/html', not '{MANIFEST}'"),
        ("huge", CACHE, "manifests/index.spack is larger than 65,536 bytes"),
    ],
)
def test_bad_answers_leave_the_registry_out(
    registries: Registries, proxy: TokenProxy, tmp_path: Path, fault: str, name: str, expected: str
) -> None:
    proxy.fault = fault
    result = fetch(registries.url(name), tmp_path / "cache")
    assert result.folder is None
    assert expected in result.problem
    assert result.problem.endswith("; the mirror is left out")
    assert not (tmp_path / "cache" / INDEX).exists()


@needs_registry
def test_a_refused_token_names_the_variables(
    registries: Registries, proxy: TokenProxy, tmp_path: Path
) -> None:
    proxy.fault = "refuse"
    result = fetch(registries.url(), tmp_path / "cache")
    assert "answered 401" in result.problem
    assert "SPACKCACHE_OCI_USERNAME and SPACKCACHE_OCI_PASSWORD" in result.problem


@needs_registry
def test_a_hanging_registry_is_given_up_on_at_the_deadline(
    registries: Registries, proxy: TokenProxy, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert fetch(registries.url(), cache).problem == ""
    proxy.fault = "hang"
    start = time.monotonic()
    result = fetch(registries.url(), cache, timeout=1)
    assert time.monotonic() - start < 2.5
    assert "no complete answer within 1 s (spackcache_fetch_timeout)" in result.problem
    assert "using the copy of" in result.problem  # the copy fetched first
    assert result.folder == cache


@needs_registry
def test_a_site_documents_a_registry(
    registries: Registries, proxy: TokenProxy, build: Build, tmp_path: Path
) -> None:
    conf = {
        "spackcache_mirrors": {"oci-test": registries.url()},
        "spackcache_fetch_cache": str(tmp_path / "fetched"),
        "spackcache_fetch_max_age": 0,
    }
    app = build("oci", conf=conf)
    assert app.warning.getvalue() == ""
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    (table,) = page.select("table.spackcache-specs")
    shown = sorted(c.get_text() for c in table.select("td.spackcache-hash code"))
    expected = sorted(in_cache(DATABASE, "libelf"))
    assert len(expected) == 2
    assert shown == expected
    text = page.get_text()
    # unsigned: --unsigned, and no keys to trust
    assert f"spack mirror add --unsigned oci-test {registries.url()}" in text
    assert "buildcache keys" not in text

    # the registry fails: a located warning, and the build goes on with the copy
    proxy.fault = "500"
    app = build("oci", conf=conf)
    warnings = app.warning.getvalue()
    assert "conf.py" in warnings
    assert "spackcache_mirrors: 'oci-test': cannot fetch" in warnings
    assert "answered 500" in warnings
    assert "[spackcache.config]" in warnings


@needs_registry
def test_credentials_are_not_sent_over_http(
    registries: Registries, proxy: TokenProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACKCACHE_OCI_USERNAME", "me")
    monkeypatch.setenv("SPACKCACHE_OCI_PASSWORD", "secret")
    assert fetch(registries.url(), tmp_path / "cache").problem == ""
    (token,) = [auth for path, auth in proxy.requests if path.startswith("/token?")]
    assert token == ""


class FakeOpener:
    """An opener that answers from *answers* (url prefix -> (status, headers, body)) and
    keeps each request's ``Authorization``."""

    def __init__(self, answers: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str | None]] = []

    def open(self, request: urllib.request.Request) -> Any:
        import email.message
        import io

        self.sent.append((request.full_url, request.get_header("Authorization")))
        url = request.full_url
        status, headers, body = next(v for k, v in self.answers.items() if url.startswith(k))
        message = email.message.Message()
        for key, value in headers.items():
            message[key] = value
        if status != 200:
            raise urllib.error.HTTPError(url, status, "refused", message, io.BytesIO(body))
        return urllib.response.addinfourl(io.BytesIO(body), message, url, status)


@pytest.mark.parametrize("realm", ["https://auth.example.org/token", "http://auth.example.org/t"])
def test_credentials_go_to_an_https_token_service_only(
    monkeypatch: pytest.MonkeyPatch, realm: str
) -> None:
    from sphinx_spackcache.sources.oci import _Client

    monkeypatch.setenv("SPACKCACHE_OCI_USERNAME", "me")
    monkeypatch.setenv("SPACKCACHE_OCI_PASSWORD", "secret")
    manifest = "https://registry.example.org/v2/a/b/manifests/index.spack"
    challenge = f'Bearer realm="{realm}",service="reg",scope="repository:a/b:pull"'
    opener = FakeOpener(
        {
            realm: (200, {}, b'{"access_token": "abc"}'),
            manifest: (401, {"WWW-Authenticate": challenge}, b""),
        }
    )
    client = _Client(opener, secure=True)  # type: ignore[arg-type]
    with pytest.raises(urllib.error.HTTPError):  # the fake refuses the token too
        client.get(manifest, 1024)
    basic = "Basic " + base64.b64encode(b"me:secret").decode()
    sent = dict(opener.sent)
    token_url = next(url for url in sent if url.startswith(realm))
    assert dict(urllib.parse.parse_qsl(token_url.partition("?")[2])) == {
        "service": "reg",
        "scope": "repository:a/b:pull",
        "client_id": "sphinx-spackcache",
    }
    assert sent[token_url] == (basic if realm.startswith("https://") else None)
    assert [auth for url, auth in opener.sent if url == manifest] == [None, "Bearer abc"]
