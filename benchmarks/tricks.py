"""What each of the HTML writer's speed measures buys, as ratios measured side by side.

``python benchmarks/tricks.py [--packages 1225] [--theme furo] [--rounds 3]`` generates a
synthetic snapshot (:mod:`generate`) and builds its generated pages (one per package, in
the theme with its sidebars) with the extension as shipped, and with one measure at a
time taken back by a small extension loaded from ``conf.py`` (nothing in the package
reads a switch but :data:`~sphinx_spackcache.writers.html.DIRECT_OUTPUT`, which the tests
also use):

* **rows as nodes**: spec tables and package summaries built as nodes and walked, not
  written from their data;
* **no tag cache**: ``starttag`` called for every badge;
* **no hash template**: each row's hash written as nodes, not filled into the HTML the
  translator wrote once for a prototype;
* **no version-key cache**: Spack's version order worked out on every comparison;
* **post-transform**: the deferred output built for HTML too by a post-transform before
  Sphinx resolves references (the idiomatic path: no references resolved by hand), at
  ``-j 1`` and ``-j N``; under ``-j`` post-transforms run in the main process, one page
  after the other, and the built doctrees are pickled to the workers (its pages lack
  the table script, and furo wraps the tables once more: the cost is what is compared).

Every build is a fresh process on a fresh output folder; the builds are interleaved round
by round and the fastest of each kept (wall and CPU seconds).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate
from themes import Timing, ratio, sphinx_build, write_ours

#: The extension each variant loads: it undoes one measure.
PATCHES = {
    "as shipped": "",
    "rows as nodes": """
from sphinx_spackcache.writers import html
html.DIRECT_OUTPUT = False
""",
    "no tag cache": """
from docutils import nodes
from sphinx_spackcache.writers import html
def _start_tag(translator, tagname, classes, suffix=""):
    return translator.starttag(nodes.Element(classes=classes.split()), tagname, suffix)
html._start_tag = _start_tag
""",
    "no hash template": """
import re
from sphinx_spackcache.writers import html
html._PLAIN_HASH = re.compile("(?!)")  # matches no hash: each is written as nodes
""",
    "no version-key cache": """
from sphinx_spackcache.data import snapshots, summary, versions
uncached = versions.version_key.__wrapped__
for module in (versions, summary, snapshots):
    module.version_key = uncached
""",
    "post-transform": """
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_spackcache.render.badges import colour_badges
from sphinx_spackcache.render.deferred import deferred, splice
from sphinx_spackcache.render.names import PALETTE_SIZE
from sphinx_spackcache.render.tables import size_columns
from sphinx_spackcache.site.colours import hues_of

class BuildForHtml(SphinxPostTransform):
    default_priority = 5  # before references are resolved
    formats = ("html",)
    def run(self, **kwargs):
        hues = hues_of(self.env)
        for node in list(self.document.findall(deferred)):
            built = node.build()
            for element in built:
                for table in element.findall(nodes.table):
                    size_columns(table)
                colour_badges(element, hues, PALETTE_SIZE)
            splice(node, built)

def setup(app):
    app.add_post_transform(BuildForHtml)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
""",
}


#: What each variant's extension ends with (where it has no ``setup`` of its own).
_SETUP = """
def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def write_variant(project: Path, cache: Path, theme: str, patch: str) -> None:
    write_ours(project, cache, theme, "listing")
    if patch:
        body = patch if "def setup(" in patch else patch + _SETUP
        (project / "_variant.py").write_text(body.strip() + "\n", "utf-8")
        conf = project / "conf.py"
        conf.write_text(
            "import sys\nsys.path.insert(0, __import__('os').path.dirname(__file__))\n"
            + conf.read_text("utf-8").replace(
                'extensions = ["sphinx_spackcache"]',
                'extensions = ["sphinx_spackcache", "_variant"]',
            ),
            "utf-8",
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1225)
    parser.add_argument("--theme", default="furo")
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated variants (default all)")
    parser.add_argument("--work", type=Path, default=None, help="folder to work in (kept)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-tricks-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; work folder {work}")  # fmt: skip
    cache = work / "cache"
    print(f"snapshot of {args.packages} packages: {generate(cache, args.packages)} specs")
    chosen = [v for v in args.only.split(",") if v] or list(PATCHES)
    builds: dict[str, tuple[Path, int]] = {}
    for number, name in enumerate(chosen):
        project = work / f"variant-{number}"
        write_variant(project, cache, args.theme, PATCHES[name])
        builds[name] = (project, 1)
        if name in ("as shipped", "post-transform"):
            builds[f"{name} -j {args.jobs}"] = (project, args.jobs)
    timings: dict[str, Timing] = {}
    for round_number in range(args.rounds):
        for name, (project, jobs) in builds.items():
            wall, cpu = sphinx_build(project, work / "out" / name.replace(" ", "-"), jobs)
            timing = timings.setdefault(name, Timing())
            timing.walls.append(wall)
            timing.cpus.append(cpu)
            print(f"round {round_number + 1}: {name}: {wall:.1f} s (CPU {cpu:.1f} s)", flush=True)
    print(f"\n{args.packages:,} generated pages, {args.theme}, best of {args.rounds}:\n")
    print("| build | wall | CPU | wall / as shipped |")
    print("|---|---|---|---|")
    base = timings.get("as shipped")
    for name, timing in timings.items():
        versus = ratio(timing.wall, base.wall) if base else "-"
        print(f"| {name} | {timing.wall:.1f} s | {timing.cpu:.1f} s | {versus} |")


if __name__ == "__main__":
    main()
