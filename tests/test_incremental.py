"""Incremental builds: output follows the records, and only documents that use a changed
record are read again."""

from __future__ import annotations

import json
import os
import re
import shutil

from bs4 import BeautifulSoup
from sphinx.util.console import strip_colors

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
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    assert read_docs(app.status.getvalue()) == {"py-packaging"}
    page = BeautifulSoup((app.outdir / "py-packaging.html").read_text("utf-8"), "html.parser")
    hashes = [code.get_text() for code in page.select("td.spackcache-hash code")]
    assert len(hashes) == 26
    assert dropped["hash"] not in hashes
    # meta still says 27: reported, and the table follows the specs
    assert "num_specs is 27, but spec_details has 26" in app.warning.getvalue()
