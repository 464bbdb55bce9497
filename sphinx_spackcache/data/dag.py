"""What a binary brings with it, and what uses it: walks over the dependency graph of a
snapshot (issue 27), whatever source gives the direct dependencies.

A source that knows dependencies (a Spack mirror, the live snapshot index, an OCI
registry, an install tree: ``sources.spack_db.Database.dependencies``)
gives, for a spec hash, its direct :class:`~.model.Dependency` edges, each with its
dependency types and the virtuals it provides. Everything here is worked out from that
one function, so it is the same for every source.

Which edges a binary *brings with it* follows Spack: installing a binary from a build
cache installs its ``link`` and ``run`` dependencies, and theirs, but not what was only
needed to build it (spack/spack ``lib/spack/spack/binary_distribution.py`` installs
``spec.traverse(deptype=("link", "run"))``; ``lib/spack/spack/deptypes.py`` names the
types). Build-only and test-only dependencies are shown apart.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Dependency

__all__ = [
    "INSTALLED",
    "Branch",
    "DependencyClosure",
    "DependencyCounts",
    "Subgraph",
    "TreeCut",
    "bounded_tree",
    "brought",
    "brought_counts",
    "closure",
    "counts",
    "first_known",
    "installed_closure",
    "provides",
    "remembered",
    "subgraph",
    "tree",
    "used_by",
    "users",
]

#: The dependency types whose dependencies come with an installed binary.
INSTALLED = frozenset({"link", "run"})

#: The direct dependencies of a spec hash, as a source gives them.
DependenciesOf = Callable[[str], Sequence[Dependency]]


def installed_with(dependency: Dependency) -> bool:
    """Whether *dependency* is installed with the binary that has it (``link`` or
    ``run``); one with no types at all is counted so too (an old database's edge)."""
    return not dependency.types or not INSTALLED.isdisjoint(dependency.types)


def provides(dependency: Dependency) -> str:
    """How Spack 1.0 prints an edge that provides virtuals: ``%mpi=openmpi@5.0.5``,
    ``%c,cxx=gcc@13.3.0``; without virtuals, ``name@version``."""
    target = f"{dependency.name}@{dependency.version}" if dependency.version else dependency.name
    if dependency.virtuals:
        return f"%{','.join(dependency.virtuals)}={target}"
    return target


def remembered(dependencies_of: DependenciesOf) -> DependenciesOf:
    """*dependencies_of*, each hash's answer worked out once (a source decodes a node's
    dependencies each time it is asked; walks over a table's binaries ask for the same
    shared nodes again and again)."""
    known: dict[str, Sequence[Dependency]] = {}

    def lookup(spec_hash: str) -> Sequence[Dependency]:
        found = known.get(spec_hash)
        if found is None:
            found = known[spec_hash] = dependencies_of(spec_hash)
        return found

    return lookup


def first_known(lookups: Sequence[DependenciesOf]) -> DependenciesOf | None:
    """One lookup of dependencies from several sources' (``None`` when there is none):
    the first that knows a hash answers. The records of one database each give a bound
    method of it: those count as one."""
    distinct = list({id(getattr(f, "__self__", f)): f for f in lookups}.values())
    if len(distinct) < 2:
        return distinct[0] if distinct else None

    def lookup(spec_hash: str) -> Sequence[Dependency]:
        for each in distinct:
            found = each(spec_hash)
            if found:
                return found
        return ()

    return lookup


def brought_counts(hashes: Iterable[str], dependencies_of: DependenciesOf) -> dict[str, int]:
    """How many binaries each of *hashes* brings with it (:func:`brought`), the shared
    ones worked out once."""
    lookup = remembered(dependencies_of)
    return {key: len(brought(key, lookup)) for key in hashes}


def brought(spec_hash: str, dependencies_of: DependenciesOf) -> frozenset[str]:
    """The hashes a binary brings with it: its ``link`` and ``run`` dependencies, and
    theirs, every one once (the binary itself not included)."""
    found: set[str] = set()
    pending = [spec_hash]
    while pending:
        for dependency in dependencies_of(pending.pop()):
            if installed_with(dependency) and dependency.hash not in found:
                found.add(dependency.hash)
                pending.append(dependency.hash)
    found.discard(spec_hash)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class DependencyClosure:
    """Every dependency of some binaries, directly or through others (any type), each
    once: what ``^name@version`` (:mod:`~.match`) is held against, numbered so that each
    is written once however many binaries share it."""

    #: ``(name, version, numbers of its direct dependencies)`` of each dependency, in the
    #: order found (breadth first from the binaries, in the order given).
    nodes: tuple[tuple[str, str, tuple[int, ...]], ...]
    #: Each binary's direct dependencies, by its hash (numbers into :attr:`nodes`).
    roots: dict[str, tuple[int, ...]]


def closure(hashes: Iterable[str], dependencies_of: DependenciesOf) -> DependencyClosure:
    """The :class:`DependencyClosure` of *hashes*: their dependencies, those dependencies'
    and so on, as ``data/match.py`` walks them for ``^`` (every type: Spack's ``^`` is any
    node of the graph)."""
    numbers: dict[str, int] = {}
    found: list[Dependency] = []

    def number(dependency: Dependency) -> int:
        if dependency.hash not in numbers:
            numbers[dependency.hash] = len(found)
            found.append(dependency)
        return numbers[dependency.hash]

    roots = {key: tuple(number(d) for d in dependencies_of(key)) for key in hashes}
    edges: list[tuple[int, ...]] = []
    while len(edges) < len(found):  # found grows as its nodes' dependencies are numbered
        edges.append(tuple(number(d) for d in dependencies_of(found[len(edges)].hash)))
    nodes = tuple(
        (dependency.name, dependency.version, children)
        for dependency, children in zip(found, edges, strict=True)
    )
    return DependencyClosure(nodes, roots)


@dataclass(frozen=True, slots=True)
class DependencyCounts:
    """ "N direct · M transitive" of one binary."""

    #: Direct dependencies installed with it (``link``/``run``).
    direct: int
    #: Direct dependencies needed only to build (or test) it.
    build_only: int
    #: Every binary it brings with it (:func:`brought`), the direct ones included.
    transitive: int


def counts(spec_hash: str, dependencies_of: DependenciesOf) -> DependencyCounts:
    """The counts of :class:`DependencyCounts` for *spec_hash*."""
    direct = {d.hash for d in dependencies_of(spec_hash) if installed_with(d)}
    build_only = {d.hash for d in dependencies_of(spec_hash) if d.hash not in direct}
    return DependencyCounts(
        direct=len(direct),
        build_only=len(build_only),
        transitive=len(brought(spec_hash, dependencies_of)),
    )


def used_by(hashes: Iterable[str], dependencies_of: DependenciesOf) -> dict[str, tuple[str, ...]]:
    """For each hash that something of *hashes* depends on (any type), the hashes of
    *hashes* that depend on it directly, sorted."""
    users_of: dict[str, set[str]] = {}
    for spec_hash in hashes:
        for dependency in dependencies_of(spec_hash):
            users_of.setdefault(dependency.hash, set()).add(spec_hash)
    return {key: tuple(sorted(found)) for key, found in users_of.items()}


def users(spec_hash: str, direct_users: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """Every hash that depends on *spec_hash*, directly or through others (any type):
    what may need a rebuild when it changes. *direct_users* is :func:`used_by`'s."""
    found: set[str] = set()
    pending = [spec_hash]
    while pending:
        for user in direct_users.get(pending.pop(), ()):
            if user not in found:
                found.add(user)
                pending.append(user)
    found.discard(spec_hash)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Branch:
    """One line of a dependency tree, as ``spack find -d`` prints one."""

    #: 1 for a direct dependency of the tree's root.
    depth: int
    dependency: Dependency
    #: Its dependencies were shown on an earlier line: not repeated here.
    shown_before: bool = False
    #: It has dependencies the tree leaves out because of its depth limit.
    cut: bool = False


def tree(
    spec_hash: str,
    dependencies_of: DependenciesOf,
    *,
    max_depth: int | None = None,
    installed_only: bool = False,
) -> tuple[Branch, ...]:
    """The dependency tree of *spec_hash*, depth first, each node's dependencies by
    name. A node reached again (a shared subtree: every binary of a stack reaches its
    compiler runtime) is listed again, marked :attr:`~Branch.shown_before`, without its
    dependencies; below *max_depth* a node's dependencies are left out and it is marked
    :attr:`~Branch.cut`. With *installed_only*, only ``link``/``run`` edges are followed
    (what the binary brings with it)."""
    lines: list[Branch] = []
    expanded: set[str] = {spec_hash}

    def edges(key: str) -> list[Dependency]:
        found = dependencies_of(key)
        chosen = [d for d in found if installed_with(d)] if installed_only else list(found)
        return sorted(chosen, key=lambda d: (d.name, d.hash))

    # an explicit stack, not recursion: a DAG may be deeper than Python's stack allows
    pending: list[tuple[int, Dependency]] = [(1, d) for d in reversed(edges(spec_hash))]
    while pending:
        depth, dependency = pending.pop()
        below = edges(dependency.hash)
        if dependency.hash in expanded:
            lines.append(Branch(depth, dependency, shown_before=bool(below)))
            continue
        if max_depth is not None and depth >= max_depth:
            lines.append(Branch(depth, dependency, cut=bool(below)))
            continue
        expanded.add(dependency.hash)
        lines.append(Branch(depth, dependency))
        pending.extend((depth + 1, d) for d in reversed(below))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class Subgraph:
    """The part of a dependency graph a figure shows: the nodes nearest the roots, in
    the order they were reached, and the edges among them."""

    #: The hashes the figure starts from (each a node too).
    roots: tuple[str, ...]
    #: hash -> (package, version) of every node shown, roots first.
    nodes: dict[str, tuple[str, str]]
    #: (from hash, edge) among the nodes shown, in the order reached.
    edges: tuple[tuple[str, Dependency], ...]
    #: Nodes shown whose dependencies are not all shown (the depth or the node limit).
    cut: frozenset[str]
    #: How many nodes the roots reach in all (by the same edges), those shown included.
    reachable: int


def subgraph(
    roots: Sequence[tuple[str, str, str]],
    dependencies_of: DependenciesOf,
    *,
    max_depth: int | None = None,
    max_nodes: int | None = None,
    installed_only: bool = False,
) -> Subgraph:
    """The nodes within *max_depth* edges of *roots* (``(hash, package, version)``
    each), breadth first so that a node limit keeps the nearest, at most *max_nodes*
    of them (the roots always), and the edges among them; with *installed_only*, only
    ``link``/``run`` edges."""

    def edges(key: str) -> list[Dependency]:
        found = sorted(dependencies_of(key), key=lambda d: (d.name, d.hash))
        return [d for d in found if installed_with(d)] if installed_only else found

    nodes = {key: (name, version) for key, name, version in roots}
    depth = dict.fromkeys(nodes, 0)
    frontier = list(nodes)
    limit = max(max_nodes or 0, len(nodes)) if max_nodes is not None else None
    while frontier:
        following: list[str] = []
        for key in frontier:
            if max_depth is not None and depth[key] >= max_depth:
                continue
            for dependency in edges(key):
                if dependency.hash in nodes:
                    continue
                if limit is not None and len(nodes) >= limit:
                    break
                nodes[dependency.hash] = (dependency.name, dependency.version)
                depth[dependency.hash] = depth[key] + 1
                following.append(dependency.hash)
        frontier = following
    shown = tuple((key, d) for key in nodes for d in edges(key) if d.hash in nodes)
    cut = frozenset(key for key in nodes if any(d.hash not in nodes for d in edges(key)))
    everything = set(nodes)
    pending = list(nodes)
    while pending:
        for dependency in edges(pending.pop()):
            if dependency.hash not in everything:
                everything.add(dependency.hash)
                pending.append(dependency.hash)
    return Subgraph(
        roots=tuple(key for key, _, _ in roots),
        nodes=nodes,
        edges=shown,
        cut=cut,
        reachable=len(everything),
    )


def installed_closure(
    hashes: Iterable[str], dependencies_of: DependenciesOf
) -> dict[str, tuple[Dependency, ...]]:
    """The ``link``/``run`` edges of *hashes* and of everything they bring with them
    (:func:`brought`), by hash: all that the trees of *hashes*' binaries are drawn from
    (a table's binaries share most of it: kept once for the table, not once a row)."""
    found: dict[str, tuple[Dependency, ...]] = {}
    pending = list(dict.fromkeys(hashes))
    while pending:
        key = pending.pop()
        if key in found:
            continue
        edges = tuple(d for d in dependencies_of(key) if installed_with(d))
        found[key] = edges
        pending.extend(d.hash for d in edges if d.hash not in found)
    return found


@dataclass(frozen=True, slots=True)
class TreeCut:
    """A tree of :func:`bounded_tree` and what it leaves out."""

    branches: tuple[Branch, ...]
    #: The depth the tree stops at to fit (``None``: as deep as it goes).
    depth: int | None
    #: Lines left off the end past the limit (when even one edge deep is too long).
    dropped: int


def bounded_tree(spec_hash: str, dependencies_of: DependenciesOf, *, limit: int) -> TreeCut:
    """The tree of what *spec_hash* brings with it (:func:`tree` of ``link``/``run``
    edges, shared subtrees once) in at most *limit* lines: the whole tree when it fits,
    else the deepest tree that fits, 3 edges deep or 2; else the first *limit* lines of
    the tree 2 edges deep (one edge deep would say no more than the direct
    dependencies do) and how many lines are left off."""
    whole = tree(spec_hash, dependencies_of, installed_only=True)
    if len(whole) <= limit:
        return TreeCut(whole, None, 0)
    deepest = max(branch.depth for branch in whole)
    shallowest = min(2, deepest)
    for depth in range(min(deepest - 1, 3), shallowest - 1, -1):
        cut = tree(spec_hash, dependencies_of, installed_only=True, max_depth=depth)
        if len(cut) <= limit:
            return TreeCut(cut, depth, 0)
    cut = tree(spec_hash, dependencies_of, installed_only=True, max_depth=shallowest)
    return TreeCut(cut[:limit], shallowest, len(cut) - limit)
