"""Spack mirrors as snapshots: the database reader on real indexes of database versions 5,
7 and 8 (and 6), and every directive on a mirror. Expected values are read from the JSON
here, independently of the reader."""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest
from bs4 import BeautifulSoup

import sphinx_spackcache.sources.spack_db as spack_db
from sphinx_spackcache.data.problems import RecordError
from sphinx_spackcache.sources.combined import Sources
from sphinx_spackcache.sources.mirror import MirrorSource
from sphinx_spackcache.sources.spack_db import read_database, specs_shared
from sphinx_spackcache.sources.store import CacheStore

from .conftest import MIRRORS, RECORDS, Build

SPACK_TEST = MIRRORS / "spack-v2-test" / "build_cache" / "index.json"  # database 8
CLINGO = MIRRORS / "clingo-bootstrap" / "build_cache" / "index.json"  # database 5
DERECHO = MIRRORS / "derecho-install-tree" / "index.json"  # database 7, an install tree


def installs(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())["database"]["installs"]
    return data


def node(entry: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(name, body) of an entry, old shape or new."""
    spec = entry["spec"]
    if "name" in spec:
        return spec["name"], spec
    ((name, body),) = spec.items()
    return name, body


def read(path: Path, stack: str = "m") -> Any:
    return read_database(path.read_bytes(), str(path), stack=stack)


@pytest.mark.parametrize(
    ("path", "version", "member"),
    [
        (CLINGO, "5", "in_buildcache"),
        (DERECHO, "7", "installed"),
        (SPACK_TEST, "8", "in_buildcache"),
    ],
)
def test_only_the_specs_in_the_cache_or_installed(path: Path, version: str, member: str) -> None:
    entries = installs(path)
    present = [node(e) for e in entries.values() if e.get(member) is True]
    absent = [e for e in entries.values() if e.get(member) is not True]
    assert absent  # every sample has some: externals, uninstalled
    database = read(path)
    assert database.version == version
    assert database.problems == ()
    assert Counter(n for n, _ in present) == Counter(
        {name: len(specs) for name, specs in database.packages.items()}
    )
    assert sorted(s.hash for specs in database.packages.values() for s in specs) == sorted(
        body["hash"] for _, body in present
    )


def test_database_8_compilers_from_annotations_and_from_dependencies() -> None:
    """Spack 1.0: a node converted from an old spec file keeps its compiler in
    annotations (gcc@=10.2.1); a new one depends on gcc for the c (and cxx) virtual."""
    database = read(SPACK_TEST, stack="spack-test")
    assert list(database.packages) == ["compiler-wrapper", "gcc-runtime", "libdwarf", "libelf"]
    libelf = {s.target: s for s in database.packages["libelf"]}
    assert set(libelf) == {"core2", "m1"}  # a target mapping's name, a plain target
    assert {s.compiler for s in libelf.values()} == {"gcc@10.2.1"}
    assert {s.variants for s in libelf.values()} == {("build_system=generic",)}  # no flags
    assert database.packages["compiler-wrapper"][0].compiler is None
    assert {s.stacks for s in libelf.values()} == {("spack-test",)}
    (new,) = [s for s in database.packages["libdwarf"] if s.target == "m1"]
    assert [(d.name, d.version, d.types) for d in database.dependencies(new.hash)] == [
        ("compiler-wrapper", "1.0", ("build",)),
        ("gcc", "10.2.1", ("build",)),
        ("gcc-runtime", "10.2.1", ("link",)),
        ("libelf", "0.8.13", ("build", "link")),
    ]


def test_database_5_old_node_shape_variants_and_flags() -> None:
    database = read(CLINGO)
    (zlib,) = [s for s in database.packages["zlib"] if s.hash == "qo6otxqnn6mxpw4zhqc4wdwqmgcfjdfe"]
    assert (zlib.versions, zlib.compiler, zlib.platform, zlib.os, zlib.target) == (
        ("1.2.11",),
        "apple-clang@12.0.0",
        "darwin",
        "catalina",
        "x86_64",
    )
    # booleans first, then the rest, each sorted; a non-empty flag is kept
    assert zlib.variants == ("+optimize", "+pic", "+shared", "cflags=-mmacosx-version-min=10.13")


def test_database_7_install_tree_lists_and_explicit() -> None:
    entries = installs(DERECHO)
    database = read(DERECHO)
    explicit = {
        e["spec"]["hash"] for e in entries.values() if e.get("installed") and e.get("explicit")
    }
    assert database.explicit == explicit
    assert len(explicit) == 682
    patched = [
        s
        for specs in database.packages.values()
        for s in specs
        if any(v.startswith("patches:=") for v in s.variants)
    ]
    assert patched
    for spec in patched:
        (patches,) = [v for v in spec.variants if v.startswith("patches:=")]
        assert all(len(p) == 7 for p in patches.removeprefix("patches:=").split(","))


def test_database_6_is_read_as_7(tmp_path: Path) -> None:
    """No real version 6 file is at hand: Spack's test mirror (version 8), relabelled 6,
    reads the same (the reader does not branch on the version, only on the shape of the
    nodes; this checks that 6 is accepted)."""
    data = json.loads(SPACK_TEST.read_bytes())
    data["database"]["version"] = "6"
    path = tmp_path / "index.json"
    path.write_text(json.dumps(data), "utf-8")
    assert read(path).packages == read(SPACK_TEST).packages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"{", "not a Spack database: the JSON is broken"),
        (b"[]", "no database.installs mapping"),
        (b'{"database": {"version": "4", "installs": {}}}', "version '4' is not one of 5, 6, 7, 8"),
    ],
)
def test_unreadable_databases_are_located_errors(text: bytes, message: str) -> None:
    with pytest.raises(RecordError) as info:
        read_database(text, "/m/build_cache/index.json", stack="m")
    assert info.value.problem.location == "/m/build_cache/index.json:1"
    assert message in info.value.problem.message


def test_a_broken_entry_is_skipped_and_reported() -> None:
    data = json.loads(SPACK_TEST.read_bytes())
    entries = data["database"]["installs"]
    broken = next(h for h, e in entries.items() if e["spec"]["name"] == "compiler-wrapper")
    del entries[broken]["spec"]["arch"]
    database = read_database(json.dumps(data).encode(), "/m/index.json", stack="m")
    assert "compiler-wrapper" not in database.packages
    assert len(database.packages["libelf"]) == 2
    (problem,) = database.problems
    assert problem.message == f"installs['{broken}']: it has no 'arch'; skipped"
    assert problem.location == "/m/index.json:1"


def test_hostile_entries_are_skipped_or_made_showable_and_reported_once() -> None:
    arch = {"platform": "linux", "platform_os": "rhel8", "target": "x86_64"}

    def spec(letter: str, **changes: Any) -> dict[str, Any]:
        return {"name": "zlib", "version": "1.3", "arch": arch, "hash": letter * 32, **changes}

    entries: dict[str, Any] = {
        "good": spec(
            "a",
            parameters={"shared": True},
            dependencies=[{"name": "zlib", "hash": "d" * 32, "parameters": {"deptypes": 5}}],
        ),
        "escape": spec("d", version="1\x1b[31m"),  # a terminal escape: made showable
        "dict-version": spec("b", version={"x": 1}),
        "bidi-name": spec("c", name="zl\u202eib"),
        "long": spec("e", version="1" * 5000),
        "arch-text": spec("f", arch="linux"),
        "path-hash": spec("g", hash="../../etc/passwd"),
        "params-list": spec("h", parameters=["x"]),
    }
    installs: dict[str, Any] = {
        v["hash"]: {"spec": v, "in_buildcache": True} for v in entries.values()
    }
    installs["not-an-entry"] = "text"
    raw = json.dumps({"database": {"version": "8", "installs": installs}}).encode()
    database = read_database(raw, "/m/index.json", stack="m")
    kept = {s.hash[0]: s for s in database.packages["zlib"]}
    assert set(kept) == {"a", "d"}
    assert kept["d"].versions == ("1\ufffd[31m",)
    (dependency,) = database.dependencies("a" * 32)  # deptypes not a list: no types
    assert (dependency.name, dependency.version, dependency.types) == ("zlib", "1\ufffd[31m", ())
    # one report for the seven skipped, one for the value made showable
    skipped, replaced = database.problems
    assert skipped.message.startswith("7 entries of the index are not usable specs")
    assert replaced.message.startswith(f"installs['{'d' * 32}']: '1\\x1b[31m' held characters")


def test_a_hash_outside_spack_base32_is_skipped() -> None:
    """Spack's hashes are base32 (RFC 4648: a-z and 2-7): a hash with 0, 1, 8 or 9 in it
    is not one, as a record's is not."""
    arch = {"platform": "linux", "platform_os": "rhel8", "target": "x86_64"}
    hashes = ["a" * 32, "0" * 32, "b" * 31 + "9", "2" * 32]
    installs = {
        h: {
            "spec": {"name": "zlib", "version": "1.3", "arch": arch, "hash": h},
            "in_buildcache": True,
        }
        for h in hashes
    }
    raw = json.dumps({"database": {"version": "8", "installs": installs}}).encode()
    database = read_database(raw, "/m/index.json", stack="m")
    assert sorted(s.hash for s in database.packages["zlib"]) == ["2" * 32, "a" * 32]
    (problem,) = database.problems
    assert problem.message.startswith("2 entries of the index are not usable specs")


# -- as snapshots of a build ---------------------------------------------------------


def sources(*names: str) -> Sources:
    folders = {"spack-test": "spack-v2-test", "clingo": "clingo-bootstrap"}
    return Sources(CacheStore(RECORDS), {n: MirrorSource(n, MIRRORS / folders[n]) for n in names})


def test_mirrors_are_snapshots_beside_the_records() -> None:
    both = sources("spack-test", "clingo")
    assert both.tags() == tuple(
        sorted([*(p.name for p in RECORDS.iterdir()), "clingo", "spack-test"])
    )
    assert both.packages("spack-test") == ("compiler-wrapper", "gcc-runtime", "libdwarf", "libelf")
    assert both.record_path("spack-test", "libelf") == SPACK_TEST
    assert both.load("clingo", "zlib").record.path == CLINGO
    assert both.close_packages("spack-test", "libelfs") == ["libelf"]
    snapshot = both.load_snapshot("clingo")
    assert sum(len(r.record.specs) for r in snapshot.records) == 59
    with pytest.raises(RecordError):
        both.load("spack-test", "gcc")  # external: not in the build cache


MIRROR_CONF = {
    "spackcache_mirrors": {
        "spack-test": str(MIRRORS / "spack-v2-test"),
        "clingo": str(MIRRORS / "clingo-bootstrap"),
    }
}


def gzipped_v3(tmp_path: Path) -> Path:
    """The v3 test mirror with its index blob gzipped, as the manifest's record says with
    ``"compression": "gzip"`` (Spack's BlobRecord, lib/spack/spack/url_buildcache.py in
    spack/spack at 00b778b4a9d53021fafb3b3a0c7d8ce0b8dcfa37: contentLength, mediaType,
    compression, checksumAlgorithm, checksum; the checksum is the stored blob's)."""
    folder = tmp_path / "spack-v3-gzip-test"
    shutil.copytree(MIRRORS / "spack-v3-test", folder)
    manifest_path = folder / "v3" / "manifests" / "index" / "index.manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    (record,) = [
        r for r in manifest["data"] if r["mediaType"].startswith("application/vnd.spack.db")
    ]
    old = folder / "blobs" / "sha256" / record["checksum"][:2] / record["checksum"]
    data = gzip.compress(old.read_bytes(), mtime=0)
    checksum = hashlib.sha256(data).hexdigest()
    old.unlink()  # only the gzipped blob is left to read
    blob = folder / "blobs" / "sha256" / checksum[:2] / checksum
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    record.update(checksum=checksum, compression="gzip", contentLength=len(data))
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    return folder


