"""Does a binary of a cache satisfy a spec, and if not, in what does it differ?

:func:`check` holds a binary (a :class:`~sphinx_spackcache.data.model.Spec`) against a
:class:`~sphinx_spackcache.data.specsyntax.Query` with Spack's ``Spec.satisfies``
(spack/spack ``lib/spack/spack/spec.py``: a concrete spec satisfies an abstract one when
every constraint the abstract one sets holds of it) for the subset the parser reads, and
returns a :class:`Match`: every field that fails, and how (a :class:`Reason`).
:func:`satisfies` is its yes or no, :func:`nearest` ranks the binaries that do not
satisfy the spec.

Field by field:

* name: the package of the record, when the caller gives it (a spec row does not carry
  its package);
* versions: Spack's version semantics (:mod:`~sphinx_spackcache.data.specsyntax`):
  ``@1.14`` holds of ``1.14.5``, ``@=1.14`` only of ``1.14``;
* variants: ``+v``/``~v`` against the binary's ``+v``/``~v`` (or ``v=true``/``false``);
  ``v=*`` holds of any value; ``patches=`` of a prefix of a patch's SHA-256 (records shorten
  each to seven characters); ``v=x,y`` holds when the binary has at least these values
  (Spack's multi-valued variants; a single-valued one has one value, so it must be that
  one); ``v:=x`` when it has exactly these. A variant the record does not list is
  **unknown**: Spack would
  read the package's recipe (the variant may not exist, or exist only in later
  versions), which a cache does not hold;
* ``platform=``, ``os=``: equal names. ``target=``: a name is that target exactly (Spack's
  ``ArchSpec._target_intersection``: ``target=zen3`` is not satisfied by an
  ``x86_64_v3`` binary); a range ``lo:hi`` holds of the targets from *lo* up to *hi* in
  archspec's order (``x86_64_v3:`` is ``x86_64_v3`` and every CPU whose ancestors
  include it; ``:zen3`` is every target that runs on a zen3);
* ``%name@versions``: Spack 1.0 reads it as a direct dependency *name*; the compiler is
  one. How each source is matched:

  - cache.spack.io records carry only a ``compiler`` field (``gcc@11.4.0``,
    ``gcc@=11.4.0`` in v0.23 snapshots, ``oneapi@=2024.1.0``, or ``none``). ``%name``
    holds when the field names that compiler (legacy names, e.g. ``oneapi``, are read as
    Spack 1.0's packages, ``intel-oneapi-compilers``) in a version the query allows. A
    known compiler other than the recorded one fails (the record names the compiler that
    built the binary). ``%name`` of a package that is not a compiler, such as ``%cmake``,
    is **unknown**, and so are options written on the ``%`` node other than its version;
  - Spack mirrors (``index.json``) also know every node's direct dependencies (pass
    ``dependencies``): ``%name@versions`` also holds when a direct dependency of that name
    and version exists, as in Spack 1.0;
  - ``none`` (a binary built without a compiler) fails every ``%compiler``;
* ``^name@versions``: a dependency anywhere in the binary's graph of that name and a
  version the query allows. Only a source that records dependencies can answer (Spack
  mirrors); elsewhere the answer is **unknown**. A dependency's variants, architecture
  and compiler are not recorded with it: asked for, they are unknown too. A virtual
  (``^mpi``) is resolved by no source (the indexes record the providers' names), so it is
  unknown when no dependency of that name exists.

An unknown field is never guessed: the binary is not said to satisfy the spec, and the
reason, marked ``unknown`` (:class:`Reason`), says what the cache does not record.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .model import Dependency, Spec
from .specsyntax import (
    LEGACY_COMPILER_TO_BUILTIN,
    Node,
    Query,
    Variant,
    VersionList,
    parse_spec,
)
from .targets import runs_on
from .versions import version_key

__all__ = [
    "COMPILERS",
    "VIRTUALS",
    "DependencyLookup",
    "Match",
    "Reason",
    "check",
    "nearest",
    "recorded_variants",
    "satisfies",
    "version_distance",
]

#: A source's direct dependencies of a spec, by the spec's hash (e.g.
#: ``Database.dependencies`` of ``sphinx_spackcache.sources.spack_db``).
DependencyLookup = Callable[[str], Sequence[Dependency]]

#: Packages that are compilers (Spack 1.0's names; each provides ``c``, ``cxx`` or
#: ``fortran`` in spack/spack-packages), so that ``%name`` of one can be answered from a
#: record's ``compiler`` field. Names in records from 2024 to 2026 snapshots, and the
#: other compilers Spack's ``compilers.yaml`` knew.
COMPILERS = frozenset(
    {
        "gcc",
        "llvm",
        "apple-clang",
        "intel-oneapi-compilers",
        "intel-oneapi-compiler-classic",
        "llvm-amdgpu",
        "acfl",
        "aocc",
        "cce",
        "nvhpc",
        "xl",
        "fj",
        "msvc",
        "nag",
        *LEGACY_COMPILER_TO_BUILTIN,
    }
)

#: Common virtual packages: ``^mpi`` is provided by a package of another name, which no
#: source records, so a missing dependency of one of these names is unknown, not a failure.
VIRTUALS = frozenset(
    {
        "mpi",
        "blas",
        "lapack",
        "scalapack",
        "c",
        "cxx",
        "fortran",
        "fftw-api",
        "gl",
        "glu",
        "golang",
        "java",
        "jpeg",
        "libllvm",
        "mkl",
        "opencl",
        "pkgconfig",
        "tbb",
        "uuid",
        "yacc",
        "zlib-api",
        "iconv",
        "elf",
        "lua-lang",
        "libc",
        "libglx",
        "xxd",
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One way a binary differs from a spec: the *field* (``package``, ``version``,
    ``variant``, ``platform``, ``os``, ``target``, ``compiler``, ``dependency``) and the
    words for it (``+mpi wanted, ~mpi built``). ``unknown`` when the cache cannot tell."""

    field: str
    text: str
    unknown: bool = False

    def __str__(self) -> str:
        return f"unknown: {self.text}" if self.unknown else self.text


