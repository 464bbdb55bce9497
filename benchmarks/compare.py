"""cache.spack.io (spack/spack-cache) and a sphinx-spackcache site, side by side: the
same synthetic bucket, both sites served from 127.0.0.1, their pages loaded in Chromium.

``python benchmarks/compare.py [--spack-cache DIR] [--their-python PY] [--specs N]
[--stacks N] [--rounds N] [--package NAME ...] [--work DIR [--reuse]]``

1. Writes a synthetic ref of the Spack build cache in binaries.spack.io's layout
   (``benchmarks/live.py``'s generator: ``--stacks`` stack indexes holding ``--specs``
   spec entries, made from real spec shapes, plus a ``v1.0.0`` ref) and serves it on
   127.0.0.1, with its ``cache_spack_io_index.json``.
2. Ours: a Sphinx project (furo) whose home page is ``cache-index :toctree: packages``
   of that ref (one generated page per package), built against the local bucket through
   ``spackcache_snapshot_index`` and ``spackcache_buckets``.
3. Theirs, when ``--spack-cache DIR`` names a checkout of spack/spack-cache (its code is
   copied to the work folder, never into this repository): every ``*.py`` at its top
   level has ``https://binaries.spack.io/`` replaced by the local bucket's URL, then
   ``data.py`` runs (with ``--their-python``, which needs the checkout's dependencies:
   click, requests, jinja2) and, if the checkout has one, ``build.py``; its ``_build``
   is served and measured. A checkout without ``build.py`` is measured as far as it
   goes: its data step and the files it writes.
4. The pages: each site's home page and the page of two packages, the one with the most
   binaries and one of the median number (or those ``--package`` names). ``--reuse``
   keeps the bucket and our build of a run before in ``--work``.
5. Each page is loaded once to warm up, then ``--rounds`` times, each in a fresh browser
   context with the cache off (Debian's ``chromium``, Playwright), with JavaScript and
   without. No host name but localhost resolves, so a request to any other host (the
   CDN assets of their pages: there is no network here) fails at once and is counted as
   blocked. Reported, as the median of the rounds: DOMContentLoaded and load (ms from
   the navigation's start), requests, bytes transferred (encoded, as the network saw
   them), DOM elements once the page is ready, and "ready": the time until the page
   shows its content (theirs: the spec table has a row, "n/a" if it never has one;
   ours: load, as the HTML holds it).
6. Also: the time Chromium takes to fetch, gunzip and parse a set of gzipped JSON files
   (``fetch`` + ``DecompressionStream`` + ``JSON.parse``), for the files their data step
   writes: what their single-page application downloads before it can show any package.

The numbers go to standard output as a table and to ``WORK/compare.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live  # benchmarks/ is not a package: found through sys.path above

BINARIES = "https://binaries.spack.io/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # no network here: every host name but localhost fails to resolve, so a request to a
    # CDN fails at once (counted as blocked) without the cost of intercepting requests
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# When their page is ready: the spec table has a row that is not DataTables' "empty" row.
THEIR_TABLE_READY = (
    "() => document.querySelectorAll('#cache tbody tr td:not(.dt-empty)').length > 0"
)
METRICS = ("dcl_ms", "load_ms", "ready_ms", "requests", "blocked", "bytes", "elements")


def is_local(url: str) -> bool:
    """Whether *url* is served from this machine (loopback) or inline (data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: 127.example.com is not this machine
        return False


def patch_base_url(text: str, base: str) -> str:
    """*text* (a Python file of the checkout) with binaries.spack.io's URL replaced by
    *base*; both spellings the checkout's history has (with and without the slash)."""
    base = base.rstrip("/") + "/"
    text = text.replace(BINARIES, base)
    return text.replace(BINARIES.rstrip("/") + '"', base.rstrip("/") + '"').replace(
        BINARIES.rstrip("/") + "'", base.rstrip("/") + "'"
    )


def tally(events: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """From Chrome DevTools Protocol ``Network`` events (``requestWillBeSent``,
    ``loadingFinished``, ``loadingFailed``): the requests that loaded, their bytes
    (encoded), the requests to other hosts that failed (``blocked``: no network here)
    and the URLs of those and of failed requests to this machine (``errors``)."""
    requests: dict[str, str] = {}
    finished: dict[str, int] = {}
    failed: set[str] = set()
    for kind, params in events:
        request_id = str(params.get("requestId"))
        if kind == "Network.requestWillBeSent":
            url = str(params.get("request", {}).get("url", ""))
            if not url.startswith("data:"):
                requests[request_id] = url
        elif kind == "Network.loadingFinished":
            finished[request_id] = int(params.get("encodedDataLength", 0))
        elif kind == "Network.loadingFailed":
            failed.add(request_id)
    failed_urls = [url for key, url in requests.items() if key in failed]
    blocked = sorted(url for url in failed_urls if not is_local(url))
    return {
        "requests": len(requests.keys() - failed),
        "blocked": len(blocked),
        "bytes": sum(size for key, size in finished.items() if key in requests),
        "blocked_urls": blocked,
        "errors": sorted(url for url in failed_urls if is_local(url)),
    }


def median_of(runs: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """The median of each metric over *runs*; None where a run has no value for it (a
    page that never became ready)."""
    result: dict[str, float | None] = {}
    for key in METRICS:
        values = [run.get(key) for run in runs]
        if not values or any(v is None for v in values):
            result[key] = None
        else:
            result[key] = statistics.median(float(v) for v in values if v is not None)
    return result


def table(rows: Sequence[tuple[str, dict[str, float | None]]]) -> str:
    """An RST list-table of the medians, one row per page."""
    heads = (
        "Page",
        "DOMContentLoaded",
        "load",
        "ready",
        "requests",
        "blocked",
        "bytes",
        "elements",
    )
    lines = [".. list-table::", "   :header-rows: 1", ""]
    lines.append("   * - " + "\n     - ".join(heads))
    for name, values in rows:
        cells = [name]
        for key in METRICS:
            value = values.get(key)
            if value is None:
                cells.append("n/a")
            elif key.endswith("_ms"):
                cells.append(f"{value:,.0f} ms")
            elif key == "bytes":
                cells.append(f"{value / 1024:,.0f} KiB")
            else:
                cells.append(f"{value:,.0f}")
        lines.append("   * - " + "\n     - ".join(cells))
    return "\n".join(lines) + "\n"


def plain_stacks() -> None:
    """Make the generator write no gzipped v3 blobs (a stack it would gzip is a plain v3
    blob instead): their ``data.py`` reads every index with ``response.json()``, plain
    JSON only, and must read the same bucket as ours."""
    original = live.write_stack

    def write_stack(bucket: Path, label: str, number: int, data: bytes) -> str:
        return original(bucket, label, number - 1 if number % 3 == 2 else number, data)

    live.write_stack = write_stack


def binaries_per_package(databases: Iterable[bytes]) -> dict[str, int]:
    """The number of distinct binaries (entries ``in_buildcache``) of each package in
    the stacks' databases *databases*."""
    hashes: dict[str, set[str]] = {}
    for data in databases:
        for key, entry in json.loads(data)["database"]["installs"].items():
            if entry.get("in_buildcache") is True:
                hashes.setdefault(entry["spec"]["name"], set()).add(key)
    return {name: len(found) for name, found in hashes.items()}


def pick_packages(counts: dict[str, int]) -> list[str]:
    """The package with the most binaries and one of the median number (the lower
    median, the first by name among equals): a worst and a typical package page."""
    commonest = min(counts, key=lambda name: (-counts[name], name))
    ordered = sorted(counts, key=lambda name: (counts[name], name))
    middle = ordered[(len(ordered) - 1) // 2]
    return [commonest] if middle == commonest else [commonest, middle]


def stack_databases(bucket: Path) -> list[bytes]:
    """The databases of the stacks (but ``root``) of ``live.REF`` in a bucket written
    before (no gzipped blobs: see :func:`plain_stacks`)."""
    index = json.loads((bucket / "cache_spack_io_index.json").read_bytes())
    return [
        (bucket / entry["url"].removeprefix(live.BUCKET)).read_bytes()
        for entry in index[live.REF]
        if entry["label"] != "root"
    ]


def write_ours(project: Path, conf: str) -> None:
    """Our site: a home page that lists the ref's packages and generates their pages."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (project / "conf.py").write_text(
        f'project = "Spack build cache"\nhtml_theme = "furo"\n{conf}', "utf-8"
    )
    (project / "index.rst").write_text(
        "Spack build cache\n=================\n\n"
        f".. cache-index::\n   :tag: {live.REF}\n   :toctree: packages\n",
        "utf-8",
    )


def build_ours(work: Path, server: live.Server) -> Path:
    project = work / "ours"
    fetched = work / "fetched"
    (work / "no-records").mkdir(parents=True, exist_ok=True)
    write_ours(project, live.ours_conf(server, fetched))
    out = work / "out" / "ours"
    result = live.build(project, out, fresh=True)
    print(f"ours: built in {result['wall']:.1f} s, peak RSS {result['rss_kib'] / 1024:.0f} MB")
    return out


def run_theirs(checkout: Path, work: Path, server: live.Server, python: str) -> dict[str, Any]:
    """Copy *checkout*, point it at *server*, run its data step (and build, if it has
    one); what was done, how long it took and what it wrote."""
    theirs = work / "theirs"
    shutil.rmtree(theirs, ignore_errors=True)
    shutil.copytree(
        checkout, theirs, ignore=shutil.ignore_patterns(".git", "_build", "_data", ".venv")
    )
    patched = []
    for path in sorted(theirs.glob("*.py")):
        text = path.read_text("utf-8")
        new = patch_base_url(text, server.url)
        if new != text:
            path.write_text(new, "utf-8")
            patched.append(path.name)
    report: dict[str, Any] = {"patched": patched}
    for step in ("data.py", "build.py"):
        if not (theirs / step).exists():
            report[step] = "missing"
            continue
        start = time.perf_counter()
        done = subprocess.run(
            [python, step], cwd=theirs, capture_output=True, text=True, check=False
        )
        report[step] = {"seconds": round(time.perf_counter() - start, 1), "code": done.returncode}
        (work / f"theirs-{step}.log").write_text(done.stdout + done.stderr, "utf-8")
        if done.returncode:
            raise SystemExit(f"their {step} failed:\n{done.stderr[-3000:]}")
    report["data_files"] = {
        str(path.relative_to(theirs)): path.stat().st_size
        for path in sorted((theirs / "_data").rglob("*"))
        if path.is_file()
    }
    report["build_dir"] = str(theirs / "_build") if (theirs / "_build").is_dir() else None
    return report


def load(
    browser: Any, url: str, ready: str | None, script: bool = True, timeout_ms: int = 120_000
) -> dict[str, Any]:
    """Load *url* once in a fresh context, cache off (non-local hosts do not resolve),
    JavaScript on or off (*script*)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    events: list[tuple[str, dict[str, Any]]] = []
    cdp = context.new_cdp_session(page)
    for kind in ("Network.requestWillBeSent", "Network.loadingFinished", "Network.loadingFailed"):
        cdp.on(kind, lambda params, kind=kind: events.append((kind, params)))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(url, wait_until="load", timeout=timeout_ms)
    ready_ms: float | None
    if ready is None or not script:
        ready_ms = None
    else:
        try:
            page.wait_for_function(ready, timeout=timeout_ms)
            ready_ms = page.evaluate("performance.now()")
        except Exception:  # a page that never gets ready is reported so
            ready_ms = None
    with contextlib.suppress(Exception):  # counted as far as it went
        page.wait_for_load_state("networkidle", timeout=30_000)
    timing = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.domContentLoadedEventEnd, n.loadEventEnd]; })()"
    )
    elements = page.evaluate("document.getElementsByTagName('*').length")
    context.close()
    counts = tally(events)
    return {
        "dcl_ms": timing[0],
        "load_ms": timing[1],
        "ready_ms": timing[1] if ready is None else ready_ms,  # None: never ready
        "elements": elements,
        **counts,
    }