@pytest.mark.parametrize("layout", ["v2", "v3", "v3-gzip"])
def test_every_directive_on_a_mirror(build: Build, layout: str, tmp_path: Path) -> None:
    """Through every directive, a v2 mirror, a v3 one, and a v3 one whose index blob is
    gzipped give the same specs (the hashes of Spack's own database)."""
    folder = gzipped_v3(tmp_path) if layout == "v3-gzip" else MIRRORS / f"spack-{layout}-test"
    conf = {"spackcache_mirrors": {**MIRROR_CONF["spackcache_mirrors"], "spack-test": str(folder)}}
    app = build("mirrors", conf=conf)
    assert app.warning.getvalue() == ""
    package = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    entries = installs(SPACK_TEST)
    libelf = sorted(b["hash"] for n, b in map(node, entries.values()) if n == "libelf")
    tables = package.select("table.spackcache-specs")
    assert sorted(c.get_text() for c in tables[0].select("td.spackcache-hash code")) == libelf
    sizes = [td.get_text(strip=True) for td in tables[0].select("td.spackcache-size")]
    if layout != "v2":  # the tarball's size, from each spec's manifest
        manifests = v3_manifests()
        assert sorted(sizes) == sorted(
            f"{manifests[h]['data'][0]['contentLength'] / 1e6:.1f} MB" for h in libelf
        )
    else:
        assert sizes == []  # v2 indexes do not know sizes: no Size column
    zlib_built = [
        b
        for e in installs(CLINGO).values()
        for n, b in [node(e)]
        if n == "zlib" and e["in_buildcache"]
    ]
    assert len(zlib_built) == 4
    assert len(tables[1].select("tbody tr")) == len(zlib_built)

    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    (stack,) = listing.select("table.spackcache-packages")
    clingo = BeautifulSoup((app.outdir / "clingo.html").read_text("utf-8"), "html.parser")
    (index,) = clingo.select("table.spackcache-packages")
    clingo_packages = {
        n for n, _ in (node(e) for e in installs(CLINGO).values() if e["in_buildcache"])
    }
    assert {a.get_text() for a in index.select("td.spackcache-package")} == clingo_packages
    assert {a.get_text() for a in stack.select("td.spackcache-package")} == {
        "compiler-wrapper",
        "gcc-runtime",
        "libdwarf",
        "libelf",
    }
    (references,) = [p for p in listing.select("p") if p.get_text().startswith("References")]
    links = [a["href"] for a in references.select("a.reference")]
    assert links == [
        "package.html#cache-package-libelf-spack-test",
        "package.html#cache-package-zlib-clingo",
    ]

    index_page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    (matrix,) = index_page.select("table.spackcache-coverage")
    targets = Counter(
        t["name"] if isinstance(t := b["arch"]["target"], dict) else t
        for e in entries.values()
        if e["in_buildcache"]
        for _, b in [node(e)]
    )
    headings = [th.get_text(strip=True) for th in matrix.select("thead th")]
    (row,) = [r for r in matrix.select("tbody tr") if r.td and r.td.get_text() == "spack-test"]
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert dict(zip(headings[1:-2], cells[1:-2], strict=True)) == {
        t: str(n) for t, n in targets.items()
    }


