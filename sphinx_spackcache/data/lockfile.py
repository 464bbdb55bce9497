"""A Spack environment's ``spack.lock``: its roots and every concrete node, read so that
each node can be looked for in a build cache (by its DAG hash) and, when it is not
there, held against the cache's binaries (:mod:`~sphinx_spackcache.data.match`).

Lockfile versions 4 to 6 are read (spack/spack ``lib/spack/spack/environment/
environment.py`` writes them: ``lockfile_format_version``), the three in use since
Spack 0.19:

* **4** (Spack 0.19 and 0.20, specfile version 3): a node names its ``compiler``
  (``{"name": "gcc", "version": "12.1.1"}``), its ``arch.target`` may be a whole
  microarchitecture (``{"name": "icelake", "vendor": ..., "features": [...]}``), and
  each dependency has a ``type`` list;
* **5** (Spack 0.21 to 0.23, specfile version 4): the same, each dependency with
  ``parameters: {deptypes, virtuals}``;
* **6** (Spack 1.0 on, specfile version 5): no ``compiler`` field; the compiler is the
  direct dependency that provides ``c``, ``cxx`` or ``fortran`` (its ``virtuals``).

Older lockfiles (versions 1 to 3, ``concrete_specs`` keyed by hash then by package name)
are refused with a :class:`LockfileError` that says so, as are files that are not JSON
or not a lockfile. A node becomes a :class:`LockNode`, whose :meth:`LockNode.binary` is
the :class:`~sphinx_spackcache.data.model.Spec` a cache record would hold for it and whose
:meth:`LockNode.query` is the spec a binary must satisfy to stand in for it.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import Dependency, Spec, short_hash
from .specsyntax import ExactVersion, Node, Query, Variant, VersionList

__all__ = [
    "COMPILER_VIRTUALS",
    "FLAG_PARAMETERS",
    "SUPPORTED_VERSIONS",
    "LockDependency",
    "LockNode",
    "Lockfile",
    "LockfileError",
    "load_lockfile",
    "parse_lockfile",
]

#: The lockfile versions read here.
SUPPORTED_VERSIONS = (4, 5, 6)

#: What a compiler provides, in Spack 1.0 (lockfile 6): a direct dependency providing
#: one of these is the node's compiler.
COMPILER_VIRTUALS = frozenset({"c", "cxx", "fortran"})

#: Parameters that are compiler flags, not variants (a cache records no flags).
FLAG_PARAMETERS = frozenset({"cflags", "cppflags", "cxxflags", "fflags", "ldflags", "ldlibs"})


class LockfileError(ValueError):
    """A file that cannot be read as a lockfile of a supported version: ``message``
    says why, ``line`` is the 1-based line at fault when known (0 otherwise)."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.message = message
        self.line = line
        super().__init__(message if not line else f"{message} (line {line})")


