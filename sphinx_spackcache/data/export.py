"""Exports: a package's or a snapshot's specs as JSON (a documented, versioned schema)
and as CSV, in deterministic bytes (same data, same bytes; keys and specs in a fixed
order), so that a file is rewritten only when what it holds changed.

Schema version 1, a package::

    {"schema": "sphinx-spackcache/export", "schema_version": 1,
     "tag": "v0.23.1", "package": "cmake", "specs": [SPEC, ...]}

a snapshot::

    {"schema": "sphinx-spackcache/export", "schema_version": 1,
     "tag": "v0.23.1", "packages": {"cmake": [SPEC, ...], ...}}

where each ``SPEC`` has the keys of :data:`SPEC_FIELDS`, values as the pages show them
(normalised: no compiler is ``null``, ``gcc@=11.4.0`` is ``gcc@11.4.0``, no size is
``null``). Specs are in the order of the pages' tables, newest version first. New keys may
be added within a schema version; a key that changes meaning or goes away makes a new one.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .model import Spec
from .summary import spec_sort_key

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "SPEC_FIELDS",
    "csv_cell",
    "package_csv",
    "package_exports",
    "package_json",
    "snapshot_json",
    "spec_export",
]

SCHEMA = "sphinx-spackcache/export"
SCHEMA_VERSION = 1

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


def _dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def package_json(tag: str, package: str, specs: Sequence[Spec]) -> bytes:
    """The JSON export of *package*'s *specs* in snapshot *tag*."""
    return _package_json(tag, package, _ordered(specs))


def _package_json(tag: str, package: str, ordered: list[dict[str, Any]]) -> bytes:
    head = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "tag": tag}
    return _dump({**head, "package": package, "specs": ordered})


def package_exports(tag: str, package: str, specs: Sequence[Spec]) -> tuple[bytes, bytes]:
    """The JSON (:func:`package_json`) and CSV (:func:`package_csv`) exports of
    *package*'s *specs* in snapshot *tag*, the specs sorted once for both."""
    ordered = _ordered(specs)
    return _package_json(tag, package, ordered), _package_csv(ordered)


def snapshot_json(tag: str, specs_by_package: Mapping[str, Sequence[Spec]]) -> bytes:
    """The JSON export of every package of snapshot *tag* (packages sorted by name)."""
    packages = {name: _ordered(specs_by_package[name]) for name in sorted(specs_by_package)}
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
