"""A serial build keeps at most ``site.doctrees.KEPT`` doctrees in memory between reading
and writing (Sphinx keeps every one; at live scale that was 3.7 GB), and no pickle of a
page it wrote; the pages it writes are the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sphinx.application import Sphinx

from sphinx_spackcache.site import doctrees

from .conftest import MIRRORS, RECORDS, Build, warnings_of

CONF = {
    "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")},
    "spackcache_path": str(RECORDS),
}


def pages(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outdir.glob("*.html"))}


def test_at_most_kept_doctrees_stay_in_memory(
    build: Build, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    kept_after: list[int] = []
    original = doctrees._let_go

    def watching(app: Sphinx, doctree: Any) -> None:
        original(app, doctree)
        kept_after.append(len(app.env._write_doc_doctree_cache))

    monkeypatch.setattr(doctrees, "_let_go", watching)
    unbounded = build("rowids", "html", conf=CONF)
    assert warnings_of(unbounded) == []
    # the root's three pages, each kept (Sphinx's own way, below the bound)
    assert kept_after == [0, 1, 2]
    expected = pages(Path(unbounded.outdir))
    assert set(expected) >= {"index.html", "a.html", "b.html"}

    kept_after.clear()
    monkeypatch.setattr(doctrees, "KEPT", 1)
    bounded = build("rowids", "html", conf=CONF, freshenv=True)
    assert warnings_of(bounded) == []
    # each page lets the one before go: one kept at a time (it is added after the event)
    assert kept_after == [0, 0, 0]
    assert pages(Path(bounded.outdir)) == expected
    # the pages written from their pickles (a and b, read first) keep none in memory
    assert bounded.env._pickled_doctree_cache == {}
