"""What a binary brings with it and what uses it (issue 27, the data layer), on a real
DAG: NCAR's derecho install tree (tests/mirrors/derecho-install-tree, 1,256 nodes).

The expected values are worked out here from the raw JSON, by a recursion written for
the test (not the code's loop), or read off the file by hand where the docstring says."""

from __future__ import annotations

import json
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import cast

import pytest

from sphinx_spackcache.data.dag import (
    Branch,
    brought,
    closure,
    counts,
    provides,
    tree,
    used_by,
    users,
)
from sphinx_spackcache.data.model import Dependency
from sphinx_spackcache.sources.spack_db import Database, read_database

from .conftest import MIRRORS

DERECHO = MIRRORS / "derecho-install-tree" / "index.json"
#: hdf5 1.12.2 without MPI; by hand from the file: cmake k34xtup (build), gmake c6c6ilx
#: (build), libszip cg5o2it (build, link; provides szip), pkg-config xexiyjr (run;
#: provides pkgconfig), zlib g42iifh (build, link; provides zlib-api); libszip,
#: pkg-config and zlib have no dependencies, cmake has curl, ncurses and zlib.
HDF5 = "lx6ow5dy562y4dhaajq754pmjet3aspv"
ZLIB = "g42iifht33m42swglrrmzkopb2sfuhrf"
CMAKE = "k34xtupdtrks3oglxlo7uzb32qeut2k3"


@pytest.fixture(scope="module")
def database() -> Database:
    return read_database(DERECHO.read_bytes(), str(DERECHO), stack="derecho")


@pytest.fixture(scope="module")
def raw() -> dict[str, dict[str, object]]:
    installs = json.loads(Path(DERECHO).read_text("utf-8"))["database"]["installs"]
    return {key: entry["spec"] for key, entry in installs.items()}


def test_the_counts_of_hdf5_read_off_the_file(database: Database) -> None:
    found = counts(HDF5, database.dependencies)
    assert (found.direct, found.build_only, found.transitive) == (3, 2, 3)
    assert brought(HDF5, database.dependencies) == {
        "cg5o2it5m7u74g3imbda5tp3325on5ds",
        "xexiyjrydh2tgkwyarrkuyypp5j5kk6u",
        ZLIB,
    }
    shown = sorted(provides(d) for d in database.dependencies(HDF5))
    assert shown == [
        "%pkgconfig=pkg-config@0.29.2",
        "%szip=libszip@2.1.1",
        "%zlib-api=zlib@1.2.13",
        "cmake@3.26.3",
        "gmake@4.2.1",
    ]


def test_what_every_binary_brings_agrees_with_a_recursion_over_the_json(
    database: Database, raw: dict[str, dict[str, object]]
) -> None:
    @cache
    def closure(key: str) -> frozenset[str]:
        spec = raw[key]
        result: frozenset[str] = frozenset()
        for edge in spec.get("dependencies", []):  # type: ignore[attr-defined]
            if {"link", "run"} & set(edge["parameters"]["deptypes"]):
                result |= {edge["hash"]} | closure(edge["hash"])
        return result

    assert len(raw) == 1256
    sizes = []
    for key in raw:
        assert brought(key, database.dependencies) == closure(key) - {key}, raw[key]["name"]
        sizes.append(len(closure(key)))
    assert max(sizes) > 50  # the walk went deep somewhere, not only through leaves


def test_used_by_is_the_reverse_of_every_edge(
    database: Database, raw: dict[str, dict[str, object]]
) -> None:
    direct = used_by(raw, database.dependencies)
    expected: dict[str, set[str]] = {}
    for key, spec in raw.items():
        for edge in spec.get("dependencies", []):  # type: ignore[attr-defined]
            expected.setdefault(edge["hash"], set()).add(key)
    assert {k: set(v) for k, v in direct.items()} == expected
    assert HDF5 in direct[ZLIB]
    assert CMAKE in direct[ZLIB]
    # everything that reaches zlib through any edge, by the test's own recursion
    everyone = set()
    for key in raw:
        seen: set[str] = set()
        todo = [key]
        while todo:
            for edge in raw[todo.pop()].get("dependencies", []):  # type: ignore[attr-defined]
                if edge["hash"] not in seen:
                    seen.add(edge["hash"])
                    todo.append(edge["hash"])
        if ZLIB in seen:
            everyone.add(key)
    assert users(ZLIB, direct) == everyone
    assert len(everyone) > len(direct[ZLIB])


