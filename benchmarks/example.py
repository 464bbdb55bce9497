"""The Spack build cache catalog within Read the Docs' limits, measured (issue 28, item 3).

``python benchmarks/example.py PROJECT_DIR [--work DIR] [--reuse] [bucket.py's sizes]``
generates the synthetic bucket of ``benchmarks/bucket.py`` (live scale by default), serves
it on 127.0.0.1, copies PROJECT_DIR (a Sphinx project whose ``conf.py`` reads
``SPACKCACHE_INDEX_URL`` and ``SPACKCACHE_BUCKET``: ``benchmarks/catalog``, or
``examples/spack-cache``) to ``DIR/project`` and builds it (HTML), each build a fresh
``sphinx-build`` process pinned to two cores (``taskset -c 0,1`` when there is one):

1. a full cold build, ``-j 1`` (no output, doctrees or fetch cache: what Read the Docs
   does for every build): wall time and peak RSS (target <= 10 minutes, <= 3 GB; Read
   the Docs' community tier allows 15 minutes and 7 GB);
2. one new develop snapshot added to the bucket and named in its index, then the next
   build of the ``-j 1`` output (doctrees and fetch cache kept, the index asked again:
   ``spackcache_fetch_max_age = 0``): wall time (target <= 2 minutes) and the documents
   read again;
3. a full cold build with ``-j 2`` of the same refs as 1 (target: faster than ``-j 1``).

Times are wall-clock seconds, with the load average (``os.getloadavg``) when each build
ended: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bucket
from live import _RUNNER, Server


def pinned() -> list[str]:
    """``taskset -c 0,1`` where there is one (the builds use two cores at most)."""
    return ["taskset", "-c", "0,1"] if shutil.which("taskset") else []


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


#: Whether the builds show sizes (``--sizes``: a spec manifest fetched per binary).
SIZES = {"on": False}


def build(project: Path, out: Path, server: Server, *extra: str) -> dict[str, Any]:
    """Build *project* into *out* in a child process; its report (wall, rss_kib, ...), the
    documents it read and its warnings. Its output is kept in ``<out>.log``."""
    args = [*pinned(), sys.executable, "-c", _RUNNER, "-b", "html", *extra, str(project), str(out)]
    index = f"{server.url}/cache_spack_io_index.json"
    with urllib.request.urlopen(index) as answer:
        refs = sorted(json.load(answer))
    environment = {
        # every ref of the bucket, a plain package name meaning the newest develop
        # snapshot (examples/spack-cache's variables; the user's own win)
        "SPACKCACHE_REFS": "*",
        "SPACKCACHE_DEFAULT_TAG": max(r for r in refs if r.startswith("develop")),
        "SPACKCACHE_FETCH_SIZES": "1" if SIZES["on"] else "0",
        **os.environ,
        "NO_COLOR": "1",
        "SPACKCACHE_INDEX_URL": index,
        "SPACKCACHE_BUCKET": f"{server.url}/",
    }
    environment.pop("FORCE_COLOR", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=environment)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.with_name(out.name + ".log").write_text(done.stdout + done.stderr, "utf-8")
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None or json.loads(line[6:])["code"] != 0:
        raise SystemExit(f"build of {project} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(line[6:])
    result["read"] = sorted(
        set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", done.stdout))
    )
    result["warnings"] = [ln for ln in done.stderr.splitlines() if "WARNING" in ln]
    result["load"] = load()
    # CPU seconds of the build and its workers: what the wall time would be, at -j 1, on
    # a machine that does nothing else
    result["cpu"] = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
    return result


def pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html")) - sum(1 for _ in (out / "_static").rglob("*.html"))


def report(number: str, what: str, result: dict[str, Any], out: Path) -> None:
    rss = max(result["rss_kib"], result["children_rss_kib"]) / 1024**2
    print(
        f"{number}. {what}: {result['wall']:.0f} s ({result['wall'] / 60:.1f} min), CPU "
        f"{result['cpu']:.0f} s, "
        f"peak RSS {result['rss_kib'] / 1024**2:.2f} GB (largest process {rss:.2f} GB), "
        f"fetch {result['fetch']:.0f} s, parse {result['parse']:.0f} s, "
        f"{len(result['read']):,} documents read (-j 1 only), {pages(out):,} HTML pages, "
        f"{len(result['warnings'])} warnings; {result['load']}",
        flush=True,
    )
    for warning in result["warnings"][:5]:
        print(f"   {warning}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="the Sphinx project to build")
    parser.add_argument("--work", type=Path, default=Path("/tmp/spackcache-example"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing bucket")
    parser.add_argument("--binaries", type=int, default=150_000)
    parser.add_argument("--packages", type=int, default=3_000)
    parser.add_argument("--stacks", type=int, default=30)
    parser.add_argument("--develop", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", default="", help="measures to leave out, as '2' or '1,2'")
    parser.add_argument(
        "--sizes", action="store_true", help="show sizes (SPACKCACHE_FETCH_SIZES=1)"
    )
    args = parser.parse_args(argv)
    SIZES["on"] = args.sizes
    work: Path = args.work
    skip = set(args.skip.split(","))
    sizes = (args.binaries, args.packages, args.stacks, args.develop, args.seed)
    print(
        f"{os.cpu_count()} cores, pinned with {' '.join(pinned()) or 'nothing'}; "
        f"sizes {'on' if args.sizes else 'off'}; {load()}"
    )
    start = time.perf_counter()
    if args.reuse and (work / "bucket" / "cache_spack_io_index.json").is_file():
        generator = bucket.Generator(*sizes)
        print("bucket reused")
    else:
        generator, written = bucket.generate(work, *sizes)
        print(
            f"bucket: {', '.join(r.name for r in generator.refs)} x {args.stacks} stacks, "
            f"{len(written.packages):,} packages, {len(written.built):,} binaries, "
            f"{written.index_bytes / 1e6:.0f} MB of stack indexes; written in "
            f"{time.perf_counter() - start:.0f} s; {load()}",
            flush=True,
        )
    server = Server(work / "bucket")
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    try:
        out = work / "out"
        shutil.rmtree(out, ignore_errors=True)
        if "1" not in skip:
            cold = build(project, out / "j1", server)
            report("1", "full cold build, -j 1", cold, out / "j1")
        index = work / "bucket" / "cache_spack_io_index.json"
        before = index.read_bytes()
        if "2" not in skip and "1" not in skip:
            added = bucket.add_ref(work, generator)
            rebuilt = build(project, out / "j1", server, "-D", "spackcache_fetch_max_age=0")
            report("2", f"rebuild after {added} was added", rebuilt, out / "j1")
        if "3" not in skip:
            # the bucket's refs of the -j 1 build, and a fresh copy of the project
            index.write_bytes(before)
            fresh = work / "project-j2"
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(
                args.project, fresh, ignore=shutil.ignore_patterns("_build", "__pycache__")
            )
            parallel = build(fresh, out / "j2", server, "-j", "2")
            report("3", "full cold build, -j 2", parallel, out / "j2")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
