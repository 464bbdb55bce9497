"""Load a package page of thousands of binaries in Chromium, against a typical one, side
by side in one run.

``python benchmarks/bigpage.py [--big 6734] [--typical 91] [--rounds 3] [--work DIR]``
writes one snapshot (``synthetic``, cache.spack.io's format, values drawn as
``benchmarks/generate.py`` draws them) of two packages, ``big`` with ``--big`` specs (the
largest package page of the live-scale site of ``benchmarks/compare.py``, parallelio, has
6,734) and ``typical`` with ``--typical`` (that site's median page), builds their pages
with furo, and loads each in headless Chromium at 1280 x 900 px:

* ``big``: the page as built;
* ``big, unpaged CSS``: the same page with its spec table marked ``spackcache-paged`` in
  the HTML, so that spackcache.css lays out every row until the pager runs, as it did
  before the rows past the first page waited for it (the scripts are today's);
* ``big, no JS`` and ``typical``, ``typical, no JS``.

For each: the time to the ``load`` event (wall, seconds, best of ``--rounds``
interleaved rounds) and Chromium's own counters (``Performance.getMetrics``): the time
spent in style, layout and script, and the DOM nodes. The 1-minute load average is
printed beside each round: the machine is shared, and a loaded machine slows every
variant of a round alike, not their ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import TAG, _spec, record_text

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
METRICS = ("RecalcStyleDuration", "LayoutDuration", "ScriptDuration", "TaskDuration", "Nodes")


def write_project(project: Path, sizes: dict[str, int], seed: int = 7) -> None:
    """A site of one page per package of *sizes* (package -> number of specs)."""
    shutil.rmtree(project, ignore_errors=True)
    rng = random.Random(seed)
    for name, count in sizes.items():
        versions = [f"2.{minor}.{rng.randint(0, 9)}" for minor in range(12)]
        specs = [_spec(rng, versions) for _ in range(count)]
        folder = project / "_cache" / TAG / name
        folder.mkdir(parents=True)
        (folder / "specs.md").write_text(record_text(name, specs), "utf-8")
        (project / f"{name}.rst").write_text(
            f"{name}\n{'=' * len(name)}\n\n.. cache-package:: {name}\n\nAfter the table.\n",
            "utf-8",
        )
    (project / "conf.py").write_text(
        'extensions = ["sphinx_spackcache"]\nproject = "big pages"\nhtml_theme = "furo"\n'
        f'spackcache_default_tag = "{TAG}"\nspackcache_path = "_cache"\n',
        "utf-8",
    )
    toctree = "".join(f"   {name}\n" for name in sizes)
    (project / "index.rst").write_text(
        f"Big pages\n=========\n\n.. toctree::\n\n{toctree}", "utf-8"
    )


def build(project: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(project), str(out)],
        check=True,
    )
    return time.perf_counter() - start


def unpaged(page: Path) -> Path:
    """*page* with its tables marked as paged already: spackcache.css lays out all rows."""
    text = page.read_text("utf-8")
    marked = text.replace('class="spackcache-table ', 'class="spackcache-table spackcache-paged ')
    assert marked != text, "no spec table on the page"
    copy = page.with_name(page.stem + "-unpaged.html")
    copy.write_text(marked, "utf-8")
    return copy


def load(browser: Any, page: Path, scripts: bool) -> dict[str, float]:
    """Seconds to the load event and Chromium's counters, in a fresh context."""
    context = browser.new_context(
        java_script_enabled=scripts, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    start = time.perf_counter()
    tab.goto(page.as_uri(), wait_until="load", timeout=600_000)
    wall = time.perf_counter() - start
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    context.close()
    return {"wall": wall, **{name: metrics[name] for name in METRICS}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=6734)
    parser.add_argument("--typical", type=int, default=91)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-bigpage-"))
    project, out = work / "project", work / "out"
    write_project(project, {"big": args.big, "typical": args.typical})
    seconds = build(project, out)
    big, typical = out / "big.html", out / "typical.html"
    print(
        f"built in {seconds:.1f} s: big.html {big.stat().st_size / 1e6:.1f} MB "
        f"({args.big} specs), typical.html {typical.stat().st_size / 1e6:.2f} MB "
        f"({args.typical} specs)"
    )
    variants = {
        "big": (big, True),
        "big, unpaged CSS": (unpaged(big), True),
        "big, no JS": (big, False),
        "typical": (typical, True),
        "typical, no JS": (typical, False),
    }
    best: dict[str, dict[str, float]] = {}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        for number in range(args.rounds):
            print(f"round {number + 1}, load average {os.getloadavg()[0]:.2f}:")
            for name, (page, scripts) in variants.items():
                result = load(browser, page, scripts)
                style, layout = result["RecalcStyleDuration"], result["LayoutDuration"]
                print(
                    f"  {name:18s} {result['wall']:6.2f} s  style {style:5.2f}"
                    f"  layout {layout:5.2f}  script {result['ScriptDuration']:5.2f}"
                    f"  nodes {int(result['Nodes'])}  (load average {os.getloadavg()[0]:.2f})"
                )
                if name not in best or result["wall"] < best[name]["wall"]:
                    best[name] = result
        browser.close()
    print("best of each:")
    for name, result in best.items():
        ratio = result["wall"] / best["typical"]["wall"]
        print(f"  {name:18s} {result['wall']:6.2f} s  {ratio:5.1f}x typical")
    print(f"big against unpaged CSS: {best['big']['wall'] / best['big, unpaged CSS']['wall']:.2f}x")


if __name__ == "__main__":
    main()