def test_mirror_config_mistakes_are_located_warnings(build: Build, tmp_path: Path) -> None:
    mirror = tmp_path / "v0.23.1"
    shutil.copytree(MIRRORS / "spack-v2-test", mirror)
    app = build(
        "mirrors",
        conf={
            "spackcache_mirrors": {
                "spack-test": str(MIRRORS / "spack-v2-test"),
                "clingo": str(MIRRORS / "clingo-bootstrap"),
                "v0.23.1": str(mirror),
                "../up": str(mirror),
                "web": "http://127.0.0.1:9/mirror",  # the discard port: refused
            }
        },
    )
    warnings = app.warning.getvalue()
    assert "spackcache_mirrors: '../up' is not a valid snapshot name" in warnings
    assert "spackcache_mirrors: 'web': cannot fetch http://127.0.0.1:9/mirror: " in warnings
    assert "; the mirror is left out" in warnings
    assert "spackcache_mirrors: 'v0.23.1' is also a snapshot of spackcache_path" in warnings
    assert warnings.count("[spackcache.config]") == 3
    assert "conf.py:" in warnings  # located at the assignment


def test_a_changed_mirror_index_rereads_only_its_pages(build: Build, tmp_path: Path) -> None:
    folder = tmp_path / "mirror"
    shutil.copytree(MIRRORS / "spack-v2-test", folder)
    conf = {
        "spackcache_mirrors": {
            "spack-test": str(folder),
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        }
    }
    first = build("mirrors", conf=conf)
    doctrees = first.doctreedir
    before = {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")}
    index = folder / "build_cache" / "index.json"
    data = json.loads(index.read_bytes())
    for entry in data["database"]["installs"].values():
        if entry["spec"]["name"] == "libdwarf":
            entry["in_buildcache"] = False
    index.write_text(json.dumps(data), "utf-8")
    app = build("mirrors", conf=conf)
    after = {p.stem: p.stat().st_mtime_ns for p in doctrees.glob("*.doctree")}
    # every page that shows the mirror is read again; the one of the other mirror is not
    assert {name for name in after if after[name] != before[name]} == {
        "index",
        "package",
        "listing",
    }
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    (stack,) = listing.select("table.spackcache-packages")
    assert "libdwarf" not in {a.get_text() for a in stack.select("td.spackcache-package")}


def test_a_mirror_inside_the_source_folder_is_not_read_as_pages(build: Build) -> None:
    """Like the record folder: with MyST on, a mirror's PROVENANCE.md would be a page."""
    app = build("mirrors", conf=MIRROR_CONF)  # copies the root
    srcdir = app.srcdir
    shutil.copytree(MIRRORS / "spack-v2-test", srcdir / "_mirrors" / "spack-test")
    app = build(
        "mirrors",
        conf={
            "extensions": ["sphinx_spackcache", "myst_parser"],
            "source_suffix": {".rst": "restructuredtext", ".md": "markdown"},
            "spackcache_mirrors": {
                "spack-test": "_mirrors/spack-test",
                "clingo": str(MIRRORS / "clingo-bootstrap"),
            },
        },
        freshenv=True,
    )
    assert app.warning.getvalue() == ""
    assert "_mirrors/spack-test/PROVENANCE" not in app.env.found_docs
    assert (app.outdir / "package.html").is_file()


# -- the v3 layout (tests/mirrors/make_v3.py wrote it from the v2 test mirror) ------

V3 = MIRRORS / "spack-v3-test"


def v3_manifests() -> dict[str, dict[str, Any]]:
    """spec hash -> its manifest's JSON (clear-signed ones unwrapped here by hand)."""
    found = {}
    for path in (V3 / "v3" / "manifests" / "spec").glob("*/*.spec.manifest.json"):
        text = path.read_text("utf-8")
        if text.startswith("-----BEGIN PGP"):
            text = text[text.index("{") : text.index("-----BEGIN PGP SIGNATURE-----")]
        found[path.name.split("-")[-1].split(".")[0]] = json.loads(text)
    return found


def test_v3_mirror_reads_the_index_blob_views_and_sizes() -> None:
    v3 = MirrorSource("spack-test", V3)
    v2 = MirrorSource("spack-test", MIRRORS / "spack-v2-test")
    assert v3.index_path == V3 / "v3" / "manifests" / "index" / "index.manifest.json"
    assert v3.packages("spack-test") == v2.packages("spack-test")
    manifests = v3_manifests()
    assert sum("-----BEGIN PGP" in p.read_text() for p in V3.rglob("*.spec.manifest.json")) == 2
    for package in v3.packages("spack-test"):
        for spec in v3.load("spack-test", package).record.specs:
            tarball = manifests[spec.hash]["data"][0]
            assert tarball["mediaType"].startswith("application/vnd.spack.install.")
            assert spec.size == f"{tarball['contentLength'] / 1e6:.1f} MB"
            in_view = package in ("libelf", "libdwarf")
            assert spec.stacks == (("spack-test", "libs") if in_view else ("spack-test",))


def test_v3_blob_that_does_not_match_its_checksum(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    shutil.copytree(V3, folder)
    manifest = json.loads((folder / "v3/manifests/index/index.manifest.json").read_text())
    checksum = manifest["data"][0]["checksum"]
    blob = folder / "blobs" / "sha256" / checksum[:2] / checksum
    blob.write_bytes(blob.read_bytes().replace(b"libelf", b"libelg"))
    mirror = MirrorSource("m", folder)
    with pytest.raises(RecordError) as info:
        mirror.load("m", "libelf")
    assert info.value.problem.location == f"{folder}/v3/manifests/index/index.manifest.json:1"
    assert "does not match its sha256 checksum" in info.value.problem.message
    assert mirror.packages("m") == ()
    assert mirror.load_snapshot("m").errors


def test_human_sizes() -> None:
    from sphinx_spackcache.sources.mirror import human_size

    assert [human_size(n) for n in (0, 999, 1000, 3_400_000, 12_345_678_901)] == [
        "0 B",
        "999 B",
        "1.0 kB",
        "3.4 MB",
        "12.3 GB",
    ]


@pytest.mark.parametrize("version", ["5", "6", "7", "8"])
def test_every_database_version_through_the_directives(
    build: Build, tmp_path: Path, version: str
) -> None:
    """The 'clingo' snapshot of the test root holds a database of each version: the
    real ones of versions 5 (a build cache), 7 (an install tree) and 8 (Spack's test
    mirror), and version 7 relabelled 6. The listing shows exactly the specs the JSON
    says are there, and zlib's page (where there is a zlib) its specs."""
    source = {"5": CLINGO, "6": DERECHO, "7": DERECHO, "8": SPACK_TEST}[version]
    data = json.loads(source.read_bytes())
    data["database"]["version"] = version
    folder = tmp_path / "mirror"
    (folder / "build_cache").mkdir(parents=True)
    (folder / "build_cache" / "index.json").write_text(json.dumps(data), "utf-8")
    conf = {
        "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test"), "clingo": str(folder)},
        "nitpicky": False,  # zlib@clingo has no page when the database has no zlib
    }
    app = build("mirrors", conf=conf)
    entries = installs(source)
    member = "in_buildcache" if version in ("5", "8") else "installed"
    present = [node(e) for e in entries.values() if e.get(member) is True]
    warnings = app.warning.getvalue()
    has_zlib = any(name == "zlib" for name, _ in present)
    if has_zlib:
        assert warnings == ""
    else:  # as for a record snapshot: a located spackcache.package warning
        assert (
            "package.rst:7: WARNING: cache-package: no package 'zlib' in tag 'clingo' "
            f"(not in {folder}/build_cache/index.json)" in warnings
        )
        assert warnings.count("[spackcache.package]") == 1
    clingo = BeautifulSoup((app.outdir / "clingo.html").read_text("utf-8"), "html.parser")
    (index,) = clingo.select("table.spackcache-packages")
    rows = {}
    for row in index.select("tbody tr"):
        name, specs = (td.get_text() for td in row.select("td")[:2])
        rows[name] = specs
    assert rows == {name: str(n) for name, n in Counter(n for n, _ in present).items()}


