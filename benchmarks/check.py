"""Time ``sphinx-spackcache check`` against the least any reader must do, side by side.

``python benchmarks/check.py [PATH ...] [--packages 1225] [--rounds 15]`` checks the
records under each PATH (a cache, snapshot or package folder), or a synthetic snapshot
of ``--packages`` records (:mod:`generate`) when no PATH is given, and prints the time of
the checker (reading, parsing, checking meta and URLs, not printing) against reading the
same files and ``json.loads`` of their JSON lines: best of ``--rounds`` interleaved
rounds, each parsing every record again.

Target (issue 9): the 154 real records of the workplace's shared records in well under a
second. The ratio to the floor says where the time goes: the checker also sums up every
record to cross-check its ``meta``, as a package page does.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate
from run import json_floor

from sphinx_spackcache.cli import check_paths
from sphinx_spackcache.sources.store import clear_cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--packages", type=int, default=1225)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    paths: list[Path] = args.paths
    if not paths:
        folder = Path(tempfile.mkdtemp(prefix="spackcache-check-"))
        generate(folder, args.packages)
        paths = [folder]
    files = sorted({file for path in paths for file in path.rglob("specs.md")})

    best = {"check": float("inf"), "floor": float("inf")}
    report = None
    for _ in range(args.rounds):  # interleaved, best of each
        clear_cache()
        start = time.perf_counter()
        report = check_paths(paths)
        best["check"] = min(best["check"], time.perf_counter() - start)
        start = time.perf_counter()
        json_floor(files)
        best["floor"] = min(best["floor"], time.perf_counter() - start)
    assert report is not None
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(report.summary())
    ratio = best["check"] / best["floor"]
    print(
        f"check: {best['check'] * 1000:.0f} ms for {report.records:,} records "
        f"({report.specs:,} specs) vs json.loads floor {best['floor'] * 1000:.0f} ms "
        f"= {ratio:.2f}x"
    )


if __name__ == "__main__":
    main()
