"""The benchmark's own machinery works (no timing is asserted here: the numbers come
from ``python benchmarks/run.py`` and are reported in the docs)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sphinx_spackcache.data.summary import meta_mismatches, summarise
from sphinx_spackcache.sources.store import CacheStore

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import SPEC_COUNTS, TAG, generate  # noqa: E402


def test_generated_records_are_valid_and_follow_the_real_distribution(tmp_path: Path) -> None:
    assert len(SPEC_COUNTS) == 109  # one per real develop-2025-04-20 record
    assert sum(SPEC_COUNTS) == 1099
    total = generate(tmp_path, packages=300, seed=3)
    store = CacheStore(tmp_path)
    counts = []
    for package in store.packages(TAG):
        loaded = store.load(TAG, package)
        assert loaded.problems == ()
        meta = loaded.record.declared_meta()
        assert not isinstance(meta, str)
        assert meta is not None
        assert meta_mismatches(summarise(loaded.record.specs), meta) == []
        counts.append(len(loaded.record.specs))
    assert sum(counts) == total
    assert len(counts) == 300
    # same shape as the real records: a quarter single-spec records, a long tail
    share_of_ones = Counter(counts)[1] / len(counts)
    assert 0.15 < share_of_ones < 0.4
    assert max(counts) <= 64


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--packages", "8", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = done.stdout.splitlines()
    for number in range(1, 7):
        assert any(line.startswith(f"{number}. ") for line in lines), done.stdout
    assert "0 documents read again" in done.stdout
    assert "warnings: ours 0, static 0" in done.stdout


def test_the_checker_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "check.py"), "--packages", "20", "--rounds", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    summary, timing = done.stdout.splitlines()[1:]
    assert summary.startswith("checked 20 records (1 snapshot, ")
    assert summary.endswith(": 0 problems")
    assert timing.startswith("check: ")
    assert " vs json.loads floor " in timing


@pytest.mark.slow
def test_the_themes_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "themes.py"), "--sizes", "4,8", "--themes",
         "alabaster", "--toctree-sizes", "4", "--jobs", "2", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )  # fmt: skip
    out = done.stdout
    # one row per theme and size, with the toctree columns only where asked
    assert "| alabaster | 4 | " in out
    assert "| alabaster | 8 | " in out
    row_4 = next(line for line in out.splitlines() if line.startswith("| alabaster | 4 |"))
    row_8 = next(line for line in out.splitlines() if line.startswith("| alabaster | 8 |"))
    assert row_4.count(" s |") >= 4  # ours, floor, ours toctree, floor toctree
    assert row_8.split("|")[6].strip() == "-"  # no toctree build at 8 pages
    assert "-j 2 vs -j 1 at 8 pages:" in out
    assert "growth from 4 to 8 pages" in out
    # the generated pages of the last build are there, and each is an orphan
    pages = sorted((tmp_path / "alabaster-8" / "ours" / "packages").glob("*.rst"))
    assert len(pages) == 8
    assert all(":orphan:" in page.read_text("utf-8") for page in pages)


def test_the_mirror_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "mirror.py"), "--rounds", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    assert lines[1].startswith("derecho-install-tree: 1.60 MB, 1,225 specs: read ")
    assert [line.split(":")[0] for line in lines[2:]] == ["clingo-bootstrap", "spack-v2-test"]


@pytest.mark.slow
def test_the_exports_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "exports.py"), "--packages", "6", "--rounds", "1",
         "--theme", "alabaster", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    out = done.stdout
    # six package pages, each with its JSON and CSV, and the snapshot's JSON
    assert "6 packages, " in out
    assert "; 13 export files" in out
    assert [line.split(":")[0] for line in out.splitlines()[2:5]] == ["off", "on", "on -j 3"]
    assert "exports on vs off: " in out


@pytest.mark.slow
def test_the_tricks_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    """Every variant builds (without a warning: the runner stops at one) and writes the
    same pages as the build as shipped, but the post-transform one (whose tables furo
    wraps once more); the table names every variant."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "tricks.py"), "--packages", "5", "--rounds", "1",
         "--theme", "alabaster", "--jobs", "2", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    rows = [line.split(" | ")[0].lstrip("| ") for line in done.stdout.splitlines()[-8:]]
    assert rows == [
        "as shipped",
        "as shipped -j 2",
        "rows as nodes",
        "no tag cache",
        "no hash template",
        "no version-key cache",
        "post-transform",
        "post-transform -j 2",
    ]
    out = tmp_path / "out"
    page = "packages/pkg-0001.html"
    shipped = (out / "as-shipped" / page).read_text("utf-8")
    variants = ("rows-as-nodes", "no-tag-cache", "no-hash-template")
    for variant in (*variants, "no-version-key-cache", "as-shipped--j-2"):
        assert (out / variant / page).read_text("utf-8") == shipped, variant
    assert "spackcache-specs" in (out / "post-transform" / page).read_text("utf-8")