def test_roots_only(build: Build) -> None:
    """:roots: keeps the specs nothing in the cache depends on (ref_count 0, for a build
    cache) or those installed explicitly (an install tree); on cache.spack.io's records,
    which do not say, it warns once and shows all."""
    for path, explicit in ((SPACK_TEST, False), (CLINGO, False), (DERECHO, True)):
        entries = installs(path)
        member = "installed" if explicit else "in_buildcache"
        expected = {
            h
            for h, e in entries.items()
            if e.get(member) and (e.get("explicit") if explicit else e["ref_count"] == 0)
        }
        assert read(path).roots == expected
        assert expected
    app = build("mirrors", conf=MIRROR_CONF)
    (app.srcdir / "roots.rst").write_text(
        ":orphan:\n\nRoots\n=====\n\n"
        ".. cache-index::\n   :tag: spack-test\n   :roots:\n\n"
        ".. cache-package:: libelf\n   :tag: spack-test\n   :roots:\n   :no-index:\n\n"
        ".. cache-index::\n   :roots:\n",
        "utf-8",
    )
    app = build("mirrors", conf=MIRROR_CONF)
    page = BeautifulSoup((app.outdir / "roots.html").read_text("utf-8"), "html.parser")
    mirror, records = page.select("table.spackcache-packages")
    roots = {
        node(entries[h])[0] for h in read(SPACK_TEST).roots for entries in [installs(SPACK_TEST)]
    }
    assert roots == {"libdwarf"}
    assert {td.get_text() for td in mirror.select("td.spackcache-package")} == roots
    assert len(records.select("tbody tr")) == len(
        list(RECORDS.glob("develop-2025-04-20/*/specs.md"))
    )
    warnings = app.warning.getvalue()
    assert warnings.count("[spackcache.filter]") == 2, warnings
    assert (
        "roots.rst:15: WARNING: cache-index: :roots: snapshot 'develop-2025-04-20' does not say"
        in warnings
    )
    assert (
        "roots.rst:10: WARNING: cache-package: :roots: leaves none of the 2 specs of libelf"
        in warnings
    )


