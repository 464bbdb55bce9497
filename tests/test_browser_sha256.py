"""Issue 27, part 4, in a real browser (headless Chromium, as tests/test_browser.py): each
row of a binary whose spec manifest gives its tarball's SHA-256 has a button that copies
it, the bare 64 hexadecimal digits, in the Size cell (or, in a table without that column,
beside the hash's buttons), 24 x 24 CSS px and named after the binary, in furo (light and
dark) and sphinx-rtd-theme.

The expected SHA-256 of each binary is read from tests/mirrors/spack-v3-test's spec
manifests by tests/test_sizes.py's ``tarballs`` (not by the extension's code).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import ROOTS, Build, warnings_of
from .test_browser import Watched, browser, pytestmark
from .test_sizes import V3, of_package, tarballs

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["browser", "pytestmark"]  # the fixture, the marks and the skip of test_browser

#: JavaScript: each spec row's hash (not the script's row for no match), and its SHA-256
#: button's cell, name, box, whether it is shown, and its colour against its cell's (the
#: icon is drawn in the text's colour).
BUTTONS = """() => [...document.querySelectorAll('table.spackcache-specs tbody tr')]
  .filter(r => r.querySelector('td.spackcache-hash code')).map(r => {
  const hash = r.querySelector('td.spackcache-hash code').textContent;
  const buttons = [...r.querySelectorAll('button.spackcache-copy-sha256')];
  return [hash, buttons.map(b => { const box = b.getBoundingClientRect();
    return {cell: b.closest('td').className, name: b.getAttribute('aria-label'),
            w: box.width, h: box.height,
            shown: b.checkVisibility({visibilityProperty: true, opacityProperty: false}),
            colour: getComputedStyle(b).color === getComputedStyle(b.closest('td')).color}; })];
})"""


#: A page whose table has no Size column: the button goes beside the hash's.
NO_SIZE = """Without the Size column
=======================

.. cache-package:: libdwarf
   :tag: spack-test
   :columns: hash version
   :no-index:
"""


@pytest.mark.parametrize(
    ("theme", "scheme"),
    [("furo", "light"), ("furo", "dark"), ("sphinx_rtd_theme", "light")],
)
def test_a_row_copies_its_tarballs_sha256(
    build: Build, browser: Browser, tmp_path: Path, theme: str, scheme: str
) -> None:
    # tests/roots/test-sizes and a page of libdwarf's table without the Size column
    src = tmp_path / "sizes"
    shutil.copytree(ROOTS / "test-sizes", src)
    (src / "nosize.rst").write_text(NO_SIZE, "utf-8")
    index = src / "index.rst"
    index.write_text(index.read_text("utf-8") + "   nosize\n", "utf-8")
    conf = {"spackcache_mirrors": {"spack-test": str(V3)}, "html_theme": theme}
    app = build("sizes", conf=conf)
    assert warnings_of(app) == []
    sizes = tarballs()
    binaries = of_package("libdwarf")
    assert len(binaries) == 2
    watched = Watched(browser, color_scheme=scheme)
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = watched.page
    for name, cell in (("libdwarf", "spackcache-size"), ("nosize", "spackcache-hash")):
        page.goto((app.outdir / f"{name}.html").as_uri())
        found = dict(page.evaluate(BUTTONS))
        assert sorted(found) == sorted(binaries), name
        for key, buttons in found.items():
            assert buttons == [
                {
                    "cell": cell,
                    "name": f"Copy the SHA-256 of {key[:7]}'s tarball",
                    "w": 24,
                    "h": 24,
                    "shown": True,
                    "colour": True,
                }
            ], (name, key)
            row = page.locator("table.spackcache-specs tbody tr").filter(
                has=page.locator("td.spackcache-hash code", has_text=key)
            )
            row.locator("button.spackcache-copy-sha256").click()
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied == sizes[key][1], (name, key)
    # a row whose binary has no SHA-256 has no button: gcc-runtime's are all in the
    # manifests, so the listing (no spec table) and a page with no table have none
    page.goto((app.outdir / "plain.html").as_uri())
    assert page.locator("button.spackcache-copy-sha256").count() == 0
    watched.close()