@pytest.mark.slow
def test_the_live_scale_benchmark_runs(tmp_path: Path) -> None:
    """At a tiny scale: three stacks (a v2 mirror, a v3 blob, a gzipped v3 blob), each
    one copy of the Derecho database's 1,256 entries."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "live.py"), "--specs", "1000", "--stacks", "3",
         "--rounds", "1", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines[1].startswith(
        "ref develop-2026-12-01: 3 stacks (1 gzipped v3 blobs), 3,768 spec entries, 5 MB"
    )
    for number in range(1, 5):
        assert lines[number + 1].startswith(f"{number}. "), done.stdout
    assert " vs json.loads " in lines[2]
    assert " without mirrors = " in lines[3]
    # the changed stack's ref is shown by one page of the site's four documents
    assert lines[4].endswith(", 1 of 4 documents read again (big)")
    assert "-j 2 " in lines[5]
    bucket = tmp_path / "bucket" / "develop-2026-12-01"
    assert (bucket / "e4s" / "build_cache" / "index.json").is_file()
    plain = list((bucket / "e4s-neoverse_v1" / "blobs" / "sha256").glob("*/*"))
    assert len(plain) == 2  # and the blob of the changed stack
    assert all(path.read_bytes().startswith(b'{"database":{"version":"7"') for path in plain)
    (gzipped,) = (bucket / "e4s-neoverse_v2" / "blobs" / "sha256").glob("*/*")
    assert gzipped.read_bytes()[:2] == b"\x1f\x8b"


@pytest.mark.slow
def test_the_sizes_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/sizes.py end to end, once, without latency (its figures are in
    docs/benchmarks.rst, not checked here): every manifest fetched both ways, and the
    rebuilds ask for none."""
    options = ["--rounds", "1", "--latency", "0", "--pages", "2", "--work", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "sizes.py"), *options],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    assert "1. cold fetch of 1,186 manifests" in done.stdout, done.stdout
    assert "nothing changed: 0 manifests asked for" in done.stdout
    assert "fetch cache kept): 0 asked for" in done.stdout


