"""Issue 25, points 3 and 4, in a real browser (headless Chromium, as tests/test_browser.py):
the heat shading of coverage and history matrices in every theme (sphinx-rtd-theme's zebra
stripe painted over every other row), and the "+N" disclosures of table cells: a toggle
that opens and closes by mouse and keyboard, keeps the focus, says whether it is open, and
leaves the rest of the table where it was.

Before and after screenshots (crops of a matrix and of an opened row) go to tests/artifacts/.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import DOCS, MIRRORS, Build, warnings_of
from .test_browser import ARGS, ARTIFACTS, CHROMIUM, DARK_THEMES, THEMES, Watched, pytestmark

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Locator, Page

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


CACHE = DOCS / "_cache"

#: The colour of each heat level, as spackcache.css gives it to a cell: a translucent blue
#: over the theme's own background, more opaque for larger counts.
HEAT = {
    1: "rgba(37, 99, 235, 0.1)",
    2: "rgba(37, 99, 235, 0.2)",
    3: "rgba(37, 99, 235, 0.32)",
    4: "rgba(37, 99, 235, 0.45)",
    5: "rgba(37, 99, 235, 0.6)",
}

#: JavaScript: every count cell of the coverage and history matrices of a page, with its
#: count, heat class, row (odd or even, as a zebra stripe counts them), the stack of its
#: row and the cell's computed background.
HEAT_CELLS = """() => [...document.querySelectorAll(
    'table.spackcache-coverage tbody td, table.spackcache-history tbody td')]
  .map(td => ({td, span: td.querySelector(':scope > p > span[class*="spackcache-heat-"]')}))
  .filter(({span}) => span)
  .map(({td, span}) => ({
    count: Number(span.textContent.replace(/,/g, '')),
    level: Number(span.className.match(/spackcache-heat-(\\d)/)[1]),
    odd: td.parentElement.sectionRowIndex % 2 === 0,
    stack: td.parentElement.cells[0].textContent.trim(),
    table: [...document.querySelectorAll('table')].indexOf(td.closest('table')),
    background: getComputedStyle(td).backgroundColor,
  }))"""


#: A site's own colour for the largest counts (the rule docs/coverage.rst shows).
OWN_COLOUR = """
.spackcache-coverage td:has(> p > .spackcache-heat-5),
.spackcache-history td:has(> p > .spackcache-heat-5) { --spackcache-heat: #f4a261; }
"""


def _alpha(colour: str) -> float:
    values = [float(v) for v in re.findall(r"[\d.]+", colour)]
    return values[3] if len(values) == 4 else 1.0


def _schemes(theme: str) -> tuple[str, ...]:
    return ("light", "dark") if theme in DARK_THEMES else ("light",)


@pytest.mark.parametrize("theme", THEMES)
def test_heat_follows_the_count_in_every_theme(build: Build, browser: Browser, theme: str) -> None:
    """Each count cell of the snapshot's coverage matrix (docs/_cache, 109 records of
    develop-2025-04-20) and of cmake's and zlib-ng's histories has its level's colour,
    odd row or even, the ``root`` row too; and a larger count is never lighter than a
    smaller one of the same table. sphinx-rtd-theme's stripe (``.rst-content
    table.docutils:not(.field-list) tr:nth-child(2n-1) td``, #f3f6f6) replaced it on
    every odd row. A site's own colour for a level still wins."""
    conf = {"html_theme": theme, "spackcache_path": str(CACHE)}
    fit = build("fit", "html", conf=conf)
    history = build("history", "html", conf=conf)
    assert warnings_of(fit) == warnings_of(history) == []
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in _schemes(theme):
        watched = Watched(browser, color_scheme=scheme, viewport={"width": 1440, "height": 1000})
        page = watched.page
        for out, name in ((fit.outdir, "matrix"), (history.outdir, "history")):
            page.goto((Path(out) / f"{name}.html").as_uri())
            where = f"{theme} {scheme} {name}"
            page.locator("table.spackcache-coverage, table.spackcache-history").first.screenshot(
                path=str(ARTIFACTS / f"heat-{theme}-{scheme}-{name}.png")
            )
            cells = page.evaluate(HEAT_CELLS)
            # both kinds of row hold counts, and the root row is there
            assert {cell["odd"] for cell in cells} == {True, False}, where
            if name == "matrix":
                assert any(cell["stack"] == "root" for cell in cells), where
            for cell in cells:
                assert cell["background"] == HEAT[cell["level"]], f"{where}: {cell}"
            for table in {cell["table"] for cell in cells}:
                shades = sorted(
                    (cell["count"], _alpha(cell["background"]))
                    for cell in cells
                    if cell["table"] == table
                )
                darker = all(a[1] <= b[1] for a, b in itertools.pairwise(shades))
                assert darker, f"{where}: {shades}"
            # a site's own colour for a level, as docs/coverage.rst shows it, wins
            page.add_style_tag(content=OWN_COLOUR)
            for cell in page.evaluate(HEAT_CELLS):
                wanted = "rgb(244, 162, 97)" if cell["level"] == 5 else HEAT[cell["level"]]
                assert cell["background"] == wanted, f"{where}, own colour: {cell}"
        watched.close()


