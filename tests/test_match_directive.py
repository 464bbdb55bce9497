"""``cache-match`` (issue 26, part 1): the binaries that satisfy a spec, the nearest
others with what they differ in, and located warnings for what cannot be read.

Expected values come from py-packaging's record (tests/records/_cache/develop-2025-04-20),
read here with PyYAML, and from Spack's v2 test mirror read by hand (see test_graph.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from sphinx.testing.util import SphinxTestApp

from .conftest import MIRRORS, RECORDS, ROOTS, Build, warnings_of

CONF = {
    "spackcache_path": str(RECORDS),
    "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")},
}


def record(package: str, tag: str = "develop-2025-04-20") -> list[dict[str, object]]:
    text = (Path(RECORDS) / tag / package / "specs.md").read_text("utf-8")
    specs: list[dict[str, object]] = yaml.safe_load(text.split("---")[1])["spec_details"]
    return specs


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    """The root built once to HTML, for the tests that only read it."""
    root = tmp_path_factory.mktemp("match") / "match"
    shutil.copytree(ROOTS / "test-match", root)
    app = SphinxTestApp("html", srcdir=root, confoverrides={**CONF, "show_warning_types": True})
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


def outputs(app: SphinxTestApp) -> tuple[BeautifulSoup, list[str]]:
    page = BeautifulSoup((app.outdir / "records.html").read_text("utf-8"), "html.parser")
    return page, warnings_of(app)


def cell(row: Tag, column: str) -> str:
    found = row.select_one(f"td.spackcache-{column}")
    assert found is not None
    return found.get_text()


def test_the_binaries_that_satisfy_a_spec_are_a_spec_table(html: SphinxTestApp) -> None:
    specs = record("py-packaging")
    assert len(specs) == 27
    page, _ = outputs(html)
    answers = [p.get_text(" ", strip=True) for p in page.select("p.spackcache-match-answer")]
    exact = [
        s
        for s in specs
        if s["versions"] == ["24.2"]
        and (s["os"], s["target"])
        == (
            "ubuntu22.04",
            "x86_64_v3",
        )
    ]
    neoverse = [s for s in specs if s["target"] == "neoverse_v2"]
    # runs on a Neoverse V2 host: the generic aarch64 builds and the neoverse_v2 ones
    arm = [s for s in specs if s["target"] in ("aarch64", "neoverse_v2")]
    assert (len(exact), len(neoverse), len(arm)) == (9, 3, 11)
    assert answers == [
        f"{len(exact)} of 27 binaries of py-packaging in develop-2025-04-20 satisfy "
        "py-packaging@24.2 os=ubuntu22.04 target=x86_64_v3 .",
        f"{len(neoverse)} of 27 binaries of py-packaging in develop-2025-04-20 satisfy "
        "py-packaging@24.2 target=neoverse_v2 .",
        "None of the 27 binaries of py-packaging in develop-2025-04-20 satisfies "
        "py-packaging@25: .",
        f"{len(arm)} of 27 binaries of py-packaging in develop-2025-04-20 satisfy "
        "py-packaging@24.2 .",
    ]
    tables = page.select("table.spackcache-specs")
    hashes = [sorted(c.get_text() for c in t.select("td.spackcache-hash code")) for t in tables]
    assert hashes == [
        sorted(str(s["hash"]) for s in exact),
        sorted(str(s["hash"]) for s in neoverse),
        sorted(str(s["hash"]) for s in arm),
    ]


def test_the_nearest_others_say_what_they_differ_in(html: SphinxTestApp) -> None:
    specs = record("py-packaging")
    page, _ = outputs(html)
    nearest = page.select("table.spackcache-match-nearest")
    # 9 satisfy the first spec and 11 the last: no table; the second 5, the third 3
    assert len(nearest) == 2
    others = sorted(
        (s for s in specs if s["target"] != "neoverse_v2"), key=lambda s: str(s["hash"])
    )
    rows = nearest[0].select("tbody tr")
    # one field fails on each (the target), all of one version: by hash
    assert [cell(r, "hash") for r in rows] == [str(s["hash"])[:7] for s in others[:5]]
    assert [cell(r, "differs") for r in rows] == [
        f"target {s['target']}, not neoverse_v2" for s in others[:5]
    ]
    rows = nearest[1].select("tbody tr")
    assert len(rows) == 3  # :nearest: 3
    assert {cell(r, "differs") for r in rows} == {"version 24.2 outside @25:"}


def test_a_mirror_matches_direct_and_transitive_dependencies(html: SphinxTestApp) -> None:
    page = BeautifulSoup((html.outdir / "mirror.html").read_text("utf-8"), "html.parser")
    answers = [p.get_text(" ", strip=True) for p in page.select("p.spackcache-match-answer")]
    # libdwarf u5uz3dc depends on gcc 10.2.1 (providing c, cxx) and both builds on
    # libelf 0.8.13 (read off index.json)
    assert answers == [
        "2 of 2 binaries of libdwarf in spack-test satisfy libdwarf %gcc@10 .",
        "2 of 2 binaries of libdwarf in spack-test satisfy libdwarf ^libelf@0.8.13 .",
    ]


def _named(nodes: list[tuple[str, ...]], numbers: str) -> set[tuple[str, ...]]:
    """The (name, version) of the dependencies *numbers* (``0,3``) point to."""
    return {nodes[int(n)][:2] for n in numbers.split(",") if n}


def _reach(nodes: list[tuple[str, ...]], numbers: str) -> set[tuple[str, ...]]:
    """Those and, recursively, theirs."""
    found: set[tuple[str, ...]] = set()
    for n in numbers.split(","):
        if n:
            found |= {nodes[int(n)][:2]} | _reach(nodes, nodes[int(n)][2])
    return found


def test_a_mirror_table_carries_every_dependency_for_the_box(html: SphinxTestApp) -> None:
    """Before each spec table of a mirror, a hidden element holds its binaries'
    dependencies, directly or through others, for the "Match a spec" box: by hand from
    the v2 test mirror's index.json, libdwarf sk2gqqz has libelf 0.8.13 (rqh2vuf, no
    dependencies); u5uz3dc has compiler-wrapper 1.0, gcc 10.2.1, gcc-runtime 10.2.1
    (which has gcc) and libelf 0.8.13 (jr3yipy, which has compiler-wrapper, gcc and
    gcc-runtime): five dependencies in all, each written once. A page of records has none."""
    page = BeautifulSoup((html.outdir / "mirror.html").read_text("utf-8"), "html.parser")
    graphs = page.select("div.spackcache-graph")
    assert len(graphs) == len(page.select("table.spackcache-specs")) == 2
    sk2, u5 = "sk2gqqz4n5njmvktycnd25wq25jxiqkr", "u5uz3dcch5if4eve4sef67o2rf2lbfgh"
    everything = {
        ("compiler-wrapper", "1.0"),
        ("gcc", "10.2.1"),
        ("gcc-runtime", "10.2.1"),
        ("libelf", "0.8.13"),
    }
    for graph in graphs:
        assert graph.has_attr("hidden")
        # the element right before the table's line of what its rows share
        shared = graph.find_next_sibling()
        assert shared is not None
        assert "spackcache-shared" in shared["class"]
        nodes = [tuple(word.split(":")) for word in str(graph["data-nodes"]).split()]
        roots = dict(word.split(":") for word in str(graph["data-roots"]).split())
        assert len(nodes) == 5  # two builds of libelf, compiler-wrapper, gcc, gcc-runtime
        assert set(roots) == {sk2, u5}
        assert _named(nodes, roots[sk2]) == {("libelf", "0.8.13")}
        assert _reach(nodes, roots[sk2]) == {("libelf", "0.8.13")}
        assert _named(nodes, roots[u5]) == _reach(nodes, roots[u5]) == everything
    records = BeautifulSoup((html.outdir / "records.html").read_text("utf-8"), "html.parser")
    assert records.select("table.spackcache-specs")
    assert not records.select("div.spackcache-graph")


def test_what_cannot_be_read_is_a_located_warning(html: SphinxTestApp) -> None:
    _, warnings = outputs(html)
    bad = sorted(w.split("bad.rst:")[1] for w in warnings if "bad.rst:" in w)
    runs_on = bad.pop()
    assert bad == [
        "11: WARNING: cache-match: :nearest: 'none' is not a whole number of at least 1 "
        "[spackcache.option]",
        "4: WARNING: cache-match: 'py-packaging@@1' is not a spec this reads: unexpected "
        "character '@' at character 13 (py-packaging\u25b8@@1) [spackcache.spec]",
        "6: WARNING: cache-match: '+mpi' names no package; write the package first "
        "(hdf5+mpi) [spackcache.spec]",
    ]
    # (the close names depend on archspec's version: the floors' archspec has no zen5)
    assert runs_on.startswith(
        "8: WARNING: cache-match: :runs-on: 'zen9' is not a CPU archspec knows; did you mean zen"
    )
    assert {"zen3", "zen4"} <= set(
        runs_on.split("did you mean ")[1].removesuffix("? [spackcache.option]").split(", ")
    )
    assert runs_on.endswith("? [spackcache.option]")
    assert len(warnings) == 4


def test_text_has_the_answer_and_the_reasons(build: Build) -> None:
    app = build("match", "text", conf=CONF)
    text = " ".join((app.outdir / "records.txt").read_text("utf-8").split())
    assert "None of the 27 binaries of py-packaging in develop-2025-04-20 satisfies" in text
    assert text.count("version 24.2 outside @25:") == 3


# -- :lockfile: ---------------------------------------------------------------------------

LOCKFILES = Path(__file__).parent / "lockfiles"


def mirror_lockfile() -> dict[str, object]:
    """A version-6 lockfile of libdwarf u5uz3dc's DAG, made here from Spack's v2 test
    mirror (its nodes are specfile-5 nodes, as a version-6 lockfile holds them), with
    libelf jr3yipy changed to 0.8.14 under a new hash (and libdwarf, which depends on
    it, under another): by hand, compiler-wrapper and gcc-runtime are in the mirror, gcc
    is external, libdwarf and libelf will build."""
    index = json.loads((MIRRORS / "spack-v2-test" / "build_cache" / "index.json").read_text())
    specs = {key: entry["spec"] for key, entry in index["database"]["installs"].items()}
    root = next(key for key in specs if key.startswith("u5uz3dc"))
    libelf = next(key for key in specs if key.startswith("jr3yipy"))
    new_libelf, new_root = "a" * 32, "b" * 32
    nodes: dict[str, dict[str, object]] = {}
    for key in [root, *(d["hash"] for d in specs[root]["dependencies"])]:
        node = json.loads(json.dumps(specs[key]))
        if key == libelf:
            node.update(version="0.8.14", hash=new_libelf)
            key = new_libelf
        if key == root:
            node["hash"] = key = new_root
            for dependency in node["dependencies"]:
                if dependency["hash"] == libelf:
                    dependency["hash"] = new_libelf
        nodes[key] = node
    return {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 6, "specfile-version": 5},
        "spack": {"version": "1.0.0", "type": "release"},
        "roots": [{"hash": new_root, "spec": "libdwarf"}],
        "concrete_specs": nodes,
    }


def test_an_environment_against_a_mirror(build: Build) -> None:
    app = build("match", "html", conf=CONF)
    env = app.srcdir / "env"
    env.mkdir()
    (env / "spack.lock").write_text(json.dumps(mirror_lockfile()), "utf-8")
    (app.srcdir / "records.rst").write_text(
        "Records\n=======\n\n.. cache-match::\n   :tag: spack-test\n   :lockfile: env/spack.lock\n"
    )
    app = build("match", "html", conf=CONF)
    page = BeautifulSoup((app.outdir / "records.html").read_text("utf-8"), "html.parser")
    (answer,) = [p.get_text(" ", strip=True) for p in page.select("p.spackcache-match-answer")]
    assert answer == (
        "2 of the 4 specs of env/spack.lock are in spack-test; 2 will build: "
        "libdwarf@20130729, libelf@0.8.14 (1 more is external, never taken from a cache)."
    )
    rows = page.select("table.spackcache-match-environment tbody tr")
    found = {
        cell(r, "spec").split(" ")[0]: (cell(r, "status"), cell(r, "nearest"), cell(r, "differs"))
        for r in rows
    }
    assert found == {
        "libdwarf@20130729": (
            "will build",
            "u5uz3dc",
            "the same spec, built against other dependencies",
        ),
        "libelf@0.8.14": ("will build", "jr3yipy", "version 0.8.13 outside @=0.8.14"),
        "compiler-wrapper@1.0": ("in the cache", "", ""),
        "gcc-runtime@10.2.1": ("in the cache", "", ""),
        "gcc@10.2.1": ("external", "", ""),
    }
    assert "(root)" in cell(rows[0], "spec")  # the root comes first


@pytest.mark.parametrize(
    ("name", "version", "specs", "externals", "roots"),
    [
        ("poorjit-v4.spack.lock", 4, 7, 3, 4),
        ("cppxplorers-v6.spack.lock", 6, 24, 3, 4),
        ("all-pythons-v6.spack.lock", 6, 38, 2, 8),
    ],
    ids=["poorjit-v4", "cppxplorers-v6", "all-pythons-v6"],
)
def test_real_lockfiles_against_the_records(
    build: Build, name: str, version: int, specs: int, externals: int, roots: int
) -> None:
    """Real lockfiles (tests/lockfiles/PROVENANCE.md): every node is counted, externals
    apart, and none is in the records' develop-2025-04-20 (none of its hashes is there:
    checked here against every hash of the records). The numbers of nodes, externals
    (poorjit: two cmakes and diffutils; cppxplorers: gcc, glibc and cuda; all-pythons: gcc
    and glibc) and roots were counted in the files by a separate script."""
    raw = json.loads((LOCKFILES / name).read_text("utf-8"))
    assert raw["_meta"]["lockfile-version"] == version
    nodes = raw["concrete_specs"]
    assert len(nodes) == specs
    assert sum(1 for node in nodes.values() if "external" in node) == externals
    assert len({r["hash"] for r in raw["roots"]}) == roots
    held = {
        str(s["hash"])
        for folder in (Path(RECORDS) / "develop-2025-04-20").iterdir()
        for s in record(folder.name)
    }
    assert not held & set(nodes)
    app = build("match", "html", conf=CONF)
    shutil.copy(LOCKFILES / name, app.srcdir / "spack.lock")
    (app.srcdir / "records.rst").write_text(
        "Records\n=======\n\n.. cache-match::\n   :lockfile: /spack.lock\n"
    )
    app = build("match", "html", conf=CONF)
    assert not [w for w in warnings_of(app) if "records.rst" in w]
    page = BeautifulSoup((app.outdir / "records.html").read_text("utf-8"), "html.parser")
    (answer,) = [p.get_text(" ", strip=True) for p in page.select("p.spackcache-match-answer")]
    countable = specs - externals
    builds = ", ".join(
        sorted(f"{n['name']}@{n['version']}" for n in nodes.values() if "external" not in n)
    )
    assert answer == (
        f"0 of the {countable} specs of /spack.lock are in develop-2025-04-20; "
        f"{countable} will build: {builds} "
        f"({externals} more are external, never taken from a cache)."
    )
    rows = page.select("table.spackcache-match-environment tbody tr")
    assert len(rows) == specs
    assert sum(1 for r in rows if "(root)" in cell(r, "spec")) == roots


def test_all_pythons_zlib_ng_is_in_the_records_but_for_its_dependencies(build: Build) -> None:
    """spack/all-pythons' zlib-ng 2.2.4 (ubuntu24.04, x86_64_v3, gcc 13.2.0, the variants
    build_system=autotools +compat +new_strategies +opt +pic +shared) has a twin in the
    record of develop-2025-04-20: qyd57le, the only one of its 32 binaries with the same
    version, os, target, compiler and variants (read in the record), under another hash.
    No Python is in the records."""
    twins = [
        s["hash"]
        for s in record("zlib-ng")
        if (s["versions"], s["os"], s["target"], s["compiler"])
        == (["2.2.4"], "ubuntu24.04", "x86_64_v3", "gcc@13.2.0")
    ]
    assert [str(h)[:7] for h in twins] == ["qyd57le"]
    app = build("match", "html", conf=CONF)
    shutil.copy(LOCKFILES / "all-pythons-v6.spack.lock", app.srcdir / "spack.lock")
    (app.srcdir / "records.rst").write_text(
        "Records\n=======\n\n.. cache-match::\n   :lockfile: spack.lock\n"
    )
    app = build("match", "html", conf=CONF)
    page = BeautifulSoup((app.outdir / "records.html").read_text("utf-8"), "html.parser")
    rows = page.select("table.spackcache-match-environment tbody tr")
    found = {
        cell(r, "spec"): (cell(r, "status"), cell(r, "nearest"), cell(r, "differs")) for r in rows
    }
    assert found["zlib-ng@2.2.4 /xignxs6"] == (
        "will build",
        "qyd57le",
        "the same spec, built against other dependencies",
    )
    assert found["python@3.13.5 /2myq44h (root)"] == (
        "will build",
        "",
        "no binary of python in develop-2025-04-20",
    )
    assert found["gcc@13.2.0 /6dzveld"] == ("external", "", "")
    # the roots first (the eight Pythons), then the 28 others that will build, then the
    # two externals
    assert [cell(r, "spec").endswith("(root)") for r in rows] == [True] * 8 + [False] * 30


def test_a_lockfile_outside_the_source_folder_or_broken_is_a_located_warning(
    build: Build, tmp_path: Path
) -> None:
    app = build("match", "html", conf=CONF)
    (app.srcdir / "broken.lock").write_text('{"_meta": {"lockfile-version": 2}}', "utf-8")
    (app.srcdir / "records.rst").write_text(
        "Records\n=======\n\n.. cache-match::\n   :lockfile: ../outside/spack.lock\n\n"
        ".. cache-match::\n   :lockfile: broken.lock\n"
    )
    app = build("match", "html", conf=CONF)
    warnings = [w for w in warnings_of(app) if "records.rst" in w or "broken.lock" in w]
    assert len(warnings) == 2, warnings
    assert (
        "records.rst:4: WARNING: cache-match: :lockfile: '../outside/spack.lock' is outside "
        in (warnings[0])
    )
    assert "broken.lock:1: WARNING: broken.lock: " in warnings[1]
    assert warnings[1].endswith("[spackcache.spec]")
