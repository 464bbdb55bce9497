"""The live-cache examples of the documentation (docs/snippets/live: the quickstart's first
example, and the three setups of "Document the Spack build cache"), built as they are
shown, with their URLs pointed at a local http.server that serves binaries.spack.io's
layout for tests/snapshot-index (plus a ``develop`` ref and a site's per-stack mirrors).

So a snippet that names a value, a directive option, a ref or a package the code does
not have fails here. Expected values are computed from the fixtures' JSON (the helpers
of tests/test_snapshot_index.py), never from the code under test."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from sphinx_spackcache.sources.fetch import CHECKED

from .conftest import DOCS, MIRRORS, warnings_of
from .test_fetch import Server
from .test_snapshot_index import (
    CLINGO,
    GZ,
    INDEX,
    V2,
    V3,
    blob,
    dropped,
    in_cache,
    lay_out,
    v2_mirror,
)

LIVE = DOCS / "snippets" / "live"
BINARIES = "https://binaries.spack.io/"
SITE = "https://cache.example.org/"
#: The develop ref the local index adds: the stacks of develop-2026-11-29, e4s undropped.
DEVELOP = {"e4s": V2.read_bytes(), "ml": V3.read_bytes()}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Server]:
    """binaries.spack.io (tests/snapshot-index, with a ``develop`` ref) and a site's
    bucket (``site/2026.11/<stack>``) on 127.0.0.1."""
    root = tmp_path / "bucket"
    lay_out(root)
    index = json.loads(INDEX.read_bytes())
    index["develop"] = [
        {"label": e["label"], "url": e["url"].replace("/develop-2026-11-29/", "/develop/")}
        for e in index["develop-2026-11-29"]
    ]
    (root / "cache_spack_io_index.json").write_text(json.dumps(index), "utf-8")
    blob(root / "develop", V3.read_bytes())  # the root mirror: never read
    v2_mirror(root / "develop" / "e4s", V2.read_bytes())
    blob(root / "develop" / "ml", GZ.read_bytes())
    # its spec manifests, beside the blob, as a v3 stack mirror has them (their sizes)
    spec_manifests = MIRRORS / "spack-v3-test" / "v3" / "manifests" / "spec"
    shutil.copytree(spec_manifests, root / "develop" / "ml" / "v3" / "manifests" / "spec")
    shutil.copytree(MIRRORS / "spack-v3-test", root / "site" / "2026.11" / "ml")
    server = Server(root)
    yield server
    server.stop()


Make = Callable[..., SphinxTestApp]


def project(folder: Path, server: Server, conf: list[str], page: str) -> Path:
    """A project whose conf.py is the snippets *conf* and whose index page is the snippet
    *page*, their URLs pointed at *server*."""
    folder.mkdir()
    text = "\n".join((LIVE / name).read_text("utf-8") for name in conf)
    text = text.replace(BINARIES, server.url + "/").replace(SITE, server.url + "/site/")
    assert server.url in text
    (folder / "conf.py").write_text(text, "utf-8")
    body = (LIVE / page).read_text("utf-8")
    (folder / "index.rst").write_text(f"Live\n====\n\n{body}", "utf-8")
    return folder


def run(make_app: Make, srcdir: Path, server: Server) -> SphinxTestApp:
    """Build *srcdir*; the one value set here is the default bucket's base (the snippets
    rely on the default, ``https://binaries.spack.io/``)."""
    overrides: dict[str, Any] = {
        "spackcache_buckets": {"spack-binaries": server.url + "/"},
        "show_warning_types": True,
    }
    app = make_app("html", srcdir=srcdir, confoverrides=overrides)
    app.build()
    app.cleanup()
    return app


def soup(app: SphinxTestApp, page: str = "index") -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text("utf-8"), "html.parser")


def hashes(app: SphinxTestApp) -> set[str]:
    cells = soup(app).select("table.spackcache-specs td.spackcache-hash")
    return {td.get_text().split()[0] for td in cells}  # then its dependencies


def of(package: str, *indexes: bytes) -> set[str]:
    """The hashes of *package* the databases *indexes* list as in the build cache."""
    return {h for raw in indexes for name, h in in_cache(raw) if name == package}


def names(*indexes: bytes) -> set[str]:
    """The packages the databases *indexes* list as in the build cache."""
    return {name for raw in indexes for name, _ in in_cache(raw)}


def test_the_quickstart_reads_develop_then_asks_nothing(
    live: Server, make_app: Make, tmp_path: Path
) -> None:
    src = project(tmp_path / "quickstart", live, ["conf_develop.py"], "package.rst")
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    # develop is the only snapshot (no _cache folder, no other ref): no :tag: needed
    assert hashes(app) == of("gcc-runtime", *DEVELOP.values())
    assert hashes(app)
    asked = set(live.requests)
    assert "/cache_spack_io_index.json" in asked
    assert {path.split("/")[1] for path in asked} == {"cache_spack_io_index.json", "develop"}
    # the next build, within spackcache_fetch_max_age: offline
    live.stop()
    count = len(live.requests)
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    assert len(live.requests) == count
    assert hashes(app) == of("gcc-runtime", *DEVELOP.values())


