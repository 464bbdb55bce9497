"""Issue 27, part 1, in a real browser (headless Chromium, as tests/test_browser.py): an
address that names a spec row (``#spec-<hash>``) opens the page of the pager that holds
it, and the row is marked (``:target``) in light and dark pages; so does a link to it in
the page, and a bare hash (whole or its first 7 characters) goes to the row's own id.

boost has 64 specs in develop-2025-04-20 (tests/records): 50 on the first page, 14 on
the second. Each row's id is ``spec-`` and its hash, the hashes read from the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import records as expected
from .conftest import Build
from .test_browser import ARTIFACTS, DARK_THEMES, TAG, Watched, browser, pytestmark, rows, site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["browser", "pytestmark"]  # the fixture, the marks and the skip of test_browser

#: The colours spackcache.css gives the row the address names, light and dark.
MARKED = {"light": "rgb(255, 243, 191)", "dark": "rgb(74, 60, 0)"}


def shown(page: Page) -> list[str]:
    """The ids of the rows of boost's table that are shown."""
    ids: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('table.spackcache-specs tbody tr')]"
        ".filter(r => !r.hidden && r.id).map(r => r.id)"
    )
    return ids


def background(page: Page, row_id: str) -> str:
    colour: str = page.evaluate(
        "id => getComputedStyle(document.getElementById(id).cells[1]).backgroundColor", row_id
    )
    return colour


def test_an_address_naming_a_row_opens_its_page(build: Build, browser: Browser) -> None:
    hashes = expected.hashes(TAG, "boost")
    assert len(hashes) == 64
    out = site(build)
    watched = Watched(browser)
    page = watched.page
    url = (out / "boost.html").as_uri()
    page.goto(url)
    order: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('table.spackcache-specs tbody tr')]"
        ".filter(r => r.id).map(r => r.id)"
    )
    assert sorted(order) == sorted(f"spec-{h}" for h in hashes)
    first, second = order[:50], order[50:]
    assert shown(page) == first
    # each row of the second page, and some of the first: the page that holds it
    for row_id in [*second, first[0], first[-1]]:
        page.goto(f"{url}#{row_id}")
        assert shown(page) == (second if row_id in second else first), row_id
        assert page.evaluate("() => document.querySelector(':target').id") == row_id
        assert background(page, row_id) == MARKED["light"]
        assert page.evaluate(  # in view
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= innerHeight; }",
            row_id,
        )
    # a bare hash, whole or its first 7 characters: the row's own id
    last = second[-1].removeprefix("spec-")
    for fragment in (last, last[:7]):
        page.goto(f"{url}#{fragment}")
        page.wait_for_function("id => location.hash === '#' + id", arg=second[-1])
        assert shown(page) == second
        assert background(page, second[-1]) == MARKED["light"]
    # a link in the page, from the second page to a row of the first, and again after
    # paging on (the address already names it: no hashchange)
    page.evaluate(
        "id => { const a = document.createElement('a'); a.href = '#' + id; a.id = 'to-row';"
        " a.textContent = 'to the row'; document.querySelector('h1').after(a); }",
        first[3],
    )
    assert shown(page) == second
    page.click("#to-row")
    page.wait_for_function("id => location.hash === '#' + id", arg=first[3])
    assert shown(page) == first
    page.locator("nav.spackcache-pager button.spackcache-next").first.click()
    assert shown(page) == second
    page.click("#to-row")
    page.wait_for_function("() => !document.querySelector(':target').hidden")
    assert shown(page) == first
    # a search that hides the row gives way to it
    page.goto(f"{url}?q=no-such-row#{second[0]}")
    assert shown(page) == second
    assert "q=" not in page.evaluate("() => location.search")
    assert rows(page) == 14
    watched.close()


def test_the_row_is_marked_in_dark_pages_too(build: Build, browser: Browser) -> None:
    """In each theme with a dark mode, light and dark: the marked row takes that
    scheme's shade (over sphinx-rtd-theme's zebra stripe too, in light)."""
    order: list[str] = []
    for theme in (*DARK_THEMES, "sphinx_rtd_theme"):
        out = site(build, theme)
        for scheme in ("light", "dark") if theme in DARK_THEMES else ("light",):
            watched = Watched(browser, color_scheme=scheme)
            page = watched.page
            url = (out / "boost.html").as_uri()
            if not order:
                page.goto(url)
                order = page.evaluate(
                    "() => [...document.querySelectorAll('table.spackcache-specs tbody tr')]"
                    ".filter(r => r.id).map(r => r.id)"
                )
            # an odd and an even row (a theme's stripe is on one of them)
            for row_id in (order[52], order[53]):
                page.goto(f"{url}#{row_id}")
                assert background(page, row_id) == MARKED[scheme], (theme, scheme, row_id)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"rowid-{theme}-{scheme}.png"))
            watched.close()
