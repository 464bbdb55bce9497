"""The Spack build cache's snapshot index (``cache_spack_io_index.json``) and snapshots
made of one mirror per stack, through real Sphinx builds against a local http.server.

The served tree is binaries.spack.io's layout, built from the fixtures of tests/mirrors
and tests/snapshot-index (see its README). Expected values are computed here from the
fixture files' JSON, never from the code under test."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.data.problems import RecordError
from sphinx_spackcache.site.sources import build_sources
from sphinx_spackcache.sources.snapshot_index import read_snapshot_index

from .conftest import MIRRORS, Build, warnings_of
from .test_fetch import Server

FIXTURES = Path(__file__).parent / "snapshot-index"
INDEX = FIXTURES / "cache_spack_io_index.json"
V2 = MIRRORS / "spack-v2-test" / "build_cache" / "index.json"
CLINGO = MIRRORS / "clingo-bootstrap" / "build_cache" / "index.json"
V3_SUM = "57cad2589fae55cda3c35cadf4286d2e7702f90a708da80d70a76213fc45a688"
V3 = MIRRORS / "spack-v3-test" / "blobs" / "sha256" / "57" / V3_SUM
V3_LIBS_SUM = "4bbf3562cd0c0d67143d782cc9f6005076c2bc4f12e465d20c48ca7d81edd90b"
V3_LIBS = MIRRORS / "spack-v3-test" / "blobs" / "sha256" / "4b" / V3_LIBS_SUM
(GZ,) = (FIXTURES / "blobs").iterdir()
BUCKET = "s3://spack-binaries/"


def v2_mirror(folder: Path, index: bytes) -> None:
    (folder / "build_cache").mkdir(parents=True)
    (folder / "build_cache" / "index.json").write_bytes(index)
    (folder / "build_cache" / "index.json.hash").write_text(hashlib.sha256(index).hexdigest())


def blob(folder: Path, data: bytes) -> str:
    checksum = hashlib.sha256(data).hexdigest()
    path = folder / "blobs" / "sha256" / checksum[:2] / checksum
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return checksum


def dropped(index: Path, package: str) -> bytes:
    """*index* with *package* no longer in the build cache."""
    data = json.loads(index.read_bytes())
    for entry in data["database"]["installs"].values():
        if entry["spec"].get("name") == package:
            entry["in_buildcache"] = False
    return json.dumps(data).encode()


def lay_out(root: Path) -> None:
    """binaries.spack.io's layout for tests/snapshot-index/cache_spack_io_index.json in
    *root* (and a site's stack mirror, ``site/2026.11/e4s``)."""
    root.mkdir()
    shutil.copy(INDEX, root / "cache_spack_io_index.json")
    for ref in ("develop-2026-11-26", "develop-2026-11-29"):
        blob(root / ref, V3.read_bytes())  # the root mirrors: never read
    v2_mirror(root / "develop-2026-11-26" / "e4s", V2.read_bytes())
    blob(root / "develop-2026-11-26" / "ml", V3.read_bytes())
    # a v3 stack mirror keeps its spec manifests beside its index blob (their sizes)
    for ref in ("develop-2026-11-26", "develop-2026-11-29"):
        spec_manifests = MIRRORS / "spack-v3-test" / "v3" / "manifests" / "spec"
        shutil.copytree(spec_manifests, root / ref / "ml" / "v3" / "manifests" / "spec")
    v2_mirror(root / "develop-2026-11-26" / "bootstrap", CLINGO.read_bytes())
    v2_mirror(root / "develop-2026-11-29" / "e4s", dropped(V2, "libdwarf"))
    blob(root / "develop-2026-11-29" / "ml", GZ.read_bytes())
    v2_mirror(root / "v1.0.0", V2.read_bytes())
    v2_mirror(root / "site" / "2026.11" / "e4s", CLINGO.read_bytes())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    """binaries.spack.io's layout for tests/snapshot-index/cache_spack_io_index.json."""
    root = tmp_path / "bucket"
    lay_out(root)
    server = Server(root)
    yield server
    server.stop()


def in_cache(raw: bytes) -> set[tuple[str, str]]:
    """(package, hash) of every spec the database *raw* lists as in the build cache."""
    found = set()
    for key, entry in json.loads(raw)["database"]["installs"].items():
        if entry.get("in_buildcache") is True:
            spec = entry["spec"]
            if "name" in spec:
                found.add((spec["name"], spec.get("hash") or key))
            else:
                ((name, body),) = spec.items()
                found.add((name, body.get("hash") or key))
    return found


def expected_stacks(stacks: dict[str, bytes]) -> dict[tuple[str, str], set[str]]:
    """(package, hash) -> the stacks whose index lists it."""
    found: dict[tuple[str, str], set[str]] = {}
    for label, raw in stacks.items():
        for spec in in_cache(raw):
            found.setdefault(spec, set()).add(label)
    return found


def conf_for(server: Server, tmp_path: Path, **more: Any) -> dict[str, Any]:
    empty = tmp_path / "no-records"
    empty.mkdir(exist_ok=True)
    return {
        "spackcache_path": str(empty),
        "spackcache_snapshot_index": server.url + "/cache_spack_io_index.json",
        "spackcache_buckets": {"spack-binaries": server.url + "/"},
        "spackcache_mirrors": {
            "2026.11": {
                "e4s": server.url + "/site/2026.11/e4s",
                "ml": str(MIRRORS / "spack-v3-test"),
            }
        },
        "spackcache_mirror_url": {"2026.11": "https://cache.example.org/2026.11"},
        "spackcache_fetch_cache": str(tmp_path / "fetched"),
        **more,
    }


def shown_stacks(app: Any, tag: str) -> dict[tuple[str, str], set[str]]:
    snapshot = build_sources(app.env).load_snapshot(tag)
    assert not snapshot.errors
    return {
        (loaded.record.name, spec.hash): set(spec.stacks)
        for loaded in snapshot.records
        for spec in loaded.record.specs
    }


def test_each_ref_is_a_snapshot_of_its_stacks(served: Server, build: Build, tmp_path: Path) -> None:
    app = build("snapshot-index", conf=conf_for(served, tmp_path))
    assert warnings_of(app) == []
    gz_plain = V3.read_bytes()  # the gzipped blob of develop-2026-11-29 inflates to it
    assert gzip.decompress(GZ.read_bytes()) == gz_plain
    assert build_sources(app.env).tags() == (
        "2026.11",
        "develop-2026-11-26",
        "develop-2026-11-29",
        "v1.0.0",
    )
    assert shown_stacks(app, "develop-2026-11-26") == expected_stacks(
        {"e4s": V2.read_bytes(), "ml": gz_plain, "bootstrap": CLINGO.read_bytes()}
    )
    assert shown_stacks(app, "develop-2026-11-29") == expected_stacks(
        {"e4s": dropped(V2, "libdwarf"), "ml": gz_plain}
    )
    # a ref with only its root mirror: the root is its stack
    assert shown_stacks(app, "v1.0.0") == expected_stacks({"root": V2.read_bytes()})
    # a snapshot of one mirror per stack, v2 over http and a v3 folder with a view
    libs = set(in_cache(V3_LIBS.read_bytes()))
    mixed = expected_stacks({"e4s": CLINGO.read_bytes(), "ml": gz_plain})
    for spec in libs:
        mixed[spec].add("libs")
    assert shown_stacks(app, "2026.11") == mixed

    # the root mirrors of refs with stacks are never read
    roots = {
        entry["url"].removeprefix(BUCKET.rstrip("/"))
        for ref in ("develop-2026-11-26", "develop-2026-11-29")
        for entry in json.loads(INDEX.read_bytes())[ref]
        if entry["label"] == "root"
    }
    assert len(roots) == 2
    assert not roots & set(served.requests)
    assert "/v1.0.0/build_cache/index.json" in served.requests

    text = (app.outdir / "index.html").read_text("utf-8")
    page = BeautifulSoup(text, "html.parser").get_text()
    # install commands: the ref's root mirror; the site's own URL for the stacked mirror
    assert f"--signed develop-2026-11-26 {served.url}/develop-2026-11-26\n" in page
    assert f"--signed v1.0.0 {served.url}/v1.0.0\n" in page
    assert "--signed 2026.11 https://cache.example.org/2026.11\n" in page

    # the diff between two develop refs: packages of the bootstrap stack went
    before = {
        name
        for name, _ in expected_stacks(
            {"e4s": V2.read_bytes(), "ml": gz_plain, "bootstrap": CLINGO.read_bytes()}
        )
    }
    after = {name for name, _ in expected_stacks({"e4s": dropped(V2, "libdwarf"), "ml": gz_plain})}
    assert f"{len(after - before)} packages added, {len(before - after)} removed" in page
    # the refs of the snapshot index are whole snapshots: no "the records here" (issue 24)
    assert "records here" not in page

    # cache-stack lists the packages of one stack's index; the cross-reference resolves
    stack = BeautifulSoup((app.outdir / "stack.html").read_text("utf-8"), "html.parser")
    (table,) = stack.select("table.spackcache-packages")
    listed = {cell.get_text() for cell in table.select("td.spackcache-package")}
    assert listed == {name for name, _ in in_cache(CLINGO.read_bytes())}
    assert stack.select("a[href='index.html#cache-package-libelf-develop-2026-11-26']")

    # cache-index :toctree: wrote a page per package of develop-2026-11-29
    generated = {p.stem for p in (app.srcdir / "generated").glob("*.rst")}
    assert generated == after

    # cache-history of libdwarf names the refs that have it
    with_libdwarf = [
        tag
        for tag in ("develop-2026-11-26", "develop-2026-11-29", "v1.0.0", "2026.11")
        if "libdwarf" in {name for name, _ in shown_stacks(app, tag)}
    ]
    assert with_libdwarf
    history = page[page.index("History") :]
    for tag in with_libdwarf:
        assert tag in history


def test_nothing_changed_means_no_request_and_no_page_read(
    served: Server, build: Build, tmp_path: Path
) -> None:
    conf = conf_for(served, tmp_path)
    app = build("snapshot-index", conf=conf)
    before = {p.stem: p.stat().st_mtime_ns for p in app.doctreedir.glob("*.doctree")}
    asked = len(served.requests)
    app = build("snapshot-index", conf=conf)
    assert served.requests[asked:] == []
    assert {p.stem: p.stat().st_mtime_ns for p in app.doctreedir.glob("*.doctree")} == before

    # one spec left the third stack of develop-2026-11-26 (its package list is the
    # same): the pages that show that ref, and only they, are read again
    data = json.loads(CLINGO.read_bytes())
    installs = data["database"]["installs"]
    zlib = sorted(k for k, e in installs.items() if "zlib" in e["spec"] and e["in_buildcache"])
    assert len(zlib) > 1
    installs[zlib[0]]["in_buildcache"] = False
    raw = json.dumps(data).encode()
    index = served.root / "develop-2026-11-26" / "bootstrap" / "build_cache"
    (index / "index.json").write_bytes(raw)
    (index / "index.json.hash").write_text(hashlib.sha256(raw).hexdigest())
    app = build("snapshot-index", conf={**conf, "spackcache_fetch_max_age": 0})
    after = {p.stem: p.stat().st_mtime_ns for p in app.doctreedir.glob("*.doctree")}
    assert {name for name in after if after[name] != before.get(name)} == {"index", "stack"}
    assert ("zlib", zlib[0]) not in shown_stacks(app, "develop-2026-11-26")
    assert ("zlib", zlib[1]) in shown_stacks(app, "develop-2026-11-26")
    assert warnings_of(app) == []


def test_a_stack_given_a_new_blob_reads_the_pages_of_its_ref_again(
    served: Server, build: Build, tmp_path: Path
) -> None:
    """A v3 stack changes by getting a new index blob, which the snapshot index names
    (the old one is left where it was): the pages that show its ref are read again."""
    conf = conf_for(served, tmp_path, spackcache_fetch_max_age=0)
    app = build("snapshot-index", conf=conf)
    before = {p.stem: p.stat().st_mtime_ns for p in app.doctreedir.glob("*.doctree")}
    data = json.loads(V3.read_bytes())
    installs = data["database"]["installs"]
    libelf = sorted(k for k, e in installs.items() if e["spec"]["name"] == "libelf")
    assert len(libelf) == 2
    installs[libelf[0]]["in_buildcache"] = False
    checksum = blob(served.root / "develop-2026-11-26" / "ml", json.dumps(data).encode())
    index = json.loads(INDEX.read_bytes())
    (ml,) = (e for e in index["develop-2026-11-26"] if e["label"] == "ml")
    ml["url"] = f"{BUCKET}develop-2026-11-26/ml/blobs/sha256/{checksum[:2]}/{checksum}"
    (served.root / "cache_spack_io_index.json").write_text(json.dumps(index))
    app = build("snapshot-index", conf=conf)
    after = {p.stem: p.stat().st_mtime_ns for p in app.doctreedir.glob("*.doctree")}
    assert {name for name in after if after[name] != before.get(name)} == {"index", "stack"}
    shown = shown_stacks(app, "develop-2026-11-26")
    assert "ml" not in shown.get(("libelf", libelf[0]), set())
    assert "ml" in shown[("libelf", libelf[1])]
    assert warnings_of(app) == []


# -- bad input -------------------------------------------------------------------------


def read(document: Any, patterns: tuple[str, ...] = ("*",)) -> Any:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return read_snapshot_index(raw, "i.json", {"spack-binaries": "https://b.example/"}, patterns)


@pytest.mark.parametrize(
    "raw",
    [b'{"develop": [{"label": "e4s", "url": "s3://', b"[]", b"\xff\xfe", b"[" * 100_000],
)
def test_a_hostile_or_truncated_index_is_refused(raw: bytes) -> None:
    with pytest.raises(RecordError, match="not a snapshot index"):
        read(raw)


def test_bad_entries_are_skipped_each_with_a_reason() -> None:
    good = "s3://spack-binaries/develop/e4s/build_cache/index.json"
    refs, problems = read(
        {
            "develop": [
                {"label": "e4s", "url": good},
                {"label": "e4s", "url": good},
                {"label": "../x", "url": good},
                {"label": "other", "url": "s3://other-bucket/develop/o/build_cache/index.json"},
                {"label": "ftp", "url": "ftp://b.example/develop/f/build_cache/index.json"},
                {"label": "odd", "url": "s3://spack-binaries/develop/odd/README"},
                {"label": "up", "url": "s3://spack-binaries/../up/build_cache/index.json"},
                {"label": "short", "url": "s3://spack-binaries/develop/s/blobs/sha256/ab/cd"},
                {
                    "label": "xx",
                    "url": f"s3://spack-binaries/develop/x/blobs/sha256/ab/{'cd' * 32}",
                },
                "not an entry",
            ],
            "bad ref!": [{"label": "e4s", "url": good}],
            "v1.0.0": "not a list",
            "empty": [],
        }
    )
    assert [(r.ref, [s.label for s in r.stacks]) for r in refs] == [("develop", ["e4s"])]
    assert refs[0].stacks[0].url == "https://b.example/develop/e4s/"
    messages = "\n".join(p.message for p in problems)
    for expected in (
        "label 'e4s' is given again",
        "label '../x' is not a valid name",
        "bucket 'other-bucket', which spackcache_buckets does not name",
        "neither s3:// nor http(s)",
        "neither a v2 index",
        "not a plain key",
        "has no label and url",
        "ref 'bad ref!' is not a valid snapshot name",
        "ref 'v1.0.0': not a list",
        "ref 'empty' has no usable mirror",
    ):
        assert expected in messages
    assert "stack 'xx'" in messages
    assert len(problems) == 12


def test_refs_are_selected_by_pattern() -> None:
    document = json.loads(INDEX.read_bytes())
    refs, problems = read(document, ("develop-*",))
    assert [r.ref for r in refs] == sorted(r for r in document if r.startswith("develop-"))
    assert problems == ()


def test_failing_stacks_are_warnings_and_the_build_goes_on(
    served: Server, build: Build, tmp_path: Path
) -> None:
    ml = json.loads(INDEX.read_bytes())["develop-2026-11-29"][2]["url"]
    ml_path = ml.removeprefix(BUCKET)
    served.status["/develop-2026-11-26/e4s/build_cache/index.json.hash"] = 500
    served.status["/develop-2026-11-26/e4s/build_cache/index.json"] = 500
    served.status["/develop-2026-11-26/e4s/v3/manifests/index/index.manifest.json"] = 500
    served.delays["/develop-2026-11-26/bootstrap/v3/manifests/index/index.manifest.json"] = 3
    (served.root / ml_path).write_bytes(b"not the blob")  # does not match its checksum
    shutil.rmtree(served.root / "v1.0.0")  # 404
    start = time.monotonic()
    app = build("snapshot-index", conf=conf_for(served, tmp_path, spackcache_fetch_timeout=1))
    assert time.monotonic() - start < 30
    warnings = "\n".join(warnings_of(app))
    assert "'develop-2026-11-26', stack 'e4s': cannot fetch" in warnings
    assert "Internal Server Error" in warnings
    assert "'develop-2026-11-26', stack 'bootstrap': cannot fetch" in warnings
    assert "no complete answer within 1 s" in warnings
    assert "'develop-2026-11-29', stack 'ml': cannot fetch" in warnings
    assert "does not match its sha256 checksum" in warnings
    assert "'v1.0.0', stack 'root': cannot fetch" in warnings
    assert all("[spackcache.config]" in w for w in warnings_of(app) if "cannot fetch" in w)
    # what could be read is shown: develop-2026-11-26 is its ml stack
    assert shown_stacks(app, "develop-2026-11-26") == expected_stacks({"ml": V3.read_bytes()})
    assert "v1.0.0" not in build_sources(app.env).tags()


def test_an_index_that_cannot_be_fetched_or_read_is_a_warning(
    served: Server, build: Build, tmp_path: Path
) -> None:
    served.status["/cache_spack_io_index.json"] = 500
    app = build("snapshot-index", conf=conf_for(served, tmp_path))
    warnings = "\n".join(warnings_of(app))
    assert "spackcache_snapshot_index: cannot fetch" in warnings
    assert "conf.py" in warnings
    assert "[spackcache.config]" in warnings
    assert build_sources(app.env).tags() == ("2026.11",)


def test_a_local_truncated_index_is_a_located_warning(
    served: Server, build: Build, tmp_path: Path
) -> None:
    local = tmp_path / "index.json"
    local.write_bytes(INDEX.read_bytes()[:100])
    app = build(
        "snapshot-index", conf=conf_for(served, tmp_path, spackcache_snapshot_index=str(local))
    )
    warnings = "\n".join(warnings_of(app))
    assert f"{local}:1: WARNING: not a snapshot index: the JSON is broken" in warnings
    assert "[spackcache.config]" in warnings


def test_a_local_index_outside_the_buckets(served: Server, build: Build, tmp_path: Path) -> None:
    local = tmp_path / "index.json"
    local.write_bytes(INDEX.read_bytes())
    conf = conf_for(
        served,
        tmp_path,
        spackcache_snapshot_index=str(local),
        spackcache_buckets={"my-bucket": served.url + "/"},
    )
    app = build("snapshot-index", conf=conf)
    warnings = "\n".join(warnings_of(app))
    assert f"{local}:1: WARNING:" in warnings
    assert "which spackcache_buckets does not name" in warnings
    assert build_sources(app.env).tags() == ("2026.11",)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("spackcache_buckets", {"Bad_Bucket": "https://x/"}, "is not an S3 bucket name"),
        ("spackcache_buckets", {"spack-binaries": "s3://x/"}, "must be an http(s) URL"),
        ("spackcache_snapshot_refs", ["develop", 3], "3 is not a pattern"),
        ("spackcache_mirrors", {"s": {"../x": "f"}}, "'../x' is not a valid stack name"),
        ("spackcache_mirrors", {"s": {}}, "'s' has no usable stack"),
        ("spackcache_snapshot_index", "https://x/\n", "holds a control or invisible"),
    ],
)
def test_bad_configuration_values_are_warnings(
    build: Build, tmp_path: Path, name: str, value: Any, expected: str
) -> None:
    empty = tmp_path / "no-records"
    empty.mkdir()
    app = build(
        "snapshot-index",
        conf={"spackcache_path": str(empty), name: value, "spackcache_fetch_timeout": 1},
    )
    warnings = "\n".join(warnings_of(app))
    assert expected in warnings
    assert re.search(rf"conf\.py:\d+: WARNING: {name}", warnings)


