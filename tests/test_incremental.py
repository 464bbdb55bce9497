"""Incremental builds: output follows the records, and only documents that use a changed
record are read again."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_spackcache.sources.combined import Sources

from .conftest import RECORDS, Build, warnings_of

READING = re.compile(r"reading sources\.\.\. \[\s*\d+%\] (\S+)")


def read_docs(status: str) -> set[str]:
    return set(READING.findall(strip_colors(status)))


def test_editing_a_record_updates_only_its_pages(build: Build) -> None:
    app = build("basic", "html", conf={"spackcache_path": "_cache"}, freshenv=True)
    # the root uses its own copy of the records, so the test may edit them
    assert "not a readable folder" in app.warning.getvalue()
    records = app.srcdir / "_cache"

    shutil.copytree(RECORDS, records)
    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    assert warnings_of(app) == []
    assert read_docs(app.status.getvalue()) == {"cmake", "py-packaging", "small"}

    # nothing changed: nothing is read
    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    assert read_docs(app.status.getvalue()) == set()

    # drop one spec from py-packaging's record
    path = records / "develop-2025-04-20" / "py-packaging" / "specs.md"
    lines = path.read_text("utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("spec_details: "))
    specs = json.loads(lines[index][len("spec_details: ") :])
    dropped = specs.pop()
    lines[index] = "spec_details: " + json.dumps(specs)
    path.write_text("\n".join(lines), "utf-8")

    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    assert read_docs(app.status.getvalue()) == {"py-packaging"}
    page = BeautifulSoup((app.outdir / "py-packaging.html").read_text("utf-8"), "html.parser")
    hashes = [code.get_text() for code in page.select("td.spackcache-hash code")]
    assert len(hashes) == 26
    assert dropped["hash"] not in hashes
    # meta still says 27: reported, and the table follows the specs
    assert "num_specs is 27, but spec_details has 26" in app.warning.getvalue()


def own_records(build: Build) -> tuple[SphinxTestApp, Path]:
    """Build the views root once with a private copy of the records it can edit."""
    app = build("views", "html", conf={"spackcache_path": "_cache"})
    records = app.srcdir / "_cache"
    shutil.copytree(RECORDS, records)
    app = build("views", "html", conf={"spackcache_path": "_cache"})
    assert warnings_of(app) == []
    return app, records


def test_snapshot_pages_follow_added_edited_and_removed_records(build: Build) -> None:
    app, records = own_records(build)
    conf = {"spackcache_path": "_cache"}
    # the pages that show the whole snapshot (every record of develop-2025-04-20)
    aggregates = {"coverage", "snapshot", "listing", "stack"}

    app = build("views", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == set()

    # a new record in the snapshot: every page that lists the snapshot is read again
    source = records / "develop-2025-04-20" / "zlib-ng"
    shutil.copytree(source, records / "develop-2025-04-20" / "zlib-ng-copy")
    text = (source / "specs.md").read_text("utf-8").replace('"zlib-ng"', '"zlib-ng-copy"')
    (records / "develop-2025-04-20" / "zlib-ng-copy" / "specs.md").write_text(text, "utf-8")
    app = build("views", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == aggregates
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    names = [td.get_text(strip=True) for td in listing.select("td.spackcache-package")]
    assert "zlib-ng-copy" in names

    # an edited record: the pages that use it, and only those
    path = records / "develop-2025-04-20" / "sherpa" / "specs.md"
    path.write_text(path.read_text("utf-8").replace("~blackhat", "+blackhat"), "utf-8")
    app = build("views", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == aggregates | {"packages"}

    # a removed record: gone from the listing
    shutil.rmtree(records / "develop-2025-04-20" / "zlib-ng-copy")
    app = build("views", "html", conf=conf)
    assert read_docs(app.status.getvalue()) == aggregates
    listing = BeautifulSoup((app.outdir / "listing.html").read_text("utf-8"), "html.parser")
    assert "zlib-ng-copy" not in [td.get_text(strip=True) for td in listing.select("td")]


def test_each_snapshot_fingerprint_is_worked_out_once_per_build(
    build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four pages of the views root show the whole of develop-2025-04-20; looking for
    outdated documents works out that snapshot's fingerprint once, not once a page (a
    site of a thousand generated pages listed the snapshot's folders a thousand times)."""
    app, _ = own_records(build)
    calls: list[str | None] = []
    fingerprint = Sources.fingerprint

    def counted(self: Sources, tag: str | None = None) -> str:
        calls.append(tag)
        return fingerprint(self, tag)

    monkeypatch.setattr(Sources, "fingerprint", counted)
    app = build("views", "html", conf={"spackcache_path": "_cache"})
    assert read_docs(app.status.getvalue()) == set()
    assert calls.count("develop-2025-04-20") == 1
    assert len(calls) == len(set(calls))


@pytest.mark.slow
def test_parallel_build_matches_serial(build: Build, tmp_path: Path) -> None:
    """-j 2 reads the documents in two processes; the domain data and snapshot
    fingerprints are merged back, and the output is byte-identical to -j 1."""
    serial = build("views", "html")
    outputs = {}
    for jobs, name in ((1, "serial"), (2, "parallel")):
        src = tmp_path / name
        shutil.copytree(serial.srcdir, src, ignore=shutil.ignore_patterns("_build"))
        args = ["-q", "-E", "-j", str(jobs), "-D", f"spackcache_path={RECORDS}", "-b", "html"]
        assert build_main([*args, str(src), str(src / "_build")]) == 0
        out = src / "_build"
        written = [*out.rglob("*.html"), *(p for p in out.glob("_spackcache/**/*") if p.is_file())]
        written.append(out / "_static" / "spackcache.js")
        outputs[name] = {path.relative_to(out): path.read_bytes() for path in sorted(written)}
    assert outputs["serial"].keys() == outputs["parallel"].keys()
    assert len(outputs["serial"]) >= 8
    # the exports of the packages and the snapshot the pages show
    exports = [p for p in outputs["serial"] if p.parts[0] == "_spackcache"]
    assert len(exports) >= 3, exports
    for page_name, content in outputs["serial"].items():
        assert outputs["parallel"][page_name] == content, page_name
