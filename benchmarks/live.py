"""A ref of the Spack build cache at live scale, served from 127.0.0.1, as ratios measured
side by side in one run.

``python benchmarks/live.py [--specs 150000] [--stacks 30] [--work DIR]`` writes a
synthetic ref in binaries.spack.io's layout (issue 23, item 4): ``--stacks`` stack
indexes holding ``--specs`` spec entries in all, made from the real spec shapes of
NCAR's Derecho database (``tests/mirrors/derecho-install-tree``: 1,256 entries of
database version 7, given Spack's target objects, ``x86_64_v3`` with its features, as a
build cache index has them: 1.3 kB an entry). Each stack holds copies of it
under new hashes (dependencies renamed with them); copy 0 is in every stack (binaries
that several stacks share), the others in one stack each. A third of the stacks are v2
mirrors (``build_cache/index.json``), a third v3 index blobs, a third gzipped v3 blobs.
A second ref, ``v1.0.0``, is only a root mirror (the real clingo-bootstrap index). A
``cache_spack_io_index.json`` names them as ``s3://spack-binaries/...`` URLs that
``spackcache_buckets`` maps to an ``http.server`` on 127.0.0.1. It then measures:

1. a cold build (fresh fetch cache and output) of a site of one ``cache-package`` page:
   its wall time, the time in the fetch and in :func:`~sphinx_spackcache.sources.spack_db.
   read_database` (timed in the build process) against ``json.loads`` of the same bytes
   (target <= 1.5x), and the build's peak RSS (target <= 1 GB);
2. the next build with nothing changed against a no-op build of the same site without
   mirrors (the extension, no snapshot index, a paragraph instead of the directive), best
   of ``--rounds`` interleaved builds each (target <= 1.2x);
3. one stack index changed (a v3 stack gets a new blob; the snapshot index names it),
   built with ``spackcache_fetch_max_age = 0``: which of a site's pages (one of the big
   ref, one of ``v1.0.0``, one without the extension's directives) are read again
   (target: only the big ref's);
4. three pages of the big ref, with a warm fetch cache and a fresh output, ``-j 2``
   against ``-j 1`` (target: no slower).

Every build is a fresh ``sphinx-build`` process; times are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "tests" / "mirrors" / "derecho-install-tree" / "index.json"
SMALL = ROOT / "tests" / "mirrors" / "clingo-bootstrap" / "build_cache" / "index.json"
REF = "develop-2026-12-01"
RELEASE = "v1.0.0"
BUCKET = "s3://spack-binaries/"
# Stack names as binaries.spack.io has them (share/spack/gitlab/cloud_pipelines/stacks).
STACK_NAMES = (
    "e4s", "e4s-neoverse_v1", "e4s-neoverse_v2", "e4s-oneapi", "e4s-rocm-external",
    "e4s-cray-rhel", "e4s-cray-sles", "e4s-power", "e4s-arm", "e4s-mac",
    "ml-linux-x86_64-cpu", "ml-linux-x86_64-cuda", "ml-linux-x86_64-rocm",
    "ml-linux-aarch64-cpu", "ml-linux-aarch64-cuda", "ml-darwin-aarch64-mps",
    "data-vis-sdk", "developer-tools-x86_64_v3-linux-gnu", "developer-tools-aarch64-linux-gnu",
    "developer-tools-darwin", "aws-pcluster-x86_64_v4", "aws-pcluster-neoverse_v1",
    "radiuss", "radiuss-aws", "radiuss-aws-aarch64", "build_systems", "tutorial", "hep",
    "bootstrap-x86_64-linux-gnu", "bootstrap-aarch64-darwin",
)  # fmt: skip
# archspec's x86_64_v3, as Spack writes a target into a spec's JSON.
TARGET = {
    "name": "x86_64_v3",
    "vendor": "generic",
    "features": [
        "abm",
        "avx",
        "avx2",
        "bmi1",
        "bmi2",
        "cx16",
        "f16c",
        "fma",
        "mmx",
        "movbe",
        "pclmulqdq",
        "popcnt",
        "sse",
        "sse2",
        "sse4_1",
        "sse4_2",
        "ssse3",
        "xsave",
    ],
    "generation": 0,
    "parents": ["x86_64_v2"],
    "cpupart": "",
}
_HASH = re.compile(r'"([a-z2-7]{32})"')

# A sphinx-build in a child process that times the fetch and the parse and reports them,
# its wall time and peak RSS as JSON (the children's too: -j workers).
_RUNNER = """
import json, resource, sys, time
import sphinx_spackcache.site.sources as site
import sphinx_spackcache.sources.mirror as mirror
spent = {"fetch": 0.0, "parse": 0.0, "inflate": 0.0, "parsed": 0}
def timed(module, name, key):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
            if key == "parse":
                spent["parsed"] += len(args[0])
    setattr(module, name, wrapper)