@dataclass(frozen=True, slots=True)
class LockDependency:
    """A direct dependency of a node: its package, hash, how it is needed and the
    virtuals it provides to the node (empty before lockfile 5)."""

    name: str
    hash: str
    types: tuple[str, ...]
    virtuals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LockNode:
    """One concrete node of the environment."""

    hash: str
    name: str
    version: str
    platform: str
    os: str
    target: str
    #: ``name@version`` of the compiler, ``None`` when the node has none.
    compiler: str | None
    #: The variants, written as cache records write them (``+shared``, ``~ipo``,
    #: ``build_type=Release``, ``libs=shared,static``); compiler flags left out.
    variants: tuple[str, ...]
    dependencies: tuple[LockDependency, ...]
    #: Whether Spack did not build it (an ``external``, such as ``/usr``'s cmake).
    external: bool

    def binary(self) -> Spec:
        """The node as the :class:`~sphinx_spackcache.data.model.Spec` of a binary."""
        return Spec(
            hash=self.hash,
            versions=(self.version,),
            record_compiler=self.compiler or "none",
            os=self.os,
            platform=self.platform,
            target=self.target,
            variants=self.variants,
            stacks=(),
        )

    def query(self) -> Query:
        """The spec a binary must satisfy to stand in for this node: its package, exact
        version, variants, ``platform``, ``os`` and ``target``, and ``%compiler@=version``."""
        variants = []
        for text in self.variants:
            if text[0] in "+~":
                variants.append(
                    Variant(text[1:], ("true" if text[0] == "+" else "false",), boolean=True)
                )
            else:
                name, value = text.split("=", 1)
                variants.append(Variant(name, tuple(value.split(","))))
        direct: tuple[Node, ...] = ()
        if self.compiler is not None:
            name, _, version = self.compiler.partition("@")
            direct = (Node(name=name, versions=VersionList((ExactVersion(version),))),)
        root = Node(
            name=self.name,
            versions=VersionList((ExactVersion(self.version),)),
            variants=tuple(variants),
            platform=self.platform,
            os=self.os,
            targets=(self.target,),
            direct=direct,
        )
        return Query(root)


@dataclass(frozen=True, slots=True)
class Lockfile:
    """A ``spack.lock``: its version, the Spack that wrote it (lockfile 6 says), its
    roots (hash and the spec as the environment wrote it) and every node by hash."""

    version: int
    spack_version: str | None
    roots: tuple[tuple[str, str], ...]
    nodes: Mapping[str, LockNode]

    def dependencies(self, spec_hash: str) -> tuple[Dependency, ...]:
        """The direct dependencies of the node *spec_hash* (the
        :data:`~sphinx_spackcache.data.match.DependencyLookup` of a lockfile)."""
        node = self.nodes.get(spec_hash)
        if node is None:
            return ()
        return tuple(
            Dependency(d.name, self.nodes[d.hash].version, d.hash, d.types)
            for d in node.dependencies
            if d.hash in self.nodes
        )

    def root_nodes(self) -> tuple[LockNode, ...]:
        """The nodes of the roots, each once, in the order of the file."""
        seen = dict.fromkeys(h for h, _ in self.roots)
        return tuple(self.nodes[h] for h in seen if h in self.nodes)


def _target(arch: Mapping[str, Any], where: str) -> str:
    target = arch.get("target")
    if isinstance(target, Mapping):  # lockfile 4 and 5: a whole microarchitecture
        target = target.get("name")
    if not isinstance(target, str) or not target:
        raise LockfileError(f"{where} has no target")
    return target


def _variants(parameters: Mapping[str, Any]) -> tuple[str, ...]:
    written = []
    for name, value in parameters.items():
        if name in FLAG_PARAMETERS:
            continue
        if isinstance(value, bool):
            written.append(("+" if value else "~") + name)
        elif isinstance(value, list):
            # a patch by the start of its SHA-256, as Spack prints it and as a build
            # cache's binaries are read (spack_db)
            items = [short_hash(str(v)) if name == "patches" else str(v) for v in value]
            written.append(f"{name}={','.join(items)}")
        else:
            written.append(f"{name}={value}")
    return tuple(written)


def _dependencies(body: Mapping[str, Any], where: str) -> tuple[LockDependency, ...]:
    raw = body.get("dependencies", [])
    if not isinstance(raw, list):
        raise LockfileError(f"{where}: 'dependencies' is not a list")
    found = []
    for entry in raw:
        if not isinstance(entry, Mapping) or not {"name", "hash"} <= entry.keys():
            raise LockfileError(f"{where}: a dependency without a name and a hash")
        parameters = entry.get("parameters")
        if isinstance(parameters, Mapping):  # lockfile 5 and 6
            types = parameters.get("deptypes", [])
            virtuals = parameters.get("virtuals", [])
        else:  # lockfile 4
            types, virtuals = entry.get("type", []), []
        found.append(
            LockDependency(str(entry["name"]), str(entry["hash"]), tuple(types), tuple(virtuals))
        )
    return tuple(found)


