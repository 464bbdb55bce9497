"""Time reading a Spack database against ``json.loads`` of the same bytes, side by side.

``python benchmarks/mirror.py [INDEX ...] [--rounds 15]`` reads each Spack database
(default: the tests' real ones, the largest NCAR's 1.6 MB install tree of database
version 7) with :func:`sphinx_spackcache.sources.spack_db.read_database`, which decodes
the JSON and makes the specs of every package, and times ``json.loads`` of the same
bytes: best of ``--rounds`` interleaved rounds each.

Target (issue 13): within 1.5x of ``json.loads`` on the 1.6 MB database.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from sphinx_spackcache.sources.spack_db import read_database

MIRRORS = Path(__file__).resolve().parents[1] / "tests" / "mirrors"
DEFAULT = [
    MIRRORS / "derecho-install-tree" / "index.json",
    MIRRORS / "clingo-bootstrap" / "build_cache" / "index.json",
    MIRRORS / "spack-v2-test" / "build_cache" / "index.json",
]


def measure(path: Path, rounds: int) -> tuple[float, float, int]:
    """(best seconds of read_database, of json.loads, specs read) for *path*."""
    raw = path.read_bytes()
    best_read = best_floor = float("inf")
    specs = 0
    for _ in range(rounds):
        start = time.perf_counter()
        database = read_database(raw, str(path), stack="bench")
        best_read = min(best_read, time.perf_counter() - start)
        start = time.perf_counter()
        json.loads(raw)
        best_floor = min(best_floor, time.perf_counter() - start)
        specs = sum(map(len, database.packages.values()))
    return best_read, best_floor, specs


def _label(path: Path) -> str:
    folder = path.parent.parent if path.parent.name == "build_cache" else path.parent
    return folder.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, metavar="INDEX")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    for path in args.paths or DEFAULT:
        read, floor, specs = measure(path, args.rounds)
        size = path.stat().st_size
        print(
            f"{_label(path)}: "
            f"{size / 1e6:.2f} MB, {specs:,} specs: read {read * 1e3:.1f} ms vs json.loads "
            f"{floor * 1e3:.1f} ms = {read / floor:.2f}x"
        )


if __name__ == "__main__":
    main()
