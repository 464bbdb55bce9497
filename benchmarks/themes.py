"""A whole snapshot in real themes: sphinx-spackcache's generated pages against Sphinx's
floor and against Jekyll, as ratios measured side by side in one run.

``python benchmarks/themes.py [--sizes 400,1225] [--themes alabaster,furo,...]``
generates synthetic snapshots (:mod:`generate`) of each size, then builds, for each
theme (with the theme's own sidebars, as a site has them):

* **ours**: ``cache-index :toctree: packages`` generating one page per package, with
  ``:nav: listing`` (the default: pages outside the theme's navigation) and, for the
  sizes in ``--toctree-sizes``, ``:nav: toctree`` (every page in the navigation);
* **floor**: Sphinx with the same number of one-paragraph pages in the same theme, as
  orphans (against ``:nav: listing``) and in a hidden toctree (against ``:nav: toctree``);
* **ours -j N** (``--jobs``, default 3: on 2 cores Sphinx writes with N-1 worker
  processes) at the largest size;
* **Jekyll** (when ``jekyll`` is on PATH) building the same records with the layout in
  ``benchmarks/jekyll/`` (the same table, as cache.spack.io's pages have it).

Every build is a fresh process on a fresh output folder (generated pages removed first,
as on a fresh clone); builds are interleaved round by round (``--rounds``) and the
fastest of each kept. Times are wall-clock seconds; the CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import TAG, generate

JEKYLL_SITE = Path(__file__).parent / "jekyll"
THEMES = ("alabaster", "furo", "sphinx_rtd_theme", "pydata_sphinx_theme")

# A sphinx-build in a child process that reports its wall and CPU time as JSON.
_RUNNER = """
import json, resource, sys, time
from sphinx.cmd.build import build_main
start = time.perf_counter()
code = build_main(sys.argv[1:])
wall = time.perf_counter() - start
cpu = sum(getattr(resource.getrusage(who), f) for who in
          (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
print("BENCH " + json.dumps({"code": code, "wall": wall, "cpu": cpu}))
"""


@dataclass
class Timing:
    """The runs of one build, fastest first when asked."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def cpu(self) -> float:
        return self.cpus[self.walls.index(self.wall)]


def write_ours(project: Path, cache: Path, theme: str, nav: str) -> None:
    """A site whose index lists the snapshot and generates a page per package."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (project / "conf.py").write_text(
        f'extensions = ["sphinx_spackcache"]\nproject = "bench"\nhtml_theme = {theme!r}\n'
        f"spackcache_path = {str(cache)!r}\nspackcache_default_tag = {TAG!r}\n",
        "utf-8",
    )
    (project / "index.rst").write_text(
        f"Snapshot\n========\n\n.. cache-index::\n   :toctree: packages\n   :nav: {nav}\n",
        "utf-8",
    )


def write_floor(project: Path, packages: int, theme: str, *, toctree: bool) -> None:
    """Sphinx's floor: as many one-paragraph pages, orphans or in a hidden toctree."""
    shutil.rmtree(project, ignore_errors=True)
    (project / "packages").mkdir(parents=True)
    (project / "conf.py").write_text(f'project = "bench"\nhtml_theme = {theme!r}\n', "utf-8")
    names = [f"pkg-{number:04d}" for number in range(packages)]
    index = "Snapshot\n========\n\nOne paragraph.\n"
    if toctree:
        index += "\n.. toctree::\n   :hidden:\n\n" + "".join(f"   packages/{n}\n" for n in names)
    (project / "index.rst").write_text(index, "utf-8")
    orphan = "" if toctree else ":orphan:\n\n"
    for name in names:
        text = f"{orphan}{name}\n{'=' * len(name)}\n\nOne paragraph.\n"
        (project / "packages" / f"{name}.rst").write_text(text, "utf-8")


def sphinx_build(project: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Build *project* afresh in a child process: (wall seconds, CPU seconds)."""
    shutil.rmtree(out, ignore_errors=True)
    if (project / "packages").is_dir() and (project / "index.rst").read_text().count("cache-index"):
        shutil.rmtree(project / "packages")  # generated pages: a fresh clone has none
    args = [sys.executable, "-c", _RUNNER, "-b", "html", "-q", "-j", str(jobs), str(project),
            str(out)]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None or json.loads(line[6:])["code"] != 0:
        raise SystemExit(f"build of {project} failed:\n{done.stderr[-3000:]}")
    if "WARNING" in done.stderr:
        raise SystemExit(f"build of {project} warned:\n{done.stderr[-3000:]}")
    result = json.loads(line[6:])
    return result["wall"], result["cpu"]


def jekyll_build(site: Path, cache: Path) -> tuple[float, float]:
    """Jekyll building the same records: (wall seconds, CPU seconds)."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(JEKYLL_SITE, site)
    shutil.copytree(cache / TAG, site / "_cache" / TAG)
    before = os.times()
    start = time.perf_counter()
    subprocess.run(
        ["jekyll", "build", "-q", "-s", str(site), "-d", str(site / "_site")],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def ratio(top: float, bottom: float) -> str:
    return f"{top / bottom:.2f}x" if bottom else "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400,1225", help="numbers of packages")
    parser.add_argument("--themes", default=",".join(THEMES))
    parser.add_argument(
        "--toctree-sizes",
        default="400",
        help="sizes also built with :nav: toctree and a toctree floor (slow: quadratic)",
    )
    parser.add_argument("--jobs", type=int, default=3, help="-j for the parallel build")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="folder to work in (kept)")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    toctree_sizes = {int(size) for size in args.toctree_sizes.split(",") if size}
    themes = [theme for theme in args.themes.split(",") if theme]
    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-themes-"))
    jekyll = shutil.which("jekyll")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; work folder {work}")  # fmt: skip

    caches = {}
    for size in sizes:
        caches[size] = work / f"cache-{size}"
        shutil.rmtree(caches[size], ignore_errors=True)
        specs = generate(caches[size], size)
        print(f"snapshot of {size} packages: {specs} specs")

    # every build to run: (size, theme, kind) -> (project, -j)
    builds: dict[tuple[int, str, str], tuple[Path, int]] = {}
    for size in sizes:
        for theme in themes:
            base = work / f"{theme}-{size}"
            write_ours(base / "ours", caches[size], theme, "listing")
            write_floor(base / "floor", size, theme, toctree=False)
            builds[size, theme, "ours"] = (base / "ours", 1)
            builds[size, theme, "floor"] = (base / "floor", 1)
            if size == sizes[-1]:
                builds[size, theme, f"ours -j {args.jobs}"] = (base / "ours", args.jobs)
            if size in toctree_sizes:
                write_ours(base / "ours-toctree", caches[size], theme, "toctree")
                write_floor(base / "floor-toctree", size, theme, toctree=True)
                builds[size, theme, "ours toctree"] = (base / "ours-toctree", 1)
                builds[size, theme, "floor toctree"] = (base / "floor-toctree", 1)

    timings: dict[tuple[int, str, str], Timing] = {}
    for round_number in range(args.rounds):
        for size in sizes:  # interleaved: a slow spell of the machine hits all of them
            if jekyll:
                wall, cpu = jekyll_build(work / f"jekyll-{size}", caches[size])
                timing = timings.setdefault((size, "", "jekyll"), Timing())
                timing.walls.append(wall)
                timing.cpus.append(cpu)
            for (build_size, theme, kind), (project, jobs) in builds.items():
                if build_size != size:
                    continue
                wall, cpu = sphinx_build(project, work / "out" / f"{theme}-{size}-{kind}", jobs)
                timing = timings.setdefault((size, theme, kind), Timing())
                timing.walls.append(wall)
                timing.cpus.append(cpu)
                print(f"round {round_number + 1}: {theme} {size} {kind}: {wall:.1f} s "
                      f"(CPU {cpu:.1f} s)", flush=True)  # fmt: skip
    report(timings, sizes, themes, args.jobs, jekyll is not None)


def report(
    timings: dict[tuple[int, str, str], Timing],
    sizes: list[int],
    themes: list[str],
    jobs: int,
    with_jekyll: bool,
) -> None:
    """Print the results as a Markdown table, then the ratios against the targets."""
    largest = sizes[-1]
    print()
    print("| theme | pages | ours (listing) | floor (orphans) | ours / floor | "
          "ours (toctree) | floor (toctree) | ours / Jekyll |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for theme in themes:
        for size in sizes:
            ours, floor = timings[size, theme, "ours"], timings[size, theme, "floor"]
            toc = timings.get((size, theme, "ours toctree"))
            toc_floor = timings.get((size, theme, "floor toctree"))
            jekyll = timings.get((size, "", "jekyll"))
            print(
                f"| {theme} | {size:,} | {ours.wall:.1f} s | {floor.wall:.1f} s | "
                f"{ratio(ours.wall, floor.wall)} | "
                f"{f'{toc.wall:.1f} s' if toc else '-'} | "
                f"{f'{toc_floor.wall:.1f} s' if toc_floor else '-'} | "
                f"{ratio(ours.wall, jekyll.wall) if jekyll else '-'} |"
            )
    if with_jekyll:
        line = ", ".join(
            f"{size:,} pages {timings[size, '', 'jekyll'].wall:.1f} s" for size in sizes
        )
        print(f"\nJekyll: {line}")
    print(f"\n-j {jobs} vs -j 1 at {largest:,} pages:")
    for theme in themes:
        parallel = timings[largest, theme, f"ours -j {jobs}"]
        serial = timings[largest, theme, "ours"]
        print(f"  {theme}: {parallel.wall:.1f} s vs {serial.wall:.1f} s = "
              f"{ratio(parallel.wall, serial.wall)}")  # fmt: skip
    if len(sizes) > 1:
        small = sizes[0]
        linear = largest / small
        print(f"\ngrowth from {small:,} to {largest:,} pages (linear: {linear:.2f}x; "
              f"target <= {1.08 * linear:.2f}x):")  # fmt: skip
        for theme in themes:
            growth = timings[largest, theme, "ours"].wall / timings[small, theme, "ours"].wall
            floor_growth = (
                timings[largest, theme, "floor"].wall / timings[small, theme, "floor"].wall
            )
            print(f"  {theme}: {growth:.2f}x (floor {floor_growth:.2f}x)")
    print(f"\ntargets at the largest size (furo, sphinx_rtd_theme): ours <= 2x floor, "
          f"ours <= 4x Jekyll, -j {jobs} <= 0.6x -j 1")  # fmt: skip
    for theme in themes:
        ours, floor = timings[largest, theme, "ours"], timings[largest, theme, "floor"]
        jekyll = timings.get((largest, "", "jekyll"))
        versus = f", {ratio(ours.wall, jekyll.wall)} Jekyll" if jekyll else ""
        print(f"  {theme}: {ratio(ours.wall, floor.wall)} floor{versus}")


if __name__ == "__main__":
    main()
