"""Totals derived from specs, checked against numbers computed from the raw YAML."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from sphinx_spackcache.data.model import DeclaredMeta
from sphinx_spackcache.data.summary import meta_mismatches, sort_specs, summarise
from sphinx_spackcache.sources.store import CacheStore

from . import records as expected
from .conftest import RECORDS
from .test_records import ALL_RECORDS


@pytest.mark.parametrize(("tag", "package"), ALL_RECORDS)
def test_summary_matches_the_raw_records(tag: str, package: str) -> None:
    loaded = CacheStore(RECORDS).load(tag, package)
    summary = summarise(loaded.record.specs)
    raw = expected.specs(tag, package)
    assert summary.num_specs == len(raw)
    assert dict(summary.stacks) == expected.stack_counts(tag, package)
    assert set(summary.oss) == {s["os"] for s in raw}
    assert set(summary.targets) == {s["target"] for s in raw}
    assert set(summary.versions) == {v for s in raw for v in s["versions"]}
    # and the record's own meta agrees (true of every real record)
    meta = loaded.record.declared_meta()
    assert isinstance(meta, DeclaredMeta)
    assert meta_mismatches(summary, meta) == []


def test_py_packaging_numbers() -> None:
    """Counted by hand from the record's spec_details (and equal to its meta)."""
    summary = summarise(CacheStore(RECORDS).load("develop-2025-04-20", "py-packaging").record.specs)
    assert summary.num_specs == 27
    assert summary.versions == ("24.2",)
    assert summary.compilers == (None,)
    assert summary.platforms == ("darwin", "linux")
    assert len(summary.stacks) == 16
    assert dict(summary.stacks)["root"] == 27
    assert dict(summary.stacks)["e4s"] == 4
    assert dict(summary.stacks)["radiuss"] == 2


def test_compilers_sort_by_spack_version() -> None:
    summary = summarise(CacheStore(RECORDS).load("develop-2025-04-20", "cmake").record.specs)
    gcc = [c for c in summary.compilers if c and c.startswith("gcc@")]
    assert gcc == [
        "gcc@7.3.1", "gcc@7.5.0", "gcc@10.5.0", "gcc@11.1.0", "gcc@11.4.0",
        "gcc@12.3.0", "gcc@12.4.0", "gcc@13.2.0", "gcc@13.3.0",
    ]  # fmt: skip


def test_v0_23_1_compilers_are_normalised() -> None:
    summary = summarise(CacheStore(RECORDS).load("v0.23.1", "cmake").record.specs)
    assert "gcc@11.4.0" in summary.compilers
    assert not any(c and "@=" in c for c in summary.compilers)


def test_default_spec_order() -> None:
    """Newest version first, then platform, OS, target, compiler, hash; file order is
    irrelevant (v0.23.1 records are not sorted by hash)."""
    specs = CacheStore(RECORDS).load("develop-2025-04-13", "cmake").record.specs
    ordered = sort_specs(specs)
    assert sort_specs(reversed(specs)) == ordered
    raw = expected.specs("develop-2025-04-13", "cmake")
    newest = max(
        {v for s in raw for v in s["versions"]}, key=lambda v: tuple(map(int, v.split(".")))
    )
    assert ordered[0].versions == (newest,)
    versions = [spec.versions[0] for spec in ordered]
    # versions never go up along the table
    ranks = sorted(set(versions), key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert [ranks.index(v) for v in versions] == sorted(ranks.index(v) for v in versions)
    # within one version, (platform, os, target) never goes down
    for a, b in itertools.pairwise(ordered):
        if a.versions == b.versions:
            assert (a.platform, a.os, a.target) <= (b.platform, b.os, b.target)


def test_meta_mismatches_are_described() -> None:
    specs = CacheStore(RECORDS).load("develop-2025-04-20", "py-packaging").record.specs
    summary = summarise(specs)
    good = DeclaredMeta(
        num_specs=27,
        compilers=frozenset({None}),
        num_specs_by_stack=summary.stacks,
        oss=frozenset(summary.oss),
        platforms=frozenset(summary.platforms),
        stacks=frozenset(stack for stack, _ in summary.stacks),
        targets=frozenset(summary.targets),
        versions=frozenset({"24.2"}),
    )
    assert meta_mismatches(summary, good) == []
    bad = replace(
        good,
        num_specs=28,
        oss=good.oss | {"centos7"},
        targets=frozenset({"aarch64"}),
        versions=frozenset({"24.1"}),
        stacks=good.stacks - {"hep"},
    )
    assert meta_mismatches(summary, bad) == [
        "num_specs is 28, but spec_details has 27",
        "oss lists centos7 not in the specs",
        "stacks misses hep",
        "targets misses neoverse_v2, x86_64_v3",
        "versions lists 24.1 not in the specs and misses 24.2",
    ]


def test_heat_levels() -> None:
    from sphinx_spackcache.data.matrix import heat_level

    assert [heat_level(n, 10) for n in (0, 1, 2, 3, 5, 9, 10, 40)] == [0, 1, 1, 2, 3, 5, 5, 5]
    assert heat_level(3, 0) == 0
