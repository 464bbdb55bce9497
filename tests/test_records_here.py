"""Coverage sentences say whose count they give (issue 24): a folder of copied records
may hold a few packages of a snapshot (tests/records has 7 of develop-2025-04-20's
1,225), so its sentence counts "the records here"; a mirror's index is the whole
snapshot, and its sentence keeps the plain wording. The sentence is one node, so every
builder says the same: HTML, text and LaTeX are read here.

Expected numbers by hand: tests/mirrors/spack-v2-test/build_cache/index.json has 6
entries ``in_buildcache`` (compiler-wrapper, gcc-runtime, libdwarf twice, libelf twice:
4 packages), all in the one stack named after the mirror; the views root's snapshot
sentence is checked against the records in tests/test_views.py.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from .conftest import MIRRORS, Build

TAG = "develop-2025-04-20"
MIRROR_CONF = {"spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")}}


def _sentences(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [p.get_text(" ", strip=True) for p in page.select("p.spackcache-sentence")]


def test_copied_records_are_counted_as_the_records_here(build: Build) -> None:
    app = build("views", "html")
    (snapshot,) = _sentences((app.outdir / "snapshot.html").read_text("utf-8"))
    assert snapshot.startswith(f"Of the records here, {TAG} has 7 packages with ")
    package = _sentences((app.outdir / "coverage.html").read_text("utf-8"))[0]
    assert package.startswith(f"cmake is in 26 of 26 stacks of {TAG} in the records here (")

    text = build("views", "text")
    page = " ".join((text.outdir / "snapshot.txt").read_text("utf-8").split())
    assert f"Of the records here, {TAG} has 7 packages with " in page
    page = " ".join((text.outdir / "coverage.txt").read_text("utf-8").split())
    assert f"cmake is in 26 of 26 stacks of {TAG} in the records here (100%)" in page

    latex = build("views", "latex")
    (tex,) = latex.outdir.glob("*.tex")
    source = " ".join(tex.read_text("utf-8").split()).replace(r"\sphinxhyphen{}", "-")
    assert f"Of the records here, {TAG} has 7 packages with" in source


def test_a_mirror_is_the_whole_snapshot(build: Build) -> None:
    app = build("mirrors", conf=MIRROR_CONF)
    sentences = _sentences((app.outdir / "index.html").read_text("utf-8"))
    assert sentences[0].startswith("spack-test has 4 packages with 6 specs in 1 stack, on ")
    assert "records here" not in (app.outdir / "index.html").read_text("utf-8")


def test_listings_say_the_records_here_too(build: Build) -> None:
    """By hand from tests/records (develop-2025-04-20): its 7 records have 206 specs, 44
    of them in ``e4s``, from 5 packages. spack-test's one stack is named after it and
    holds its 6 specs of 4 packages."""
    app = build("views", "html")
    listing = _sentences((app.outdir / "listing.html").read_text("utf-8"))
    assert listing[0] == f"{TAG} (the records here): 7 packages, 206 specs."
    (stack,) = _sentences((app.outdir / "stack.html").read_text("utf-8"))
    assert stack == f"e4s in {TAG} (the records here): 5 packages, 44 specs."

    mirror = build("mirrors", conf=MIRROR_CONF)
    (listed,) = _sentences((mirror.outdir / "listing.html").read_text("utf-8"))
    assert listed == "spack-test in spack-test: 4 packages, 6 specs."
