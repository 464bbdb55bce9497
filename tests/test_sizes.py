"""Sizes (issue 27, part 4): each binary's compressed size and SHA-256 from a v3 mirror's
spec manifests, its size with every binary it brings with it, and the sums of summaries
and listings, in every builder and in the exports; over http(s), the manifests of the
binaries the pages show, fetched once and kept.

The expected values are worked out here from tests/mirrors/spack-v3-test itself: the
tarball record of each spec manifest, and the ``link``/``run`` edges of the index blob.
A local http.server (tests/test_fetch.py's) serves the mirror; nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx.util.console import coloron, nocolor, strip_colors

from sphinx_spackcache.sources.records import parse_record

from .conftest import MIRRORS, ROOTS, Build, warnings_of
from .test_fetch import Server

V3 = MIRRORS / "spack-v3-test"
SPEC_MANIFESTS = V3 / "v3" / "manifests" / "spec"
BLOB = (
    V3
    / "blobs"
    / "sha256"
    / "57"
    / ("57cad2589fae55cda3c35cadf4286d2e7702f90a708da80d70a76213fc45a688")
)
#: The packages the pages of tests/roots/test-sizes show (compiler-wrapper is not one).
SHOWN = {"libelf", "libdwarf", "gcc-runtime"}


def tarballs() -> dict[str, tuple[int, str, str]]:
    """hash -> (contentLength, sha256, manifest path from the mirror's root) of each
    spec manifest's tarball record (clear-signed ones unwrapped by hand)."""
    found = {}
    for path in SPEC_MANIFESTS.glob("*/*.spec.manifest.json"):
        text = path.read_text("utf-8")
        if text.startswith("-----BEGIN PGP"):
            text = text[text.index("{") : text.index("-----BEGIN PGP SIGNATURE-----")]
        (record,) = (
            r
            for r in json.loads(text)["data"]
            if r["mediaType"] == "application/vnd.spack.install.v3.tar+gzip"
        )
        spec_hash = path.name.removesuffix(".spec.manifest.json").rsplit("-", 1)[1]
        where = path.relative_to(V3).as_posix()
        found[spec_hash] = (record["contentLength"], record["checksum"], where)
    return found


def index() -> dict[str, dict[str, Any]]:
    """hash -> spec of the index blob (database version 8: plain JSON)."""
    installs = json.loads(BLOB.read_bytes())["database"]["installs"]
    return {key: entry["spec"] for key, entry in installs.items()}


def closure(spec_hash: str) -> set[str]:
    """The hashes *spec_hash* brings with it: ``link``/``run`` edges followed, by hand."""
    specs = index()
    found: set[str] = set()
    pending = [spec_hash]
    while pending:
        for edge in specs[pending.pop()].get("dependencies", []):
            types = set(edge["parameters"]["deptypes"])
            if types & {"link", "run"} and edge["hash"] not in found:
                found.add(edge["hash"])
                pending.append(edge["hash"])
    return found


def megabytes(size: int) -> str:
    assert 1_000_000 <= size < 1_000_000_000  # every tarball here: so "x.y MB"
    return f"{size / 1e6:.1f} MB"


def with_deps(spec_hash: str) -> int:
    sizes = tarballs()
    return sum(sizes[key][0] for key in {spec_hash, *closure(spec_hash)})


def of_package(package: str) -> list[str]:
    return [key for key, spec in index().items() if spec["name"] == package and key in tarballs()]


def text(tag: Any) -> str:
    """The text of an element that is there."""
    assert tag is not None
    return str(tag.get_text()).strip()


def rows(html: Path) -> dict[str, tuple[str | None, str | None]]:
    """hash -> (Size, With deps) cells of the spec table of a page (``None``: the table
    has no such column)."""
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    found = {}
    for row in soup.select("table.spackcache-specs tbody tr"):
        code = row.select_one("td.spackcache-hash code")
        assert code is not None
        cells = [row.select_one(f"td.spackcache-{key}") for key in ("size", "size-with-deps")]
        size, total = (None if cell is None else cell.get_text().strip() for cell in cells)
        found[code.get_text()] = (size, total)
    return found


def manifest_requests(server: Server) -> list[str]:
    return sorted(path for path in server.requests if "/v3/manifests/spec/" in path)


def conf_for(server: Server, tmp_path: Path) -> dict[str, Any]:
    return {
        "spackcache_mirrors": {"spack-test": server.url + "/spack-v3-test"},
        "spackcache_fetch_cache": str(tmp_path / "fetched"),
        "spackcache_fetch_max_age": 3600,
    }


def expected_rows(package: str) -> dict[str, tuple[str | None, str | None]]:
    sizes = tarballs()
    return {
        key: (megabytes(sizes[key][0]), megabytes(with_deps(key))) for key in of_package(package)
    }


def test_sizes_over_http_fetched_for_the_pages_binaries_once(
    server: Server, build: Build, tmp_path: Path
) -> None:
    conf = conf_for(server, tmp_path)
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    # the binaries the pages show and those they bring with them, each once: never
    # compiler-wrapper (a build dependency only, and no page of its own)
    sizes = tarballs()
    wanted = {key for p in SHOWN for key in of_package(p)}
    wanted |= {dep for key in wanted for dep in closure(key)}
    assert manifest_requests(server) == sorted(f"/spack-v3-test/{sizes[k][2]}" for k in wanted)
    assert not any("compiler-wrapper" in path for path in server.requests)
    for page, package in (("libdwarf", "libdwarf"), ("libelf", "libelf")):
        assert rows(app.outdir / f"{page}.html") == expected_rows(package)
    # u5uz3dc brings gcc-runtime and libelf jr3yipy (which brings gcc-runtime too: once)
    (u5uz,) = (k for k in of_package("libdwarf") if k.startswith("u5uz3dc"))
    assert {k[:7] for k in closure(u5uz)} == {"izgzpze", "jr3yipy"}
    # the summary: the bytes of the package's binaries added up
    soup = BeautifulSoup((app.outdir / "libdwarf.html").read_text("utf-8"), "html.parser")
    fields = {
        f.get_text().strip().rstrip(":"): text(f.find_next("dd"))
        for f in soup.select("dl.spackcache-summary dt")
    }
    total = sum(sizes[k][0] for k in of_package("libdwarf"))
    assert fields["Size"] == f"{megabytes(total)} in 2 binaries"
    # the exports: bytes, with dependencies, SHA-256
    export = json.loads((app.outdir / "_spackcache" / "spack-test" / "libdwarf.json").read_text())
    assert export["schema_version"] == 3
    assert {
        s["hash"]: (s["bytes"], s["bytes_with_dependencies"], s["sha256"]) for s in export["specs"]
    } == {k: (sizes[k][0], with_deps(k), sizes[k][1]) for k in of_package("libdwarf")}
    # a listing over http fetches nothing: it shows no size
    listing = (app.outdir / "listing.html").read_text("utf-8")
    assert "spackcache-size" not in listing

    # a warm rebuild: nothing read again, nothing asked for
    asked = len(server.requests)
    build("sizes", conf=conf)
    assert [p for p in server.requests[asked:] if "/v3/manifests/spec/" in p] == []
    # a page read again (its source changed) uses the copies: still nothing asked for
    source = app.srcdir / "libdwarf.rst"
    source.write_text(source.read_text("utf-8") + "\nAgain.\n", "utf-8")
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    assert [p for p in server.requests[asked:] if "/v3/manifests/spec/" in p] == []
    assert rows(app.outdir / "libdwarf.html") == expected_rows("libdwarf")


def test_a_local_v3_mirror_sums_its_listing(build: Build, tmp_path: Path) -> None:
    conf = {"spackcache_mirrors": {"spack-test": str(V3)}}
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    assert rows(app.outdir / "libdwarf.html") == expected_rows("libdwarf")
    sizes = tarballs()
    soup = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    assert f"6 specs ({megabytes(sum(s[0] for s in sizes.values()))} in 6 binaries)." in (
        soup.get_text(" ")
    )
    cells = {
        text(row.select_one("td.spackcache-package")): text(row.select_one("td.spackcache-size"))
        for row in soup.select("table.spackcache-packages tbody tr")
    }
    by_package: dict[str, int] = {}
    for key, spec in index().items():
        if key in sizes:
            by_package[spec["name"]] = by_package.get(spec["name"], 0) + sizes[key][0]
    assert cells == {name: megabytes(total) for name, total in by_package.items()}


@pytest.mark.parametrize("builder", ["text", "latex", "man"])
def test_every_builder_shows_the_sizes(
    server: Server, build: Build, tmp_path: Path, builder: str
) -> None:
    app = build("sizes", builder, conf=conf_for(server, tmp_path))
    assert warnings_of(app) == []
    out = "\n".join(
        p.read_text("utf-8") for p in app.outdir.rglob("*") if p.suffix in (".txt", ".tex", ".1")
    )
    out = out.replace("\\allowbreak{}", "")  # LaTeX: where a table cell may break
    for size, total in expected_rows("libdwarf").values():
        assert size is not None
        assert size in out
        assert total is not None
        assert total in out
    assert "With deps" in out
    sizes = tarballs()
    # the SHA-256 HTML carries to copy is not printed (the ``sha256`` column would show it)
    assert not any(sha in out for _, sha, _ in sizes.values())
    total = megabytes(sum(sizes[k][0] for k in of_package("libdwarf")))
    assert f"{total} in 2 binaries" in out


def test_a_manifest_that_cannot_be_used_is_a_located_warning_and_asked_again(
    server: Server, build: Build, tmp_path: Path
) -> None:
    sizes = tarballs()
    (rqh2,) = (k for k in of_package("libelf") if k.startswith("rqh2vuf"))
    (jr3y,) = (k for k in of_package("libelf") if k.startswith("jr3yipy"))
    broken = f"/spack-v3-test/{sizes[rqh2][2]}"
    server.status[broken] = 500
    lying = server.root / "spack-v3-test" / sizes[jr3y][2]
    original = lying.read_bytes()
    lying.write_text(
        '{"version": 3, "data": [{"mediaType": "application/vnd.spack.install.v3.tar+gzip",'
        ' "contentLength": -5, "checksumAlgorithm": "sha256", "checksum": "x"}]}'
    )
    conf = conf_for(server, tmp_path)
    app = build("sizes", conf=conf)
    warnings = warnings_of(app)
    # each page that shows them (libelf's, and libdwarf's: they are its dependencies)
    assert len(warnings) == 2
    for page, line in zip(("libdwarf", "libelf"), warnings, strict=True):
        assert line.startswith(f"{app.srcdir / page}.rst:4: WARNING: cache-package: 2 binaries")
        assert "does not exist" not in line
        assert "HTTP 500 Internal Server Error" in line
        assert "contentLength -5 is not a size" in line
        assert line.endswith("[spackcache.record]")
    # libelf's binaries have no size: no such column; libdwarf's have, but none has a
    # size with dependencies (a dependency has none)
    assert rows(app.outdir / "libelf.html") == {rqh2: (None, None), jr3y: (None, None)}
    libdwarf = rows(app.outdir / "libdwarf.html")
    assert libdwarf == {key: (size, None) for key, (size, _) in expected_rows("libdwarf").items()}
    assert rows(app.outdir / "runtime.html") == expected_rows("gcc-runtime")  # the build went on
    # two pages and their exports show them, but a build asks for each once
    unusable = sorted({broken, f"/spack-v3-test/{sizes[jr3y][2]}"})
    assert [p for p in manifest_requests(server) if p in unusable] == unusable

    # the pages that warned are read again, and the manifests asked for again, once each
    asked = len(server.requests)
    build("sizes", conf=conf)
    again = [p for p in server.requests[asked:] if "/v3/manifests/spec/" in p]
    assert sorted(again) == unusable
    # mended: no warning, the sizes shown
    del server.status[broken]
    lying.write_bytes(original)
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    assert rows(app.outdir / "libelf.html") == expected_rows("libelf")
    assert rows(app.outdir / "libdwarf.html") == expected_rows("libdwarf")


def test_a_record_cannot_give_itself_a_size_in_bytes() -> None:
    entry = {
        "hash": "a" * 32,
        "compiler": "gcc@=11.4.0",
        "versions": ["1.0"],
        "os": "ubuntu22.04",
        "platform": "linux",
        "target": "x86_64",
        "variants": [],
        "stacks": ["s"],
        "spackcache_bytes": 12,
        "spackcache_sha256": "b" * 64,
        "spackcache_bytes_with_deps": 13,
    }
    raw = f"---\ntitle: pkg\nspec_details: {json.dumps([entry])}\n---".encode()
    record, _ = parse_record(raw, Path("/x/t/pkg/specs.md"), package="pkg", tag="t")
    (spec,) = record.specs
    assert (spec.record_bytes, spec.record_sha256, spec.record_bytes_with_deps) == (None,) * 3


def sphinx(src: Path, out: Path, *options: str) -> tuple[int, list[str]]:
    """Build *src* in a fresh process state; (exit status, warning lines)."""
    log = out.parent / f"{out.name}.log"
    status = out.parent / f"{out.name}.status"
    with status.open("w") as stream, contextlib.redirect_stdout(stream):
        code = build_main([*options, "-w", str(log), "-b", "html", str(src), str(out)])
    return code, [line for line in strip_colors(log.read_text("utf-8")).splitlines() if line]


@pytest.mark.slow
def test_parallel_reading_fetches_and_shows_what_serial_does(
    server: Server, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-sizes", src)
    (rqh2,) = (k for k in of_package("libelf") if k.startswith("rqh2vuf"))
    server.status[f"/spack-v3-test/{tarballs()[rqh2][2]}"] = 404
    outputs = {}
    for jobs in ("1", "2"):
        options = ["-E", "-j", jobs, "-D", "show_warning_types=1"]
        options += ["-D", f"spackcache_mirrors.spack-test={server.url}/spack-v3-test"]
        options += ["-D", f"spackcache_fetch_cache={tmp_path / f'fetched-{jobs}'}"]
        code, lines = sphinx(src, tmp_path / f"out-{jobs}", *options)
        assert code == 0
        outputs[jobs] = lines
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]) == 2  # libelf's page and libdwarf's: 404
    for page in ("libelf", "libdwarf", "runtime", "listing"):
        serial = (tmp_path / "out-1" / f"{page}.html").read_bytes()
        assert (tmp_path / "out-2" / f"{page}.html").read_bytes() == serial, page


