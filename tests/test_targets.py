"""``:runs-on:``: which binaries run on a CPU, as archspec (Spack's own library) decides.

Expected counts come from the record files, read with PyYAML, and from archspec's own
comparison of microarchitectures (``target <= cpu``), not from the code under test.
"""

from __future__ import annotations

import archspec.cpu
from bs4 import BeautifulSoup

from sphinx_spackcache.data.targets import (
    CPU_GROUPS,
    close_cpus,
    compatibility_table,
    runs_on,
)

from . import records as expected
from .conftest import Build, warnings_of

TAG = "develop-2025-04-20"
CPUS = ("zen3", "neoverse_v2", "haswell")


def archspec_runs(target: str, cpu: str) -> bool:
    """archspec's own answer: a target runs on a CPU when it is the CPU or its ancestor."""
    targets = archspec.cpu.TARGETS
    if target not in targets or cpu not in targets:
        return target == cpu
    return bool(targets[target] <= targets[cpu])


def expected_count(tag: str, package: str, cpus: tuple[str, ...]) -> int:
    return sum(
        any(archspec_runs(spec["target"], cpu) for cpu in cpus)
        for spec in expected.specs(tag, package)
    )


def test_runs_on_agrees_with_archspec_for_every_pair() -> None:
    names = list(archspec.cpu.TARGETS)
    disagreements = [
        (target, cpu)
        for target in names
        for cpu in names
        if runs_on(target, cpu) != archspec_runs(target, cpu)
    ]
    assert disagreements == []


def test_the_issues_examples() -> None:
    assert runs_on("x86_64_v3", "zen3")
    assert not runs_on("zen4", "zen3")
    assert not runs_on("aarch64", "zen3")
    assert runs_on("aarch64", "neoverse_v2")
    assert runs_on("x86_64", "haswell")
    assert not runs_on("x86_64_v3", "x86_64_v2")
    # a target archspec does not know runs only on itself
    assert runs_on("made_up", "made_up")
    assert not runs_on("made_up", "zen3")


def test_cpu_groups_cover_the_families_spack_publishes() -> None:
    groups = dict(CPU_GROUPS)
    assert list(groups) == ["x86_64 levels", "Intel", "AMD", "ARM", "Power", "RISC-V"]
    assert groups["x86_64 levels"] == ("x86_64", "x86_64_v2", "x86_64_v3", "x86_64_v4")
    assert {"haswell", "skylake_avx512", "sapphirerapids"} <= set(groups["Intel"])
    assert {"zen2", "zen3", "zen4"} <= set(groups["AMD"])
    assert {"aarch64", "neoverse_n1", "neoverse_v1", "neoverse_v2", "a64fx", "m1"} <= set(
        groups["ARM"]
    )
    assert {"power9le", "ppc64le"} <= set(groups["Power"])
    # every name once; no 32-bit x86 or SPARC
    names = [name for _, members in CPU_GROUPS for name in members]
    assert len(names) == len(set(names))
    assert not {"i686", "sparc", "sparc64"} & set(names)
    table = compatibility_table()
    # the script's data covers every CPU archspec knows, offered or not (?runs-on=)
    assert set(table) == set(names) | {"i686", "pentium4", "sparc64", "x86"}.union(
        archspec.cpu.TARGETS
    )
    assert table["pentium4"] == sorted(["i686", "pentium2", "pentium3", "pentium4", "x86"])
    assert table["zen3"] == sorted(["x86_64", "x86_64_v2", "x86_64_v3", "zen", "zen2", "zen3"])


def test_close_cpus_suggest_the_name_meant() -> None:
    assert close_cpus("zen33")[0] == "zen3"
    assert "neoverse_v2" in close_cpus("neoverse-v2")


def spec_rows(html: BeautifulSoup) -> list[int]:
    """The number of rows of each spec table of a page."""
    return [len(table.select("tbody tr")) for table in html.select("table.spackcache-specs")]


def test_runs_on_keeps_the_specs_that_run_there(build: Build) -> None:
    app = build("install", "html")
    assert warnings_of(app) == []
    page = BeautifulSoup((app.outdir / "cpu.html").read_text("utf-8"), "html.parser")
    assert spec_rows(page) == [
        expected_count(TAG, "cmake", ("zen3",)),
        expected_count("v0.23.1", "cmake", ("neoverse_v2",)),
        expected_count(TAG, "py-packaging", ("haswell", "neoverse_v2")),
    ]
    # each title says how many of the record's specs are shown
    titles = [caption.get_text() for caption in page.select("table.spackcache-specs caption")]
    for title, rows in zip(titles, spec_rows(page), strict=True):
        assert f"({rows} of " in title


def test_counts_on_the_issues_cpus(build: Build) -> None:
    """py-packaging's and cmake's specs that run on zen3, neoverse_v2 and haswell, in
    develop-2025-04-20, through a real build (counts.rst: one table per pair)."""
    app = build("install", "html")
    page = BeautifulSoup((app.outdir / "counts.html").read_text("utf-8"), "html.parser")
    wanted = [
        expected_count(TAG, package, (cpu,))
        for package in ("py-packaging", "cmake")
        for cpu in CPUS
    ]
    assert spec_rows(page) == wanted
    # worked out by hand from the records' targets: py-packaging has 16 x86_64_v3 specs
    # (they run on zen3 and haswell), 8 aarch64 and 3 neoverse_v2 (on neoverse_v2);
    # cmake 22 x86_64_v3, 2 x86_64_v4 (AVX-512: neither zen3 nor haswell), 7 aarch64,
    # 4 neoverse_v2 and 1 neoverse_v1 (not an ancestor of neoverse_v2)
    assert wanted == [16, 11, 16, 22, 11, 22]


def test_unknown_cpu_is_a_located_warning_with_close_names(build: Build) -> None:
    app = build("install", "html")
    source = app.srcdir / "cpu.rst"
    source.write_text(
        source.read_text("utf-8")
        + "\ntypo\n----\n\n.. cache-package:: cmake\n   :runs-on: zen33\n   :no-index:\n"
        + "\nnothing\n-------\n\n.. cache-package:: cmake\n   :runs-on: power9le\n"
        + "   :no-index:\n",
        "utf-8",
    )
    app = build("install", "html")
    warnings = warnings_of(app)
    assert any(
        "cpu.rst:" in w
        and ":runs-on: 'zen33' is not a CPU archspec knows; did you mean zen3" in w
        and "[spackcache.filter]" in w
        for w in warnings
    ), warnings
    assert any(
        "cpu.rst:" in w and ":runs-on: no spec here runs on 'power9le'" in w for w in warnings
    ), warnings
    # the unknown name is not also reported as matching nothing
    assert not any("no spec here runs on 'zen33'" in w for w in warnings)