@dataclass(frozen=True, slots=True)
class Match:
    """A binary held against a spec: every :class:`Reason` it does not (or may not)
    satisfy the spec, in the order of the spec's fields."""

    spec: Spec
    reasons: tuple[Reason, ...]
    #: How far the binary's version is from the versions asked for (see
    #: :func:`version_distance`); ``(0, 0, 0)`` inside them or when none are asked for.
    distance: tuple[int, int, int] = (0, 0, 0)

    @property
    def satisfied(self) -> bool:
        """Whether the binary satisfies the spec (no reason at all, unknowns included)."""
        return not self.reasons

    @property
    def failing(self) -> tuple[Reason, ...]:
        """The reasons that are certain."""
        return tuple(r for r in self.reasons if not r.unknown)

    @property
    def unknown(self) -> tuple[Reason, ...]:
        """What the cache cannot tell."""
        return tuple(r for r in self.reasons if r.unknown)

    @property
    def failing_fields(self) -> tuple[str, ...]:
        """The fields that fail for certain, each once, in order."""
        return tuple(dict.fromkeys(r.field for r in self.failing))


def recorded_variants(spec: Spec) -> dict[str, tuple[frozenset[str], str]]:
    """The binary's variants by name: their values (``+x`` is ``{"true"}``, ``~x``
    ``{"false"}``, ``k=a,b`` ``{"a", "b"}``) and how the record writes them."""
    found: dict[str, tuple[frozenset[str], str]] = {}
    for text in spec.variants:
        if text[:1] in ("+", "~", "-") and "=" not in text:
            found[text[1:]] = (frozenset({"true" if text[0] == "+" else "false"}), text)
        elif "=" in text:
            name, value = text.split("=", 1)
            found[name.rstrip(":")] = (frozenset(_canonical(v) for v in value.split(",")), text)
    return found


def _canonical(value: str) -> str:
    """Boolean values are read whatever their case (Spack's ``BoolValuedVariant``)."""
    return value.lower() if value.lower() in ("true", "false") else value


def _builtin(name: str) -> str:
    return LEGACY_COMPILER_TO_BUILTIN.get(name, name)


def _versions_ok(version: str, wanted: VersionList | None) -> bool:
    return wanted is None or wanted.contains(version)


def version_distance(version: str, wanted: VersionList | None) -> tuple[int, int, int]:
    """How far *version* is from the versions *wanted*, for ranking: ``(0, 0, 0)``
    inside them, else ``(1, -i, d)`` for the nearest end of an item, where *i* is the
    first segment in which the two differ and *d* the difference there (of numbers; 1
    otherwise). Farther is greater: from ``:1.14.3``, ``1.14.5`` is ``(1, -2, 2)``,
    ``1.16.0`` is ``(1, -1, 2)``, ``2.0`` is ``(1, 0, 1)``.

    >>> from sphinx_spackcache.data.specsyntax import parse_spec
    >>> wanted = parse_spec("hdf5@:1.14.3").root.versions
    >>> [version_distance(v, wanted) for v in ("1.14.1", "1.14.5", "1.16.0", "2.0")]
    [(0, 0, 0), (1, -2, 2), (1, -1, 2), (1, 0, 1)]
    """
    if wanted is None or wanted.contains(version):
        return (0, 0, 0)
    best: tuple[int, int, int] | None = None
    release = version_key(version)[0]
    for item in wanted.items:
        for end in item.bounds():
            if end is None:
                continue
            other = version_key(end)[0]
            common = min(len(release), len(other))
            i = 0
            while i < common and release[i] == other[i]:
                i += 1
            step = 1
            if i < common:
                (kind, mine), (other_kind, theirs) = release[i], other[i]
                if kind == other_kind == 1 and isinstance(mine, int) and isinstance(theirs, int):
                    step = abs(mine - theirs)
            found = (1, -i, step)
            if best is None or found < best:
                best = found
    return best or (1, 0, 1)


