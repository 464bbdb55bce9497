"""benchmarks/compare.py's pure parts (the page loads themselves are measured by running
it: their numbers are on the docs' comparison page, not asserted here). Expected values
are worked out by hand from the inputs written here."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from compare import (  # noqa: E402
    binaries_per_package,
    is_local,
    median_of,
    patch_base_url,
    pick_packages,
    run_theirs,
    table,
    tally,
)
from live import Server  # noqa: E402

SNAPSHOT = Path(__file__).parent / "snapshot-index"


def test_only_this_machine_is_local() -> None:
    assert is_local("http://127.0.0.1:8000/index.html")
    assert is_local("http://127.3.4.5/x")
    assert is_local("http://localhost:9/")
    assert is_local("http://[::1]:9/")
    assert is_local("data:image/png;base64,AAAA")
    assert not is_local("https://cdn.datatables.net/v/dt/jq-3.7.0/datatables.min.js")
    assert not is_local("https://fonts.googleapis.com/css?family=Source+Code+Pro")
    assert not is_local("http://127.example.com/")  # a name, not the loopback address
    assert not is_local("http://10.0.0.1/")


def test_the_base_url_is_replaced_in_every_spelling_and_nothing_else() -> None:
    text = (
        "BASE_URL = 'https://binaries.spack.io/'\n"
        'BUCKET_URL = "https://binaries.spack.io/"\n'
        'OTHER = "https://binaries.spack.io"\n'
        "url = s['url'].replace('s3://spack-binaries/', BASE_URL)\n"
        "link = 'https://packages.spack.io/package.html?name=zlib'\n"
    )
    assert patch_base_url(text, "http://127.0.0.1:9") == (
        "BASE_URL = 'http://127.0.0.1:9/'\n"
        'BUCKET_URL = "http://127.0.0.1:9/"\n'
        'OTHER = "http://127.0.0.1:9"\n'
        "url = s['url'].replace('s3://spack-binaries/', BASE_URL)\n"
        "link = 'https://packages.spack.io/package.html?name=zlib'\n"
    )


def test_requests_bytes_and_blocked_from_network_events() -> None:
    cdn = "https://cdn.jsdelivr.net/npm/remixicon@3.2.0/fonts/remixicon.css"
    events: list[tuple[str, dict[str, Any]]] = [
        ("Network.requestWillBeSent", {"requestId": "1", "request": {"url": "http://127.0.0.1/"}}),
        ("Network.requestWillBeSent", {"requestId": "2", "request": {"url": "http://127.0.0.1/a.css"}}),
        ("Network.requestWillBeSent", {"requestId": "3", "request": {"url": cdn}}),
        ("Network.requestWillBeSent", {"requestId": "4", "request": {"url": "data:,x"}}),
        ("Network.loadingFinished", {"requestId": "1", "encodedDataLength": 1000}),
        ("Network.loadingFinished", {"requestId": "2", "encodedDataLength": 200}),
        ("Network.loadingFinished", {"requestId": "4", "encodedDataLength": 7}),
        ("Network.loadingFailed", {"requestId": "3"}),
        ("Network.requestWillBeSent", {"requestId": "5", "request": {"url": "http://127.0.0.1/x.js"}}),
        ("Network.loadingFailed", {"requestId": "5"}),
    ]  # fmt: skip
    assert tally(events) == {
        "requests": 2,
        "blocked": 1,
        "bytes": 1200,
        "blocked_urls": [cdn],
        "errors": ["http://127.0.0.1/x.js"],
    }


def test_medians_and_a_page_that_never_got_ready() -> None:
    runs: list[dict[str, Any]] = [
        {"dcl_ms": 10, "load_ms": 30, "ready_ms": 30, "requests": 5, "blocked": 0,
         "bytes": 100, "elements": 7},
        {"dcl_ms": 30, "load_ms": 10, "ready_ms": None, "requests": 5, "blocked": 0,
         "bytes": 300, "elements": 9},
        {"dcl_ms": 20, "load_ms": 20, "ready_ms": 40, "requests": 6, "blocked": 0,
         "bytes": 200, "elements": 8},
    ]  # fmt: skip
    assert median_of(runs) == {"dcl_ms": 20, "load_ms": 20, "ready_ms": None, "requests": 5,
                               "blocked": 0, "bytes": 200, "elements": 8}  # fmt: skip


def test_the_table_is_rst_with_units() -> None:
    values = {"dcl_ms": 1234.4, "load_ms": 1500.6, "ready_ms": None, "requests": 13,
              "blocked": 2, "bytes": 2048 * 1024, "elements": 10815}  # fmt: skip
    assert table([("ours: home", values)]).splitlines()[-8:] == [
        "   * - ours: home",
        "     - 1,234 ms",
        "     - 1,501 ms",
        "     - n/a",
        "     - 13",
        "     - 2",
        "     - 2,048 KiB",
        "     - 10,815",
    ]


def test_a_checkout_is_copied_pointed_at_the_bucket_and_run(tmp_path: Path) -> None:
    """A stand-in checkout (a data.py that reads the snapshot index from
    binaries.spack.io, no build.py) runs against tests/snapshot-index on 127.0.0.1."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "data.py").write_text(
        "import gzip, json, urllib.request\n"
        "from pathlib import Path\n"
        "BASE_URL = 'https://binaries.spack.io/'\n"
        "index = json.load(urllib.request.urlopen(BASE_URL + 'cache_spack_io_index.json'))\n"
        "out = Path(__file__).parent / '_data' / 'refs.json.gz'\n"
        "out.parent.mkdir()\n"
        "out.write_bytes(gzip.compress(json.dumps(sorted(index)).encode(), mtime=0))\n",
        "utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    server = Server(SNAPSHOT)
    try:
        report = run_theirs(checkout, work, server, sys.executable)
    finally:
        server.stop()
    assert report["patched"] == ["data.py"]
    assert report["data.py"]["code"] == 0
    assert report["build.py"] == "missing"
    assert report["build_dir"] is None
    assert "binaries.spack.io" in (checkout / "data.py").read_text("utf-8")  # the copy only
    written = work / "theirs" / "_data" / "refs.json.gz"
    assert report["data_files"] == {"_data/refs.json.gz": written.stat().st_size}
    # what the fixture's snapshot index names: read from 127.0.0.1, not the network
    refs = ["develop-2026-11-26", "develop-2026-11-29", "v1.0.0"]
    assert json.loads(gzip.decompress(written.read_bytes())) == refs


def test_binaries_are_counted_once_and_only_those_in_the_build_cache() -> None:
    def database(installs: dict[str, tuple[str, bool]]) -> bytes:
        entries = {
            key: {"spec": {"name": name}, "in_buildcache": there}
            for key, (name, there) in installs.items()
        }
        return json.dumps({"database": {"version": "7", "installs": entries}}).encode()

    first = database({"h1": ("zlib", True), "h2": ("zlib", True), "h3": ("cmake", False)})
    second = database({"h1": ("zlib", True), "h4": ("cmake", True), "h5": ("hdf5", True)})
    assert binaries_per_package([first, second]) == {"zlib": 2, "cmake": 1, "hdf5": 1}


def test_the_worst_and_a_typical_package() -> None:
    assert pick_packages({"a": 5, "b": 1, "c": 3, "d": 3, "e": 2}) == ["a", "c"]
    assert pick_packages({"y": 4, "x": 4}) == ["x"]