@pytest.mark.slow
def test_a_parallel_build_shows_what_a_serial_one_does(
    served: Server, build: Build, tmp_path: Path
) -> None:
    """The stacks' folders are on the environment, which -j workers get: each worker
    reads the same snapshots (the fetch happens once, in the main process)."""
    serial = build("snapshot-index", conf=conf_for(served, tmp_path))
    pages = {
        name: BeautifulSoup((serial.outdir / name).read_text("utf-8"), "html.parser").get_text()
        for name in ("index.html", "stack.html", "listing.html")
    }
    shutil.rmtree(serial.outdir.parent)
    asked = len(served.requests)
    parallel = build("snapshot-index", conf=conf_for(served, tmp_path), parallel=2)
    assert warnings_of(parallel) == []
    # a fresh environment asks again (blobs excepted), once, in the main process
    again = served.requests[asked:]
    assert again
    assert len(again) == len(set(again))
    assert not [path for path in again if "/blobs/" in path]
    for name, text in pages.items():
        got = (parallel.outdir / name).read_text("utf-8")
        assert BeautifulSoup(got, "html.parser").get_text() == text, name


def test_a_ref_that_is_also_a_record_snapshot_wins_after_a_warning(
    served: Server, build: Build, tmp_path: Path
) -> None:
    local = tmp_path / "index.json"
    url = BUCKET + "develop-2026-11-26/e4s/build_cache/index.json"
    local.write_text(json.dumps({"develop-2025-04-20": [{"label": "e4s", "url": url}]}))
    conf = conf_for(served, tmp_path, spackcache_snapshot_index=str(local))
    del conf["spackcache_path"]  # the records of tests/records, develop-2025-04-20 among them
    app = build("snapshot-index", conf=conf)
    warnings = "\n".join(warnings_of(app))
    assert re.search(
        r"conf\.py:\d+: WARNING: spackcache_snapshot_index: 'develop-2025-04-20' is also a "
        r"snapshot of spackcache_path; the mirror is used",
        warnings,
    )
    assert "spackcache_mirrors: 'develop-2025-04-20'" not in warnings
    assert shown_stacks(app, "develop-2025-04-20") == expected_stacks({"e4s": V2.read_bytes()})