def _target_item_ok(target: str, item: str) -> bool:
    """Spack's ``_target_intersection`` for a concrete target and one item."""
    if ":" not in item:
        return target == item
    lo, hi = item.split(":", 1)
    return (not lo or runs_on(lo, target)) and (not hi or runs_on(target, hi))


def _target_reason(target: str, items: tuple[str, ...]) -> str:
    if len(items) == 1:
        item = items[0]
        if ":" not in item:
            return f"target {target}, not {item}"
        lo, hi = item.split(":", 1)
        if not lo:
            return f"target {target} does not run on {hi}"
        if not hi:
            return f"target {target} is not {lo} or newer"
    return f"target {target} outside target={','.join(items)}"


def _check_variants(spec: Spec, wanted: tuple[Variant, ...]) -> list[Reason]:
    reasons = []
    built = recorded_variants(spec)
    for variant in wanted:
        if variant.name not in built:
            reasons.append(
                Reason("variant", f"variant {variant.name} not recorded for this binary", True)
            )
            continue
        values, written = built[variant.name]
        asked = frozenset(_canonical(v) for v in variant.values)
        if asked == {"*"}:  # any value (Spack's ``v=*``)
            ok = True
        elif variant.name == "patches":  # a prefix of a patch's sha256 will do, and
            # records shorten each to SHORT_HASH_LENGTH characters
            ok = all(any(a.startswith(b) or b.startswith(a) for b in values) for a in asked)
        else:
            ok = asked == values if variant.exact else asked <= values
        if not ok:
            shown = ("~" + variant.name) if written.startswith("-") else written
            reasons.append(Reason("variant", f"{variant} wanted, {shown} built"))
    return reasons


def _node_extras(node: Node) -> list[str]:
    """What a node asks for beyond its name and versions."""
    extras = [str(v) for v in node.variants]
    extras += [f"{k}={getattr(node, k)}" for k in ("platform", "os") if getattr(node, k)]
    if node.targets:
        extras.append("target=" + ",".join(node.targets))
    extras += [f"%{d}" for d in node.direct]
    return extras


def _check_direct(spec: Spec, node: Node, direct: Sequence[Dependency] | None) -> list[Reason]:
    """``%name@versions`` (Spack 1.0: a direct dependency; the compiler is one)."""
    name = _builtin(node.name or "")
    asked = f"%{node.name}" + (f"@{node.versions}" if node.versions else "")
    reasons: list[Reason] = []
    extras = _node_extras(node)
    if extras:
        reasons.append(
            Reason(
                "compiler",
                f"{' '.join(extras)} asked of %{node.name}: only its name and version are"
                " recorded (Spack 1.0 reads what follows %name as that node's: write"
                " the root's options before it)",
                True,
            )
        )
    compiler = spec.compiler
    if compiler is not None:
        c_name, _, c_version = compiler.partition("@")
        if _builtin(c_name) == name and (
            not node.versions or _versions_ok(c_version, node.versions)
        ):
            return reasons
    if direct is not None:
        for dep in direct:
            if _builtin(dep.name) == name and _versions_ok(dep.version, node.versions):
                return reasons
        if compiler is None:
            return [
                *reasons,
                Reason("compiler", f"no compiler (built without one), {asked} wanted"),
            ]
        return [*reasons, Reason("compiler", f"compiler {compiler}, no direct dependency {asked}")]
    if compiler is None:
        if name in COMPILERS:
            return [
                *reasons,
                Reason("compiler", f"no compiler (built without one), {asked} wanted"),
            ]
        return [
            *reasons,
            Reason("compiler", f"{asked}: direct dependencies not recorded by this source", True),
        ]
    if name in COMPILERS or _builtin(compiler.partition("@")[0]) == name:
        return [*reasons, Reason("compiler", f"compiler {compiler}, not {asked}")]
    return [
        *reasons,
        Reason("compiler", f"{asked}: direct dependencies not recorded by this source", True),
    ]


def _all_dependencies(spec_hash: str, lookup: DependencyLookup) -> list[Dependency]:
    """Every dependency of the spec, each once, breadth first."""
    seen: dict[str, Dependency] = {}
    queue = [spec_hash]
    while queue:
        for dep in lookup(queue.pop(0)):
            if dep.hash not in seen:
                seen[dep.hash] = dep
                queue.append(dep.hash)
    return list(seen.values())


