"""A page of thousands of binaries, in a real browser (headless Chromium, as
tests/test_browser.py): with scripts on, the rows past the pager's first page are not
laid out while the page loads; without scripts every row is.

A table of 6,734 specs (279k elements) took 29 s to load in Chromium, nearly all of it
the style and layout of rows that the pager hides as soon as it runs (benchmarks/bigpage.py
measures it). Not a timing assertion: what is laid out before the pager runs, and what
the pager then does, on boost of develop-2025-04-20 (tests/records: 64 specs, 50 on the
first page, 14 past it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import records as expected
from .test_browser import TAG, Watched, browser, pytestmark, site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .conftest import Build

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"

__all__ = ["browser", "pytestmark"]  # the fixture, the marks and the skip of test_browser

#: The rows of boost's table that have a layout box, by position (1-based).
LAID_OUT = """() => [...document.querySelectorAll('table.spackcache-specs > tbody > tr')]
  .filter(r => r.id).map((r, i) => [i + 1, r.getClientRects().length > 0])
  .filter(([, boxed]) => boxed).map(([i]) => i)"""


def laid_out(page: Page) -> list[int]:
    positions: list[int] = page.evaluate(LAID_OUT)
    return positions


def filter_buttons(page: Page) -> tuple[int, int]:
    """(shown rows, hidden rows) of boost's table whose badges are filter buttons."""
    counts: list[int] = page.evaluate(
        "() => { const rows = [...document.querySelectorAll('table.spackcache-specs > tbody > tr')]"
        ".filter(r => r.id && r.querySelector('.spackcache-filter[role=button]'));"
        " return [rows.filter(r => !r.hidden).length, rows.filter(r => r.hidden).length]; }"
    )
    return counts[0], counts[1]


def test_rows_past_the_first_page_wait_for_the_pager(build: Build, browser: Browser) -> None:
    count = len(expected.specs(TAG, "boost"))
    assert count == 64
    out = site(build)
    url = (out / "boost.html").as_uri()

    # scripts on, the pager not run (its script never arrives): the first page is laid
    # out, the rows past it are not
    waiting = Watched(browser)
    waiting.page.route("**/spackcache.js*", lambda route: route.abort())
    waiting.page.goto(url)
    assert waiting.page.evaluate("() => window.spackcache === undefined")
    assert laid_out(waiting.page) == list(range(1, 51))
    waiting.context.close()  # (the aborted request is a console error of its own)

    # the pager run: its page, and the next one once turned to (the rows are its own)
    watched = Watched(browser)
    page = watched.page
    # a "+N" is fitted only in the rows shown: no badge copies measured in hidden rows
    page.add_init_script(
        """window.fittedInHidden = 0;
        new MutationObserver(records => records.forEach(record => record.addedNodes
          .forEach(node => { if (node.classList && node.classList.contains('spackcache-fitted')
            && record.target.closest('tr').hidden) { window.fittedInHidden++; } })))
          .observe(document, {childList: true, subtree: true});"""
    )
    page.goto(url)
    assert page.evaluate(
        "() => document.querySelector('table.spackcache-specs')"
        ".classList.contains('spackcache-paged')"
    )
    assert laid_out(page) == list(range(1, 51))
    more_past_the_first_page: int = page.evaluate(
        "() => [...document.querySelectorAll('table.spackcache-specs > tbody > tr')]"
        ".slice(50).filter(r => r.querySelector('details.spackcache-more')).length"
    )
    assert more_past_the_first_page > 0  # so that the count below could be other than 0
    assert page.evaluate("() => window.fittedInHidden") == 0
    # the badges become filter buttons as their rows are shown, not all at once
    assert filter_buttons(page) == (50, 0)
    page.locator(".spackcache-controls button.spackcache-next").click()
    assert laid_out(page) == list(range(51, count + 1))
    assert filter_buttons(page) == (count - 50, 50)  # (the first page: done before)
    stack = page.locator("tbody tr:not([hidden]) td.spackcache-stacks .spackcache-filter").first
    stack.click()
    assert "stack=" in page.url
    page.goto(url)
    page.locator(".spackcache-controls select.spackcache-size").select_option("0")  # all
    assert laid_out(page) == list(range(1, count + 1))
    watched.close()

    # scripts off: every row, at once
    plain = Watched(browser, java_script_enabled=False)
    plain.page.goto(url)
    assert laid_out(plain.page) == list(range(1, count + 1))
    plain.close()


def test_the_big_page_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    """benchmarks/bigpage.py, small and once (no timing is asserted: its figures are in
    the report of the work)."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bigpage.py"), "--big", "120", "--typical", "10",
         "--rounds", "1", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )  # fmt: skip
    out = done.stdout
    assert "(120 specs)" in out
    assert "(10 specs)" in out
    names = ("big", "big, unpaged CSS", "big, no JS", "typical", "typical, no JS")
    shown = [line.split("  ")[1].strip() for line in out.splitlines() if " s  style " in line]
    assert shown == list(names)
    assert "big against unpaged CSS: " in out
    # the unpaged copy is the page with its tables marked as paged, nothing else
    page = (tmp_path / "out" / "big.html").read_text("utf-8")
    copy = (tmp_path / "out" / "big-unpaged.html").read_text("utf-8")
    assert copy.count("spackcache-paged") == page.count('class="spackcache-table ') > 0
