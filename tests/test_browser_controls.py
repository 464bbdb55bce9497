"""Issue 25, point 6 and the controls of point 5, in a real browser (headless Chromium, as
tests/test_browser.py): a pager below the table too, in step with the one above; every
control a target of at least 24 x 24 CSS px (WCAG 2.2, 2.5.8), or clear of the others by
WCAG's spacing rule; the search box named without the caption's link glyph; a ``+`` typed
in the address read as Spack writes a variant; "Download CSV" writing the exported CSV's
columns and rows; a row of controls that stays where it is when filters are added.

In alabaster, furo, sphinx-rtd-theme and pydata-sphinx-theme, at 1280 and 1440 px, light
and dark where the theme has a dark mode. Crops of the controls go to tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import records as expected
from .conftest import MIRRORS, Build, warnings_of
from .test_browser import (
    ARGS,
    ARTIFACTS,
    CHROMIUM,
    DARK_THEMES,
    TAG,
    THEMES,
    WIDTHS,
    Watched,
    badge,
    pytestmark,
    rows,
    site,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

__all__ = ["pytestmark"]  # the marks and the skip of tests/test_browser.py


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, as tests/test_browser.py starts it."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "CI must install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _schemes(theme: str) -> tuple[str, ...]:
    return ("light", "dark") if theme in DARK_THEMES else ("light",)


#: The smallest target WCAG 2.2's 2.5.8 (Target Size, Minimum) allows, in CSS px (a
#: hundredth less for rounding of fractional layout).
MINIMUM = 24 - 0.01

#: JavaScript: every target a reader can click in the extension's output, visible on the
#: page, with its box. ``size``: those that must be 24 x 24 (the controls the script adds,
#: and the sortable headings); ``spaced``: those that may be smaller when clear of the
#: others by WCAG's spacing exception (a 24 px circle centred on the target meets no
#: other target and no other undersized target's circle): badges that filter, "+N" and
#: "show less", the links of a table (hashes, dependencies, package names). Returns the
#: counts, the controls smaller than 24 x 24, and the undersized targets too close to
#: another (the first ten of each).
TARGETS = """(minimum) => {
  // (a closed <details>' content keeps boxes in Chromium: checkVisibility says it is hidden)
  const seen = e => e.getClientRects().length > 0 && e.checkVisibility({visibilityProperty: true});
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height,
            what: (typeof e.className === 'string' ? e.className : e.tagName)
              + ' ' + (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 30)}; };
  const pick = s => [...document.querySelectorAll(s)].filter(seen).map(box);
  const size = pick('.spackcache-controls :is(button, select, input),'
    + ' .spackcache-below :is(button, select), td.spackcache-hash button.spackcache-copy,'
    + ' th.spackcache-sortable');
  const spaced = pick('.spackcache .spackcache-filter, details.spackcache-more > summary,'
    + ' table.spackcache-table td a[href]');
  const all = size.concat(spaced);
  const centre = r => [r.x + r.w / 2, r.y + r.h / 2];
  const distance = ([x, y], r) => Math.hypot(Math.max(r.x - x, 0, x - r.x - r.w),
                                             Math.max(r.y - y, 0, y - r.y - r.h));
  const smallOnes = spaced.filter(r => r.w < minimum || r.h < minimum);
  const small = new Set(smallOnes);
  const tooSmall = size.filter(r => r.w < minimum || r.h < minimum).slice(0, 10);
  const tooClose = [];
  for (const r of smallOnes) {
    const c = centre(r);
    for (const o of all) {
      if (o === r || Math.abs(o.y - r.y) > 60) continue;
      const near = distance(c, o) < 12 - 0.01;
      const [ox, oy] = centre(o);
      const overlapping = small.has(o) && Math.hypot(c[0] - ox, c[1] - oy) < minimum;
      if ((near || overlapping) && tooClose.length < 10) tooClose.push([r, o]);
    }
  }
  return {sized: size.length, spaced: spaced.length, small: smallOnes.length, tooSmall, tooClose};
}"""


def _check_targets(page: Page, where: str) -> dict[str, int]:
    """The targets of the page are 24 x 24, or clear of the others by the spacing rule;
    how many of each were checked."""
    found = page.evaluate(TARGETS, MINIMUM)
    assert found["tooSmall"] == [], where
    assert found["tooClose"] == [], where
    return {key: found[key] for key in ("sized", "spaced", "small")}


#: JavaScript: the boxes of the controls that must keep their places (in the page's
#: coordinates, whatever its scrolling).
PLACES = """() => Object.fromEntries([
  ['search', '.spackcache-controls input[type=search]'],
  ['cpu', '.spackcache-controls .spackcache-cpu select'],
  ['download', '.spackcache-controls button.spackcache-download'],
  ['previous', '.spackcache-controls button.spackcache-previous'],
  ['next', '.spackcache-controls button.spackcache-next'],
  ['size', '.spackcache-controls select.spackcache-size'],
  ['table', 'table.spackcache-specs'],
].map(([name, s]) => { const e = document.querySelector(s);
  if (!e || !e.getClientRects().length) return [name, null];
  const r = e.getBoundingClientRect();
  return [name, {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}]; }))"""


def _centre(rect: dict[str, float]) -> tuple[float, float]:
    return rect["x"] + rect["w"] / 2, rect["y"] + rect["h"] / 2


def _same_line(a: dict[str, float], b: dict[str, float]) -> bool:
    return abs(_centre(a)[1] - _centre(b)[1]) < min(a["h"], b["h"]) / 2


@pytest.mark.parametrize("theme", THEMES)
def test_controls_are_large_enough_named_and_stay_put(
    build: Build, browser: Browser, theme: str
) -> None:
    """At 1280 and 1440 px, light and dark: every control the script adds is 24 x 24 px
    at least, every smaller target (badges, "+N", "show less", links) is clear of the
    others by WCAG's spacing rule, in a long table (boost, two pages) and a filtered one
    (cmake). The search box's name is the caption's text alone. The controls stay where
    they are when filters come: the chips and "Clear filters" have a line of their own,
    and the pages (Previous, Next, the menu) stay on one line."""
    out = site(build, theme)
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in _schemes(theme):
        for width in WIDTHS:
            where = f"{theme} {scheme} {width}"
            watched = Watched(
                browser, color_scheme=scheme, viewport={"width": width, "height": 1000}
            )
            page = watched.page
            # boost: 64 specs, two pages; every "+N" opened too ("show less")
            page.goto((out / "boost.html").as_uri())
            counted = _check_targets(page, f"{where} boost")
            assert counted["sized"] >= 2 * 50 + 2 * 3 + 2, counted  # copy buttons, pagers
            assert counted["small"] > 0, counted  # the spacing rule was put to work
            page.evaluate(
                "() => document.querySelectorAll('table.spackcache-specs details.spackcache-more')"
                ".forEach(d => { d.open = true; })"
            )
            _check_targets(page, f"{where} boost, open")

            # the search box's accessible name: the caption, without its link's glyph
            caption = f"Specs of boost in {TAG}"
            assert page.get_by_role("searchbox", name=f"Search {caption}", exact=True).count() == 1

            page.goto((out / "cmake.html").as_uri())
            name = f"Search Specs of cmake in {TAG}"
            assert page.get_by_role("searchbox", name=name, exact=True).count() == 1, where
            before = page.evaluate(PLACES)
            assert all(before.values()), before  # cmake (36 rows) has every control
            # the pages on one line: the menu never alone
            assert _same_line(before["previous"], before["next"]), where
            assert _same_line(before["next"], before["size"]), where
            page.locator(".spackcache-controls").first.screenshot(
                path=str(ARTIFACTS / f"controls-{theme}-{scheme}-{width}.png")
            )
            # filters and a search: chips come, the controls stay
            # (no search text in an address loaded: pydata-sphinx-theme runs Sphinx's own
            # search, searchtools.js, on ?q= in any page, which fails where there is no
            # search page's list of results)
            page.goto((out / "cmake.html").as_uri() + "?stack=e4s,radiuss*,developer-tools-*")
            badge(page, "compiler", "gcc@11.4.0").click()
            page.locator("div.spackcache-controls input[type=search]").fill("linux")
            assert page.locator(".spackcache-chip").count() == 2
            after = page.evaluate(PLACES)
            for control in ("search", "cpu", "download", "previous", "next", "size"):
                for key in ("x", "y", "w", "h"):
                    assert abs(after[control][key] - before[control][key]) < 0.5, (
                        f"{where}: {control} moved: {before[control]} -> {after[control]}"
                    )
            # the chips and "Clear filters" are below the line of the controls
            line = max(before[c]["y"] + before[c]["h"] for c in ("search", "cpu", "size"))
            tops = page.evaluate(
                "() => [...document.querySelectorAll('.spackcache-chip, button.spackcache-clear')]"
                ".map(e => e.getBoundingClientRect().top + scrollY)"
            )
            assert len(tops) == 3, where
            assert min(tops) >= line - 0.5, where
            _check_targets(page, f"{where} cmake, filtered")
            watched.close()


def test_a_pager_below_the_table_in_step_with_the_one_above(build: Build, browser: Browser) -> None:
    """boost (64 specs) pages at 50 rows: a pager above the table and one below it,
    named apart for a screen reader; either turns the page and sets the size, both show
    it, and the keyboard works them, the focus staying on the button at the last page."""
    out = site(build)
    assert len(expected.specs(TAG, "boost")) == 64
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "boost.html").as_uri())
    caption = f"Specs of boost in {TAG}"
    above = page.get_by_role("navigation", name=f"Pages of {caption}, above the table", exact=True)
    below = page.get_by_role("navigation", name=f"Pages of {caption}, below the table", exact=True)
    assert above.count() == below.count() == 1
    # the second one is after the table
    assert page.evaluate(
        """() => { const t = document.querySelector('table.spackcache-specs');
        const navs = document.querySelectorAll('nav.spackcache-pager');
        return navs.length === 2 &&
          (t.compareDocumentPosition(navs[0]) & Node.DOCUMENT_POSITION_PRECEDING) !== 0 &&
          (t.compareDocumentPosition(navs[1]) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0; }"""
    )
    assert rows(page) == 50

    def disabled(pager: Any, which: str) -> bool:
        button = pager.locator(f"button.spackcache-{which}")
        return bool(button.get_attribute("aria-disabled") == "true")

    # the one below turns the page, and the one above shows it
    below.locator("button.spackcache-next").click()
    assert rows(page) == 64 - 50
    for pager in (above, below):
        assert disabled(pager, "next")
        assert not disabled(pager, "previous")
    # by the keyboard: the focus stays on the button
    previous = below.locator("button.spackcache-previous")
    previous.focus()
    page.keyboard.press("Enter")
    assert rows(page) == 50
    assert previous.evaluate("b => document.activeElement === b")
    assert disabled(above, "previous")
    assert disabled(below, "previous")
    page.keyboard.press("Enter")  # disabled: nothing happens, the focus stays
    assert rows(page) == 50
    assert previous.evaluate("b => document.activeElement === b")
    next_below = below.locator("button.spackcache-next")
    next_below.focus()
    page.keyboard.press(" ")
    assert rows(page) == 64 - 50
    # the size, from below: both menus show it, and the address keeps it
    below.get_by_role("combobox").select_option("25")
    assert rows(page) == 25
    assert "rows=25" in page.evaluate("() => location.href")
    assert above.locator("select").input_value() == below.locator("select").input_value() == "25"
    names = {
        above.locator("select").get_attribute("aria-label"),
        below.locator("select").get_attribute("aria-label"),
    }
    assert len(names) == 2  # told apart
    above.get_by_role("combobox").select_option("0")  # all
    assert rows(page) == 64
    assert below.locator("select").input_value() == "0"
    # a table of at most the smallest page's rows (the listing: 7 packages) has neither
    page.goto((out / "index.html").as_uri())
    assert rows(page, "table.spackcache-packages") == len(expected.packages(TAG)) <= 25
    assert page.locator("nav.spackcache-pager:visible").count() == 0
    watched.close()


def test_a_plus_in_the_address_is_spacks_plus(build: Build, browser: Browser) -> None:
    """``?variant=+atomic``, typed by hand, keeps boost's specs with ``+atomic`` (a form's
    "+ for a space" read it " atomic", which matched nothing); the state written back
    keeps the plus, so that the address reads back the same; the search's "+" is still a
    space."""
    out = site(build)
    boost = expected.specs(TAG, "boost")
    with_atomic = [s for s in boost if "+atomic" in s["variants"]]
    without = [s for s in boost if "~atomic" in s["variants"]]
    assert 0 < len(with_atomic) < 64
    assert len(with_atomic) + len(without) == 64
    watched = Watched(browser)
    page = watched.page

    def visit(query: str) -> int:
        page.goto((out / "boost.html").as_uri() + query + "&rows=0")
        return rows(page)

    assert visit("?variant=+atomic") == len(with_atomic)
    assert page.locator(".spackcache-chip").inner_text().startswith("variant: +atomic")
    assert visit("?variant=%2Batomic") == len(with_atomic)  # encoded, as before
    assert visit("?variant=~atomic") == len(without)
    # alternatives and a glob, with pluses
    both = [s for s in boost if "+atomic" in s["variants"] or "+context" in s["variants"]]
    assert visit("?variant=+atomic,+context") == len(both)
    plus_c = [s for s in boost if any(v.startswith("+c") for v in s["variants"])]
    assert visit("?variant=+c*") == len(plus_c)
    # the state written back keeps the plus, and reads back the same
    page.goto((out / "boost.html").as_uri() + "?variant=+atomic")
    page.locator("div.spackcache-controls input[type=search]").fill("gcc@11.4.0 x86_64_v3")
    address = page.evaluate("() => location.href")  # (page.url may lag replaceState)
    assert "variant=+atomic" in address
    assert "q=gcc@11.4.0+x86_64_v3" in address or "q=gcc%4011.4.0+x86_64_v3" in address
    shown = rows(page)

    def text(s: dict[str, Any]) -> str:
        fields = [s["hash"], s["compiler"], s["os"], s["platform"], s["target"]]
        return " ".join(fields + s["versions"] + s["variants"] + s["stacks"])

    wanted = [s for s in with_atomic if "gcc@11.4.0" in text(s) and "x86_64_v3" in text(s)]
    assert shown == len(wanted) > 0
    page.goto(address)
    assert rows(page) == shown
    assert page.locator("div.spackcache-controls input[type=search]").input_value() == (
        "gcc@11.4.0 x86_64_v3"
    )
    # a space in a filter is written %20, never "+", and reads back as a space
    page.goto((out / "boost.html").as_uri() + "?stack=no%20such")
    assert page.locator(".spackcache-chip").inner_text().startswith("stack: no such")
    # (no row left: the table's own "Clear filters" is a 24 x 24 target too)
    clear = page.locator("tr.spackcache-empty button").bounding_box()
    assert clear is not None
    assert clear["width"] >= MINIMUM
    assert clear["height"] >= MINIMUM
    page.locator("div.spackcache-controls input[type=search]").fill("gcc")
    address = page.evaluate("() => location.href")
    assert "stack=no%20such" in address
    page.goto(address.replace("q=gcc", ""))
    assert page.locator(".spackcache-chip").inner_text().startswith("stack: no such")
    # a plus in the search text is written %2B and read back as a plus
    page.locator("div.spackcache-controls input[type=search]").fill("+atomic")
    address = page.evaluate("() => location.href")
    assert "q=%2Batomic" in address
    page.goto(address)
    assert page.locator("div.spackcache-controls input[type=search]").input_value() == "+atomic"
    watched.close()


def _download(page: Page, tmp_path: Path, name: str, number: int = 0) -> str:
    with page.expect_download() as info:
        page.locator(".spackcache-controls button.spackcache-download").nth(number).click()
    path = tmp_path / name
    info.value.save_as(path)
    return path.read_text("utf-8")


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("root", "page_name", "tables"),
    [
        ("browser", "cmake.html", [(TAG, "cmake")]),
        ("browser", "py-packaging.html", [(TAG, "py-packaging")]),
        # two pages of rows; variants shown in the order that tells the rows apart
        ("browser", "boost.html", [(TAG, "boost")]),
        ("browser", "old.html", [("v0.23.1", "cmake")]),  # tarballs: the hashes' links
        ("also-in", "cmake.html", [(TAG, "cmake")]),
        (
            "mirrors",
            "package.html",
            [("spack-test", "libelf"), ("clingo", "zlib"), ("spack-test", "libdwarf")],
        ),
    ],
)
def test_download_csv_is_the_exported_csv(
    build: Build,
    browser: Browser,
    tmp_path: Path,
    root: str,
    page_name: str,
    tables: list[tuple[str, str]],
) -> None:
    """A spec table's "Download CSV", unfiltered, is the package's exported CSV
    (``_spackcache/<tag>/<package>.csv``): the same heading row and the same rows, in
    the same order, whatever the table shows (cmake folds nothing, boost shows first the
    variants that tell its rows apart and has two pages, py-packaging says its
    version and compiler once above the table, v0.23.1's hashes link their binaries
    (tarball), the :also-in: table has a column more,
    mirrors' specs have sizes, and variants a source gives in Spack's order, booleans
    first); filtered, the rows the filters keep, counted in the records."""
    conf: dict[str, Any] = {}
    if root == "mirrors":
        conf["spackcache_mirrors"] = {
            "spack-test": str(MIRRORS / "spack-v3-test"),
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        }
    app = build(root, "html", conf=conf)
    assert warnings_of(app) == []
    out = Path(app.outdir)
    watched = Watched(browser, accept_downloads=True)
    page = watched.page
    page.goto((out / page_name).as_uri())
    assert page.locator(".spackcache-controls button.spackcache-download").count() == len(tables)
    for number, (tag, package) in enumerate(tables):
        exported = (out / "_spackcache" / tag / f"{package}.csv").read_text("utf-8")
        downloaded = _download(page, tmp_path, f"{number}.csv", number)
        assert _table(downloaded)[0] == _table(exported)[0], package
        assert _table(downloaded) == _table(exported), package
        assert downloaded == exported  # to the byte
    if root != "browser" or page_name != "cmake.html":
        watched.close()
        return
    # filtered: the exported rows of the specs the filters keep, counted in the records
    exported = (out / "_spackcache" / TAG / "cmake.csv").read_text("utf-8")
    page.goto((out / page_name).as_uri() + "?stack=e4s&os=ubuntu22.04")
    kept = {
        s["hash"]
        for s in expected.specs(TAG, "cmake")
        if "e4s" in s["stacks"] and s["os"] == "ubuntu22.04"
    }
    assert len(kept) == rows(page) > 0
    filtered = _table(_download(page, tmp_path, "filtered.csv"))
    assert filtered == [_table(exported)[0]] + [
        line for line in _table(exported)[1:] if line[0] in kept
    ]
    watched.close()