def _check_dependencies(
    spec: Spec, wanted: tuple[Node, ...], lookup: DependencyLookup | None
) -> list[Reason]:
    reasons: list[Reason] = []
    if not wanted:
        return reasons
    if lookup is None:
        for node in wanted:
            reasons.append(
                Reason("dependency", f"^{node}: dependencies not recorded by this source", True)
            )
        return reasons
    everything = _all_dependencies(spec.hash, lookup)
    for node in wanted:
        named = [d for d in everything if d.name == node.name]
        extras = _node_extras(node)
        if extras:
            reasons.append(
                Reason(
                    "dependency",
                    f"{' '.join(extras)} asked of ^{node.name}: only its version is recorded",
                    True,
                )
            )
        if not named:
            if node.name in VIRTUALS:
                reasons.append(
                    Reason(
                        "dependency", f"^{node.name} is virtual: providers are not recorded", True
                    )
                )
            else:
                reasons.append(Reason("dependency", f"no dependency {node.name}"))
        elif not any(_versions_ok(d.version, node.versions) for d in named):
            versions = ", ".join(sorted({d.version for d in named}, key=version_key))
            reasons.append(
                Reason("dependency", f"dependency {node.name}@{versions} outside @{node.versions}")
            )
    return reasons


def check(
    spec: Spec,
    query: Query | str,
    *,
    package: str | None = None,
    dependencies: DependencyLookup | None = None,
    runs_on_cpu: str | None = None,
) -> Match:
    """Hold the binary *spec* (of the package *package*, when known) against *query*.

    *dependencies* gives a spec's direct dependencies by hash where the source records
    them (a Spack mirror), ``None`` where it does not (cache.spack.io records).
    *runs_on_cpu*, a host CPU, adds the condition that the binary's target runs on it
    (archspec), as ``:runs-on:`` does.
    """
    q = parse_spec(query) if isinstance(query, str) else query
    root = q.root
    reasons: list[Reason] = []
    if root.name is not None and package is not None and root.name != package:
        reasons.append(Reason("package", f"package {package}, not {root.name}"))
    distance = (0, 0, 0)
    if root.versions is not None:
        if not spec.versions:
            reasons.append(Reason("version", "no version recorded", True))
        else:
            outside = [v for v in spec.versions if not root.versions.contains(v)]
            for version in outside:
                reasons.append(Reason("version", f"version {version} outside @{root.versions}"))
            distance = max(version_distance(v, root.versions) for v in spec.versions)
    if root.direct:
        direct = list(dependencies(spec.hash)) if dependencies is not None else None
        for node in root.direct:
            reasons.extend(_check_direct(spec, node, direct))
    reasons.extend(_check_variants(spec, root.variants))
    if root.platform is not None and spec.platform != root.platform:
        reasons.append(Reason("platform", f"platform {spec.platform}, not {root.platform}"))
    if root.os is not None and spec.os != root.os:
        reasons.append(Reason("os", f"os {spec.os}, not {root.os}"))
    if root.targets and not any(_target_item_ok(spec.target, t) for t in root.targets):
        reasons.append(Reason("target", _target_reason(spec.target, root.targets)))
    if runs_on_cpu is not None and not runs_on(spec.target, runs_on_cpu):
        reasons.append(Reason("target", f"target {spec.target} does not run on {runs_on_cpu}"))
    reasons.extend(_check_dependencies(spec, q.dependencies, dependencies))
    return Match(spec, tuple(reasons), distance)


def satisfies(
    spec: Spec,
    query: Query | str,
    *,
    package: str | None = None,
    dependencies: DependencyLookup | None = None,
    runs_on_cpu: str | None = None,
) -> bool:
    """Whether the binary *spec* satisfies *query* for certain (see :func:`check`)."""
    return check(
        spec, query, package=package, dependencies=dependencies, runs_on_cpu=runs_on_cpu
    ).satisfied


def nearest(
    specs: Iterable[Spec],
    query: Query | str,
    n: int,
    *,
    package: str | None = None,
    dependencies: DependencyLookup | None = None,
    runs_on_cpu: str | None = None,
) -> list[Match]:
    """The *n* binaries nearest to satisfying *query* among those that do not: fewest
    failing fields first (unknowns are not failures: a binary that may satisfy the spec
    comes first), then by :func:`version_distance`, then newest version, then hash."""
    q = parse_spec(query) if isinstance(query, str) else query
    misses = [
        m
        for m in (
            check(s, q, package=package, dependencies=dependencies, runs_on_cpu=runs_on_cpu)
            for s in specs
        )
        if not m.satisfied
    ]
    misses.sort(key=lambda m: m.spec.hash)
    misses.sort(key=lambda m: sorted(map(version_key, m.spec.versions)), reverse=True)
    misses.sort(key=lambda m: (len(m.failing_fields), m.distance))
    return misses[: max(n, 0)]
