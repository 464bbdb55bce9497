"""Take the documentation's screenshots of the extension in a real theme.

``python docs/screenshots.py`` builds a small project with furo over the records these
documents ship (``docs/_cache``) and photographs, with the system's Chromium (driven by
Playwright; nothing is downloaded), in light and dark at 1440 x 1000 pixels:

* ``images/py-packaging-{light,dark}.png``: ``cache-package:: py-packaging``;
* ``images/cmake-{light,dark}.png``: ``cache-package:: cmake`` of v0.23.1;
* ``images/boost-{light,dark}.png``: ``cache-package:: boost`` (64 specs);
* ``images/matrix-{light,dark}.png``: ``cache-coverage::`` of develop-2025-04-20;
* ``images/cache-package.png``: the README's picture (py-packaging, light).

Run it after changing how the output looks, then look at every picture before committing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).parent
IMAGES = DOCS / "images"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "py-packaging": ".. cache-package:: py-packaging\n",
    "cmake": ".. cache-package:: cmake\n   :tag: v0.23.1\n",
    "boost": ".. cache-package:: boost\n",
    "matrix": ".. cache-coverage::\n",
}


def build(folder: Path) -> Path:
    source = folder / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        'project = "sphinx-spackcache"\nextensions = ["sphinx_spackcache"]\n'
        f'html_theme = "furo"\nspackcache_path = "{DOCS / "_cache"}"\n'
        'spackcache_default_tag = "develop-2025-04-20"\n',
        "utf-8",
    )
    toctree = "".join(f"   {name}\n" for name in PAGES)
    (source / "index.rst").write_text(f"Screenshots\n===========\n\n.. toctree::\n\n{toctree}")
    for name, body in PAGES.items():
        title = "develop-2025-04-20" if name == "matrix" else name
        (source / f"{name}.rst").write_text(f"{title}\n{'=' * len(title)}\n\n{body}", "utf-8")
    out = folder / "html"
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", source, out], check=True)
    return out


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("screenshots.py needs Chromium (Debian: apt-get install chromium)")
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        out = build(Path(folder))
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": 1440, "height": 1000}, color_scheme=scheme
            )
            page = context.new_page()
            for name in PAGES:
                page.goto((out / f"{name}.html").as_uri())
                target = IMAGES / f"{name}-{scheme}.png"
                page.screenshot(path=str(target))
                print(target)
            context.close()
        shutil.copy(IMAGES / "py-packaging-light.png", IMAGES / "cache-package.png")
        browser.close()


if __name__ == "__main__":
    main()
