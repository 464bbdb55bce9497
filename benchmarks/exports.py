"""What the exports and the install commands cost a whole snapshot's build, as a ratio
measured side by side in one run.

``python benchmarks/exports.py [--packages 1225] [--rounds 2] [--theme furo]`` generates a
synthetic snapshot (:mod:`generate`) and builds one generated page per package
(``cache-index :toctree:``, in the theme, with its sidebars) three ways, each a fresh
``sphinx-build`` process on a fresh output folder, interleaved round by round, the
fastest of each kept:

* **off**: ``spackcache_export = False`` and no recipe links (the build before issue 14);
* **on**: the defaults: every package page writes its JSON and CSV, the index the
  snapshot's JSON, and links them and packages.spack.io;
* **on -j 3**: the same with three processes.

Target (issue 14): on <= 1.10x off. Timings depend on the machine; the ratio is what to
compare.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import TAG, generate
from run import sphinx_build

TARGET = 1.10


def write_project(project: Path, cache: Path, theme: str) -> None:
    project.mkdir(parents=True, exist_ok=True)
    (project / "conf.py").write_text(
        f'extensions = ["sphinx_spackcache"]\nproject = "bench"\nhtml_theme = {theme!r}\n'
        f"spackcache_path = {str(cache)!r}\nspackcache_default_tag = {TAG!r}\n",
        "utf-8",
    )
    (project / "index.rst").write_text(
        "Snapshot\n========\n\n.. cache-index::\n   :toctree: packages\n", "utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1225)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--theme", default="furo")
    parser.add_argument("--work", type=Path, default=None, help="folder to work in (kept)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-exports-"))
    cache = work / "_cache"
    shutil.rmtree(cache, ignore_errors=True)
    specs = generate(cache, packages=args.packages, seed=1)
    project = work / "project"
    write_project(project, cache, args.theme)
    off = ("-D", "spackcache_export=0", "-D", "spackcache_package_url=")
    ways = {"off": off, "on": (), "on -j 3": ("-j", "3")}
    best = dict.fromkeys(ways, float("inf"))
    files = 0
    for _ in range(args.rounds):
        for name, extra in ways.items():
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(project / "packages", ignore_errors=True)
            result = sphinx_build(project, out, *extra)
            best[name] = min(best[name], result["seconds"])
            if name == "on":
                files = sum(1 for p in (out / "_spackcache").rglob("*") if p.is_file())
    print(f"machine: {platform.machine()}, {platform.python_version()}, theme {args.theme}")
    print(f"snapshot: {args.packages} packages, {specs} specs; {files} export files")
    for name, seconds in best.items():
        print(f"{name}: {seconds:.2f} s")
    ratio = best["on"] / best["off"]
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"exports on vs off: {ratio:.2f}x ({verdict} the target <= {TARGET:.2f}x)")
    print(f"on -j 3 vs on: {best['on -j 3'] / best['on']:.2f}x")


if __name__ == "__main__":
    main()
