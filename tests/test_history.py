"""``cache-diff`` and ``cache-history`` on the real records the docs ship (docs/_cache:
develop-2025-04-13, develop-2025-04-20 and v0.23.1). Expected differences are computed
here from the raw files with PyYAML, by the rule the docs state, not with the code under
test."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main

from sphinx_spackcache.data.history import diff_snapshots
from sphinx_spackcache.data.model import Spec
from sphinx_spackcache.data.snapshots import previous_snapshot, snapshot_order

from .conftest import DOCS, RECORDS, ROOTS, Build, warnings_of
from .test_incremental import read_docs

CACHE = DOCS / "_cache"
OLD, NEW = "develop-2025-04-13", "develop-2025-04-20"


@cache
def raw(tag: str, root: Path = CACHE) -> dict[str, list[dict[str, Any]]]:
    """package -> its spec_details, read with PyYAML."""
    found = {}
    for path in sorted((root / tag).glob("*/specs.md")):
        specs: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8").split("---")[1])[
            "spec_details"
        ]
        found[path.parent.name] = specs
    return found


def identity(spec: dict[str, Any]) -> tuple[Any, ...]:
    compiler = None if spec["compiler"] == "none" else spec["compiler"].replace("@=", "@")
    return (
        tuple(spec["versions"]),
        compiler,
        spec["os"],
        spec["platform"],
        spec["target"],
        tuple(sorted(spec["variants"])),
    )


def expected_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, int]:
    """The rule the docs state: same hash, same binary; of the others, the same build
    under a new hash is rebuilt; the rest are added or removed."""
    old_hashes = {s["hash"] for s in old}
    new_hashes = {s["hash"] for s in new}
    gone = Counter(identity(s) for s in old if s["hash"] not in new_hashes)
    came = Counter(identity(s) for s in new if s["hash"] not in old_hashes)
    rebuilt = sum(min(gone[i], came[i]) for i in gone)
    versions_old = {v for s in old for v in s["versions"]}
    versions_new = {v for s in new for v in s["versions"]}
    stacks_old = {x for s in old for x in s["stacks"]}
    stacks_new = {x for s in new for x in s["stacks"]}
    return {
        "rebuilt": rebuilt,
        "added": sum(came.values()) - rebuilt,
        "removed": sum(gone.values()) - rebuilt,
        "versions_gained": len(versions_new - versions_old),
        "versions_lost": len(versions_old - versions_new),
        "stacks_gained": len(stacks_new - stacks_old),
        "stacks_lost": len(stacks_old - stacks_new),
    }


def expected_diff(old_tag: str, new_tag: str) -> dict[str, Any]:
    old, new = raw(old_tag), raw(new_tag)
    common = sorted(set(old) & set(new))
    per_package = {name: expected_changes(old[name], new[name]) for name in common}
    changed = {name: c for name, c in per_package.items() if any(c.values())}
    totals: dict[str, int] = defaultdict(int)
    for changes in changed.values():
        for key, value in changes.items():
            totals[key] += value
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "common": common,
        "changed": changed,
        "totals": dict(totals),
    }


def html(app: Any, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text("utf-8"), "html.parser")


def rows(table: Any) -> list[Any]:
    return list(table.select("tbody tr"))


def test_the_numbers_of_the_real_snapshots() -> None:
    """The numbers the issue asks for, worked out from the raw files (and read by a person:
    the 30 develop-2025-04-13 records copied are all in develop-2025-04-20)."""
    diff = expected_diff(OLD, NEW)
    assert len(diff["common"]) == 30
    assert diff["removed"] == []
    assert len(diff["added"]) == 79
    assert len(diff["changed"]) == 25
    assert diff["totals"] == {
        "rebuilt": 122,
        "added": 7,
        "removed": 16,
        "versions_gained": 1,
        "versions_lost": 2,
        "stacks_gained": 0,
        "stacks_lost": 0,
    }


def test_a_whole_snapshot_diff(build: Build) -> None:
    app = build("history", "html", conf={"spackcache_path": str(CACHE)})
    assert warnings_of(app) == []
    page = html(app, "diff")
    want = expected_diff(OLD, NEW)
    sentence = page.select_one("div.spackcache-diff p.spackcache-sentence")
    assert sentence is not None
    assert sentence.get_text() == (
        # the records here: 30 and 109 of the snapshots' 1,224 and 1,225 packages
        "develop-2025-04-13 \N{RIGHTWARDS ARROW} develop-2025-04-20 (the records here): "
        "79 packages added, 0 "
        "removed; of the 30 packages in both, 25 changed: 122 specs rebuilt, 7 specs added, "
        "16 specs removed, 1 version gained, 2 versions lost."
    )
    packages, changes, specs = page.select("table.spackcache-table")
    assert [r.select_one("td").get_text() for r in rows(packages)] == want["added"]
    assert [r.select_one("td").get_text() for r in rows(changes)] == sorted(want["changed"])
    for row in rows(changes):
        name = row.select_one("td.spackcache-package").get_text()
        cell = row.select_one("td.spackcache-rebuilt")
        assert (int(cell.get_text()) if cell and cell.get_text() else 0) == want["changed"][name][
            "rebuilt"
        ]
    kinds = Counter(r.select_one("td.spackcache-change").get_text() for r in rows(specs))
    assert kinds == {"rebuilt": 122, "added": 7, "removed": 16}
    # a rebuilt row shows both hashes, each a hash of its own snapshot, same build
    old_by_hash = {s["hash"]: s for specs_ in raw(OLD).values() for s in specs_}
    new_by_hash = {s["hash"]: s for specs_ in raw(NEW).values() for s in specs_}
    for row in rows(specs):
        if row.select_one("td.spackcache-change").get_text() != "rebuilt":
            continue
        old_hash = row.select_one("td.spackcache-old").get_text()
        new_hash = row.select_one("td.spackcache-new").get_text()
        assert identity(old_by_hash[old_hash]) == identity(new_by_hash[new_hash])
        assert old_hash not in new_by_hash
        assert new_hash not in old_by_hash
    # a package with a page links there
    link = changes.select_one("td.spackcache-package a[href]")
    assert link is not None
    assert link.get_text() == "cmake"
    assert link["href"] == "cmake.html#cache-package-cmake-develop-2025-04-20"


def test_one_package_and_a_release(build: Build) -> None:
    app = build("history", "text", conf={"spackcache_path": str(CACHE)})
    text = (app.outdir / "packages.txt").read_text("utf-8")
    cmake = expected_changes(raw(OLD)["cmake"], raw(NEW)["cmake"])
    assert cmake["rebuilt"] == 33
    assert cmake["removed"] == 2
    assert cmake["added"] == 0
    assert (
        "develop-2025-04-13 → develop-2025-04-20, cmake: 33 specs rebuilt, 2 specs removed."
    ) in " ".join(text.split())
    packaging = expected_changes(raw(OLD)["py-packaging"], raw(NEW)["py-packaging"])
    words = [f"{packaging['rebuilt']} specs rebuilt", f"{packaging['removed']} specs removed"]
    assert f"develop-2025-04-20, py-packaging: {', '.join(words)}." in " ".join(text.split())
    release = expected_changes(raw("v0.23.1")["cmake"], raw(NEW)["cmake"])
    assert release["versions_gained"] == 1
    assert release["versions_lost"] == 1
    assert "v0.23.1 → develop-2025-04-20, cmake: " in " ".join(text.split())
    assert "3.31.6" in text
    assert "3.30.5" in text


def test_a_package_new_in_or_gone_from_a_snapshot(build: Build) -> None:
    """``:package:`` names a package one snapshot lacks: "new in", and with the two
    snapshots the other way round, "gone from" (docs/history.rst)."""
    assert "sherpa" not in raw(OLD)
    specs = len(raw(NEW)["sherpa"])
    assert specs == 2
    app = build("history", "text", conf={"spackcache_path": str(CACHE)})
    text = " ".join((app.outdir / "packages.txt").read_text("utf-8").split())
    assert f"{OLD} → {NEW}, sherpa: new in {NEW} ({specs} specs)." in text
    assert f"{NEW} → {OLD}, sherpa: gone from {OLD} ({specs} specs in {NEW})." in text


def test_history_of_a_package(build: Build) -> None:
    app = build("history", "html", conf={"spackcache_path": str(CACHE)})
    page = html(app, "history")
    sentence = page.select_one("div.spackcache-history p.spackcache-sentence")
    assert sentence is not None
    assert sentence.get_text() == (
        "cmake is in 3 of the 3 snapshots: first in v0.23.1, last in develop-2025-04-20; "
        "3 versions."
    )
    matrix = page.select_one("table.spackcache-history")
    assert matrix is not None
    headings = [th.get_text() for th in matrix.select("thead th")]
    assert headings == ["Snapshot", "3.31.6", "3.30.5", "3.25.3", "Total"]
    for row in rows(matrix):
        cells = [td.get_text() for td in row.select("td")]
        tag = cells[0]
        counts = Counter(v for s in raw(tag)["cmake"] for v in s["versions"])
        assert cells[1:-1] == [str(counts[v]) if counts[v] else "" for v in headings[1:-1]]
        assert cells[-1] == str(len(raw(tag)["cmake"]))
    assert [row.select_one("td").get_text() for row in rows(matrix)] == [
        "v0.23.1",
        OLD,
        NEW,
    ]
    # shaded as the coverage matrices are: five levels up to the largest count, 34
    levels = {
        span.get_text(): span["class"][0] for span in matrix.select("[class*=spackcache-heat]")
    }
    assert levels == {
        "34": "spackcache-heat-5",
        "32": "spackcache-heat-5",  # within a fifth of it
        "5": "spackcache-heat-1",
        "4": "spackcache-heat-1",
    }
    stacks = page.select("table.spackcache-table")[1]
    by_stack = {
        row.select_one("td").get_text(): row.select("td")[1].get_text() for row in rows(stacks)
    }
    in_tags = defaultdict(list)
    for tag in ("v0.23.1", OLD, NEW):
        for stack in sorted({x for s in raw(tag)["cmake"] for x in s["stacks"]}):
            in_tags[stack].append(tag)
    assert set(by_stack) == set(in_tags)
    assert by_stack["e4s"] == "all 3"
    assert by_stack["aws-isc"] == "v0.23.1"
    assert by_stack["bootstrap-aarch64-darwin"] == f"{OLD} and {NEW}"


def test_every_builder(build: Build) -> None:
    # the test records (a few packages): each builder's visitors, not the size of the
    # docs' 109-package snapshots (the PDF tests, marked slow, build large tables)
    for builder in ("latex", "man", "text"):
        app = build("history", builder, conf={"spackcache_path": str(RECORDS)})
        assert warnings_of(app) == [], builder


@pytest.mark.parametrize(
    ("directive", "message", "subtype"),
    [
        (f".. cache-diff:: {NEW} {NEW}", f"compares '{NEW}' with itself", "option"),
        (f".. cache-diff:: {OLD} develop-2025-04-27", "unknown tag 'develop-2025-04-27'", "tag"),
        (
            f".. cache-diff:: {OLD} {NEW}\n   :package: cmak",
            "is in neither 'develop-2025-04-13' nor 'develop-2025-04-20'; did you mean cmake",
            "package",
        ),
        (".. cache-history:: cmak", "no history of 'cmak': it is in no snapshot", "package"),
        (
            ".. cache-history:: cmake\n   :os: plan9",
            "the filters leave none of its specs",
            "package",
        ),
    ],
)
def test_problems_are_located_warnings(
    build: Build, tmp_path: Path, directive: str, message: str, subtype: str
) -> None:
    # the root copied and the page written before the one build (the fixture uses the copy)
    shutil.copytree(ROOTS / "test-history", tmp_path / "history")
    (tmp_path / "history" / "history.rst").write_text(f"Problem\n=======\n\n{directive}\n", "utf-8")
    app = build("history", "text", conf={"spackcache_path": str(CACHE)})
    warnings = warnings_of(app)
    assert any(
        "history.rst:4" in w and message in w and f"[spackcache.{subtype}]" in w for w in warnings
    ), warnings


def test_no_change_is_said(build: Build, tmp_path: Path) -> None:
    records = tmp_path / "_cache"
    shutil.copytree(CACHE / OLD, records / OLD)
    shutil.copytree(CACHE / OLD, records / "develop-2025-04-14")
    app = build("history", "text", conf={"spackcache_path": str(records)})
    (app.srcdir / "diff.rst").write_text(
        f"Same\n====\n\n.. cache-diff:: {OLD} develop-2025-04-14\n", "utf-8"
    )
    app = build("history", "text", conf={"spackcache_path": str(records)})
    text = " ".join((app.outdir / "diff.txt").read_text("utf-8").split())
    assert (
        f"{OLD} → develop-2025-04-14 (the records here): no change (30 packages in both)." in text
    )


def test_a_changed_record_rereads_only_the_pages_that_use_it(build: Build, tmp_path: Path) -> None:
    records = tmp_path / "_cache"
    shutil.copytree(CACHE, records)
    conf = {"spackcache_path": str(records)}
    build("history", "html", conf=conf)
    app = build("history", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == set()
    # py-packaging of the old snapshot: the whole diff and the page of its own diff, not
    # cmake's history nor cmake's page
    record = records / OLD / "py-packaging" / "specs.md"
    record.write_text(record.read_text("utf-8").replace("ubuntu24.04", "ubuntu26.04"), "utf-8")
    app = build("history", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"diff", "packages"}
    # a new snapshot: the history (every snapshot), not the diffs of two named ones
    shutil.copytree(records / OLD, records / "develop-2025-04-06")
    app = build("history", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == {"history"}
    history = html(app, "history").select_one("table.spackcache-history")
    assert history is not None
    assert [row.select_one("td").get_text() for row in rows(history)][:2] == [
        "v0.23.1",
        "develop-2025-04-06",
    ]


def test_previous_snapshot_is_of_the_same_kind() -> None:
    # the order itself: tests/test_snapshot_order.py
    tags = ["develop-2025-04-20", "v0.23.1", "site", "v0.9.0", "develop-2025-04-13", "v0.23.0"]
    assert previous_snapshot("develop-2025-04-20", tags) == "develop-2025-04-13"
    assert previous_snapshot("v0.23.1", tags) == "v0.23.0"
    assert previous_snapshot("v0.9.0", tags) is None
    assert previous_snapshot("develop-2025-04-13", tags) is None
    assert previous_snapshot("site", tags) is None


@pytest.mark.slow
def test_parallel_build_writes_the_same_pages(build: Build, tmp_path: Path) -> None:
    serial = build("history", "html", conf={"spackcache_path": str(CACHE)})
    pages = {}
    for jobs in ("1", "2"):
        src = tmp_path / f"src-{jobs}"
        shutil.copytree(serial.srcdir, src, ignore=shutil.ignore_patterns("_build"))
        out = tmp_path / f"out-{jobs}"
        args = ["-q", "-E", "-j", jobs, "-D", f"spackcache_path={CACHE}", "-b", "html"]
        assert build_main([*args, str(src), str(out)]) == 0
        pages[jobs] = {p.name: p.read_bytes() for p in sorted(out.glob("*.html"))}
    assert len(pages["1"]) >= 5
    assert pages["1"] == pages["2"]


def test_generated_pages_say_what_changed_since_the_previous_snapshot(build: Build) -> None:
    conf = {"spackcache_path": str(CACHE), "spackcache_history": True}
    app = build("history", "html", conf=conf)
    (app.srcdir / "generated.rst").write_text(
        ":orphan:\n\nGenerated\n=========\n\n.. cache-index::\n   :tag: develop-2025-04-20\n"
        "   :toctree: pkgs\n   :version: 24.2\n",
        "utf-8",
    )
    # (the index is found among the documents the environment knows: a page added to an
    # existing project generates its pages on the next build)
    build("history", "html", conf=conf)
    app = build("history", "html", conf=conf)
    assert warnings_of(app) == []
    source = (app.srcdir / "pkgs" / "py-packaging.rst").read_text("utf-8")
    assert "Changes since develop-2025-04-13\n--------------------------------\n" in source
    assert ".. cache-diff:: develop-2025-04-13 develop-2025-04-20\n   :package: py-packaging\n" in (
        source
    )
    page = html(app, "pkgs/py-packaging")
    sentence = page.select_one("div.spackcache-diff p.spackcache-sentence")
    assert sentence is not None
    packaging = expected_changes(raw(OLD)["py-packaging"], raw(NEW)["py-packaging"])
    assert f"py-packaging: {packaging['rebuilt']} specs rebuilt" in sentence.get_text()
    # off (the default): no such section
    app = build("history", "html", conf={"spackcache_path": str(CACHE)})
    assert "cache-diff" not in (app.srcdir / "pkgs" / "py-packaging.rst").read_text("utf-8")


def spec(hash_: str, version: str = "1.0", **fields: Any) -> Spec:
    values = {
        "hash": hash_,
        "versions": (version,),
        "compiler": "gcc@=12.3.0",
        "os": "ubuntu22.04",
        "platform": "linux",
        "target": "x86_64_v3",
        "variants": ("+shared", "~debug"),
        "stacks": ("e4s",),
        **fields,
    }
    return msgspec.convert(values, Spec)


def test_the_matching_rule_on_hand_made_specs() -> None:
    """Each expectation worked out by hand from the rule."""
    old = {
        "zlib": [
            spec("a" * 32),  # unchanged
            spec("b" * 32),  # rebuilt (same build, new hash)
            spec("c" * 32),  # rebuilt too: two of the same build each side, paired in order
            spec("d" * 32, target="zen3"),  # removed: no build like it in the new one
            spec("e" * 32, variants=("~debug", "+shared")),  # rebuilt: variants as a set
        ],
        "gone": [spec("f" * 32)],
    }
    new = {
        "zlib": [
            spec("a" * 32, stacks=("hep",)),  # same hash: unchanged, though its stack moved
            spec("x" * 32),
            spec("y" * 32, compiler="gcc@12.3.0"),  # gcc@= and gcc@ are one compiler
            spec("z" * 32, variants=("+shared", "~debug")),
            spec("w" * 32, version="2.0"),  # added: a new version
        ],
        "new": [spec("g" * 32)],
    }
    diff = diff_snapshots("v1", old, "v2", new)
    assert [name for name, _ in diff.packages_added] == ["new"]
    assert [name for name, _ in diff.packages_removed] == ["gone"]
    (zlib,) = diff.changed
    assert [(r.old.hash[0], r.new.hash[0]) for r in zlib.rebuilt] == [
        ("b", "x"),
        ("c", "y"),
        ("e", "z"),
    ]
    assert [s.hash[0] for s in zlib.added] == ["w"]
    assert [s.hash[0] for s in zlib.removed] == ["d"]
    assert zlib.unchanged == 1
    assert zlib.versions_gained == ("2.0",)
    assert zlib.versions_lost == ()
    assert zlib.stacks_gained == ("hep",)
    assert zlib.stacks_lost == ()
    # no change at all, and a package with no specs counts as absent
    same = diff_snapshots("v1", {"zlib": old["zlib"], "empty": []}, "v2", {"zlib": old["zlib"]})
    assert not same
    assert same.common == 1


def test_odd_tags_in_order() -> None:
    tags = [
        "v1",
        "v1.0.0",
        "v0.10",
        "v0.9.1",
        "develop-2025-13-45",
        "develop-2024-12-31",
        "zz",
        "aa",
    ]
    assert snapshot_order(tags) == [
        "v0.9.1",
        "v0.10",
        "v1",
        "v1.0.0",
        "develop-2024-12-31",
        "aa",
        "develop-2025-13-45",  # not a date: an "other" snapshot, by name
        "zz",
    ]


def test_versions_gained_and_lost_are_named(build: Build) -> None:
    app = build("history", "html", conf={"spackcache_path": str(CACHE)})
    page = html(app, "packages")
    release = expected_changes(raw("v0.23.1")["cmake"], raw(NEW)["cmake"])
    assert release["versions_gained"] == 1
    assert release["versions_lost"] == 1
    gained = sorted(
        {v for s in raw(NEW)["cmake"] for v in s["versions"]}
        - {v for s in raw("v0.23.1")["cmake"] for v in s["versions"]}
    )
    lost = sorted(
        {v for s in raw("v0.23.1")["cmake"] for v in s["versions"]}
        - {v for s in raw(NEW)["cmake"] for v in s["versions"]}
    )
    assert (gained, lost) == (["3.31.6"], ["3.30.5"])
    (table,) = page.select("table.spackcache-diff-changes")
    assert [td.get_text() for td in table.select("td.spackcache-versions-gained")] == gained
    assert [td.get_text() for td in table.select("td.spackcache-versions-lost")] == lost
    # one package: no Package column
    assert table.select("td.spackcache-package") == []
