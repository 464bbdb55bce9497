"""Sizes over http(s): a v3 mirror's spec manifests fetched with the bounded pool
against one at a time, side by side in one run, and a warm rebuild's requests.

``python benchmarks/sizes.py [--copies 1] [--latency 0.02] [--rounds 3] [--work DIR]``
writes a v3 mirror (issue 27, item 4) made with ``benchmarks/live.py``'s pieces: the real
spec shapes of NCAR's Derecho database, ``--copies`` copies under new hashes, as one v3
index blob, and a spec manifest for each binary
(``v3/manifests/spec/<name>/<name>-<version>-<hash>.spec.manifest.json``, a tarball
record of a made-up size and SHA-256). A server in a child process (so that it takes no
time from the client's threads) serves it on 127.0.0.1 over HTTP/1.1 (connections kept
open), waiting ``--latency`` seconds before each answer (a round trip to a remote
mirror; 0: none). It then measures:

1. every manifest fetched cold with :func:`~sphinx_spackcache.sources.manifests.
   fetch_manifests`, the bounded pool (``MAX_WORKERS``) against one worker, best of
   ``--rounds`` interleaved rounds each (each round a fresh cache and nothing
   remembered in the process), and how many connections each opened;
2. a Sphinx build (fresh ``sphinx-build`` processes, cold fetch cache) of a site whose
   ``cache-package`` pages show the packages that bring the most binaries with them: its
   wall time and how many manifests it asked for; then the same site built again with
   nothing changed, and with every page read again (``-E``, the fetch cache kept): how
   many manifests each asked for (target: 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from live import SHAPES, blob, build, stack_index, template, write_site

from sphinx_spackcache.sources.manifests import (
    MAX_WORKERS,
    clear_manifest_memo,
    fetch_manifests,
    manifest_jobs,
)
from sphinx_spackcache.sources.mirror import MirrorSource

NAME = "bench"

# The server: a ThreadingHTTPServer that waits before each answer and logs each path
# and each connection it accepts. HTTP/1.1: it keeps a connection open for the client's
# next request, as a mirror's web server or S3 does; and, as they do (nginx's
# ``tcp_nodelay``, on by default), it sends without Nagle's delay, or each answer
# (http.server writes its headers and its body apart) would wait for the client's
# delayed ACK, 40 ms on Linux, on a connection kept open.
_SERVER = """
import sys, time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
root, port, latency, log = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def setup(self):
        super().setup()
        with open(log, "a") as out:
            out.write("connection\\n")
    def do_GET(self):
        with open(log, "a") as out:
            out.write(self.path + "\\n")
        time.sleep(latency)
        super().do_GET()
    def log_message(self, format, *args):
        pass
ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, directory=root)).serve_forever()
"""


def write_mirror(root: Path, copies: int) -> int:
    """A v3 mirror of *copies* copies of the Derecho shapes in *root*, with a spec
    manifest for each binary; how many manifests."""
    body, hashes = template()
    data = stack_index(body, hashes, list(range(copies)))
    relative = blob(root, data)
    checksum = relative.rsplit("/", 1)[1]
    record = {
        "mediaType": "application/vnd.spack.db.v7+json",
        "compression": "none",
        "checksumAlgorithm": "sha256",
        "checksum": checksum,
        "contentLength": len(data),
    }
    index = root / "v3" / "manifests" / "index" / "index.manifest.json"
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"version": 3, "data": [record]}))
    count = 0
    for key, entry in json.loads(data)["database"]["installs"].items():
        if not entry["in_buildcache"]:
            continue
        spec = entry["spec"]
        digest = hashlib.sha256(key.encode()).hexdigest()
        tarball = {
            "contentLength": 1_000_000 + int(digest[:6], 16),
            "mediaType": "application/vnd.spack.install.v3.tar+gzip",
            "compression": "gzip",
            "checksumAlgorithm": "sha256",
            "checksum": digest,
        }
        name = f"{spec['name']}-{spec['version']}-{key}.spec.manifest.json"
        path = root / "v3" / "manifests" / "spec" / spec["name"] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"version": 3, "data": [tarball]}))
        count += 1
    return count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def requests(log: Path) -> int:
    """How many spec manifests the server was asked for so far."""
    if not log.exists():
        return 0
    return sum("/v3/manifests/spec/" in line for line in log.read_text().splitlines())


def connections(log: Path) -> int:
    """How many connections the server accepted so far."""
    if not log.exists():
        return 0
    return sum(line == "connection" for line in log.read_text().splitlines())


def fetch_all(mirror: Path, url: str, cache: Path, workers: int) -> tuple[float, int]:
    """Seconds to fetch every binary's manifest into the empty *cache* with *workers*;
    how many had a size."""
    source = MirrorSource(NAME, mirror)
    database = source.database()
    binaries = [(p, s) for p, specs in database.packages.items() for s in specs]
    jobs = manifest_jobs(binaries, {NAME: url}, cache)
    # the local mirror's own sizes are dropped: these binaries are to be fetched
    assert not jobs or len(jobs) == len(binaries)
    start = time.perf_counter()
    sized = sum(r.tarball is not None for r in fetch_manifests(jobs, timeout=60, workers=workers))
    return time.perf_counter() - start, sized


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-sizes-"))
    served = work / "served"
    shutil.rmtree(served, ignore_errors=True)
    # the index only, for the client's jobs (its local copy of the mirror has no sizes)
    local = work / "index-only"
    shutil.rmtree(local, ignore_errors=True)
    count = write_mirror(served, args.copies)
    shutil.copytree(served, local, ignore=shutil.ignore_patterns("spec"))
    log = work / "requests.log"
    log.unlink(missing_ok=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(served), str(port), str(args.latency), str(log)]
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        print(f"python {platform.python_version()}, {platform.machine()}, {count:,} manifests,")
        print(f"latency {args.latency * 1000:g} ms, pool of {MAX_WORKERS}")
        best = {MAX_WORKERS: float("inf"), 1: float("inf")}
        opened = {MAX_WORKERS: 0, 1: 0}
        for number in range(args.rounds):
            for workers in (MAX_WORKERS, 1):
                cache = work / f"cache-{workers}-{number}"
                shutil.rmtree(cache, ignore_errors=True)
                clear_manifest_memo()  # each round cold: no manifest known in the process
                before = connections(log)
                seconds, sized = fetch_all(local, url, cache, workers)
                assert sized == count, (sized, count)
                best[workers] = min(best[workers], seconds)
                opened[workers] = connections(log) - before
        ratio = best[1] / best[MAX_WORKERS]
        print(
            f"1. cold fetch of {count:,} manifests: pool {best[MAX_WORKERS]:.2f} s, "
            f"one at a time {best[1]:.2f} s: {ratio:.1f}x faster "
            f"(connections: {opened[MAX_WORKERS]:,} and {opened[1]:,})"
        )
        site_run(work, url, log, args.pages)
    finally:
        server.terminate()
        server.wait()


def site_run(work: Path, url: str, log: Path, pages: int) -> None:
    """Item 2: a site's cold build, then two warm ones."""
    installs = json.loads(SHAPES.read_bytes())["database"]["installs"]
    brings: Counter[str] = Counter()
    for entry in installs.values():
        spec = entry["spec"]
        if "external" not in spec:
            brings[spec["name"]] += len(spec.get("dependencies", []))
    chosen = [name for name, _ in brings.most_common(pages)]
    project, out = work / "site", work / "site-out"
    fetched = work / "site-fetched"
    shutil.rmtree(fetched, ignore_errors=True)
    conf = (
        'extensions = ["sphinx_spackcache"]\n'
        f"spackcache_path = {str(work / 'no-records')!r}\n"
        f"spackcache_mirrors = {{{NAME!r}: {url + '/'!r}}}\n"
        f"spackcache_default_tag = {NAME!r}\n"
        f"spackcache_fetch_cache = {str(fetched)!r}\n"
        "spackcache_fetch_timeout = 60\n"
    )
    (work / "no-records").mkdir(exist_ok=True)
    write_site(
        project, {f"p{n}": f".. cache-package:: {name}" for n, name in enumerate(chosen)}, conf
    )
    before = requests(log)
    cold = build(project, out, fresh=True)
    asked = requests(log) - before
    print(
        f"2. a site of {len(chosen)} package pages ({', '.join(chosen)}): cold build "
        f"{cold['wall']:.1f} s, {asked:,} manifests asked for"
    )
    before = requests(log)
    build(project, out)
    unchanged = requests(log) - before
    before = requests(log)
    again = build(project, out, "-E")
    reread = requests(log) - before
    print(
        f"   built again with nothing changed: {unchanged} manifests asked for; every "
        f"page read again (-E, fetch cache kept): {reread} asked for "
        f"({again['wall']:.1f} s, {len(again['read'])} documents read)"
    )


if __name__ == "__main__":
    main()