@pytest.mark.slow
def test_the_synthetic_bucket_has_the_layout_and_counts_asked_for(tmp_path: Path) -> None:
    """At a tiny scale: 4 stacks, 6,000 binaries, 500 packages (478 of Derecho's names, 22
    synthetic). Counted here from the files (every index blob, every spec manifest), not
    from what the generator says it wrote."""
    from bucket import add_ref, generate
    from live import BUCKET

    generate(tmp_path, binaries=6_000, packages=500, stacks=4, develop=2, seed=5)
    root = tmp_path / "bucket"
    index = json.loads((root / "cache_spack_io_index.json").read_text())
    refs = ["develop-2026-11-23", "develop-2026-11-30", "v1.0.0"]
    assert sorted(index) == refs
    binaries: dict[str, set[str]] = {}
    names: set[str] = set()
    for ref in refs:
        labels = [entry["label"] for entry in index[ref]]
        assert labels == ["root", "e4s", "e4s-neoverse_v1", "e4s-neoverse_v2", "e4s-oneapi"]
        in_stacks: set[str] = set()
        for entry in index[ref]:
            mirror = root / ref if entry["label"] == "root" else root / ref / entry["label"]
            # the index manifest names the blob the snapshot index names, by its checksum
            manifest = json.loads(
                (mirror / "v3" / "manifests" / "index" / "index.manifest.json").read_text()
            )
            (record,) = manifest["data"]
            relative = f"blobs/sha256/{record['checksum'][:2]}/{record['checksum']}"
            assert entry["url"] == f"{BUCKET}{mirror.relative_to(root).as_posix()}/{relative}"
            data = (mirror / relative).read_bytes()
            assert record["contentLength"] == len(data)
            assert hashlib.sha256(data).hexdigest() == record["checksum"]
            assert record["compression"] == ("gzip" if data[:2] == b"\x1f\x8b" else "none")
            installs = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
            built = {
                key: entry["spec"]
                for key, entry in installs["database"]["installs"].items()
                if entry["in_buildcache"]
            }
            if entry["label"] == "root":
                top = built
            else:
                in_stacks |= set(built)
                # a stack's mirror has the spec manifest of each binary it lists
                held = {
                    path.name.removesuffix(".spec.manifest.json").rsplit("-", 1)[1]
                    for path in (mirror / "v3" / "manifests" / "spec").glob("*/*.json")
                }
                assert held == set(built), entry["label"]
            for spec in installs["database"]["installs"].values():
                for dep in spec["spec"].get("dependencies", ()):
                    assert dep["hash"] in installs["database"]["installs"]  # closed
        assert in_stacks == set(top)  # the top-level mirror: the stacks' binaries
        binaries[ref] = set(top)
        names |= {spec["name"] for spec in top.values()}
        # one spec manifest per binary of the top-level mirror, named as Spack names it
        found = {}
        for path in (root / ref / "v3" / "manifests" / "spec").glob("*/*.spec.manifest.json"):
            # <name>-<version>-<hash>, in the folder <name> (a version may hold a "-")
            name = path.parent.name
            rest, spec_hash = path.name.removesuffix(".spec.manifest.json").rsplit("-", 1)
            assert (name, rest) == (top[spec_hash]["name"], f"{name}-{top[spec_hash]['version']}")
            tarball, spec_blob = json.loads(path.read_text())["data"]
            assert tarball["mediaType"] == "application/vnd.spack.install.v3.tar+gzip"
            assert tarball["contentLength"] > 0
            assert re.fullmatch(r"[0-9a-f]{64}", tarball["checksum"])
            assert spec_blob["mediaType"] == "application/vnd.spack.spec.v5+json"
            found[spec_hash] = path
        assert set(found) == set(top)
    assert len(set().union(*binaries.values())) == 6_000
    assert len(names) == 500
    assert len([n for n in names if re.search(r"-s1$", n)]) == 22
    old, new = binaries["develop-2026-11-23"], binaries["develop-2026-11-30"]
    assert len(old & new) > 0.75 * len(old)  # most binaries shared
    assert old - new
    assert new - old
    assert not (old | new) & binaries["v1.0.0"]
    # the same seed writes the same bytes
    again = tmp_path / "again"
    generator, _ = generate(again, binaries=6_000, packages=500, stacks=4, develop=2, seed=5)
    assert (again / "bucket" / "cache_spack_io_index.json").read_bytes() == (
        root / "cache_spack_io_index.json"
    ).read_bytes()
    # a new ref: named in the index, sharing most of its binaries with the one before
    assert add_ref(again, generator) == "develop-2026-12-07"
    index = json.loads((again / "bucket" / "cache_spack_io_index.json").read_text())
    assert sorted(index) == [*refs[:2], "develop-2026-12-07", "v1.0.0"]
