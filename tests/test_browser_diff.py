"""Issue 25, point 7, in a real browser (headless Chromium, as tests/test_browser.py): a
row of ``cache-diff``'s table of specs is no taller than the tallest row of the same
package's spec table, in furo and sphinx-rtd-theme at 1280 pixels (cmake,
develop-2025-04-13 to develop-2025-04-20, docs/_cache; tests/roots/test-history). Before,
each of its 35 rows repeated "linux" and five variants every row shares (6 or 7 variant
badges a row, in a column of 22 characters); they are said once above the table now.

Screenshots of the diff go to tests/artifacts/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import DOCS, Build, warnings_of
from .test_browser import ARGS, ARTIFACTS, CHROMIUM, Watched, pytestmark

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


#: JavaScript: the height of each body row of a table, in CSS pixels.
ROW_HEIGHTS = """table => [...table.tBodies[0].rows]
  .filter(r => !r.hidden && r.cells.length > 1)
  .map(r => r.getBoundingClientRect().height)"""


def _heights(page: Page, selector: str) -> list[float]:
    table = page.locator(selector)
    assert table.count() == 1, selector
    heights: list[float] = table.evaluate(ROW_HEIGHTS)
    return heights


@pytest.mark.parametrize("theme", ["furo", "sphinx_rtd_theme"])
def test_no_diff_row_is_taller_than_a_spec_row(build: Build, browser: Browser, theme: str) -> None:
    app = build(
        "history", "html", conf={"html_theme": theme, "spackcache_path": str(DOCS / "_cache")}
    )
    assert warnings_of(app) == []
    ARTIFACTS.mkdir(exist_ok=True)
    watched = Watched(browser, viewport={"width": 1280, "height": 1000})
    page = watched.page
    page.goto((app.outdir / "cmake.html").as_uri())
    specs = _heights(page, "table.spackcache-specs")
    assert len(specs) == 36  # cmake's specs in develop-2025-04-20 (tests/test_history.py)
    page.goto((app.outdir / "packages.html").as_uri())
    diff = _heights(page, "section#cmake table.spackcache-diff-specs")
    assert len(diff) == 35  # 33 rebuilt, 2 removed (tests/test_diff_shared.py)
    page.locator("section#cmake div.spackcache-diff").screenshot(
        path=str(ARTIFACTS / f"{theme}-1280-cmake-diff.png")
    )
    # (half a pixel: rows of the same lines may differ in sub-pixel rounding)
    assert max(diff) <= max(specs) + 0.5, f"{theme}: diff rows {max(diff)}, specs {max(specs)}"
    watched.close()