@pytest.mark.parametrize("where", ["local", "served"])
def test_an_index_too_large_is_a_warning(
    served: Server, build: Build, tmp_path: Path, where: str
) -> None:
    big = b" " * (16 * 1024**2) + b"{}"  # valid JSON, one byte per space past the limit
    if where == "local":
        index = tmp_path / "index.json"
        index.write_bytes(big)
        location = str(index)
    else:
        (served.root / "big.json").write_bytes(big)
        location = served.url + "/big.json"
    conf = conf_for(served, tmp_path, spackcache_snapshot_index=location)
    app = build("snapshot-index", conf=conf)
    warnings = "\n".join(warnings_of(app))
    assert re.search(r"conf\.py:\d+: WARNING: spackcache_snapshot_index: ", warnings)
    assert f"than {16 * 1024**2:,} bytes" in warnings  # "more than", "larger than"
    assert build_sources(app.env).tags() == ("2026.11",)


def test_the_sources_are_made_once_a_build(served: Server, build: Build, tmp_path: Path) -> None:
    """Every directive, page and export of a build reads the same sources (their mirrors
    settled: found and parsed once); the next build makes its own, so a stack fetched
    again is read again."""
    app = build("snapshot-index", conf=conf_for(served, tmp_path))
    sources = build_sources(app.env)
    assert build_sources(app.env) is sources
    stack = sources.mirrors["develop-2026-11-26"]
    assert stack.settled
    again = build("snapshot-index", conf=conf_for(served, tmp_path))
    assert build_sources(again.env) is not sources