for name in ("fetch_stack", "fetch_file"):
    timed(site, name, "fetch")
timed(mirror, "read_database", "parse")
timed(mirror, "_inflate", "inflate")
from sphinx.cmd.build import build_main
start = time.perf_counter()
code = build_main(sys.argv[1:])
spent["wall"] = time.perf_counter() - start
spent["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
spent["children_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
spent["code"] = code
print("BENCH " + json.dumps(spent))
"""


def new_hash(old: str, copy: int) -> str:
    """A Spack-looking hash (32 base32 letters) for copy *copy* of the spec *old*."""
    digest = hashlib.sha256(f"{old}/{copy}".encode()).digest()
    return base64.b32encode(digest).decode().lower()[:32]


def template() -> tuple[str, list[str]]:
    """The shapes' ``installs`` as a build cache index has them, serialised without the
    braces, and their hashes."""
    installs = json.loads(SHAPES.read_bytes())["database"]["installs"]
    entries = {}
    for key, entry in installs.items():
        spec = entry["spec"]
        spec["arch"]["target"] = TARGET
        entries[key] = {
            "spec": spec,
            "ref_count": entry.get("ref_count", 0),
            "in_buildcache": "external" not in spec,
        }
    return json.dumps(entries, separators=(",", ":"))[1:-1], list(entries)


def stack_index(body: str, hashes: list[str], copies: list[int]) -> bytes:
    """A database of the *copies* of the template *body*."""
    parts = []
    for copy in copies:
        mapping = {old: new_hash(old, copy) for old in hashes}

        def renamed(found: re.Match[str], names: dict[str, str] = mapping) -> str:
            return f'"{names.get(found[1], found[1])}"'

        parts.append(_HASH.sub(renamed, body))
    return ('{"database":{"version":"7","installs":{' + ",".join(parts) + "}}}").encode()


def blob(mirror: Path, data: bytes) -> str:
    """Write *data* as a v3 blob of *mirror*; its path under the mirror."""
    checksum = hashlib.sha256(data).hexdigest()
    relative = f"blobs/sha256/{checksum[:2]}/{checksum}"
    (mirror / relative).parent.mkdir(parents=True, exist_ok=True)
    (mirror / relative).write_bytes(data)
    return relative


def write_stack(bucket: Path, label: str, number: int, data: bytes) -> str:
    """Serve *data* as stack *label* (v2, v3 or gzipped v3 by *number*); its s3 URL."""
    mirror = bucket / REF / label
    kind = number % 3
    if kind == 0:
        (mirror / "build_cache").mkdir(parents=True, exist_ok=True)
        (mirror / "build_cache" / "index.json").write_bytes(data)
        (mirror / "build_cache" / "index.json.hash").write_text(hashlib.sha256(data).hexdigest())
        return f"{BUCKET}{REF}/{label}/build_cache/index.json"
    if kind == 2:
        data = gzip.compress(data, compresslevel=6, mtime=0)
    return f"{BUCKET}{REF}/{label}/{blob(mirror, data)}"


def generate(bucket: Path, specs: int, stacks: int) -> tuple[dict[str, Any], list[bytes], str]:
    """Write the ref; (the snapshot index, each stack's database JSON, the template's
    commonest package names)."""
    body, hashes = template()
    per_stack = max(1, math.ceil(specs / stacks / len(hashes)))
    labels = [*STACK_NAMES, *(f"stack-{n:02d}" for n in range(len(STACK_NAMES), stacks))]
    entries = [{"label": "root", "url": f"{BUCKET}{REF}/{blob(bucket / REF, SMALL.read_bytes())}"}]
    databases = []
    for number, label in enumerate(labels[:stacks]):
        copies = [0, *range(1 + number * (per_stack - 1), 1 + (number + 1) * (per_stack - 1))]
        data = stack_index(body, hashes, copies)
        databases.append(data)
        entries.append({"label": label, "url": write_stack(bucket, label, number, data)})
    release = bucket / RELEASE / "build_cache"
    release.mkdir(parents=True)
    (release / "index.json").write_bytes(SMALL.read_bytes())
    (release / "index.json.hash").write_text(hashlib.sha256(SMALL.read_bytes()).hexdigest())
    release_url = f"{BUCKET}{RELEASE}/build_cache/index.json"
    index = {REF: entries, RELEASE: [{"label": "root", "url": release_url}]}
    (bucket / "cache_spack_io_index.json").write_text(json.dumps(index))
    installs = json.loads(SHAPES.read_bytes())["database"]["installs"].values()
    names = Counter(e["spec"]["name"] for e in installs if "external" not in e["spec"])
    return index, databases, " ".join(name for name, _ in names.most_common(3))


def change_a_stack(bucket: Path, index: dict[str, Any], databases: list[bytes]) -> str:
    """Give the first v3 stack a new blob (one spec no longer in the build cache) and name
    it in the snapshot index; the stack's label."""
    entry = index[REF][2]  # stack number 1: a plain v3 blob
    data = databases[1].replace(b'"in_buildcache":true', b'"in_buildcache":false', 1)
    entry["url"] = f"{BUCKET}{REF}/{entry['label']}/{blob(bucket / REF / entry['label'], data)}"
    (bucket / "cache_spack_io_index.json").write_text(json.dumps(index))
    return str(entry["label"])


class Server:
    """An http.server on 127.0.0.1 serving *root*, in a thread (on *port*; 0: any free
    one)."""

    def __init__(self, root: Path, port: int = 0) -> None:
        class Quiet(SimpleHTTPRequestHandler):
            # keeps a connection open for the next request, as a mirror's web server
            # or S3 does (the spec manifests of a site come on a few connections), and
            # sends without Nagle's delay as they do (see sizes.py's server)
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def write_site(project: Path, pages: dict[str, str], conf: str) -> None:
    """A site of *pages* (name -> body): orphans, listed in ``index``'s toctree."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (project / "conf.py").write_text(f'project = "live"\n{conf}', "utf-8")
    toctree = "".join(f"   {name}\n" for name in pages)
    (project / "index.rst").write_text(f"Live\n====\n\n.. toctree::\n\n{toctree}", "utf-8")
    for name, body in pages.items():
        (project / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n\n{body}\n", "utf-8")


def ours_conf(server: Server, fetched: Path) -> str:
    return (
        'extensions = ["sphinx_spackcache"]\n'
        f"spackcache_path = {str(fetched.parent / 'no-records')!r}\n"
        f"spackcache_snapshot_index = {server.url + '/cache_spack_io_index.json'!r}\n"
        f"spackcache_buckets = {{'spack-binaries': {server.url + '/'!r}}}\n"
        f"spackcache_snapshot_refs = [{REF!r}, {RELEASE!r}]\n"
        f"spackcache_default_tag = {REF!r}\n"
        f"spackcache_fetch_cache = {str(fetched)!r}\n"
        "spackcache_fetch_timeout = 300\n"
        # what this measures is reading indexes: its stacks have no spec manifests
        # (benchmarks/sizes.py measures those)
        "spackcache_fetch_sizes = False\n"
    )


def build(project: Path, out: Path, *extra: str, fresh: bool = False) -> dict[str, Any]:
    """Run sphinx-build on *project* in a child process; its report, and the documents it
    read (``read``). Its output is kept in ``<out>.log``."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    # no colours, whatever FORCE_COLOR says: the documents read are found in the output
    args = [sys.executable, "-c", _RUNNER, "-N", "-b", "html", *extra, str(project), str(out)]
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("FORCE_COLOR", None)
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=environment)
    out.with_name(out.name + ".log").write_text(done.stdout + done.stderr, "utf-8")
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None or json.loads(line[6:])["code"] != 0:
        raise SystemExit(f"build of {project} failed:\n{done.stderr[-3000:]}")
    if "WARNING" in done.stderr:
        raise SystemExit(f"build of {project} warned:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(line[6:])
    result["read"] = sorted(
        set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", done.stdout))
    )
    return result


def json_floor(databases: list[bytes]) -> float:
    """Seconds ``json.loads`` takes on every stack's database JSON, one at a time."""
    total = 0.0
    for data in databases:
        start = time.perf_counter()
        loaded = json.loads(data)
        total += time.perf_counter() - start
        del loaded
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=150_000, help="spec entries in all")
    parser.add_argument("--stacks", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="of the no-op builds")
    parser.add_argument("--work", type=Path, default=None, help="folder to work in (kept)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-live-"))
    shutil.rmtree(work / "bucket", ignore_errors=True)
    (work / "no-records").mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    start = time.perf_counter()
    index, databases, packages = generate(work / "bucket", args.specs, args.stacks)
    entries = sum(data.count(b'"ref_count"') for data in databases)
    size = sum(map(len, databases))
    gzipped = sum(1 for e in index[REF] if e["label"] != "root" and "/blobs/" in e["url"]) // 2
    print(
        f"ref {REF}: {len(databases)} stacks ({gzipped} gzipped v3 blobs), {entries:,} spec "
        f"entries, {size / 1e6:.0f} MB of JSON (written in {time.perf_counter() - start:.0f} s)"
    )
    server = Server(work / "bucket")
    try:
        measure(work, server, index, databases, packages.split(), args.rounds)
    finally:
        server.stop()


