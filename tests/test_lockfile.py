"""data/lockfile.py on real lockfiles (tests/lockfiles, see PROVENANCE.md): what each
holds was counted by hand in the files; and a lockfile's nodes as binaries and queries
for data/match.py."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from sphinx_spackcache.data.lockfile import LockfileError, load_lockfile, parse_lockfile
from sphinx_spackcache.data.match import check
from sphinx_spackcache.data.specsyntax import parse_spec

LOCKS = Path(__file__).parent / "lockfiles"
V4 = LOCKS / "poorjit-v4.spack.lock"
V6 = LOCKS / "cppxplorers-v6.spack.lock"
V2 = LOCKS / "regrider-v2.spack.lock"


def test_version_4_robertu94_poorjit() -> None:
    lock = load_lockfile(V4)
    assert lock.version == 4
    assert lock.spack_version is None
    assert [spec for _, spec in lock.roots] == ["boost+filesystem", "zlib", "fmt", "cmake"]
    assert len(lock.nodes) == 7
    boost = lock.nodes["3d3tehh3pm5blvdk4g5bk2fmsmvb46er"]
    assert (boost.name, boost.version, boost.platform, boost.os, boost.target) == (
        "boost",
        "1.79.0",
        "linux",
        "fedora36",
        "icelake",  # the whole microarchitecture in the file, its name here
    )
    assert boost.compiler == "gcc@12.1.1-debug"
    assert {"+filesystem", "~mpi", "cxxstd=98", "visibility=hidden"} <= set(boost.variants)
    assert not any(v.startswith(("cflags", "cxxflags")) for v in boost.variants)
    assert [(d.name, d.version) for d in lock.dependencies(boost.hash)] == [
        ("bzip2", "1.0.8"),
        ("zlib", "1.2.12"),
    ]
    assert [(d.name, d.types) for d in boost.dependencies] == [
        ("bzip2", ("build", "link")),
        ("zlib", ("build", "link")),
    ]
    assert lock.nodes["hfgxnf36dl6xeek5ixq37bevaht72nej"].compiler == "gcc@12.1.1"
    assert sorted(n.name for n in lock.nodes.values() if n.external) == [
        "cmake",
        "cmake",
        "diffutils",
    ]
    assert [n.name for n in lock.root_nodes()] == ["boost", "zlib", "fmt", "cmake"]


def test_version_6_bstaber_cppxplorers() -> None:
    lock = load_lockfile(V6)
    assert lock.version == 6
    assert lock.spack_version == "1.1.0.dev0"
    assert [spec for _, spec in lock.roots] == ["eigen@3.4", "cuda", "catch2@3", "cmake"]
    assert len(lock.nodes) == 24
    by_name = {n.name: n for n in lock.nodes.values() if n.name != "cmake"}
    # the compiler: the direct dependency providing c, cxx or fortran (gcc 13.3.0)
    assert by_name["eigen"].compiler == "gcc@13.3.0"
    assert by_name["catch2"].compiler == "gcc@13.3.0"  # cxx only
    for name in ("cuda", "gcc", "gcc-runtime", "glibc", "compiler-wrapper"):
        assert by_name[name].compiler is None, name  # gcc-runtime's gcc provides nothing
    assert sum(n.compiler is not None for n in lock.nodes.values()) == 18
    assert sorted(n.name for n in lock.nodes.values() if n.external) == ["cuda", "gcc", "glibc"]
    assert by_name["curl"].variants[:2] == ("build_system=autotools", "~gssapi")
    assert "libs=shared,static" in by_name["curl"].variants
    assert [(d.name, d.types, d.virtuals) for d in by_name["eigen"].dependencies][1:3] == [
        ("compiler-wrapper", ("build",), ()),
        ("gcc", ("build",), ("c", "cxx")),
    ]


def test_a_node_query_holds_its_variants() -> None:
    """boost of poorjit's lockfile, rebuilt with ~filesystem: its own query says how it
    differs."""
    boost = load_lockfile(V4).nodes["3d3tehh3pm5blvdk4g5bk2fmsmvb46er"]
    binary = boost.binary()
    flipped = tuple("~filesystem" if v == "+filesystem" else v for v in binary.variants)
    other = msgspec.structs.replace(binary, variants=flipped)
    assert [str(r) for r in check(other, boost.query()).reasons] == [
        "+filesystem wanted, ~filesystem built"
    ]


def test_older_lockfiles_are_refused_saying_why() -> None:
    with pytest.raises(LockfileError, match="lockfile version 2 is not supported"):
        load_lockfile(V2)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{\n "_meta": {\n  "file-type": "spack-lockfile",\n  oops', "not JSON", 4),
        ('{"_meta": {"file-type": "spec"}}', "not a Spack lockfile", 0),
        ("[1, 2]", "not a Spack lockfile", 0),
        (
            '{"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6},'
            ' "roots": [{"hash": "abc", "spec": "zlib"}], "concrete_specs": {}}',
            "root zlib (abc) has no node",
            0,
        ),
        (
            '{"_meta": {"file-type": "spack-lockfile", "lockfile-version": 5},'
            ' "roots": [], "concrete_specs": {"abc": {"name": "zlib"}}}',
            "node abc (zlib) has no arch",
            0,
        ),
    ],
)
def test_bad_lockfiles(text: str, message: str, line: int) -> None:
    with pytest.raises(LockfileError) as caught:
        parse_lockfile(text)
    assert message in caught.value.message
    assert caught.value.line == line


@pytest.mark.parametrize("path", [V4, V6], ids=["v4", "v6"])
def test_every_node_satisfies_its_own_query_which_prints_and_parses_again(path: Path) -> None:
    lock = load_lockfile(path)
    for node in lock.nodes.values():
        query = node.query()
        assert parse_spec(str(query)) == query, str(query)
        result = check(node.binary(), query, package=node.name, dependencies=lock.dependencies)
        assert result.reasons == (), (str(query), result.reasons)


def test_a_lockfile_answers_dependency_questions() -> None:
    """^ and % against a lockfile's graph: eigen depends on zlib-ng 2.2.4 through cmake
    (eigen -> cmake -> zlib-ng), and is built with gcc 13.3.0 (a direct dependency)."""
    lock = load_lockfile(V6)
    eigen = lock.nodes["jfx7ok5pjfigwd7chkp3myhrqgmn565p"]
    cuda = lock.nodes["y2xjskgxyxp4bc2sw6pecncb5dzohkg5"]
    deps = lock.dependencies
    assert check(eigen.binary(), "eigen %gcc@13 ^zlib-ng@2.2", dependencies=deps).satisfied
    assert [
        str(r) for r in check(eigen.binary(), "eigen ^zlib-ng@2.3:", dependencies=deps).reasons
    ] == ["dependency zlib-ng@2.2.4 outside @2.3:"]
    assert [str(r) for r in check(cuda.binary(), "cuda %gcc@13", dependencies=deps).reasons] == [
        "no compiler (built without one), %gcc@13 wanted"
    ]
    # a v4 node against another: fmt (gcc@12.1.1, 8.1.1, ~shared) is not boost's twin
    v4 = load_lockfile(V4)
    fmt = v4.nodes["hfgxnf36dl6xeek5ixq37bevaht72nej"]
    zlib = v4.nodes["m7stg3u55o52vqmfqpeckbuzw4r7tksc"]
    reasons = [str(r) for r in check(zlib.binary(), fmt.query(), package="zlib").reasons]
    assert reasons[:3] == [
        "package zlib, not fmt",
        "version 1.2.12 outside @=8.1.1",
        "compiler gcc@12.1.1-debug, not %gcc@=12.1.1",
    ]


def test_patches_are_named_by_the_start_of_their_sha256() -> None:
    """As Spack prints them and as a build cache's binaries are read (``spack_db``), so
    that a lockfile's node and a cache's binary compare: poorjit's boost and zlib each
    have one patch (a440f9696d3b..., 0d3823438487... in the file)."""
    lockfile = load_lockfile(LOCKS / "poorjit-v4.spack.lock")
    patches = {
        node.name: [v for v in node.binary().variants if v.startswith("patches")]
        for node in lockfile.nodes.values()
        if node.name in ("boost", "zlib")
    }
    assert patches == {"boost": ["patches=a440f96"], "zlib": ["patches=0d38234"]}
