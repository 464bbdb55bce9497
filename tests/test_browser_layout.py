"""Issue 25, point 5 (layout), in a real browser (headless Chromium, as tests/test_browser.py):
in alabaster, furo, sphinx-rtd-theme and pydata-sphinx-theme, light and dark where the theme
has a dark mode, at 1280 and 1440 pixels, on the real records of docs/_cache
(tests/roots/test-layout: cmake of develop-2025-04-20 and of v0.23.1, the 109-package
listing, the coverage matrix and cmake's history, each followed by a paragraph):

* a package's summary fits its column (rtd: 732 px in a 696 px column);
* no badge's text wraps inside its pill (``intel-oneapi-compilers@2025.1.0``,
  ``developer-tools-x86_64_v3-linux-gnu``, ``2024-09-`` / ``26``): it is whole, or cut
  short on its one line where its table has no room;
* "+N" is on the line of the value before it (it was alone on a third line of stacks).
* "+N" only where it saves room: the badges it hides would not fit on its line (in furo and
  rtd at 1280 px, cmake's v0.23.1 row d2nwbxl showed e4s, e4s-rocm-external and "+1" where
  "tutorial" had room); those shown in its place (scripts/fit.js) are on that line, whole,
  in their cell, as far from the badge before them as badges are from each other.
* a table leaves below it the room the theme leaves below its own tables (rtd: 0 px);
* a listing's package names do not break (``py-`` / ``setuptools``);
* a matrix's headings, the "Stack" one too, sit at the bottom of the heading row.

Each assertion failed on the code before (commit 202b071; the "+N" that saves room, on
d25408d).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .conftest import DOCS, Build, warnings_of
from .test_browser import ARGS, CHROMIUM, DARK_THEMES, THEMES, WIDTHS, Watched, pytestmark

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


#: JavaScript: the layout facts of a page (see the module's docstring).
LAYOUT = r"""() => {
  const visible = [...document.querySelectorAll('.spackcache .sd-badge')]
    .filter(b => b.checkVisibility());
  // the lines a box's text takes: the distinct tops of its text's line boxes
  const lines = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    return rects.reduce((tops, r) =>
      tops.some(t => Math.abs(t - r.top) < r.height / 2) ? tops : [...tops, r.top], []).length;
  };
  const summaries = [...document.querySelectorAll('dl.spackcache-summary')].map(dl => {
    const column = dl.parentElement.getBoundingClientRect();
    const box = dl.getBoundingClientRect();
    return {width: Math.round(box.width), column: Math.round(column.width),
            right: Math.round(box.right - column.right),
            overflow: dl.scrollWidth - dl.clientWidth};
  });
  // a badge whose box is taller than one line of its text
  const tall = b => {
    const style = getComputedStyle(b);
    const inner = b.getBoundingClientRect().height - parseFloat(style.paddingTop)
      - parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth)
      - parseFloat(style.borderBottomWidth);
    return inner > 1.5 * parseFloat(style.lineHeight);
  };
  const wrapped = visible.filter(tall).map(b => b.textContent.trim());
  const cut = visible.filter(b => b.closest('td') && b.scrollHeight > b.clientHeight + 1).length;
  // "+N" and the last badge (or note) before it in its cell
  const more = [...document.querySelectorAll('table.spackcache-table td > details.spackcache-more')]
    .filter(d => d.checkVisibility() && !d.open).map(d => {
      const summary = d.querySelector(':scope > summary').getBoundingClientRect();
      const before = [...d.parentElement.querySelectorAll(':scope > p > *')]
        .filter(e => e.checkVisibility()).pop();
      const last = before ? before.getBoundingClientRect() : summary;
      return {text: d.querySelector(':scope > summary').textContent.trim(),
              cell: d.parentElement.className,
              alone: summary.top >= last.bottom - 1,
              values: d.querySelectorAll(':scope > p .sd-badge').length};
    });
  // a "+N" that hides badges with room on its line: the right edge of the cell's content
  // box less the last badge's, against the hidden badges' own widths (measured, one by
  // one, beside the cell: whole, as a badge outside a table) and the gaps between badges
  // (each badge's right margin and a space of the cell's font)
  const space = cell => {
    const probe = document.createElement('span');
    probe.style.whiteSpace = 'pre';
    cell.appendChild(probe);
    probe.textContent = 'x x';
    const spaced = probe.getBoundingClientRect().width;
    probe.textContent = 'xx';
    const plain = probe.getBoundingClientRect().width;
    probe.remove();
    return spaced - plain;
  };
  const natural = (cell, badge) => {
    const clone = badge.cloneNode(true);
    Object.assign(clone.style, {position: 'absolute', visibility: 'hidden', width: 'max-content',
                                maxWidth: 'none', minWidth: '0'});
    cell.appendChild(clone);
    const width = clone.getBoundingClientRect().width;
    const margin = parseFloat(getComputedStyle(clone).marginRight);
    clone.remove();
    return {width, margin};
  };
  const contentRight = cell => cell.getBoundingClientRect().right
    - parseFloat(getComputedStyle(cell).paddingRight)
    - parseFloat(getComputedStyle(cell).borderRightWidth);
  const folded = [...document.querySelectorAll('table.spackcache-table td > details')]
    .filter(d => d.matches('.spackcache-more'))
    .filter(d => d.checkVisibility() && !d.open && d.querySelector('.spackcache-more-count'))
    .map(d => {
      const cell = d.parentElement;
      const last = [...cell.querySelectorAll(':scope > p > .sd-badge')]
        .filter(e => e.checkVisibility()).pop();
      const hidden = [...d.querySelectorAll(':scope > p .sd-badge')].map(b => natural(cell, b));
      const gap = space(cell);
      const needed = hidden.reduce((sum, b) => sum + gap + b.width + b.margin, 0);
      return {text: d.querySelector('summary').textContent.trim(), cell: cell.className,
              room: Math.round(contentRight(cell) - last.getBoundingClientRect().right),
              needed: Math.round(needed), hidden: hidden.map(b => Math.round(b.width))};
    });
  // badges shown in place of a "+N" (scripts/fit.js): on the line of the badge before them,
  // whole, within the cell, as far from it as badges are from each other
  const shown = [...document.querySelectorAll('table.spackcache-table td > .spackcache-fitted')]
    .filter(f => f.checkVisibility()).map(f => {
      const cell = f.parentElement;
      const before = [...cell.querySelectorAll(':scope > p > .sd-badge')].pop();
      const last = before.getBoundingClientRect();
      const badges = [...f.querySelectorAll('.sd-badge')];
      const first = badges[0].getBoundingClientRect();
      return {text: f.textContent.trim(), cell: cell.className,
              line: badges.every(b => Math.abs(b.getBoundingClientRect().top - last.top) < 1),
              inside: badges.every(b => b.getBoundingClientRect().right
                                        <= contentRight(cell) + 0.5),
              whole: badges.every(b => b.scrollWidth <= b.clientWidth
                                       && b.scrollHeight <= b.clientHeight + 1),
              gap: first.left - last.right,
              usual: space(cell) + parseFloat(getComputedStyle(badges[0]).marginRight)};
    });
  // the room below each of the extension's tables, and below the theme's own
  const gap = table => {
    const wrappers = '.table-wrapper, .wy-table-responsive, .pst-scrollable-table-container';
    const block = table.closest('.spackcache') || table.closest(wrappers) || table;
    const next = block.nextElementSibling;
    if (!next || next.tagName !== 'P') return null;
    return Math.round(next.getBoundingClientRect().top - table.getBoundingClientRect().bottom);
  };
  const ours = [...document.querySelectorAll('.spackcache')]
    .map(c => [...c.querySelectorAll('table.spackcache-table')].pop())
    .filter(Boolean).map(t => ({table: t.className, gap: gap(t)}))
    .filter(g => g.gap !== null);
  const own = [...document.querySelectorAll('table:not(.spackcache-table)')]
    .filter(t => !t.closest('.spackcache')).map(gap).filter(g => g !== null);
  const paragraphs = [...document.querySelectorAll('p')]
    .filter(p => p.textContent === 'A paragraph.')
    .map(p => Math.round(p.nextElementSibling.getBoundingClientRect().top
                         - p.getBoundingClientRect().bottom));
  const names = [...document.querySelectorAll('table.spackcache-packages td.spackcache-package')]
    .filter(td => td.checkVisibility() && lines(td) > 1).map(td => td.textContent.trim());
  const headings = [...document.querySelectorAll(
      'table.spackcache-coverage > thead > tr, table.spackcache-history > thead > tr')]
    .map(tr => [...tr.cells].map(th => {
      const content = th.firstElementChild || th;
      return {text: th.textContent.trim(),
              bottom: Math.round(content.getBoundingClientRect().bottom)};
    }));
  return {summaries, wrapped, cut, badges: visible.length, more, folded, shown, ours, own,
          paragraphs, names, headings};
}"""


def layout_site(build: Build, theme: str) -> Any:
    app = build(
        "layout", "html", conf={"html_theme": theme, "spackcache_path": str(DOCS / "_cache")}
    )
    assert warnings_of(app) == []
    return app.outdir


def schemes(theme: str) -> tuple[str, ...]:
    return ("light", "dark") if theme in DARK_THEMES else ("light",)


def facts_of(page: Page, url: str) -> dict[str, Any]:
    page.goto(url)
    facts: dict[str, Any] = page.evaluate(LAYOUT)
    return facts


@pytest.mark.parametrize("theme", THEMES)
def test_layout_in_every_theme(build: Build, browser: Browser, theme: str) -> None:
    out = layout_site(build, theme)
    for scheme in schemes(theme):
        for width in WIDTHS:
            watched = Watched(
                browser, color_scheme=scheme, viewport={"width": width, "height": 900}
            )
            page = watched.page
            where = f"{theme} {scheme} {width}"
            room = 0
            shown = 0
            for name in ("cmake", "listing", "matrix"):
                facts = facts_of(page, (out / f"{name}.html").as_uri())
                here = f"{where} {name}"
                assert facts["badges"] > 0, here
                # no badge's text on two lines (a badge cut short keeps to one)
                assert facts["wrapped"] == [], f"{here}: {facts['wrapped']}"
                # the summary fits its column (cmake's two)
                for summary in facts["summaries"]:
                    assert summary["width"] <= summary["column"], f"{here}: {summary}"
                    assert summary["right"] <= 0, f"{here}: {summary}"
                    assert summary["overflow"] <= 1, f"{here}: {summary}"
                # "+N" never alone on a line
                for more in facts["more"]:
                    assert not more["alone"], f"{here}: {more}"
                # "+N" only where it saves room: what it hides has no room on its line
                for more in facts["folded"]:
                    assert more["needed"] > more["room"], f"{here}: {more}"
                # and what it gave way to is on that line, whole, in the cell
                for fitted in facts["shown"]:
                    assert fitted["line"], f"{here}: {fitted}"
                    assert fitted["inside"], f"{here}: {fitted}"
                    assert fitted["whole"], f"{here}: {fitted}"
                    assert abs(fitted["gap"] - fitted["usual"]) < 1, f"{here}: {fitted}"
                shown += len(facts["shown"])
                # the room below a table: at least what the theme leaves below its own tables
                # or between two paragraphs, whichever is less (cmake.rst has both)
                if name == "cmake":
                    (own,) = facts["own"]
                    (between,) = facts["paragraphs"]
                    room = min(own, between)
                for table in facts["ours"]:
                    assert table["gap"] >= room - 1, f"{here}: {table} (theme's: {own}, {between})"
                # a listing's package names whole
                assert facts["names"] == [], f"{here}: {facts['names']}"
                # a matrix's headings at the bottom, the first ("Stack") as the rotated ones
                for row in facts["headings"]:
                    bottoms = {cell["bottom"] for cell in row}
                    assert max(bottoms) - min(bottoms) <= 1, f"{here}: {row}"
                if name == "cmake":
                    assert len(facts["summaries"]) == 2, here
                    assert len(facts["ours"]) == 2, here
                    assert facts["more"], here  # cmake has "+N" cells
                if name == "listing":
                    assert len(facts["ours"]) == 1, here
                if name == "matrix":
                    assert [row[0]["text"] for row in facts["headings"]] == ["Stack", "Snapshot"], (
                        here
                    )
                    assert len(facts["ours"]) == 2, here
            # cmake's v0.23.1 row d2nwbxl (stacks e4s, e4s-rocm-external and tutorial) shows
            # all three in furo and rtd (it was e4s, e4s-rocm-external, "+1")
            if theme in ("furo", "sphinx_rtd_theme"):
                assert shown > 0, where
            watched.close()