def measure(
    work: Path,
    server: Server,
    index: dict[str, Any],
    databases: list[bytes],
    packages: list[str],
    rounds: int,
) -> None:
    fetched = work / "fetched"
    shutil.rmtree(fetched, ignore_errors=True)
    first = packages[0]
    one = work / "one"
    write_site(one, {"page": f".. cache-package:: {first}"}, ours_conf(server, fetched))
    floor = work / "floor"
    records = work / "no-records"
    floor_conf = f'extensions = ["sphinx_spackcache"]\nspackcache_path = {str(records)!r}\n'
    write_site(floor, {"page": "One paragraph."}, floor_conf)

    cold = build(one, work / "out" / "one", fresh=True)
    # the parse and its floor, each the best of *rounds* (the floor moves by 15 % from run
    # to run here): more builds of fresh output, the fetch cache warm, the floor between
    parse = cold["parse"]
    json_seconds = json_floor(databases)
    for _ in range(rounds - 1):
        parse = min(parse, build(one, work / "out" / "one", fresh=True)["parse"])
        json_seconds = min(json_seconds, json_floor(databases))
    print(
        f"1. cold build of one page: {cold['wall']:.1f} s, fetch {cold['fetch']:.1f} s, "
        f"parse {parse:.1f} s (+ inflate {cold['inflate']:.1f} s) vs json.loads "
        f"{json_seconds:.1f} s of the same {cold['parsed'] / 1e6:.0f} MB = "
        f"{parse / json_seconds:.2f}x; peak RSS {cold['rss_kib'] / 1024:.0f} MB"
    )

    build(floor, work / "out" / "floor", fresh=True)
    ours_noop = floor_noop = float("inf")
    for _ in range(rounds):
        ours_noop = min(ours_noop, build(one, work / "out" / "one")["wall"])
        floor_noop = min(floor_noop, build(floor, work / "out" / "floor")["wall"])
    print(
        f"2. next build, nothing changed: {ours_noop:.2f} s vs {floor_noop:.2f} s without "
        f"mirrors = {ours_noop / floor_noop:.2f}x"
    )

    refs = work / "refs"
    pages = {
        "big": f".. cache-package:: {first}",
        "release": f".. cache-package:: clingo-bootstrap\n   :tag: {RELEASE}",
        "plain": "One paragraph.",
    }
    write_site(refs, pages, ours_conf(server, fetched))
    build(refs, work / "out" / "refs", fresh=True)
    label = change_a_stack(work / "bucket", index, databases)
    changed = build(refs, work / "out" / "refs", "-D", "spackcache_fetch_max_age=0")
    read = ", ".join(changed["read"]) or "none"
    print(
        f"3. stack {label} of {REF} changed: {changed['wall']:.1f} s, "
        f"{len(changed['read'])} of {len(pages) + 1} documents read again ({read})"
    )

    three = work / "three"
    write_site(three, {f"p{n}": f".. cache-package:: {p}" for n, p in enumerate(packages)},
               ours_conf(server, fetched))  # fmt: skip
    serial = build(three, work / "out" / "three-1", "-j", "1", fresh=True)
    parallel = build(three, work / "out" / "three-2", "-j", "2", fresh=True)
    print(
        f"4. three pages, warm fetch cache: -j 2 {parallel['wall']:.1f} s vs -j 1 "
        f"{serial['wall']:.1f} s = {parallel['wall'] / serial['wall']:.2f}x; peak RSS "
        f"{serial['rss_kib'] / 1024:.0f} MB / "
        f"{max(parallel['rss_kib'], parallel['children_rss_kib']) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
