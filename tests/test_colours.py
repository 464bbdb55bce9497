"""Stack colours: given out for the whole site, all different while there are colours
left, independent of reading order; the palette itself meets WCAG contrast on light and
dark pages (computed here from the stylesheet's values)."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.render.names import PALETTE_SIZE
from sphinx_spackcache.site.colours import KNOWN_STACKS, StackCollector, assign_hues, hues_of
from sphinx_spackcache.writers.assets import STATIC_DIR, STYLESHEET

from . import records as expected
from .conftest import DOCS, RECORDS, Build

TAG = "develop-2025-04-20"

#: Backgrounds of the themes' pages: white and near-white, and the dark ones of furo,
#: pydata-sphinx-theme (its page, and the lighter rows of its tables) and others.
LIGHT_PAGES = ("#ffffff", "#fcfcfc", "#f8f9fb")
DARK_PAGES = ("#131416", "#14181e", "#121212", "#1e1e1e", "#29313d", "#222832")


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palettes() -> tuple[list[str], list[str]]:
    """The light and dark hues as the stylesheet defines them: each hue's class with the
    pair ``var(--spackcache-if-light, LIGHT) var(--spackcache-if-dark, DARK)``."""
    css = (STATIC_DIR / STYLESHEET).read_text("utf-8")
    pairs = re.findall(
        r"\.spackcache-hue-(\d+) \{ background-color: var\(--spackcache-if-light, (#[0-9a-f]{6})\)"
        r" var\(--spackcache-if-dark, (#[0-9a-f]{6})\); \}",
        css,
    )
    assert [int(hue) for hue, _, _ in pairs] == list(range(PALETTE_SIZE))
    return [light for _, light, _ in pairs], [dark for _, _, dark in pairs]


def test_dark_pages_are_named_once() -> None:
    """Which pages are dark is said in one place: the rules that swap the two switches
    (for furo's and pydata-sphinx-theme's dark mode, and furo's "auto" on a dark
    system); no other rule of the stylesheet picks colours by the theme's mode."""
    css = (STATIC_DIR / STYLESHEET).read_text("utf-8")
    assert css.count("[data-theme=") == 3
    assert css.count("prefers-color-scheme") == 1
    swaps = re.findall(r"\{\s*--spackcache-if-light: ;\s*--spackcache-if-dark: initial;\s*\}", css)
    assert len(swaps) == 2


def test_the_palette_meets_contrast_on_light_and_dark_pages() -> None:
    light, dark = palettes()
    assert len(set(light)) == len(set(dark)) == PALETTE_SIZE == 36
    for hue in light:
        assert contrast(hue, "#ffffff") >= 4.5  # white text on the badge
        for page in LIGHT_PAGES + DARK_PAGES[:4]:
            assert contrast(hue, page) >= 3.0, (hue, page)  # the badge stands out
    for hue in dark:
        assert contrast(hue, "#111111") >= 4.5  # near-black text on the badge
        for page in DARK_PAGES:
            assert contrast(hue, page) >= 3.0, (hue, page)


def test_each_stack_its_own_colour_while_there_are_colours() -> None:
    for count in (1, 2, 3, 5, 12, 13, 24, 26, 36):
        stacks = [f"stack-{i}" for i in range(count)]
        hues = assign_hues(stacks)
        assert sorted(hues) == sorted(stacks)
        assert len(set(hues.values())) == count
    hues = assign_hues(f"stack-{i}" for i in range(50))
    assert set(hues.values()) == set(range(36))  # then they share


#: The CI stacks of the real records, read from them here (every record's ``meta``
#: stacks): tests/records and docs/_cache, the records of three snapshots.
def record_stacks() -> set[str]:
    found: set[str] = set()
    for folder in (RECORDS, DOCS / "_cache"):
        for record in folder.glob("*/*/specs.md"):
            for line in record.read_text("utf-8").splitlines():
                if line.startswith("meta: "):
                    found.update(json.loads(line[len("meta: ") :])["stacks"])
    return found


def test_spack_stacks_have_the_same_colour_on_every_site() -> None:
    """Issue 25: a stack's colour depended on which stacks a site had (e4s olive in the
    docs, purple on a site of three records). Spack's stacks keep theirs, whatever else a
    site shows, and no two of them share one."""
    stacks = record_stacks()
    assert len(stacks) == 31
    assert {"e4s", "root", "tutorial", "aws-isc"} <= stacks
    assert stacks <= KNOWN_STACKS.keys()
    assert len(set(KNOWN_STACKS.values())) == len(KNOWN_STACKS) <= PALETTE_SIZE
    # the docs' site (all 31), the stacks of two records (sherpa and py-packaging of
    # develop-2025-04-20, read from them), e4s alone, and a site with stacks of its own
    two = {s for p in ("sherpa", "py-packaging") for s in expected.stack_counts(TAG, p)}
    assert len(two) == 16
    sites = [stacks, two, {"e4s"}, {"e4s", "hep", "my-stack", "site-gpu", "x"}]
    for known in ("e4s", "hep", "root"):
        seen = {assign_hues(site)[known] for site in sites if known in site}
        assert seen == {KNOWN_STACKS[known]}, known
    assert assign_hues(sites[0])["e4s"] == assign_hues(sites[2])["e4s"] == 1  # the second


