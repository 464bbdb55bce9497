"""The "Match a spec" box above spec tables (scripts/matchbox.js, with scripts/match.js) in
Chromium, on the pages of tests/roots/test-browser, in furo and sphinx_rtd_theme at 1280
pixels. The rows expected are counted from the records (tests/records/_cache, read with
PyYAML by tests/records.py) and archspec, by rules written out here, not by the matcher:
Spack's ``@3.25`` is 3.25 and every 3.25.x, ``target=x86_64_v3:`` is x86_64_v3 and every
target that has it as an ancestor, ``target=:zen3`` every target that runs on a zen3.
On a mirror's pages (tests/roots/test-match-deps), ``^dep`` and ``%dep`` are held against
the dependencies the page carries, read off the indexes by hand."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from . import records as expected
from .conftest import MIRRORS, RECORDS, Build, warnings_of
from .test_browser import TAG, Watched, site
from .test_browser import browser as browser  # the fixture, shared
from .test_browser import pytestmark as pytestmark
from .test_targets import archspec_runs

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: The rows a reader sees, less the "Differs in" lines and the row saying none is left.
ROWS = (
    "table.spackcache-specs tbody tr:not([hidden]):not(.spackcache-empty):not(.spackcache-differs)"
)
DIFFERS = "table.spackcache-specs tbody tr.spackcache-differs:not([hidden])"


def _in(version: str, prefix: str) -> bool:
    """Spack's ``@prefix`` (a range from the version to its next): the version itself or
    one that continues it after a dot."""
    return version == prefix or version.startswith(prefix + ".")


def _hashes(page: Page, selector: str = ROWS) -> list[str]:
    return [
        text.strip()
        for text in page.locator(f"{selector} td.spackcache-hash code").all_inner_texts()
    ]


def _count(page: Page, selector: str = ROWS) -> int:
    return page.locator(selector).count()


def _differs(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(DIFFERS).all_inner_texts()]


def _note(page: Page) -> str:
    return page.locator("p.spackcache-matchbox-note").first.inner_text().strip()


@pytest.mark.parametrize("theme", ["furo", "sphinx_rtd_theme"])
def test_the_match_box_keeps_the_rows_that_satisfy_a_spec(
    build: Build, browser: Browser, theme: str
) -> None:
    out = site(build, theme)
    cmake = expected.specs(TAG, "cmake")
    boost = expected.specs(TAG, "boost")
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page

    def visit(name: str, query: str) -> None:
        page.goto((out / name).as_uri() + query)

    # the box is in the row of controls, after the search, and fits the page
    visit("cmake.html", "")
    box = page.locator("div.spackcache-controls label.spackcache-matchbox input")
    assert box.count() == 1
    assert box.is_visible()
    assert page.evaluate(
        "() => { const s = document.querySelector('.spackcache-controls .spackcache-search');"
        " return s.nextElementSibling.matches('label.spackcache-matchbox') }"
    )
    right = page.evaluate(
        "() => document.querySelector('label.spackcache-matchbox').getBoundingClientRect().right"
    )
    assert 0 < right <= 1280
    assert not page.locator("p.spackcache-matchbox-note").first.is_visible()
    assert _count(page) == len(cmake) == 36

    # cmake@3.25 target=x86_64_v3: 3.25.x built for x86_64_v3 or a descendant of it: 3 of
    # 36; fewer than 5, so the 5 nearest others follow, each with what it differs in.
    # Nearest (one field each): f4dcqin, 3.25.3 for neoverse_v2, then 3.31.6 binaries
    # built for x86_64_v3 or x86_64_v4 (their version only)
    visit("cmake.html", "?match=cmake@3.25%20target=x86_64_v3:")
    hits = {
        s["hash"]
        for s in cmake
        if any(_in(v, "3.25") for v in s["versions"]) and archspec_runs("x86_64_v3", s["target"])
    }
    assert len(hits) == 3
    assert box.input_value() == "cmake@3.25 target=x86_64_v3:"
    assert _note(page).startswith("3 of 36 binaries satisfy cmake@3.25 target=x86_64_v3:")
    assert "the 5 nearest others follow" in _note(page)
    shown = _hashes(page)
    assert len(shown) == 3 + 5
    assert set(shown[:3]) == hits
    nearest = _hashes(page, f"{ROWS}.spackcache-nearest")
    assert nearest == shown[3:]
    assert nearest[0].startswith("f4dcqin")
    notes = _differs(page)
    assert len(notes) == 5
    assert notes[0] == "Differs in: target neoverse_v2 is not x86_64_v3 or newer"
    by_hash = {s["hash"]: s for s in cmake}
    for hash_, note in zip(nearest[1:], notes[1:], strict=True):
        spec = by_hash[hash_]
        assert spec["versions"] == ["3.31.6"]
        assert archspec_runs("x86_64_v3", spec["target"])
        assert note == "Differs in: version 3.31.6 outside @3.25"
    # each note right after its row
    assert page.evaluate(
        "() => [...document.querySelectorAll('tr.spackcache-differs')]"
        ".every(d => d.previousElementSibling.classList.contains('spackcache-nearest'))"
    )

    # typed: the address keeps the spec; 5 or more satisfy it, so no nearest others
    box.fill("cmake os=ubuntu22.04 %gcc@11")  # (after %gcc@11, os= would be gcc's)
    wanted = [s for s in cmake if _in(s["compiler"], "gcc@11") and s["os"] == "ubuntu22.04"]
    assert _count(page) == len(wanted) == 9
    assert "match=cmake%20os=ubuntu22.04%20%25gcc@11" in page.url
    assert _count(page, DIFFERS) == 0
    assert _note(page) == "9 of 36 binaries satisfy cmake os=ubuntu22.04 %gcc@11."
    box.fill("")
    assert _count(page) == 36
    assert "match=" not in page.url

    # the address, + as written: boost@1.86+mpi cxxstd=17
    visit("boost.html", "?match=boost@1.86+mpi cxxstd=17&rows=0")
    wanted = [
        s
        for s in boost
        if any(_in(v, "1.86") for v in s["versions"])
        and "+mpi" in s["variants"]
        and "cxxstd=17" in s["variants"]
    ]
    assert _count(page) == len(wanted) == 12
    typed = page.locator("label.spackcache-matchbox input").input_value()
    assert typed == "boost@1.86+mpi cxxstd=17"

    # a target range up to a CPU: every target that runs on a zen3
    visit("cmake.html", "?match=target=:zen3&rows=0")
    assert _count(page) == sum(archspec_runs(s["target"], "zen3") for s in cmake) == 22

    # with My CPU and the search: the spec is held against the rows they keep
    visit("cmake.html", "?runs-on=zen3&match=cmake@3.25")
    on_zen3 = [s for s in cmake if archspec_runs(s["target"], "zen3")]
    hits = {s["hash"] for s in on_zen3 if _in(s["versions"][0], "3.25")}
    assert len(hits) == 3
    assert _note(page).startswith(f"3 of {len(on_zen3)} binaries satisfy cmake@3.25")
    assert set(_hashes(page)[:3]) == hits
    assert _count(page, DIFFERS) == 5
    assert set(_hashes(page)) <= {s["hash"] for s in on_zen3}

    # another package: none satisfies it, and each nearest says why
    visit("cmake.html", "?match=hdf5")
    assert _note(page).startswith("0 of 36 binaries satisfy hdf5")
    assert _differs(page) == ["Differs in: package cmake, not hdf5"] * 5

    # what the cache does not record is unknown, never guessed
    visit("cmake.html", "?match=cmake%20%2Bfoo")
    assert _note(page).startswith("0 of 36 binaries satisfy cmake+foo")
    assert "(5 may satisfy it: the cache does not record all it asks)" in _note(page)
    assert _differs(page) == ["Differs in: unknown: variant foo not recorded for this binary"] * 5

    # a spec that does not parse: every row, and where it goes wrong
    visit("cmake.html", "?match=cmake@3.31%20$")
    assert _count(page) == 36
    note = _note(page)
    assert note.startswith("Not a spec this box reads: unexpected character '$', at column 12")
    assert page.locator("p.spackcache-matchbox-note mark").inner_text() == "$"
    assert "spackcache-matchbox-bad" in (box.get_attribute("class") or "")
    watched.close()  # asserts no script error and no request off the page


#: NCAR's derecho install tree as a mirror: cmake 3.26.3 (k34xtup) and 3.27.9 (5tno2tn),
#: their dependencies read off the index by hand. Direct: curl (8.1.2 and 8.4.0), ncurses,
#: zlib; through curl only: nghttp2 (1.48.0 and 1.52.0), libssh2 (1.10.0 and 1.11.0),
#: openssl 1.1.1l (both); diffutils 3.6 only for 3.27.9 (curl 8.4.0 -> nghttp2 1.52.0 ->
#: diffutils, three levels down). The spack-v2-test mirror's libdwarf sk2gqqz depends on
#: libelf rqh2vuf alone, u5uz3dc on gcc-runtime 10.2.1 among others.
OLD, NEW = "k34xtup", "5tno2tn"


def test_the_match_box_checks_dependencies_on_a_mirror(
    build: Build, browser: Browser, tmp_path: Path
) -> None:
    """^dep@version anywhere in a binary's graph, and %dep among its direct dependencies,
    on the pages of a mirror (tests/roots/test-match-deps), as the directive answers
    them (tests/match_vectors.json has the same cases); unknown on cache.spack.io's
    records, which have no dependencies."""
    mirror = tmp_path / "derecho"
    (mirror / "build_cache").mkdir(parents=True)
    shutil.copy(MIRRORS / "derecho-install-tree" / "index.json", mirror / "build_cache")
    conf = {
        "html_theme": "furo",
        "spackcache_path": str(RECORDS),
        "spackcache_mirrors": {
            "derecho": str(mirror),
            "spack-test": str(MIRRORS / "spack-v2-test"),
        },
    }
    app = build("match-deps", "html", conf=conf)
    assert warnings_of(app) == []
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page

    def visit(name: str, spec: str) -> None:
        page.goto((app.outdir / f"{name}.html").as_uri() + "?match=" + quote(spec))

    def short(selector: str = ROWS) -> list[str]:
        return [h[:7] for h in _hashes(page, selector)]

    visit("derecho", "cmake ^nghttp2@1.52:")  # through curl
    assert short() == [NEW, OLD]
    assert short(f"{ROWS}.spackcache-nearest") == [OLD]
    assert _note(page).startswith("1 of 2 binary satisfies cmake ^nghttp2@1.52:")
    assert _differs(page) == ["Differs in: dependency nghttp2@1.48.0 outside @1.52:"]
    visit("derecho", "cmake ^libssh2@1.10 ^openssl@1.1.1l")
    assert short()[0] == OLD
    assert _differs(page) == ["Differs in: dependency libssh2@1.11.0 outside @1.10"]
    visit("derecho", "^diffutils")  # three levels down
    assert short()[0] == NEW
    assert _differs(page) == ["Differs in: no dependency diffutils"]
    visit("derecho", "cmake ^openssl@1.1.1l")
    assert sorted(short()) == sorted([NEW, OLD])
    assert _count(page, DIFFERS) == 0
    # % is a direct dependency: curl is one, nghttp2 is not
    visit("derecho", "cmake %curl@8.4")
    assert short()[0] == NEW
    assert _differs(page) == ["Differs in: compiler gcc@7.5.0, no direct dependency %curl@8.4"]
    visit("derecho", "cmake %nghttp2")
    assert _note(page).startswith("0 of 2 binaries satisfy cmake %nghttp2")
    # a virtual: no source says which dependency provides it
    visit("derecho", "cmake ^mpi")
    assert (
        _differs(page) == ["Differs in: unknown: ^mpi is virtual: providers are not recorded"] * 2
    )
    # another mirror, another table
    visit("libdwarf", "libdwarf ^gcc-runtime@10.2.1")
    assert short() == ["u5uz3dc", "sk2gqqz"]
    assert _differs(page) == ["Differs in: no dependency gcc-runtime"]
    # cache.spack.io's records: no dependencies on the page, so unknown, never guessed
    assert page.locator("div.spackcache-graph").count() == 1
    visit("records", "cmake ^zlib")
    assert page.locator("div.spackcache-graph").count() == 0
    assert _note(page).startswith("0 of 36 binaries satisfy cmake ^zlib")
    assert set(_differs(page)) == {
        "Differs in: unknown: ^zlib: dependencies not recorded by this source"
    }
    watched.close()
