"""Exports: a package's or a snapshot's specs as JSON (a documented, versioned schema)
and as CSV, in deterministic bytes (same data, same bytes; keys and specs in a fixed
order), so that a file is rewritten only when what it holds changed.

Schema version 3, a package::

    {"schema": "sphinx-spackcache/export", "schema_version": 3,
     "tag": "v0.23.1", "package": "cmake", "specs": [SPEC, ...]}

a snapshot::

    {"schema": "sphinx-spackcache/export", "schema_version": 3,
     "tag": "v0.23.1", "packages": {"cmake": [SPEC, ...], ...}}

where each ``SPEC`` has the keys of :data:`SPEC_FIELDS`, values as the pages show them
(normalised: no compiler is ``null``, ``gcc@=11.4.0`` is ``gcc@11.4.0``, no size is
``null``), and, in JSON only, those of :data:`GRAPH_FIELDS` (what the binary depends on
and what depends on it; version 1 had none of them) and of :data:`SIZE_FIELDS` (its size
in bytes, with its dependencies, and its SHA-256; version 2 had none of them). Specs are
in the order of the pages' tables, newest version first. New keys may be added within
a schema version; a key that changes meaning or goes away makes a new one.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .dag import brought, remembered, used_by
from .model import Dependency, Spec
from .sizes import sizes_with_dependencies
from .summary import spec_sort_key

__all__ = [
    "GRAPH_FIELDS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SIZE_FIELDS",
    "SPEC_FIELDS",
    "csv_cell",
    "package_csv",
    "package_exports",
    "package_json",
    "snapshot_json",
    "spec_export",
]

SCHEMA = "sphinx-spackcache/export"
SCHEMA_VERSION = 3

#: The keys of a spec in an export, in order, with what each holds.
SPEC_FIELDS: dict[str, str] = {
    "hash": "the 32-character hash (``spack install /HASH`` installs it)",
    "versions": "the versions (a list; usually one)",
    "compiler": "``name@version``, or ``null`` for a spec built without a compiler",
    "os": "the operating system, such as ``ubuntu22.04``",
    "platform": "the platform, such as ``linux``",
    "target": "the microarchitecture, such as ``x86_64_v3``",
    "variants": "the variants, in Spack's spelling (``+x``, ``~x``, ``k=v``, ``k:=a,b``), by name",
    "stacks": "the CI stacks that built it, by name",
    "size": "the size of the binary as the source gives it, or ``null``",
    "tarball": "the URL of the binary, or ``null``",
}


#: The keys of a spec in a JSON export (not in CSV) about its dependency graph, with
#: what each holds; ``null`` where the source does not know dependencies (cache.spack.io's
#: records).
GRAPH_FIELDS: dict[str, str] = {
    "dependencies": (
        "its direct dependencies, by name: each an object with ``name``, ``version``, "
        "``hash``, ``types`` (``build``, ``link``, ``run``, ``test``) and ``virtuals`` (the "
        "virtual packages it provides to the binary, such as ``c``, ``mpi``)"
    ),
    "installed_with_it": (
        "how many binaries installing it brings (its ``link`` and ``run`` dependencies, "
        "and theirs, each once)"
    ),
    "used_by": (
        "how many binaries of the same snapshot depend on it directly (any type); in a "
        "snapshot's export only"
    ),
}

#: The keys of a spec in a JSON export (not in CSV) about its size, with what each
#: holds; ``null`` where the source does not say (only a v3 mirror's spec manifests do).
SIZE_FIELDS: dict[str, str] = {
    "bytes": "the compressed size of the binary in bytes (its tarball's ``contentLength``)",
    "bytes_with_dependencies": (
        "the bytes of the binary and of every binary installing it brings, each once "
        "(``null`` when one of them has no size)"
    ),
    "sha256": "the SHA-256 of the binary's tarball",
}

#: A source's direct dependencies of a spec hash (``None``: the source does not know).
DependenciesOf = Callable[[str], Sequence[Dependency]] | None


def _variant_name(variant: str) -> str:
    """What a variant sets: ``cxxstd`` of ``cxxstd=17``, ``patches`` of
    ``patches:=a440f96``, ``mpi`` of ``+mpi`` (as render.spectable.variant_name, and
    scripts/csv.js's variantName, which sorts a table's "Download CSV" the same way)."""
    name = variant.lstrip("+~-")
    return name.split("=", 1)[0].rstrip(":") if "=" in name else name


def spec_export(spec: Spec) -> dict[str, Any]:
    """One spec as an export holds it (the keys of :data:`SPEC_FIELDS`). Variants and
    stacks are in name order whatever the source's order (cache.spack.io's records sort
    them so; a mirror's spec.json gives Spack's, boolean variants first), so that a
    table's "Download CSV" (scripts/csv.js), which reads them from the page, writes the
    same rows."""
    return {
        "hash": spec.hash,
        "versions": list(spec.versions),
        "compiler": spec.compiler,
        "os": spec.os,
        "platform": spec.platform,
        "target": spec.target,
        "variants": sorted(spec.variants, key=_variant_name),
        "stacks": sorted(spec.stacks),
        "size": spec.size,
        "tarball": spec.tarball,
    }


def _ordered(specs: Iterable[Spec]) -> list[dict[str, Any]]:
    return [spec_export(spec) for spec in sorted(specs, key=spec_sort_key)]


def _dependency(dependency: Dependency) -> dict[str, Any]:
    return {
        "name": dependency.name,
        "version": dependency.version,
        "hash": dependency.hash,
        "types": list(dependency.types),
        "virtuals": list(dependency.virtuals),
    }


def _with_graph(
    ordered: list[dict[str, Any]],
    dependencies_of: DependenciesOf,
    users: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """*ordered* with the keys of :data:`GRAPH_FIELDS` (``used_by`` only with *users*)."""
    lookup = remembered(dependencies_of) if dependencies_of is not None else None
    for spec in ordered:
        key = spec["hash"]
        if lookup is None:
            spec["dependencies"] = spec["installed_with_it"] = None
        else:
            direct = sorted(lookup(key), key=lambda d: (d.name, d.hash))
            spec["dependencies"] = [_dependency(d) for d in direct]
            spec["installed_with_it"] = len(brought(key, lookup))
        if users is not None:
            spec["used_by"] = len(users.get(key, ())) if lookup is not None else None
    return ordered


def _with_sizes(
    ordered: list[dict[str, Any]],
    specs: Iterable[Spec],
    dependencies_of: DependenciesOf,
    everything: Iterable[Spec] = (),
) -> list[dict[str, Any]]:
    """*ordered* (of *specs*) with the keys of :data:`SIZE_FIELDS`; a size with
    dependencies a spec does not hold is worked out from the sizes of *specs* and
    *everything* (the snapshot's other specs)."""
    by_hash = {spec.hash: spec for spec in specs}
    sizes = {
        spec.hash: spec.record_bytes
        for spec in (*everything, *by_hash.values())
        if spec.record_bytes is not None
    }
    missing = [key for key, spec in by_hash.items() if spec.record_bytes_with_deps is None]
    totals = (
        sizes_with_dependencies(missing, sizes, dependencies_of)
        if dependencies_of is not None and sizes
        else {}
    )
    for entry in ordered:
        spec = by_hash[entry["hash"]]
        entry["bytes"] = spec.record_bytes
        entry["bytes_with_dependencies"] = (
            spec.record_bytes_with_deps
            if spec.record_bytes_with_deps is not None
            else totals.get(spec.hash)
        )
        entry["sha256"] = spec.record_sha256
    return ordered


def _dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def package_json(
    tag: str, package: str, specs: Sequence[Spec], dependencies_of: DependenciesOf = None
) -> bytes:
    """The JSON export of *package*'s *specs* in snapshot *tag* (their dependencies
    from *dependencies_of*, where the source knows them)."""
    ordered = _with_graph(_ordered(specs), dependencies_of)
    return _package_json(tag, package, _with_sizes(ordered, specs, dependencies_of))


def _package_json(tag: str, package: str, ordered: list[dict[str, Any]]) -> bytes:
    head = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "tag": tag}
    return _dump({**head, "package": package, "specs": ordered})


