"""``-j N`` reports exactly what ``-j 1`` reports and writes the same pages; an incremental
build after a parallel one picks up records added to a snapshot."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx.util.console import strip_colors

from .conftest import RECORDS, ROOTS

#: Worked out by hand from tests/roots/test-duplicates: the first page by name (then
#: line) is the target, every other is reported at its directive.
DUPLICATES = {
    ("p05.rst:6", "zlib-ng@develop-2025-04-20", "p05"),
    ("p09.rst:4", "cmake@develop-2025-04-20", "p01"),
    ("p16.rst:4", "py-packaging@develop-2025-04-20", "p01"),
    ("p16.rst:6", "cmake@develop-2025-04-20", "p01"),
}
WARNING = re.compile(
    r"^(?P<path>\S+):(?P<line>\d+): WARNING: cache-package: (?P<key>\S+) is already "
    r"documented in '(?P<first>[^']+)'; references go there \(use :no-index: on one of "
    r"them\) \[spackcache\.duplicate\]$"
)


def sphinx(src: Path, out: Path, *options: str) -> tuple[int, list[str], str]:
    """Build *src* in a fresh process state; (exit status, warning lines, status text)."""
    log = out.parent / f"{out.name}.log"
    status = out.parent / f"{out.name}.status"
    args = [*options, "-D", f"spackcache_path={RECORDS}", "-w", str(log), "-b", "html"]
    args += ["-D", "show_warning_types=1"]  # the default from Sphinx 8.0
    with status.open("w") as stream, contextlib.redirect_stdout(stream):
        code = build_main([*args, str(src), str(out)])
    lines = [line for line in strip_colors(log.read_text("utf-8")).splitlines() if line]
    return code, lines, status.read_text("utf-8")


def doctree_times(out: Path) -> dict[str, int]:
    """When each document's doctree was written: which documents a build read (under -j
    Sphinx's status line names only the first and last of each batch)."""
    return {p.stem: p.stat().st_mtime_ns for p in (out / ".doctrees").rglob("*.doctree")}


def duplicates(lines: list[str], src: Path) -> set[tuple[str, str, str]]:
    found = set()
    for line in lines:
        match = WARNING.match(line)
        assert match, line  # no other warning
        where = f"{Path(match['path']).relative_to(src)}:{match['line']}"
        found.add((where, match["key"], match["first"]))
    return found


@pytest.mark.slow
def test_parallel_read_reports_every_duplicate_like_serial(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-duplicates", src)
    results = {}
    for jobs in ("1", "2", "4"):
        code, lines, _ = sphinx(src, tmp_path / f"out-{jobs}", "-E", "-j", jobs)
        assert code == 0
        assert len(lines) == len(set(lines))  # each once
        results[jobs] = duplicates(lines, src), lines
    assert results["1"][0] == DUPLICATES
    assert results["2"][0] == DUPLICATES
    assert results["4"][0] == DUPLICATES
    assert results["1"][1] == results["2"][1] == results["4"][1]  # in the same order, too
    # and -W fails all of them
    for jobs in ("1", "2"):
        code, _, _ = sphinx(src, tmp_path / f"strict-{jobs}", "-E", "-W", "-j", jobs)
        assert code != 0
    # the same pages: references to the first, whichever worker read it
    for page in ("p01", "p09", "p16", "genindex"):
        serial = (tmp_path / "out-1" / f"{page}.html").read_bytes()
        assert (tmp_path / "out-2" / f"{page}.html").read_bytes() == serial, page


@pytest.mark.slow
def test_duplicates_follow_an_incremental_build(tmp_path: Path) -> None:
    """Which entry is the target depends on the documents, not on which were read last:
    mark the first :no-index: and the next one becomes the target, with no warning left
    for it."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-duplicates", src)
    _, lines, _ = sphinx(src, tmp_path / "out", "-j", "2")
    assert duplicates(lines, src) == DUPLICATES
    page = src / "p01.rst"
    page.write_text(page.read_text("utf-8").replace("cmake\n", "cmake\n   :no-index:\n"))
    before = doctree_times(tmp_path / "out")
    _, lines, _ = sphinx(src, tmp_path / "out", "-j", "2")
    after = doctree_times(tmp_path / "out")
    assert {name for name, time in after.items() if time != before[name]} == {"p01"}
    assert duplicates(lines, src) == {
        ("p05.rst:6", "zlib-ng@develop-2025-04-20", "p05"),
        ("p16.rst:4", "py-packaging@develop-2025-04-20", "p01"),
        ("p16.rst:6", "cmake@develop-2025-04-20", "p09"),
    }


@pytest.mark.slow
def test_incremental_build_after_a_parallel_one_picks_up_a_new_record(tmp_path: Path) -> None:
    src = tmp_path / "views"
    shutil.copytree(ROOTS / "test-views", src)
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    out = tmp_path / "out"
    args = ["-j", "2", "-D", f"spackcache_path={records}", "-b", "html"]
    assert build_main(["-q", *args, str(src), str(out)]) == 0

    # a new record in the snapshot: the pages showing the whole snapshot are read again
    snapshot = records / "develop-2025-04-20"
    text = (snapshot / "zlib-ng" / "specs.md").read_text("utf-8")
    (snapshot / "zlib-ng-copy").mkdir()
    (snapshot / "zlib-ng-copy" / "specs.md").write_text(
        text.replace('"zlib-ng"', '"zlib-ng-copy"'), "utf-8"
    )
    before = doctree_times(out)
    assert build_main(["-q", *args, str(src), str(out)]) == 0
    after = doctree_times(out)
    reread = {name for name, time in after.items() if time != before.get(name)}
    assert reread == {"coverage", "snapshot", "listing", "stack"}
    listing = BeautifulSoup((out / "listing.html").read_text("utf-8"), "html.parser")
    assert "zlib-ng-copy" in [td.get_text(strip=True) for td in listing.select("td")]