def test_develop_refs_index_package_diff_install(
    live: Server, make_app: Make, tmp_path: Path
) -> None:
    src = project(tmp_path / "develop", live, ["conf_develop_refs.py"], "develop.rst")
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    develop = names(*DEVELOP.values())
    assert {p.stem for p in (src / "packages").glob("*.rst")} == develop
    assert hashes(app) == of("gcc-runtime", *DEVELOP.values())
    text = soup(app).get_text()
    old = {
        n
        for raw in (V2.read_bytes(), V3.read_bytes(), CLINGO.read_bytes())
        for n, _ in in_cache(raw)
    }
    new = {n for raw in (dropped(V2, "libdwarf"), V3.read_bytes()) for n, _ in in_cache(raw)}
    assert old != new
    assert f"{len(new - old)} packages added, {len(old - new)} removed" in text
    # the install commands name the ref's root mirror
    assert f"--signed develop {live.url}/develop\n" in text
    assert "spack install --use-buildcache only" in text


def test_a_release_by_pattern(live: Server, make_app: Make, tmp_path: Path) -> None:
    src = project(tmp_path / "release", live, ["conf_release.py"], "release.rst")
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    assert {p.stem for p in (src / "packages").glob("*.rst")} == names(V2.read_bytes())
    assert hashes(app) == of("gcc-runtime", V2.read_bytes())
    assert f"--signed v1.0.0 {live.url}/v1.0.0\n" in soup(app).get_text()
    assert not [path for path in live.requests if path.startswith("/develop")]


def test_a_site_per_stack_ci_cache(live: Server, make_app: Make, tmp_path: Path) -> None:
    src = project(tmp_path / "site", live, ["conf_site.py"], "site.rst")
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    v3 = V3.read_bytes()
    both = names(CLINGO.read_bytes(), v3)
    assert {p.stem for p in (src / "packages").glob("*.rst")} == both
    assert hashes(app) == of("gcc-runtime", v3)
    page = soup(app)
    index, table = page.select("table.spackcache-packages")  # cache-index, cache-stack
    listed = {cell.get_text() for cell in table.select("td.spackcache-package")}
    assert listed == names(v3)
    assert {cell.get_text() for cell in index.select("td.spackcache-package")} == both
    # spackcache_mirror_url names the site's top-level mirror (its URL substituted too)
    assert f"--signed 2026.11 {live.url}/site/2026.11\n" in page.get_text()


def test_a_kept_fetch_cache_asks_for_the_index_and_v2_hashes_only(
    live: Server, make_app: Make, tmp_path: Path
) -> None:
    src = project(tmp_path / "kept", live, ["conf_develop.py", "conf_fetch.py"], "package.rst")
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    assert (src / "_spackcache" / "mirrors").is_dir()
    ml = [e["url"] for e in json.loads(INDEX.read_bytes())["develop-2026-11-29"]]
    blob_path = (
        ml[2].removeprefix("s3://spack-binaries").replace("/develop-2026-11-29/", "/develop/")
    )
    assert sorted(live.requests) == sorted(
        [
            "/cache_spack_io_index.json",
            blob_path,  # the v3 stack: its blob, once
            # the v2 stack: the v3 layout first, then the hash and the index
            "/develop/e4s/v3/manifests/index/index.manifest.json",
            "/develop/e4s/build_cache/index.json.hash",
            "/develop/e4s/build_cache/index.json",
            # the spec manifest of the binary the page shows, from the v3 stack (its size)
            "/develop/ml/v3/manifests/spec/gcc-runtime/"
            "gcc-runtime-10.2.1-izgzpzeljwairalfjm3k6fntbb64nt6n.spec.manifest.json",
        ]
    )
    # a new environment (as a CI that keeps only the fetch cache): the index is asked
    # for again, a v2 stack's hash too, a blob or a spec manifest never
    shutil.rmtree(app.outdir.parent)
    count = len(live.requests)
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    assert sorted(live.requests[count:]) == [
        "/cache_spack_io_index.json",
        "/develop/e4s/build_cache/index.json.hash",
    ]
    assert hashes(app) == of("gcc-runtime", *DEVELOP.values())
    # checked half an hour ago: past the default max age (600 s), within the snippet's
    checks = list((src / "_spackcache").rglob(CHECKED))
    assert checks
    for check in checks:
        then = time.time() - 1800
        os.utime(check, (then, then))
    count = len(live.requests)
    app = run(make_app, src, live)
    assert warnings_of(app) == []
    assert live.requests[count:] == []
