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
PYTHONS = LOCKS / "all-pythons-v6.spack.lock"
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


def test_version_6_spack_all_pythons() -> None:
    """spack/all-pythons: eight Pythons, 3.6 to 3.13, on one graph; counted in the file
    by a separate script (json and a loop), not by this module."""
    lock = load_lockfile(PYTHONS)
    assert lock.version == 6
    assert lock.spack_version == "1.1.0.dev0"
    versions = ["3.13.5", "3.11.11", "3.8.20", "3.9.21", "3.6.15", "3.12.9", "3.7.17", "3.10.16"]
    assert [(n.name, n.version) for n in lock.root_nodes()] == [("python", v) for v in versions]
    assert lock.roots[4] == (
        "iqsxjci45qyzp5pdmke4mtc2agcgwhry",
        "python@3.6.15/iqsxjci45qyzp5pdmke4mtc2agcgwhry",
    )
    assert all(spec == f"python@{v}/{h}" for v, (h, spec) in zip(versions, lock.roots, strict=True))
    assert len(lock.nodes) == 38  # 8 pythons and 30 other packages, one node each
    assert len({n.name for n in lock.nodes.values()}) == 31
    assert sorted(n.name for n in lock.nodes.values() if n.external) == ["gcc", "glibc"]
    # gcc 13.2.0 (external, /usr) gives c (17 nodes) or c and cxx (16 nodes); gcc-runtime
    # depends on it for no virtual, and compiler-wrapper, gcc, glibc and
    # ca-certificates-mozilla depend on nothing
    assert sorted(n.name for n in lock.nodes.values() if n.compiler is None) == [
        "ca-certificates-mozilla",
        "compiler-wrapper",
        "gcc",
        "gcc-runtime",
        "glibc",
    ]
    assert {n.compiler for n in lock.nodes.values() if n.compiler} == {"gcc@13.2.0"}
    # every node with a dependency links glibc for libc: 34 edges of 311
    edges = [d for n in lock.nodes.values() for d in n.dependencies]
    assert len(edges) == 311
    assert sum(d.virtuals == ("libc",) for d in edges) == 34
    py313 = lock.nodes["2myq44he5nkui3zyqnb2lgkfgessxwfs"]
    assert (py313.name, py313.version, py313.os, py313.target) == (
        "python",
        "3.13.5",
        "ubuntu24.04",
        "x86_64_v3",
    )
    assert [(d.name, d.types, d.virtuals) for d in py313.dependencies] == [
        ("bzip2", ("build", "link"), ()),
        ("compiler-wrapper", ("build",), ()),
        ("expat", ("build", "link"), ()),
        ("gcc", ("build",), ("c", "cxx")),
        ("gcc-runtime", ("link",), ()),
        ("gdbm", ("build", "link"), ()),
        ("gettext", ("build", "link"), ()),
        ("glibc", ("link",), ("libc",)),
        ("gmake", ("build",), ()),
        ("libffi", ("build", "link"), ()),
        ("ncurses", ("build", "link"), ()),
        ("openssl", ("build", "link"), ()),
        ("pkgconf", ("build",), ("pkgconfig",)),
        ("readline", ("build", "link"), ()),
        ("sqlite", ("build", "link"), ()),
        ("util-linux-uuid", ("build", "link"), ("uuid",)),
        ("xz", ("build", "link"), ()),
        ("zlib-ng", ("build", "link"), ("zlib-api",)),
    ]
    assert py313.compiler == "gcc@13.2.0"
    # 18 variants, flags left out; no crypt (Python 3.13 dropped the module) and no patches
    assert len(py313.variants) == 18
    assert py313.variants[:3] == ("build_system=generic", "+bz2", "+ctypes")
    assert "~tkinter" in py313.variants
    assert not any(v.startswith(("crypt", "+crypt", "~crypt", "patches")) for v in py313.variants)
    py311 = lock.nodes["3zyswht5fo66zfjogpozzni6i3rxsgr3"]
    assert "+crypt" in py311.variants
    assert "patches=13fa8bf,b0615b2,ebdca64,f2fd060" in py311.variants  # as in parameters
    by_name = {n.name: n for n in lock.nodes.values() if n.name != "python"}
    assert "languages=c,c++,fortran" in by_name["gcc"].variants
    assert "build_type=RelWithDebInfo" in by_name["gcc"].variants
    # gettext needs tar only to run, and xz to build, link and run
    assert [(d.name, d.types) for d in by_name["gettext"].dependencies][-2:] == [
        ("tar", ("run",)),
        ("xz", ("build", "link", "run")),
    ]
    assert [(d.name, d.version) for d in lock.dependencies(py313.hash)][3] == ("gcc", "13.2.0")


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


@pytest.mark.parametrize("path", [V4, V6, PYTHONS], ids=["v4", "v6", "v6-pythons"])
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
    # all-pythons: Python 3.13 has no crypt module, so no libxcrypt, which 3.12 links;
    # libmd is three edges away (python -> expat -> libbsd -> libmd), perl a build
    # dependency of openssl
    pythons = load_lockfile(PYTHONS)
    py313 = pythons.nodes["2myq44he5nkui3zyqnb2lgkfgessxwfs"]
    py312 = pythons.nodes["quqhd5enybgh7z6gqf33nvz3r4la66tv"]
    deps = pythons.dependencies
    assert check(py312.binary(), "python ^libxcrypt@4.4", dependencies=deps).satisfied
    assert [
        str(r) for r in check(py313.binary(), "python ^libxcrypt", dependencies=deps).reasons
    ] == ["no dependency libxcrypt"]
    assert check(
        py313.binary(), "python@3.13 %gcc@13.2 ^libmd@1.1 ^perl@5.42", dependencies=deps
    ).satisfied


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