def _node(key: str, body: Any, version: int) -> tuple[LockNode, tuple[LockDependency, ...]]:
    where = f"node {key}"
    if not isinstance(body, Mapping) or "name" not in body:
        raise LockfileError(f"{where} is not a spec with a name")
    arch = body.get("arch")
    if not isinstance(arch, Mapping):
        raise LockfileError(f"{where} ({body['name']}) has no arch")
    compiler = None
    raw_compiler = body.get("compiler")
    if version < 6 and isinstance(raw_compiler, Mapping) and raw_compiler.get("name"):
        compiler = f"{raw_compiler['name']}@{raw_compiler.get('version', '')}".rstrip("@")
    parameters = body.get("parameters", {})
    dependencies = _dependencies(body, where)
    node = LockNode(
        hash=key,
        name=str(body["name"]),
        version=str(body.get("version", "")),
        platform=str(arch.get("platform", "")),
        os=str(arch.get("platform_os", "")),
        target=_target(arch, where),
        compiler=compiler,
        variants=_variants(parameters if isinstance(parameters, Mapping) else {}),
        dependencies=dependencies,
        external="external" in body,
    )
    return node, dependencies


def parse_lockfile(text: str | bytes) -> Lockfile:
    """Read a ``spack.lock`` of version 4, 5 or 6.

    Raises :class:`LockfileError` for anything else (not JSON, not a lockfile, another
    version, a node without what a spec needs).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockfileError(f"not JSON: {exc.msg}", exc.lineno) from exc
    except (UnicodeDecodeError, RecursionError) as exc:
        raise LockfileError(f"not readable as JSON ({type(exc).__name__})") from exc
    meta = data.get("_meta") if isinstance(data, Mapping) else None
    if not isinstance(meta, Mapping) or meta.get("file-type") != "spack-lockfile":
        raise LockfileError("not a Spack lockfile (no _meta.file-type 'spack-lockfile')")
    version = meta.get("lockfile-version")
    if version not in SUPPORTED_VERSIONS:
        raise LockfileError(
            f"lockfile version {version} is not supported: versions 4 to 6 are"
            " (Spack 0.19 and later); 'spack concretize' rewrites an older one"
        )
    roots_raw, specs_raw = data.get("roots"), data.get("concrete_specs")
    if not isinstance(roots_raw, list) or not isinstance(specs_raw, Mapping):
        raise LockfileError("a lockfile needs 'roots' (a list) and 'concrete_specs'")
    nodes: dict[str, LockNode] = {}
    edges: dict[str, tuple[LockDependency, ...]] = {}
    for key, body in specs_raw.items():
        nodes[str(key)], edges[str(key)] = _node(str(key), body, version)
    if version >= 6:  # the compiler is the direct dependency providing c, cxx or fortran
        for key, deps in edges.items():
            compilers = [d for d in deps if COMPILER_VIRTUALS & set(d.virtuals) and d.hash in nodes]
            if compilers:
                first = nodes[compilers[0].hash]
                nodes[key] = replace(nodes[key], compiler=f"{first.name}@{first.version}")
    roots = []
    for entry in roots_raw:
        if not isinstance(entry, Mapping) or "hash" not in entry:
            raise LockfileError("a root without a hash")
        if entry["hash"] not in nodes:
            raise LockfileError(f"root {entry.get('spec', '')} ({entry['hash']}) has no node")
        roots.append((str(entry["hash"]), str(entry.get("spec", ""))))
    spack = data.get("spack")
    spack_version = spack.get("version") if isinstance(spack, Mapping) else None
    return Lockfile(int(version), spack_version, tuple(roots), nodes)


def load_lockfile(path: Path | str) -> Lockfile:
    """:func:`parse_lockfile` of the file *path*."""
    return parse_lockfile(Path(path).read_bytes())