def test_other_stacks_take_colours_no_stack_of_the_site_has() -> None:
    """A site's own stacks: first the colours no known stack has, then those of known
    stacks the site does not show; never the colour of a stack it shows."""
    spare = set(range(PALETTE_SIZE)) - set(KNOWN_STACKS.values())
    assert len(spare) == 2
    hues = assign_hues(["e4s", "root", "my-stack", "site-gpu"])
    assert {hues["my-stack"], hues["site-gpu"]} == spare
    many = [f"site-{i}" for i in range(6)]
    hues = assign_hues(["e4s", "root", "hep", *many])
    assert len(set(hues.values())) == 9
    assert spare < {hues[s] for s in many}
    assert not {hues[s] for s in many} & {KNOWN_STACKS[s] for s in ("e4s", "root", "hep")}
    # every known stack and two more: all 36 colours, each once
    hues = assign_hues([*KNOWN_STACKS, "my-stack", "site-gpu"])
    assert sorted(hues.values()) == list(range(PALETTE_SIZE))


def test_colours_do_not_depend_on_order() -> None:
    stacks = [f"s{i}" for i in range(30)]
    shuffled = stacks[:]
    random.Random(1).shuffle(shuffled)
    assert assign_hues(stacks) == assign_hues(shuffled) == assign_hues(stacks + stacks)


def test_a_new_stack_rewrites_every_page_with_stacks(build: Build) -> None:
    """The colours are the site's: when a stack appears, pages that were not read again
    are written again, so that none keeps an old colour."""
    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    records = app.srcdir / "_cache"
    shutil.copytree(RECORDS, records)
    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    before = hue_map(app.outdir)
    # small.rst shows sherpa: its specs (and its meta) get a new stack
    path = records / "develop-2025-04-20" / "sherpa" / "specs.md"
    path.write_text(
        path.read_text("utf-8").replace('"hep", "root"', '"hep", "newstack", "root"'), "utf-8"
    )
    written = {p: p.stat().st_mtime_ns for p in app.outdir.glob("*.html")}
    app = build("basic", "html", conf={"spackcache_path": "_cache"})
    after = hue_map(app.outdir)
    assert "newstack" in after
    assert len(set(after.values())) == len(after)
    changed = {page.name for page, mtime in written.items() if page.stat().st_mtime_ns != mtime}
    assert {"py-packaging.html", "cmake.html", "small.html"} <= changed
    # every page agrees
    for page in app.outdir.glob("*.html"):
        for span in BeautifulSoup(page.read_text("utf-8"), "html.parser").select(
            "span.spackcache-stack"
        ):
            stack = span.get_text().split("\N{NO-BREAK SPACE}(")[0]
            assert f"spackcache-hue-{after[stack]}" in span["class"]
    assert before.keys() < after.keys()


def hue_map(out: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for page in out.glob("*.html"):
        for span in BeautifulSoup(page.read_text("utf-8"), "html.parser").select(
            "span.spackcache-stack"
        ):
            stack = span.get_text().split("\N{NO-BREAK SPACE}(")[0]
            (hue,) = [c for c in span["class"] if c.startswith("spackcache-hue-")]
            found[stack] = int(hue.rsplit("-", 1)[1])
    return found


#: What tests/roots/test-basic shows (its pages' directives; the default tag is
#: develop-2025-04-20): page -> (tag, package) of each cache-package.
BASIC_PAGES = {
    "py-packaging": [("develop-2025-04-20", "py-packaging")],
    "cmake": [("develop-2025-04-20", "cmake"), ("v0.23.1", "cmake")],
    "small": [("develop-2025-04-20", "sherpa"), ("v0.23.1", "dsfmt")],
}


def page_stacks(pages: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    """The stacks each page's badges name, from the raw records: every stack of every
    spec a cache-package shows (its summary and its table)."""
    found = {
        page: sorted({s for tag, package in shown for s in expected.stack_counts(tag, package)})
        for page, shown in pages.items()
    }
    return {page: stacks for page, stacks in found.items() if stacks}


@pytest.mark.slow
def test_a_parallel_read_gives_the_colours_of_a_serial_one(build: Build) -> None:
    """-j: each worker notes the stacks of the pages it reads, and the merge brings them
    all together, so the colours are given out for the same stacks as in a serial read."""
    want = page_stacks(BASIC_PAGES)
    serial = build("basic", "html")
    assert StackCollector.stacks(serial.env) == want
    serial_hues = dict(hues_of(serial.env))
    assert serial_hues == assign_hues(s for stacks in want.values() for s in stacks)
    serial_pages = hue_map(serial.outdir)

    parallel = build("basic", "html", parallel=2, freshenv=True)
    assert parallel.parallel == 2
    assert StackCollector.stacks(parallel.env) == want  # the union of what the workers noted
    assert dict(hues_of(parallel.env)) == serial_hues
    assert hue_map(parallel.outdir) == serial_pages


def test_a_removed_page_takes_its_stacks_with_it(build: Build) -> None:
    app = build("basic", "html")
    assert StackCollector.stacks(app.env) == page_stacks(BASIC_PAGES)
    (app.srcdir / "cmake.rst").unlink()
    index = app.srcdir / "index.rst"
    index.write_text(index.read_text("utf-8").replace("   cmake\n", ""), "utf-8")
    app = build("basic", "html")
    kept = {page: shown for page, shown in BASIC_PAGES.items() if page != "cmake"}
    assert StackCollector.stacks(app.env) == page_stacks(kept)
    kept_stacks = {s for stacks in page_stacks(kept).values() for s in stacks}
    assert set(page_stacks(BASIC_PAGES)["cmake"]) - kept_stacks  # some were cmake's only
    assert set(hues_of(app.env)) == kept_stacks  # and they have no colour any more
