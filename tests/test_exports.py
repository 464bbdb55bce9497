"""Exports: JSON and CSV beside the HTML pages, linked from them, in deterministic bytes,
rewritten only when their data changes; none for other builders. Expected contents are
read from the record files with PyYAML, not from the code under test."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from sphinx_spackcache.data.export import csv_cell

from . import records as expected
from .conftest import RECORDS, Build, warnings_of

DEVELOP = "develop-2025-04-20"


def test_package_exports_hold_the_records_specs(build: Build) -> None:
    app = build("install", "html")
    assert warnings_of(app) == []
    folder = app.outdir / "_spackcache"
    data = json.loads((folder / DEVELOP / "py-packaging.json").read_text("utf-8"))
    assert data["schema"] == "sphinx-spackcache/export"
    assert data["schema_version"] == 3
    # records do not know dependencies: the graph keys are there, null
    assert {spec["dependencies"] for spec in data["specs"]} == {None}
    assert {spec["installed_with_it"] for spec in data["specs"]} == {None}
    assert (data["tag"], data["package"]) == (DEVELOP, "py-packaging")
    raw = {spec["hash"]: spec for spec in expected.specs(DEVELOP, "py-packaging")}
    assert {spec["hash"] for spec in data["specs"]} == set(raw)
    for spec in data["specs"]:
        record = raw[spec["hash"]]
        assert spec["compiler"] is None  # "none" in the record
        assert spec["versions"] == record["versions"] == ["24.2"]
        assert (spec["os"], spec["target"]) == (record["os"], record["target"])
        assert spec["variants"] == record["variants"]
        assert spec["stacks"] == record["stacks"]
        assert spec["size"] is None  # "-" in the record
    # v0.23.1: gcc@=11.4.0 in the record, gcc@11.4.0 in the export; tarballs kept
    cmake = json.loads((folder / "v0.23.1" / "cmake.json").read_text("utf-8"))
    raw_cmake = {spec["hash"]: spec for spec in expected.specs("v0.23.1", "cmake")}
    assert len(cmake["specs"]) == len(raw_cmake)
    for spec in cmake["specs"]:
        record = raw_cmake[spec["hash"]]
        assert spec["tarball"] == record["tarball"]
        compiler = record["compiler"]
        assert spec["compiler"] == (None if compiler == "none" else compiler.replace("@=", "@"))


def test_csv_has_a_row_per_spec(build: Build) -> None:
    app = build("install", "html")
    text = (app.outdir / "_spackcache" / DEVELOP / "cmake.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "hash", "versions", "compiler", "os", "platform", "target", "variants", "stacks",
        "size", "tarball",
    ]  # fmt: skip
    raw = {spec["hash"]: spec for spec in expected.specs(DEVELOP, "cmake")}
    assert len(rows) - 1 == len(raw)
    for row in rows[1:]:
        record = raw[row[0]]
        assert row[6] == " ".join(record["variants"])
        assert row[7] == " ".join(record["stacks"])
        assert row[5] == record["target"]


def test_snapshot_export_from_a_listing(build: Build) -> None:
    app = build("install", "html")
    data = json.loads((app.outdir / "_spackcache" / "v0.23.1.json").read_text("utf-8"))
    assert data["tag"] == "v0.23.1"
    assert list(data["packages"]) == expected.packages("v0.23.1")
    for package, specs in data["packages"].items():
        assert {s["hash"] for s in specs} == expected.hashes("v0.23.1", package)


def test_pages_link_their_exports(build: Build) -> None:
    app = build("install", "html")
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    links = page.select("p.spackcache-links a")
    assert [(a.get_text(), str(a["href"])) for a in links] == [
        ("py-packaging on packages.spack.io", "https://packages.spack.io/package.html?name=py-packaging"),
        ("JSON", f"_spackcache/{DEVELOP}/py-packaging.json"),
        ("CSV", f"_spackcache/{DEVELOP}/py-packaging.csv"),
    ]  # fmt: skip
    for link in links[1:]:
        assert (app.outdir / str(link["href"])).is_file()
    listing = BeautifulSoup((app.outdir / "exports.html").read_text("utf-8"), "html.parser")
    assert [a["href"] for a in listing.select("p.spackcache-links a")] == [
        "_spackcache/v0.23.1.json"
    ]


def test_a_page_in_a_folder_links_up(build: Build) -> None:
    app = build("generate", "html")
    pages = sorted(app.outdir.glob("*/*.html"))
    assert pages
    page = BeautifulSoup(pages[0].read_text("utf-8"), "html.parser")
    hrefs = [str(a["href"]) for a in page.select("p.spackcache-links a[download]")]
    assert hrefs
    for href in hrefs:
        assert href.startswith("../_spackcache/")
        assert (pages[0].parent / href).resolve().is_file()


def test_no_exports_in_an_epub(build: Build) -> None:
    app = build("install", "epub")
    assert not (app.outdir / "_spackcache").exists()
    page = (app.outdir / "index.xhtml").read_text("utf-8")
    assert "Download" not in page
    assert "py-packaging on packages.spack.io" in page


def test_no_exports_outside_html_nor_when_off(build: Build) -> None:
    text = build("install", "text")
    assert not (text.outdir / "_spackcache").exists()
    assert "Download" not in (text.outdir / "index.txt").read_text("utf-8")
    # the recipe link stays
    assert "py-packaging on packages.spack.io" in (text.outdir / "index.txt").read_text("utf-8")


def test_export_off_and_no_recipe_page_leave_no_line_of_links(build: Build) -> None:
    app = build("install", "html", conf={"spackcache_export": False, "spackcache_package_url": ""})
    assert not (app.outdir / "_spackcache").exists()
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    assert page.select("p.spackcache-links") == []
    assert "Download" not in page.get_text()


def test_exports_are_rewritten_only_when_their_data_changes(build: Build, tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    conf = {"spackcache_path": str(records)}
    app = build("install", "html", conf=conf)
    folder = app.outdir / "_spackcache"
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in files}
    # a page rewritten with the same data: its exports keep their bytes and their times
    (app.srcdir / "index.rst").write_text(
        (app.srcdir / "index.rst").read_text("utf-8") + "\nMore text.\n", "utf-8"
    )
    app = build("install", "html", conf=conf)
    assert {p: p.stat().st_mtime_ns for p in files} == before
    # a record that changes: its export follows
    record = records / DEVELOP / "py-packaging" / "specs.md"
    record.write_text(record.read_text("utf-8").replace("ubuntu24.04", "ubuntu26.04"), "utf-8")
    build("install", "html", conf=conf)
    changed = {p for p in files if p.stat().st_mtime_ns != before[p]}
    assert changed == {
        folder / DEVELOP / "py-packaging.json",
        folder / DEVELOP / "py-packaging.csv",
    }
    assert "ubuntu26.04" in (folder / DEVELOP / "py-packaging.csv").read_text("utf-8")


def test_csv_cells_a_spreadsheet_could_run_are_text() -> None:
    assert csv_cell("+shared ~static build_type=Release") == "+shared ~static build_type=Release"
    assert csv_cell("-") == "-"
    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csv_cell("-2+3;x") == "'-2+3;x"
    assert csv_cell("\tx") == "'\tx"


def test_exports_no_page_links_any_more_are_removed(build: Build) -> None:
    """Pages that no longer show a package (a directive taken out, a page removed) leave
    no export behind at the end of the next build; nothing else in the output is
    touched."""
    app = build("install", "html")
    folder = app.outdir / "_spackcache"
    before = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    # by hand from the root: py-packaging and cmake of the default snapshot (index, cpu,
    # counts), cmake of v0.23.1 (cpu) and the listing of v0.23.1 (exports)
    assert before == {
        f"{DEVELOP}/py-packaging.json",
        f"{DEVELOP}/py-packaging.csv",
        f"{DEVELOP}/cmake.json",
        f"{DEVELOP}/cmake.csv",
        "v0.23.1/cmake.json",
        "v0.23.1/cmake.csv",
        "v0.23.1.json",
    }
    mine = app.outdir / "mine.txt"
    mine.write_text("a file of the site's own", "utf-8")
    # only index.rst's py-packaging is left
    (app.srcdir / "exports.rst").write_text("Exports\n=======\n\nNo listing.\n", "utf-8")
    (app.srcdir / "counts.rst").unlink()
    (app.srcdir / "cpu.rst").unlink()
    index = app.srcdir / "index.rst"
    index.write_text(index.read_text("utf-8").replace("   cpu\n   counts\n", ""), "utf-8")
    app = build("install", "html")
    after = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert after == {f"{DEVELOP}/py-packaging.json", f"{DEVELOP}/py-packaging.csv"}
    assert not (folder / "v0.23.1").exists()  # the folder left empty goes too
    assert mine.read_text("utf-8") == "a file of the site's own"


def test_mirror_exports_carry_the_dependency_graph(build: Build) -> None:
    """JSON exports of a mirror's packages and snapshot (schema version 2): each spec's
    direct dependencies with their types and virtuals, how many binaries it brings with
    it, and (a snapshot's) how many of its binaries depend on it, worked out here from
    the indexes' raw JSON. CSV keeps its columns."""
    mirrors = Path(__file__).parent / "mirrors"
    conf = {
        "spackcache_mirrors": {
            "spack-test": str(mirrors / "spack-v2-test"),
            "clingo": str(mirrors / "clingo-bootstrap"),
        }
    }
    app = build("mirrors", "html", conf=conf)
    folder = app.outdir / "_spackcache"
    libdwarf = json.loads((folder / "spack-test" / "libdwarf.json").read_text("utf-8"))
    assert libdwarf["schema_version"] == 3
    found = {
        spec["hash"][:7]: (
            spec["installed_with_it"],
            [(d["name"], d["types"], d["virtuals"]) for d in spec["dependencies"]],
        )
        for spec in libdwarf["specs"]
    }
    # by hand from spack-v2-test's index.json (see tests/test_graph.py)
    assert found == {
        "sk2gqqz": (1, [("libelf", ["build", "link"], [])]),
        "u5uz3dc": (
            2,
            [
                ("compiler-wrapper", ["build"], []),
                ("gcc", ["build"], ["c", "cxx"]),
                ("gcc-runtime", ["link"], []),
                ("libelf", ["build", "link"], []),
            ],
        ),
    }
    assert "used_by" not in libdwarf["specs"][0]  # a package's export cannot say
    header = (folder / "spack-test" / "libdwarf.csv").read_text("utf-8").splitlines()[0]
    assert header == "hash,versions,compiler,os,platform,target,variants,stacks,size,tarball"

    snapshot = json.loads((folder / "clingo.json").read_text("utf-8"))
    raw = json.loads((mirrors / "clingo-bootstrap" / "build_cache" / "index.json").read_text())
    users: dict[str, int] = {}
    binaries = set()
    for key, entry in raw["database"]["installs"].items():
        if entry.get("in_buildcache"):
            binaries.add(key)
            (body,) = entry["spec"].values()  # database 5: {name: body}
            for dependency in body.get("dependencies", {}).values():
                users[dependency["hash"]] = users.get(dependency["hash"], 0) + 1
    exported = {s["hash"]: s["used_by"] for specs in snapshot["packages"].values() for s in specs}
    assert set(exported) == binaries
    assert exported == {key: users.get(key, 0) for key in binaries}
    assert max(exported.values()) == 5  # libgpg-error's builds, each used by five