def package_exports(
    tag: str, package: str, specs: Sequence[Spec], dependencies_of: DependenciesOf = None
) -> tuple[bytes, bytes]:
    """The JSON (:func:`package_json`) and CSV (:func:`package_csv`) exports of
    *package*'s *specs* in snapshot *tag*, the specs sorted once for both."""
    ordered = _ordered(specs)
    csv_bytes = _package_csv(ordered)  # before the JSON-only keys are added
    graph = _with_graph(ordered, dependencies_of)
    return _package_json(tag, package, _with_sizes(graph, specs, dependencies_of)), csv_bytes


def snapshot_json(
    tag: str,
    specs_by_package: Mapping[str, Sequence[Spec]],
    dependencies_of: DependenciesOf = None,
) -> bytes:
    """The JSON export of every package of snapshot *tag* (packages sorted by name),
    with, where *dependencies_of* says, each spec's dependencies and how many of the
    snapshot's binaries depend on it."""
    hashes = [spec.hash for specs in specs_by_package.values() for spec in specs]
    lookup = remembered(dependencies_of) if dependencies_of is not None else None
    users = used_by(hashes, lookup) if lookup is not None else {}
    every = [spec for specs in specs_by_package.values() for spec in specs]
    packages = {
        name: _with_sizes(
            _with_graph(_ordered(specs_by_package[name]), lookup, users),
            specs_by_package[name],
            lookup,
            every,
        )
        for name in sorted(specs_by_package)
    }
    head = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "tag": tag}
    return _dump({**head, "packages": packages})


#: What a cell of Spack data looks like when it starts with ``+`` or ``-`` (variants):
#: a spreadsheet may read such a cell as a formula, but none of these characters lets a
#: formula do anything.
_PLAIN_SIGNED = re.compile(r"[+-][\w.,:=+~@/ -]*", re.ASCII)


def csv_cell(value: str) -> str:
    """*value* safe to open in a spreadsheet: a cell that could be a formula doing
    something (one starting with ``=``, ``@``, a tab or a carriage return, or with ``+``
    or ``-`` followed by anything but Spack's spelling of variants) gets a leading ``'``,
    as OWASP recommends against CSV injection."""
    if value[:1] in ("=", "@", "\t", "\r") or (
        value[:1] in ("+", "-") and not _PLAIN_SIGNED.fullmatch(value)
    ):
        return "'" + value
    return value


def package_csv(specs: Sequence[Spec]) -> bytes:
    """The CSV export of *specs*: a heading row with the keys of :data:`SPEC_FIELDS`,
    then a row per spec; lists are joined with spaces, ``null`` is an empty cell, and a
    cell a spreadsheet could run as a formula is made text (:func:`csv_cell`)."""
    return _package_csv(_ordered(specs))


def _package_csv(ordered: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SPEC_FIELDS)
    for spec in ordered:
        writer.writerow(
            csv_cell(" ".join(value) if isinstance(value, list) else (value or ""))
            for value in spec.values()
        )
    return out.getvalue().encode("utf-8")