_PARSE_PAGE = """<!doctype html><meta charset="utf-8"><title>parse</title><script>
async function get(url) {
  const response = await fetch(url, {cache: "no-store"});
  const text = await new Response(
    response.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return JSON.parse(text);
}
window.measure = async (urls) => {
  const start = performance.now();
  await Promise.all(urls.map(get));
  return performance.now() - start;
};
</script>"""


def measure_parse(browser: Any, base: str, urls: list[str], rounds: int) -> float:
    """Median ms Chromium takes to fetch, gunzip and JSON.parse *urls* (served at *base*,
    where ``_parse.html`` is)."""
    times = []
    for _ in range(rounds):
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/_parse.html")
        times.append(float(page.evaluate("(urls) => window.measure(urls)", urls)))
        context.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spack-cache", type=Path, help="a checkout of spack/spack-cache")
    parser.add_argument(
        "--their-python",
        default=sys.executable,
        help="the Python that runs the checkout (click, requests, jinja2)",
    )
    parser.add_argument("--specs", type=int, default=30_000, help="spec entries in all")
    parser.add_argument("--stacks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--package",
        action="append",
        help="a package whose page to load (repeatable; default: the one with the most "
        "binaries and one of the median number)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse WORK's bucket and our build from a run before (their data step runs again)",
    )
    parser.add_argument("--work", type=Path, default=None, help="folder to work in (kept)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = args.work or Path(tempfile.mkdtemp(prefix="spackcache-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        databases = stack_databases(work / "bucket")
    else:
        shutil.rmtree(work / "bucket", ignore_errors=True)
        plain_stacks()
        _, databases, _ = live.generate(work / "bucket", args.specs, args.stacks)
    counts = binaries_per_package(databases)
    packages = args.package or pick_packages(counts)
    entries = sum(data.count(b'"ref_count"') for data in databases)
    print(
        f"bucket: ref {live.REF}, {len(databases)} stacks, {entries:,} spec entries, "
        f"{sum(counts.values()):,} binaries of {len(counts):,} packages; package pages: "
        + ", ".join(f"{name} ({counts.get(name, 0):,} binaries)" for name in packages)
    )
    bucket = live.Server(work / "bucket")
    servers = [bucket]
    result: dict[str, Any] = {
        "entries": entries,
        "stacks": len(databases),
        "binaries": sum(counts.values()),
        "packages": {name: counts.get(name, 0) for name in packages},
    }
    try:
        ours_out = work / "out" / "ours"
        if not (args.reuse and (ours_out / "index.html").exists()):
            ours_out = build_ours(work, bucket)
        pages: list[tuple[str, str, str | None]] = []
        ours = live.Server(ours_out)
        servers.append(ours)
        pages.append(("ours: home", ours.url + "/index.html", None))
        pages += [(f"ours: {name}", f"{ours.url}/packages/{name}.html", None) for name in packages]
        parse_files: list[Path] = []
        if args.spack_cache:
            theirs = run_theirs(args.spack_cache.resolve(), work, bucket, args.their_python)
            result["theirs"] = theirs
            print("theirs: " + json.dumps(theirs))
            parse_files = sorted((work / "theirs" / "_data").glob("*.gz"))
            if theirs["build_dir"]:
                site = live.Server(Path(theirs["build_dir"]))
                servers.append(site)
                pages.append(("theirs: home", site.url + "/", None))
                pages += [
                    (f"theirs: {name}", f"{site.url}/?package={name}", THEIR_TABLE_READY)
                    for name in packages
                ]
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for name, url, ready in pages:
                for script in (True, False):
                    label = name if script else f"{name}, no JavaScript"
                    load(browser, url, ready, script)  # warm-up: the servers' first time
                    runs = [load(browser, url, ready, script) for _ in range(args.rounds)]
                    rows.append((label, median_of(runs)))
                    result.setdefault("pages", {})[label] = {"url": url, "runs": runs}
            if parse_files:
                data = work / "parse"
                shutil.rmtree(data, ignore_errors=True)
                data.mkdir()
                (data / "_parse.html").write_text(_PARSE_PAGE, "utf-8")
                for path in parse_files:
                    shutil.copy(path, data / path.name)
                server = live.Server(data)
                servers.append(server)
                urls = [f"{server.url}/{path.name}" for path in parse_files]
                ms = measure_parse(browser, server.url, urls, args.rounds)
                size = sum(path.stat().st_size for path in parse_files)
                result["their_data"] = {
                    "files": [p.name for p in parse_files],
                    "bytes": size,
                    "fetch_gunzip_parse_ms": ms,
                }
                print(
                    f"their data files: {size / 1024:,.0f} KiB gzipped; fetch + gunzip + "
                    f"JSON.parse in Chromium: {ms:,.0f} ms (median of {args.rounds})"
                )
            browser.close()
        result["medians"] = dict(rows)
        print(table(rows))
    finally:
        for server in servers:
            server.stop()
    (work / "compare.json").write_text(json.dumps(result, indent=1), "utf-8")
    print(f"details: {work / 'compare.json'}")


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
