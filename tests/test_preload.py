"""Under ``-j`` the mirrors' indexes are parsed once, in the main process, before Sphinx
forks its workers (``sphinx_spackcache.site.preload``); an incremental ``-j`` build that
reads no page of a mirror parses nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main

import sphinx_spackcache.sources.mirror as mirror
from sphinx_spackcache.sources import spack_db
from sphinx_spackcache.sources.mirror import clear_mirror_cache

from .conftest import MIRRORS, RECORDS, ROOTS

CLINGO = MIRRORS / "clingo-bootstrap"


@pytest.fixture
def parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every parse of an index, in any process (workers are forked), is a line
    ``pid path`` of the file this gives."""
    log = tmp_path / "parses.log"
    original = spack_db.read_database

    def recorded(raw: bytes, path: str, *, stack: str) -> Any:
        with log.open("a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()} {path}\n")
        return original(raw, path, stack=stack)

    monkeypatch.setattr(mirror, "read_database", recorded)  # as mirror.py calls it
    return log


def copy_root(tmp_path: Path) -> Path:
    """tests/roots/test-mirrors with its two mirrors set in its conf.py."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-mirrors", src)
    mirrors = {"spack-test": str(MIRRORS / "spack-v2-test"), "clingo": str(CLINGO)}
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"spackcache_mirrors = {mirrors!r}\n")
    return src


def build(src: Path, out: Path, *options: str) -> int:
    """Build *src* with no warning (exit status 0 under -W)."""
    args = [*options, "-W", "-D", f"spackcache_path={RECORDS}", "-b", "html", "-q"]
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        return build_main([*args, str(src), str(out)])


def read(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [
        (int(pid), path)
        for pid, path in (line.split(" ", 1) for line in log.read_text().splitlines())
    ]


@pytest.mark.slow
def test_the_main_process_parses_each_index_once_before_the_workers_fork(
    tmp_path: Path, parses: Path
) -> None:
    src = copy_root(tmp_path)
    for n in range(6):  # more documents than -j 2 reads in one chunk
        directive = ".. cache-package:: libelf\n   :tag: spack-test\n   :no-index:\n"
        (src / f"extra{n}.rst").write_text(
            f":orphan:\n\nExtra {n}\n=======\n\n{directive}", "utf-8"
        )
    assert build(src, tmp_path / "out", "-j", "2") == 0
    found = read(parses)
    # both mirrors' indexes, each parsed once, all in this (the main) process
    assert {pid for pid, _ in found} == {os.getpid()}
    counts = Counter(path for _, path in found)
    assert len(counts) == 2, counts
    assert set(counts.values()) == {1}, counts


@pytest.mark.slow
def test_an_incremental_parallel_build_that_reads_no_mirror_page_parses_nothing(
    tmp_path: Path, parses: Path
) -> None:
    src = copy_root(tmp_path)
    (src / "plain.rst").write_text(":orphan:\n\nPlain\n=====\n\nOne paragraph.\n", "utf-8")
    assert build(src, tmp_path / "out", "-j", "2") == 0
    parses.unlink()
    clear_mirror_cache()  # as a new sphinx-build process would start
    (src / "plain.rst").write_text(":orphan:\n\nPlain\n=====\n\nTwo paragraphs.\n\nYes.\n", "utf-8")
    assert build(src, tmp_path / "out", "-j", "2") == 0
    # (red too when a page notes a folder as a dependency, as the key folders of its
    # install commands once were: Sphinx reads such a page again on every build)
    assert read(parses) == []
    # a page of one mirror edited: that mirror's index only is parsed, in this process
    (src / "clingo.rst").write_text(
        (src / "clingo.rst").read_text("utf-8") + "\nEdited.\n", "utf-8"
    )
    assert build(src, tmp_path / "out", "-j", "2") == 0
    assert read(parses) == [(os.getpid(), str(CLINGO / "build_cache" / "index.json"))]
