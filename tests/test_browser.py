"""The HTML experience in a real browser: headless Chromium from the system (Debian's
``chromium``; never a downloaded browser), driven by Playwright.

Skipped when Chromium or Playwright is missing, except under CI (``CI`` set), where
``.ci/run`` installs them. Screenshots of each theme, light and dark, are saved to
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import records as expected
from .conftest import Build, warnings_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import Browser, Page, sync_playwright

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_PLAYWRIGHT = False

ARTIFACTS = Path(__file__).parent / "artifacts"
TAG = "develop-2025-04-20"
THEMES = ("alabaster", "furo", "sphinx_rtd_theme", "pydata_sphinx_theme")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        (CHROMIUM is None or not HAVE_PLAYWRIGHT) and not os.environ.get("CI"),
        reason="needs Chromium and Playwright (installed by .ci/run)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None, "CI must install chromium"
    assert HAVE_PLAYWRIGHT, "CI must install playwright"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page that records console errors and every URL it requests."""

    def __init__(self, browser: Browser, **context: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, **context)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        # pydata-sphinx-theme itself logs "Got invalid theme mode" on a first visit; only
        # errors from our script, or from no script at all, count here (uncaught
        # exceptions from any script always count, via "pageerror")
        source = message.location.get("url", "")
        if message.type == "error" and ("spackcache" in source or not source):
            self.errors.append(f"{source}: {message.text}")

    def close(self) -> None:
        self.context.close()
        assert self.errors == []
        assert [url for url in self.requests if not url.startswith("file://")] == []


def site(build: Build, theme: str = "alabaster") -> Path:
    app = build("browser", "html", conf={"html_theme": theme})
    assert warnings_of(app) == []
    return app.outdir


def badge(page: Page, column: str, value: str) -> Any:
    """The first badge reading exactly *value* in *column*."""
    cells = page.locator(f"tbody tr:not([hidden]) td.spackcache-{column} .spackcache-filter")
    return cells.filter(has_text=re.compile(rf"^{re.escape(value)}$")).first


def rows(page: Page, table: str = "table.spackcache-specs") -> int:
    return page.locator(f"{table} tbody tr:not([hidden])").count()


def test_search_sort_filter_and_url_state(build: Build, browser: Browser) -> None:
    out = site(build)
    cmake = expected.specs(TAG, "cmake")
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "cmake.html").as_uri())
    # the search box comes just before the table it filters
    search = page.locator("div.spackcache-controls input[type=search]")
    assert search.count() == 1
    assert page.evaluate(
        "() => document.querySelector('.spackcache-controls').nextElementSibling"
        ".querySelector('table.spackcache-specs') !== null"
    )
    assert rows(page) == len(cmake) == 36

    # search: every word must appear somewhere in the row (here "aarch64" also matches
    # the stack radiuss-aws-aarch64)
    search.fill("amzn2 aarch64")

    def row_text(s: dict[str, Any]) -> str:
        fields = [s["hash"], s["compiler"], s["os"], s["platform"], s["target"]]
        return " ".join(fields + s["versions"] + s["variants"] + s["stacks"])

    wanted = [s for s in cmake if "amzn2" in row_text(s) and "aarch64" in row_text(s)]
    assert 0 < rows(page) == len(wanted)
    assert "q=amzn2+aarch64" in page.url
    search.fill("")
    assert rows(page) == 36

    # sort by compiler, then again for the reverse order
    header = page.locator("table.spackcache-specs th.spackcache-compiler")
    header.click()
    shown = page.locator("table.spackcache-specs tbody tr:not([hidden]) td.spackcache-compiler")
    ascending = shown.all_inner_texts()
    assert header.get_attribute("aria-sort") == "ascending"
    assert ascending[0].strip() == "apple-clang@16.0.0"
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert shown.all_inner_texts()[0].strip().startswith("intel-oneapi-compilers@2025.1.0")

    # a badge in the stacks column keeps the rows in that stack, only that column counts
    badge(page, "stacks", "e4s").click()
    in_e4s = [s for s in cmake if "e4s" in s["stacks"]]
    assert rows(page) == len(in_e4s) == 4
    assert "stack=e4s" in page.url
    chip = page.locator(".spackcache-chip")
    assert chip.inner_text().startswith("stack: e4s")
    # and a second filter in another column narrows further
    badge(page, "compiler", "gcc@11.4.0").click()
    both = [s for s in in_e4s if s["compiler"] == "gcc@11.4.0"]
    assert rows(page) == len(both)
    assert "compiler=gcc%4011.4.0" in page.url or "compiler=gcc@11.4.0" in page.url
    page.locator("button.spackcache-clear").click()
    assert rows(page) == 36
    assert "stack=" not in page.url

    # a link with the state opens filtered
    page.goto((out / "cmake.html").as_uri() + "?os=ubuntu22.04")
    assert rows(page) == sum(1 for s in cmake if s["os"] == "ubuntu22.04")
    watched.close()


def test_pages_of_a_long_table(build: Build, browser: Browser) -> None:
    out = site(build)
    boost = expected.specs(TAG, "boost")
    assert len(boost) == 64
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "boost.html").as_uri())
    assert rows(page) == 50
    assert "64 rows, 1\u201350 shown" in page.inner_text(".spackcache-count")
    page.locator("button.spackcache-next").click()
    assert rows(page) == 14
    assert page.locator("button.spackcache-next").is_disabled()
    # the coverage matrix on the same page is not an interactive table
    assert page.locator("table.spackcache-coverage").count() == 1
    assert page.locator(".spackcache-controls").count() == 1
    watched.close()


def test_index_badges_filter_packages(build: Build, browser: Browser) -> None:
    out = site(build)
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "index.html").as_uri())
    table = "table.spackcache-packages"
    assert rows(page, table) == len(expected.packages(TAG))
    page.locator(
        f"{table} td.spackcache-targets .spackcache-filter", has_text="neoverse_v1"
    ).first.click()
    wanted = [
        p
        for p in expected.packages(TAG)
        if any(s["target"] == "neoverse_v1" for s in expected.specs(TAG, p))
    ]
    assert rows(page, table) == len(wanted)
    assert "target=neoverse_v1" in page.url
    watched.close()


def test_without_javascript_the_whole_table_is_there(build: Build, browser: Browser) -> None:
    out = site(build)
    watched = Watched(browser, java_script_enabled=False)
    page = watched.page
    page.goto((out / "boost.html").as_uri() + "?stack=e4s")
    assert page.locator("table.spackcache-specs tbody tr").count() == 64
    assert rows(page) == 64
    assert page.locator(".spackcache-controls").count() == 0
    watched.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_themes(build: Build, browser: Browser, theme: str, scheme: str) -> None:
    out = site(build, theme)
    watched = Watched(browser, color_scheme=scheme)
    page = watched.page
    page.goto((out / "cmake.html").as_uri())
    assert rows(page) == 36
    # the wide table scrolls inside its container; the page itself does not
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "the page overflows sideways"
    )
    scroll = page.locator(".spackcache-scroll").first
    assert scroll.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{theme}-{scheme}.png"), full_page=False)
    watched.close()