# -- "+N": a toggle -----------------------------------------------------------------------

#: JavaScript: the box of every cell of the table around *details*, by row shown, from the
#: table's corner, and of the table itself in the page (so that scrolling is no change).
BOXES = """details => {
  const table = details.closest('table');
  const t = table.getBoundingClientRect();
  const box = (e, x, y) => { const r = e.getBoundingClientRect();
    return [r.x - x, r.y - y, r.width, r.height].map(v => Math.round(v * 10) / 10); };
  const rows = [...table.tBodies[0].rows].filter(r => !r.hidden);  // the page's rows
  return {
    row: rows.indexOf(details.closest('tr')),
    table: box(table, -window.scrollX, -window.scrollY),
    rows: rows.map(r => [...r.cells].map(c => box(c, t.x, t.y))),
  };
}"""

#: JavaScript: what the summary of *details* shows and says: its accessible name as the
#: page shows it (the count's text, or the generated "show less"), whether it is shown,
#: whether it has the focus.
SUMMARY = """details => {
  const summary = details.querySelector(':scope > summary');
  const shown = [summary, ...summary.childNodes].flatMap(n => {
    if (n === summary) {
      const label = getComputedStyle(summary, '::before');
      return !['none', 'normal'].includes(label.content) && label.visibility === 'visible'
        ? [label.content.replace(/^"|"$/g, '')] : [];
    }
    if (n.nodeType === Node.TEXT_NODE) return [n.textContent];
    return n.checkVisibility({visibilityProperty: true}) ? [n.textContent] : [];
  }).join('').trim();
  return {
    open: details.open,
    visible: summary.checkVisibility(),
    text: shown,
    focused: document.activeElement === summary,
  };
}"""

#: JavaScript: font sizes of the badges before the summary and of those behind it.
FONT_SIZES = """details => {
  const size = e => getComputedStyle(e).fontSize;
  const first = [...details.parentElement.querySelectorAll(':scope > p .sd-badge')].map(size);
  const rest = [...details.querySelectorAll(':scope > p .sd-badge')].map(size);
  return {first: [...new Set(first)], rest: [...new Set(rest)]};
}"""


#: JavaScript: the badges behind *details* that reach out of its cell (their right edge
#: past the cell's content box).
OUTSIDE = """details => {
  const cell = details.closest('td');
  const right = cell.getBoundingClientRect().right
    - parseFloat(getComputedStyle(cell).paddingRight);
  return [...details.querySelectorAll(':scope > p .sd-badge')]
    .filter(b => b.getBoundingClientRect().right > right + 0.5).map(b => b.textContent);
}"""