def test_a_spec_row_discloses_its_dependencies(build: Build) -> None:
    """From a mirror, a spec's direct dependencies are listed under its hash (HTML: a
    <details> "N direct · M installed with it", M counted by a recursion over the index
    here; text: in full), those needed only to build after the others, one that
    provides virtuals spelled as Spack 1.0 prints it (``%c,cxx=gcc@10.2.1``), each linked
    to its row where there is one (libelf's binaries are rows of this page; the others
    stay plain text, without a warning)."""
    app = build("mirrors", conf=MIRROR_CONF)
    assert app.warning.getvalue() == ""
    entries = installs(SPACK_TEST)
    by_hash = {h: node(e) for h, e in entries.items()}
    html = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    libdwarf = html.select("table.spackcache-specs")[2]
    for row in libdwarf.select("tbody tr"):
        (code,) = row.select("td.spackcache-hash code")
        spec_hash = code.get_text()
        _, body = by_hash[spec_hash]

        def spelled(d: dict[str, Any]) -> str:
            text = f"{d['name']}@{by_hash[d['hash']][1]['version']}/{d['hash'][:7]}"
            virtuals = d["parameters"].get("virtuals") or []
            return f"%{','.join(virtuals)}={text}" if virtuals else text

        def installed(d: dict[str, Any]) -> bool:
            return bool({"link", "run"} & set(d["parameters"]["deptypes"]))

        def brings(key: str) -> set[str]:
            return {
                found
                for d in by_hash[key][1].get("dependencies", [])
                if installed(d)
                for found in {d["hash"], *brings(d["hash"])}
            }

        direct = sorted(body["dependencies"], key=lambda d: d["name"])
        # those installed with the binary first, then those needed only to build it
        expected = [spelled(d) for d in direct if installed(d)]
        expected += [spelled(d) for d in direct if not installed(d)]
        (details,) = row.select("td.spackcache-hash > details")
        (summary,) = details.select(":scope > summary")
        assert summary.get_text() == (
            f"{len(direct)} direct \N{MIDDLE DOT} {len(brings(spec_hash))} installed with it"
        )
        listed = details.select_one(":scope > p")
        assert listed is not None
        shown = [s.get_text() for s in listed.select("span.spackcache-dependency")]
        assert shown == expected
        if any(not installed(d) for d in direct):
            assert "build only: " in listed.get_text()
        links = {a.get_text(): a["href"] for a in listed.select("a")}
        # libelf's binaries are rows of this page (the table above): a link goes to the
        # row of that binary, "spec-" and its full hash
        libelf = {spelled(d): f"#spec-{d['hash']}" for d in direct if d["name"] == "libelf"}
        assert links == libelf
    libelf_table = html.select("table.spackcache-specs")[0]
    for row in libelf_table.select("tbody tr"):  # the core2 libelf depends on nothing
        (code,) = row.select("td.spackcache-hash code")
        spec_hash = code.get_text()
        assert bool(row.select("details")) == bool(by_hash[spec_hash][1].get("dependencies"))

    text = build("mirrors", "text", conf=MIRROR_CONF)
    page = (text.outdir / "package.txt").read_text("utf-8")
    for name, body in by_hash.values():
        if name == "libdwarf":
            for d in body["dependencies"]:  # (the text builder may wrap a name)
                assert f"/{d['hash'][:7]}" in page


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_database_pauses_the_collector_and_leaves_it_as_it_was(
    enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = MIRRORS / "spack-v2-test" / "build_cache" / "index.json"
    seen: list[bool] = []
    real = msgspec.json.decode

    def decode(raw: bytes) -> Any:
        seen.append(gc.isenabled())
        return real(raw)

    monkeypatch.setattr(msgspec.json, "decode", decode)
    (gc.enable if enabled else gc.disable)()
    try:
        gc.unfreeze()
        database = read_database(path.read_bytes(), str(path), stack="s")
        # what it read is left out of later collections
        assert gc.get_freeze_count() > sum(map(len, database.packages.values()))
        gc.unfreeze()
        with pytest.raises(RecordError):
            read_database(b"[", str(path), stack="s")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False, False]