def test_a_progress_line_from_many_manifests(
    server: Server, build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test mirror's pages need 1 to 4 manifests each: below PROGRESS_FROM (20), no
    progress line; from 2 on (as from 20 in a real build), a line per page that fetches
    that many, naming the snapshot and the package."""
    app = build("sizes", conf=conf_for(server, tmp_path / "quiet"))
    assert "spec manifests..." not in app.status.getvalue()
    monkeypatch.setattr("sphinx_spackcache.site.manifests.PROGRESS_FROM", 2)
    shutil.rmtree(app.outdir.parent)  # read every page again, with an empty fetch cache
    app = build("sizes", conf=conf_for(server, tmp_path / "loud"))
    status = strip_colors(app.status.getvalue())
    assert "sizes of spack-test/libdwarf: spec manifests..." in status
    assert "sizes of spack-test/libelf: spec manifests..." in status
    assert "sizes of spack-test/gcc-runtime" not in status  # one manifest


def test_without_a_terminal_one_line_per_page(
    server: Server, build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a line cannot be rewritten in place (no terminal: Read the Docs' log), a page
    that fetches many manifests says so in one line, not one per manifest."""
    monkeypatch.setattr("sphinx_spackcache.site.manifests.PROGRESS_FROM", 2)
    nocolor()
    try:
        app = build("sizes", conf=conf_for(server, tmp_path))
    finally:
        coloron()
    lines = [ln for ln in app.status.getvalue().splitlines() if "spec manifests" in ln]
    assert {ln.split(":")[0] for ln in lines} == {
        "sizes of spack-test/libdwarf",
        "sizes of spack-test/libelf",
    }
    for line in lines:  # no "[ 40%] <hash>" line per manifest
        assert re.fullmatch(r"sizes of spack-test/\w+: spec manifests\.\.\. \d+ asked for", line)
    assert not any("%]" in ln for ln in lines)


def test_spackcache_fetch_sizes_off_asks_for_no_manifest(
    server: Server, build: Build, tmp_path: Path
) -> None:
    app = build("sizes", conf={**conf_for(server, tmp_path), "spackcache_fetch_sizes": False})
    assert warnings_of(app) == []
    assert manifest_requests(server) == []
    assert rows(app.outdir / "libdwarf.html") == dict.fromkeys(of_package("libdwarf"), (None, None))


def test_html_rows_carry_their_tarballs_sha256_to_copy(build: Build, tmp_path: Path) -> None:
    """Each row of a binary whose spec manifest gives its tarball's SHA-256 carries it in
    its hash cell, for the script's "copy the SHA-256" button (an empty ``<data>``
    element, nothing shown); print leaves it out (:func:`test_every_builder_shows_the_sizes`)."""
    conf = {"spackcache_mirrors": {"spack-test": str(V3)}}
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    sizes = tarballs()
    for page, package in (("libdwarf", "libdwarf"), ("libelf", "libelf"), ("runtime", None)):
        soup = BeautifulSoup((app.outdir / f"{page}.html").read_text("utf-8"), "html.parser")
        found = {}
        for row in soup.select("table.spackcache-specs tbody tr"):
            code = row.select_one("td.spackcache-hash code")
            assert code is not None
            (data,) = row.select("data")
            assert data.get("class") == ["spackcache-sha256"]
            assert data.get_text() == ""
            # in the hash cell's paragraph, after the hash
            assert data.find_parent("td") is code.find_parent("td")
            found[code.get_text()] = data["value"]
        keys = of_package(package) if package else list(found)
        assert keys
        assert found == {key: sizes[key][1] for key in keys}, page
