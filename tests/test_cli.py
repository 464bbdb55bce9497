"""``sphinx-spackcache check``, run as a command (a subprocess), finds what a build finds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import records as expected
from .conftest import RECORDS, ROOTS
from .test_warnings import EXPECTED

BROKEN = ROOTS / "test-bad" / "_cache" / "broken"
LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): (?P<subtype>\w+): (?P<message>.+)$")


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_spackcache", "check", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_bad_records_give_what_the_build_warns(tmp_path: Path) -> None:
    """The same problems, in the same words, as the build's warnings located in records
    (tests/test_warnings.py, worked out by hand); meta disagreements do not count."""
    result = check(BROKEN)
    assert result.returncode == 1
    *lines, summary = result.stdout.splitlines()
    found = []
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert Path(match["path"]).is_relative_to(BROKEN)
        found.append((match["path"], match["line"], match["subtype"], match["message"]))
    in_records = [
        (where, subtype, text) for where, subtype, text in EXPECTED if "specs.md" in where
    ]
    assert len(found) == len(in_records)
    for where, subtype, text in in_records:
        assert any(
            f"{path}:{line}".endswith(where) and kind == subtype and text in message
            for path, line, kind, message in found
        ), (where, text)
    assert summary.startswith("checked 20 records (1 snapshot, 12 specs) in ")
    assert summary.endswith(
        ": 17 problems (record 16, url 1); 2 meta disagreements not counted (--strict counts them)"
    )
    assert result.stderr == ""  # not a terminal: no progress


def test_real_records_are_clean() -> None:
    result = check(RECORDS)
    assert result.returncode == 0, result.stdout
    (summary,) = result.stdout.splitlines()
    tags = sorted(p.name for p in RECORDS.iterdir() if p.is_dir())
    records = sum(len(expected.packages(tag)) for tag in tags)
    specs = sum(len(expected.specs(tag, p)) for tag in tags for p in expected.packages(tag))
    assert summary.startswith(f"checked {records} records (3 snapshots, {specs:,} specs) in ")
    assert summary.endswith(": 0 problems")


def test_a_file_a_package_folder_and_several_paths() -> None:
    cmake = RECORDS / "v0.23.1" / "cmake"
    assert check(cmake / "specs.md").stdout.startswith("checked 1 record (1 snapshot, ")
    assert check(cmake).stdout.startswith("checked 1 record (1 snapshot, ")
    both = check(cmake, RECORDS / "develop-2025-04-13")
    assert both.returncode == 0
    assert both.stdout.startswith("checked 3 records (2 snapshots, ")


def test_strict_counts_meta_disagreements(tmp_path: Path) -> None:
    snapshot = tmp_path / "broken"  # the tag its categories name
    shutil.copytree(BROKEN / "meta-mismatch", snapshot / "meta-mismatch")
    lenient = check(snapshot)
    assert lenient.returncode == 0
    assert len(lenient.stdout.splitlines()) == 3  # both disagreements are shown
    strict = check("--strict", snapshot)
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1].endswith(": 2 problems (meta 2)")


def test_json_output(tmp_path: Path) -> None:
    result = check("--format", "json", BROKEN)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert (report["records"], report["specs"], report["snapshots"]) == (20, 12, ["broken"])
    assert report["by_subtype"] == {"meta": 2, "record": 16, "url": 1}
    assert report["failed"] is True
    problems = report["problems"]
    assert len(problems) == 19
    assert {p["subtype"] for p in problems if not p["counted"]} == {"meta"}
    first = problems[0]
    assert set(first) == {"path", "line", "subtype", "message", "counted"}
    assert first["path"].endswith("bad-meta/specs.md")
    assert first["line"] == 5


def test_folders_the_build_ignores_are_reported(tmp_path: Path) -> None:
    cache = tmp_path / "_cache"
    good = cache / "v0.23.1"
    shutil.copytree(RECORDS / "v0.23.1" / "dsfmt", good / "dsfmt")
    shutil.copytree(RECORDS / "v0.23.1" / "dsfmt", good / "bad name")
    shutil.copytree(RECORDS / "v0.23.1" / "dsfmt", cache / ".hidden" / "dsfmt")
    (good / "empty").mkdir()  # not a package: no record
    result = check(cache)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{cache / '.hidden'}:1: tag: '.hidden' is not a valid snapshot name (letters, "
        "digits and _.+- only, not starting with a dot); builds ignore this folder"
    )
    assert lines[1].startswith(f"{good / 'bad name' / 'specs.md'}:1: package: ")
    assert lines[2].startswith("checked 1 record (1 snapshot, 1 specs) in ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/folder"], "/no/such/folder: no such file or folder"),
        ([str(ROOTS / "test-basic")], "no cache records (specs.md) under it"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = check(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_no_path_is_a_usage_error() -> None:
    result = check()
    assert result.returncode == 2
    assert "the following arguments are required: PATH" in result.stderr


def test_progress_on_request() -> None:
    command = [sys.executable, "-m", "sphinx_spackcache", "check", "--progress", str(RECORDS)]
    result = subprocess.run(command, capture_output=True, check=False)  # bytes: keep \r
    assert result.returncode == 0
    records = sum(len(expected.packages(p.name)) for p in RECORDS.iterdir() if p.is_dir())
    assert result.stderr.startswith(b"\rchecked 1 of ")
    assert result.stderr.endswith(f"\rchecked {records} of {records} records\n".encode())


def test_console_script() -> None:
    script = Path(sys.executable).parent / "sphinx-spackcache"
    assert script.exists()
    result = subprocess.run(
        [script, "check", RECORDS / "v0.23.1"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("checked 4 records (1 snapshot, ")


@pytest.mark.parametrize(
    ("snippet", "folder"),
    [("clean.txt", Path("docs")), ("broken.txt", Path("tests/roots/test-bad"))],
)
def test_the_documented_runs(snippet: str, folder: Path) -> None:
    """docs/check.rst shows these runs; they give what it shows (the time aside)."""
    root = Path(__file__).parent.parent
    command, *rest = (root / "docs" / "snippets" / "check" / snippet).read_text().splitlines()
    shown_status = 0
    if rest[-2:-1] == ["$ echo $?"]:
        shown_status = int(rest[-1])
        rest = rest[:-2]
    assert command.startswith("$ sphinx-spackcache check ")
    args = command.split()[3:]
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_spackcache", "check", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root / folder,
    )
    assert result.returncode == shown_status

    def timeless(text: str) -> str:
        return re.sub(r" in \d+\.\d\d s:", " in X s:", text)

    assert timeless(result.stdout) == timeless("\n".join(rest) + "\n")