def _expanded(page: Page, selector: str) -> tuple[str, bool | None]:
    """The role and ``expanded`` state Chromium's accessibility tree gives the first
    element matching *selector* (what a screen reader is told)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        (found, *_) = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node})["nodes"]
        states = {p["name"]: p["value"].get("value") for p in found.get("properties", [])}
        return found["role"]["value"], states.get("expanded")
    finally:
        cdp.detach()


def _same_layout(before: dict[str, Any], after: dict[str, Any], where: str) -> None:
    """Every cell keeps its column (left edge and width); every other row its height; the
    rows above the opened one stay put, those below move down by as much as it grew."""
    assert after["table"][:3] == before["table"][:3], f"{where}: the table moved or changed width"
    opened = before["row"]
    grew = after["rows"][opened][0][3] - before["rows"][opened][0][3]
    for number, (old, new) in enumerate(zip(before["rows"], after["rows"], strict=True)):
        for column, (a, b) in enumerate(zip(old, new, strict=True)):
            cell = f"{where}: row {number}, column {column}: {a} -> {b}"
            assert (a[0], a[2]) == (b[0], b[2]), cell
            if number != opened:
                assert a[3] == b[3], cell
            shift = 0 if number <= opened else grew
            assert abs(b[1] - a[1] - shift) < 0.15, cell


def _disclosure(page: Page, table: str, column: str) -> Locator:
    """The "+N" of the first row of *table* that has one in *column*."""
    return page.locator(f"{table} tbody td.spackcache-{column} > details.spackcache-more").first


#: The summary of the disclosure a test looks at (its ``details`` is given this id).
PROBE = "#probe > summary"


def _check_toggle(page: Page, details: Locator, where: str, shot: str) -> None:
    summary = details.locator(":scope > summary")
    count = summary.inner_text().strip()
    assert re.fullmatch(r"\+\d+", count), where
    hidden = details.locator(":scope > p .sd-badge").first
    row = details.locator("xpath=ancestor::tr[1]")
    row.screenshot(path=str(ARTIFACTS / f"{shot}-closed.png"))
    before = details.evaluate(BOXES)
    assert _expanded(page, PROBE) == (
        "DisclosureTriangle",
        False,
    ), where

    # open by the mouse: the badges show, the summary stays, says so and keeps the focus
    summary.click()
    assert hidden.is_visible(), where
    row.screenshot(path=str(ARTIFACTS / f"{shot}-open.png"))
    # the same size of badge before and behind the summary
    sizes = details.evaluate(FONT_SIZES)
    assert len(sizes["first"]) == 1, where
    assert sizes["rest"] == sizes["first"], f"{where}: {sizes}"
    # the other rows, and the columns, where they were, and what it shows inside its cell
    _same_layout(before, details.evaluate(BOXES), where)
    outside = details.evaluate(OUTSIDE)
    assert outside == [], f"{where}: out of the cell: {outside}"
    state = details.evaluate(SUMMARY)
    assert state == {"open": True, "visible": True, "text": "show less", "focused": True}, (
        f"{where}: {state}"
    )
    assert _expanded(page, PROBE)[1] is True, where

    # close by the mouse
    summary.click()
    assert not hidden.is_visible(), where
    state = details.evaluate(SUMMARY)
    assert state == {"open": False, "visible": True, "text": count, "focused": True}, where
    assert details.evaluate(BOXES) == before, f"{where}: closed is not as before"

    # and by the keyboard, Enter then Space, the focus staying on the summary
    page.locator("body").click(position={"x": 1, "y": 1})
    summary.focus()
    page.keyboard.press("Enter")
    state = details.evaluate(SUMMARY)
    assert state == {"open": True, "visible": True, "text": "show less", "focused": True}, where
    assert _expanded(page, PROBE)[1] is True, where
    page.keyboard.press(" ")
    state = details.evaluate(SUMMARY)
    assert state == {"open": False, "visible": True, "text": count, "focused": True}, where
    assert _expanded(page, PROBE)[1] is False, where
    page.keyboard.press(" ")
    assert details.evaluate("d => d.open"), where
    page.keyboard.press("Enter")
    assert not details.evaluate("d => d.open"), where
    assert details.evaluate(BOXES) == before, where


#: The disclosures checked: page of tests/roots/test-fit, table, column.
DISCLOSURES = (
    ("boost", "table.spackcache-specs", "variants"),
    ("listing", "table.spackcache-packages", "stacks"),
)


@pytest.mark.parametrize("theme", THEMES)
def test_more_values_is_a_toggle(build: Build, browser: Browser, theme: str) -> None:
    """In each theme (light and dark where it has both), boost's variants (28 behind
    "+28") and a listing's stacks: "+N" opens by click, Enter or Space, and closes the
    same way; the summary stays, reads "show less" while open, keeps the focus, and
    Chromium says it is expanded or not; the badges behind it are the size of those
    before it (sphinx-rtd-theme: 9.18 px against 10.8 px before); no column moves or
    changes width, no other row changes height."""
    app = build("fit", "html", conf={"html_theme": theme, "spackcache_path": str(CACHE)})
    assert warnings_of(app) == []
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in _schemes(theme):
        watched = Watched(browser, color_scheme=scheme, viewport={"width": 1280, "height": 1000})
        page = watched.page
        for name, table, column in DISCLOSURES:
            page.goto((Path(app.outdir) / f"{name}.html").as_uri())
            details = _disclosure(page, table, column)
            details.evaluate("d => { d.id = 'probe' }")
            where = f"{theme} {scheme} {name} {column}"
            _check_toggle(page, details, where, f"more-{theme}-{scheme}-{name}")
        watched.close()


def test_dependencies_are_a_toggle_too(build: Build, browser: Browser) -> None:
    """A spec's dependencies (a v3 mirror of tests/mirrors) under "N direct · M installed
    with it": the
    label stays while they show, and closes them again; the hash column keeps its width."""
    conf = {
        "html_theme": "sphinx_rtd_theme",
        "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v3-test")},
    }
    app = build("mirrors", "html", conf=conf)
    watched = Watched(browser, viewport={"width": 1280, "height": 1000})
    page = watched.page
    found = None
    for path in sorted(Path(app.outdir).glob("*.html")):
        page.goto(path.as_uri())
        details = page.locator("td.spackcache-hash > details.spackcache-more").first
        if details.count():
            found = details
            break
    assert found is not None, "no page with dependencies"
    summary = found.locator(":scope > summary")
    label = summary.inner_text()
    assert re.fullmatch(r"\d+ direct \N{MIDDLE DOT} \d+ installed with it", label), label
    before = found.evaluate(BOXES)
    summary.click()
    state = found.evaluate(SUMMARY)
    assert state == {"open": True, "visible": True, "text": label, "focused": True}, state
    dependency = found.locator(":scope > p").first
    assert dependency.is_visible()
    _same_layout(before, found.evaluate(BOXES), "dependencies")
    summary.click()
    assert not dependency.is_visible()
    assert found.evaluate(BOXES) == before
    watched.close()