def test_a_database_keeps_of_each_node_only_what_dependencies_read() -> None:
    """The decoded file is let go (most of a live index's memory): a node keeps its
    version and its dependencies as one bytes object (their JSON), no dict of the file,
    and the dependencies are still those of the file."""
    path = MIRRORS / "derecho-install-tree" / "index.json"
    installs = json.loads(path.read_bytes())["database"]["installs"]
    database = read_database(path.read_bytes(), str(path), stack="s")
    for key, (version, dependencies) in database.nodes.items():
        assert version == installs[key]["spec"].get("version")
        assert type(dependencies) is bytes
        assert json.loads(dependencies) == (installs[key]["spec"].get("dependencies") or [])
    key, entry = next((k, e) for k, e in installs.items() if e["spec"].get("dependencies"))
    names = sorted(d["name"] for d in entry["spec"]["dependencies"])
    versions = {
        d["name"]: installs[d["hash"]]["spec"]["version"] for d in entry["spec"]["dependencies"]
    }
    found = database.dependencies(key)
    assert [d.name for d in found] == names
    assert {d.name: d.version for d in found} == versions


def test_stacks_read_together_make_a_shared_spec_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside specs_shared, an entry a database read before had (same DAG hash) is not
    made again: the same spec, in the new stack; a database with characters no page can
    show takes no part; outside, each database makes its own."""
    raw = (MIRRORS / "spack-v2-test" / "build_cache" / "index.json").read_bytes()
    installs = json.loads(raw)["database"]["installs"]
    present = sum(1 for entry in installs.values() if entry.get("in_buildcache"))
    made: list[str] = []
    original = spack_db._spec

    def counted(node: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        made.append(key)
        return original(node, key, *args, **kwargs)

    monkeypatch.setattr(spack_db, "_spec", counted)
    with specs_shared():
        first = read_database(raw, "a", stack="e4s")
        second = read_database(raw, "b", stack="ml")
    assert len(made) == present  # the second database made none
    for name, specs in second.packages.items():
        for mine, theirs in zip(specs, first.packages[name], strict=True):
            assert mine.stacks == ("ml",)
            assert theirs.stacks == ("e4s",)
            assert msgspec.structs.replace(mine, stacks=("e4s",)) == theirs
    made.clear()
    read_database(raw, "c", stack="other")  # outside: made again
    assert len(made) == present
    # a database whose bytes may hold unshowable characters makes its own specs
    made.clear()
    unclean = raw.replace(b'"version":', b'"x":"\\u00e9","version":', 1)
    assert unclean != raw
    with specs_shared():
        read_database(raw, "a", stack="e4s")
        read_database(unclean, "b", stack="ml")
    assert len(made) == 2 * present