def test_the_tree_of_hdf5_marks_what_was_shown_before_and_what_was_cut(
    database: Database,
) -> None:
    lines = tree(HDF5, database.dependencies)
    top = [(b.depth, b.dependency.name) for b in lines if b.depth == 1]
    assert top == [(1, "cmake"), (1, "gmake"), (1, "libszip"), (1, "pkg-config"), (1, "zlib")]
    # cmake's three dependencies (and theirs, deeper) come between it and gmake
    gmake = next(i for i, b in enumerate(lines) if b.dependency.name == "gmake")
    assert [b.dependency.name for b in lines[1:gmake] if b.depth == 2] == [
        "curl",
        "ncurses",
        "zlib",
    ]
    assert all(b.depth >= 2 for b in lines[1:gmake])
    assert not any(b.shown_before for b in lines)  # nothing with dependencies twice
    shallow = tree(HDF5, database.dependencies, max_depth=1)
    assert [b.dependency.name for b in shallow] == [
        "cmake",
        "gmake",
        "libszip",
        "pkg-config",
        "zlib",
    ]
    assert [b.cut for b in shallow] == [True, False, False, False, False]
    installed = tree(HDF5, database.dependencies, installed_only=True)
    assert [b.dependency.name for b in installed] == ["libszip", "pkg-config", "zlib"]


def test_netcdf_c_expands_each_shared_subtree_once(database: Database) -> None:
    """netcdf-c 4.9.2 (ndzrau4): hdf5 and curl both need cmake to build, and more:
    a node with dependencies is expanded (followed by deeper lines) once, and marked
    where it comes again, after its expansion."""
    lines = tree("ndzrau4nk3tqhg44agrlzvisopghi6lt", database.dependencies)
    expanded = [b.dependency.hash for b, after in pairwise(lines) if after.depth > b.depth]
    assert len(expanded) == len(set(expanded))
    again = [i for i, b in enumerate(lines) if b.shown_before]
    assert [lines[i].dependency.name for i in again] == ["cmake", "curl", "cmake"]
    for i in again:
        assert lines[i].dependency.hash in [b.dependency.hash for b in lines[:i]]
        assert lines[i].dependency.hash in expanded
        assert i + 1 == len(lines) or lines[i + 1].depth <= lines[i].depth


def test_a_shared_subtree_is_listed_once_with_its_dependencies() -> None:
    """a -> b, c; b -> d; c -> d; d -> e: d's dependency e is listed under b's d only."""

    def edge(name: str) -> Dependency:
        return Dependency(name, "1", name * 32, ("link",))

    graph = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": ["e"], "e": []}
    by_hash = {name * 32: [edge(n) for n in graph[name]] for name in graph}
    lines = tree("a" * 32, lambda key: by_hash[key])
    assert [(b.depth, b.dependency.name, b.shown_before) for b in lines] == [
        (1, "b", False),
        (2, "d", False),
        (3, "e", False),
        (1, "c", False),
        (2, "d", True),
    ]
    assert lines[-1] == Branch(2, edge("d"), shown_before=True)


def test_a_chain_deeper_than_the_stack_is_walked() -> None:
    depth = 5_000
    by_hash = {
        str(i): [Dependency(f"p{i + 1}", "1", str(i + 1), ("link",))] if i < depth else []
        for i in range(depth + 1)
    }
    assert len(brought("0", lambda key: by_hash[key])) == depth
    assert len(tree("0", lambda key: by_hash[key])) == depth


def test_the_closure_of_cmake_holds_every_dependency_once(
    database: Database, raw: dict[str, dict[str, object]]
) -> None:
    """The dependencies of derecho's two cmake builds, directly or through others, as a
    spec table's page carries them for "Match a spec" (``^name@version``): each
    dependency once, however many reach it; from each build, by following the numbers,
    what a recursion over the raw JSON (every dependency type) finds. By hand: 3.26.3
    (k34xtup) reaches nghttp2 1.48.0 and libssh2 1.10.0 only through curl 8.1.2, 3.27.9
    (5tno2tn) nghttp2 1.52.0, libssh2 1.11.0 and diffutils 3.6 through curl 8.4.0."""
    newer = "5tno2tnppck2ozsggwuyk7nytwg4u3qp"

    def edges(key: str) -> list[dict[str, str]]:
        return cast("list[dict[str, str]]", raw[key].get("dependencies", []))

    def reach(key: str) -> set[str]:
        found: set[str] = set()
        for dependency in edges(key):
            found |= {dependency["hash"]} | reach(dependency["hash"])
        return found

    def name_version(key: str) -> tuple[str, str]:
        return str(raw[key]["name"]), str(raw[key]["version"])

    found = closure([CMAKE, newer], database.dependencies)
    assert list(found.roots) == [CMAKE, newer]
    assert len(found.nodes) == len(reach(CMAKE) | reach(newer)) == 17

    def follow(numbers: tuple[int, ...]) -> set[tuple[str, str]]:
        seen: set[int] = set()
        pending = list(numbers)
        while pending:
            number = pending.pop()
            if number not in seen:
                seen.add(number)
                pending.extend(found.nodes[number][2])
        return {found.nodes[n][:2] for n in seen}

    for key in (CMAKE, newer):
        assert follow(found.roots[key]) == {name_version(h) for h in reach(key)}
        direct = {name_version(d["hash"]) for d in edges(key)}
        assert {found.nodes[n][:2] for n in found.roots[key]} == direct
    assert ("nghttp2", "1.48.0") in follow(found.roots[CMAKE]) - follow(found.roots[newer])
    assert {("nghttp2", "1.52.0"), ("diffutils", "3.6")} <= follow(found.roots[newer])
