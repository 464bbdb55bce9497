"""A site whose default tag is not the latest: everything without ``:tag:`` uses the
default, and the plain package name refers to the default tag's page even when a newer
snapshot's page exists."""

from __future__ import annotations

import zlib

from bs4 import BeautifulSoup

from . import records as expected
from .conftest import Build, warnings_of

DEFAULT = "develop-2025-04-13"


def test_the_default_tag_wins_over_the_latest(build: Build) -> None:
    app = build("default-tag", "html")
    assert warnings_of(app) == []
    out = app.outdir
    # the index and its generated pages: the default tag's packages
    assert sorted(p.stem for p in (app.srcdir / "pkgs").glob("*.rst")) == expected.packages(DEFAULT)
    cmake = BeautifulSoup((out / "pkgs" / "cmake.html").read_text("utf-8"), "html.parser")
    rows = cmake.select("table.spackcache-specs tbody tr")
    assert len(rows) == len(expected.specs(DEFAULT, "cmake"))
    assert len(expected.specs(DEFAULT, "cmake")) != len(
        expected.specs("develop-2025-04-20", "cmake")
    )

    page = BeautifulSoup((out / "refs.html").read_text("utf-8"), "html.parser")
    refs = page.select_one("div.body, [role=main]")  # not a theme's navigation
    assert refs is not None
    links = [a["href"] for a in refs.select("li a.reference")]
    assert links == [
        f"pkgs/cmake.html#cache-package-cmake-{DEFAULT}",  # not the newer page in latest
        "latest.html#cache-package-cmake-develop-2025-04-20",
        f"pkgs/py-packaging.html#cache-package-py-packaging-{DEFAULT}",
        "latest.html#cache-package-py-packaging-v0.23.1",
    ]
    # the coverage sentence counts the default snapshot
    (sentence_node,) = refs.select("p.spackcache-sentence")
    sentence = sentence_node.get_text()
    assert sentence.startswith("cmake is in ")
    assert f"stacks of {DEFAULT} in the records here" in sentence

    # objects.inv: four header lines, then zlib-compressed "name type priority uri dispname"
    body = zlib.decompress((out / "objects.inv").read_bytes().split(b"\n", 4)[4]).decode()
    uris = {line.split()[0]: line.split()[3] for line in body.splitlines()}
    assert uris["cmake"] == f"pkgs/cmake.html#cache-package-cmake-{DEFAULT}"
    assert uris["cmake@develop-2025-04-20"] == "latest.html#cache-package-cmake-develop-2025-04-20"


def test_without_a_default_tag_the_plain_name_is_the_newest_snapshot(build: Build) -> None:
    """No ``spackcache_default_tag``: ``:cache:pkg:`cmake``` goes to the newest snapshot
    cmake is documented for, by Spack's order (releases by version, then develop
    snapshots by date: develop-2025-04-20 here), not to the first documented (v0.23.1, in
    a.rst) nor the last (develop-2025-04-13, in c.rst) nor the last by name (v0.23.1)."""
    app = build("no-default-tag", "html")
    assert "spackcache_default_tag" not in (app.srcdir / "conf.py").read_text("utf-8").replace(
        "# no spackcache_default_tag", ""
    )
    assert warnings_of(app) == []
    page = BeautifulSoup((app.outdir / "refs.html").read_text("utf-8"), "html.parser")
    refs = page.select_one("div.body, [role=main]")
    assert refs is not None
    links = [a["href"] for a in refs.select("li a.reference")]
    assert links == [
        "b.html#cache-package-cmake-develop-2025-04-20",
        "c.html#cache-package-py-packaging-develop-2025-04-13",  # newer than v0.23.1
    ]
    body = zlib.decompress((app.outdir / "objects.inv").read_bytes().split(b"\n", 4)[4]).decode()
    uris = {line.split()[0]: line.split()[3] for line in body.splitlines()}
    assert uris["cmake"] == "b.html#cache-package-cmake-develop-2025-04-20"
    assert uris["py-packaging"] == "c.html#cache-package-py-packaging-develop-2025-04-13"
