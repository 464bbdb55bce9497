"""``cache-history`` beside sources that are not dated snapshots (issue 25, point 7): two
Spack mirrors (tests/mirrors' spack-v2-test as "site", clingo-bootstrap as "clingo")
beside the three snapshots of docs/_cache (v0.23.1, develop-2025-04-13 and
develop-2025-04-20). A mirror has no date: it is not counted among the snapshots ("in 2 of
the 3 snapshots", not "of the 5") and its counts are in a table of their own, after a
paragraph that says why (docs/history.rst). Expected counts come from the raw files:
records with PyYAML, mirror indexes with json, not from the code under test."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag
from docutils import nodes

from .conftest import MIRRORS, Build, resolved, warnings_of
from .test_history import CACHE, NEW, OLD, raw

SITE = MIRRORS / "spack-v2-test"
CLINGO = MIRRORS / "clingo-bootstrap"
CONF = {
    "spackcache_path": str(CACHE),
    "spackcache_mirrors": {"site": str(SITE), "clingo": str(CLINGO)},
}
DATED = ["v0.23.1", OLD, NEW]


def mirror_versions(folder: Path, package: str) -> list[str]:
    """The version of each spec of *package* in the mirror's build cache (json)."""
    installs: dict[str, Any] = json.loads((folder / "build_cache" / "index.json").read_bytes())[
        "database"
    ]["installs"]
    found = []
    for entry in installs.values():
        spec = entry["spec"]
        name, body = (spec["name"], spec) if "name" in spec else next(iter(spec.items()))
        if name == package and entry.get("in_buildcache"):
            found.append(body["version"])
    return found


def _sections(build: Build, builder: str = "html") -> Any:
    app = build("history-mirrors", builder, conf=CONF)
    assert warnings_of(app) == []
    return app


def _section(page: BeautifulSoup, package: str) -> Tag:
    section = page.select_one(f"section#{package} div.spackcache-history")
    assert section is not None
    return section


def _rows(table: Tag) -> list[list[str]]:
    return [[td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")]


def test_the_numbers() -> None:
    """By a person too: gcc-runtime is in the two develop snapshots and in site, not in
    v0.23.1 nor clingo; libelf in site only; cmake in the three snapshots only."""
    assert [bool(raw(tag).get("gcc-runtime")) for tag in DATED] == [False, True, True]
    assert mirror_versions(SITE, "gcc-runtime") == ["10.2.1"]
    assert mirror_versions(CLINGO, "gcc-runtime") == []
    assert sorted(mirror_versions(SITE, "libelf")) == ["0.8.13", "0.8.13"]
    assert not any(raw(tag).get("libelf") for tag in DATED)
    assert mirror_versions(SITE, "cmake") == mirror_versions(CLINGO, "cmake") == []


def test_a_mirror_is_not_counted_among_the_snapshots(build: Build) -> None:
    page = BeautifulSoup(
        (_sections(build).outdir / "history.html").read_text("utf-8"), "html.parser"
    )
    gcc = _section(page, "gcc-runtime")
    versions = {v for tag in DATED for s in raw(tag).get("gcc-runtime", []) for v in s["versions"]}
    versions |= set(mirror_versions(SITE, "gcc-runtime"))
    sentence = gcc.select_one("p.spackcache-sentence")
    assert sentence is not None
    assert sentence.get_text() == (
        f"gcc-runtime is in 2 of the 3 snapshots: first in {OLD}, last in {NEW}; "
        f"{len(versions)} versions."
    )
    # what the two mirrors are, said once, between the two tables
    others = gcc.select_one("p.spackcache-history-others")
    assert others is not None
    assert others.get_text() == (
        "clingo and site are not dated snapshots (mirrors, or tags that are neither a "
        "release nor develop-YYYY-MM-DD): read as they are when this page is built, they "
        "say what a cache holds, not when, so they are not counted among the snapshots "
        "and are shown apart, by name. gcc-runtime is in 1 of them: site."
    )
    dated, apart = gcc.select("table.spackcache-history")
    assert "spackcache-history-others" not in dated["class"]
    assert "spackcache-history-others" in apart["class"]
    assert others.find_next("table") is apart
    # the dated snapshots' rows, counted from the records; the mirror's, from its index
    assert [row[0] for row in _rows(dated)] == DATED
    for row in _rows(dated):
        assert row[-1] == str(len(raw(row[0]).get("gcc-runtime", [])))
    (site,) = _rows(apart)
    headings = [th.get_text() for th in apart.select("thead th")]
    assert headings[0] == "Source"
    counts = Counter(mirror_versions(SITE, "gcc-runtime"))
    assert site == ["site", *(str(counts[v]) if counts[v] else "" for v in headings[1:-1]), "1"]
    # stacks: the dated ones as runs ("all 2"), the mirror's own stack apart
    stacks = {row[0]: row[1:] for row in _rows(gcc.select("table.spackcache-history-stacks")[0])}
    assert stacks["e4s"] == ["all 2", ""]
    assert stacks["site"] == ["", "site"]


def test_a_package_in_no_mirror_or_in_mirrors_only(build: Build) -> None:
    page = BeautifulSoup(
        (_sections(build).outdir / "history.html").read_text("utf-8"), "html.parser"
    )
    cmake = _section(page, "cmake")
    sentence = cmake.select_one("p.spackcache-sentence")
    assert sentence is not None
    assert sentence.get_text().startswith("cmake is in 3 of the 3 snapshots: first in v0.23.1")
    others = cmake.select_one("p.spackcache-history-others")
    assert others is not None
    assert others.get_text().endswith("by name. cmake is in none of them.")
    (matrix,) = cmake.select("table.spackcache-history")  # no rows of 0 for the mirrors
    assert [row[0] for row in _rows(matrix)] == DATED
    stacks = cmake.select_one("table.spackcache-history-stacks")
    assert stacks is not None
    assert [th.get_text() for th in stacks.select("thead th")] == ["Stack", "Snapshots"]
    libelf = _section(page, "libelf")
    sentence = libelf.select_one("p.spackcache-sentence")
    assert sentence is not None
    assert sentence.get_text() == (
        "libelf is in none of the 3 snapshots, only in sources that are not dated "
        "snapshots; 1 version."
    )
    (matrix,) = libelf.select("table.spackcache-history")
    assert "spackcache-history-others" in matrix["class"]
    assert _rows(matrix) == [["site", "2", "2"]]
    stacks = libelf.select_one("table.spackcache-history-stacks")
    assert stacks is not None
    assert [th.get_text() for th in stacks.select("thead th")] == ["Stack", "Not dated"]


def test_every_builder_says_it(build: Build) -> None:
    for builder in ("latex", "man", "text"):
        app = _sections(build, builder)
        doctree = resolved(app, "history")
        said = [
            p.astext()
            for p in doctree.findall(nodes.paragraph)
            if "spackcache-history-others" in p["classes"]
        ]
        assert len(said) == 3, builder
        assert said[0].endswith("gcc-runtime is in 1 of them: site."), builder
        tables = [t for t in doctree.findall(nodes.table) if "spackcache-history" in t["classes"]]
        assert len(tables) == 4, builder  # gcc-runtime's two, cmake's, libelf's
    text = " ".join((app.outdir / "history.txt").read_text("utf-8").split())
    assert "gcc-runtime is in 2 of the 3 snapshots" in text
