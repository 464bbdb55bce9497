"""Spec tables: the columns, the plan of what a table shows in its rows and what it
says once above them, the table itself, and ``spec_table_data``, the node it is until
its page is written (see :mod:`~sphinx_spackcache.render.deferred`).

A package page is mostly its spec table, some forty docutils nodes a spec. The directive
puts a :class:`spec_table_data` in the doctree instead: the specs to show as one JSON
string, the column keys, the table's title, and one line holding every text the table
shows (each once), for the search index. :func:`build_spec_table` turns it into the
sentence of what all specs share and the standard docutils ``table``
(:func:`spec_table`), when the page is written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from docutils import nodes

from ..data.dag import DependencyClosure
from ..data.model import Dependency, Spec, is_safe_url, short_hash
from ..data.sizes import human_size
from ..data.versions import sort_versions
from ..domain import package_ref
from .badges import Cell, badge_cell, more_values, stack_items, value_badges, value_items
from .deferred import decoder, deferred_table, encode
from .labels import compiler_label
from .names import DEPENDENCY_CLASS, HASH_CLASS, ROOT_CLASS
from .phrases import count_phrase
from .tables import Cells, Column, make_table, pick_columns
from .trees import (
    ClosureData,
    closure_data,
    closure_lookup,
    tree_disclosure,
)

__all__ = [
    "ALSO_IN",
    "ARCH_FIELDS",
    "DEFAULT_SPEC_COLUMNS",
    "SHA256_CLASS",
    "SPEC_COLUMNS",
    "USED_BY",
    "WITH_DEPENDENCIES",
    "SpecDependencies",
    "SpecTableData",
    "SpecTablePlan",
    "build_spec_table",
    "decode_spec_table",
    "dependencies_label",
    "dependency_groups",
    "dependency_text",
    "fold_columns",
    "hash_cell",
    "hash_link",
    "hash_nodes",
    "pending_spec_table",
    "plan_spec_table",
    "shared_paragraph",
    "spec_columns",
    "spec_row",
    "spec_rows",
    "spec_table",
    "spec_table_data",
    "spec_words",
    "table_shell",
    "tarball_sha256",
    "tarball_sha256_nodes",
]

#: The key of the column of the other snapshots that hold a spec's binary
#: (``cache-package :also-in:``): shown only when asked for, never folded.
ALSO_IN = "also-in"
#: The option of ``cache-package`` that adds to each row's dependencies the binaries of
#: the snapshot that depend on it.
USED_BY = "used-by"


#: The key of the column of a binary's size with every binary it brings with it
#: (:func:`~..data.sizes.with_dependencies`), shown when some spec has one.
WITH_DEPENDENCIES = "size-with-deps"

#: The spec table's columns, in order. ``size`` is shown only when some spec has one.
SPEC_COLUMNS = (
    Column("hash", "Hash", 34, 30),
    Column("version", "Version", 10, 8),
    Column("compiler", "Compiler", 14, 10),
    # platform, OS and target in one column, as Spack writes an architecture
    # (linux-ubuntu22.04-x86_64_v3): the three fit in the width of the widest
    Column("arch", "Arch", 14, 12),
    Column("os", "OS", 11, 10),
    Column("platform", "Platform", 8, 7),
    Column("target", "Target", 11, 10),
    Column("variants", "Variants", 24, 14),
    Column("stacks", "Stacks", 24, 11),
    Column("size", "Size", 8, 6),
    # the size of the binary and of all it brings with it (a v3 mirror's manifests)
    Column(WITH_DEPENDENCIES, "With deps", 9, 7),
    # the SHA-256 of the binary's tarball: only with ``:columns:`` (64 characters)
    Column("sha256", "SHA-256", 66, 20),
    # the other snapshots that hold the same binary (``:also-in:``)
    Column(ALSO_IN, "Also in", 20, 12),
)


#: The columns of a spec table unless ``:columns:`` says otherwise (and ``size`` when a
#: spec has one).
DEFAULT_SPEC_COLUMNS = ("hash", "version", "compiler", "arch", "variants", "stacks")


#: The parts of the ``arch`` column.
ARCH_FIELDS = ("platform", "os", "target")


_SPEC_TEXT: dict[str, Callable[[Spec], str]] = {
    "size": lambda spec: spec.size or "-",
    WITH_DEPENDENCIES: lambda spec: (
        "-" if spec.record_bytes_with_deps is None else human_size(spec.record_bytes_with_deps)
    ),
    "sha256": lambda spec: spec.record_sha256 or "-",
}


#: Columns whose values are badges (in HTML, a click on one filters the table by it).
_SPEC_VALUES: dict[str, Callable[[Spec], Iterable[str]]] = {
    "version": lambda spec: sort_versions(spec.versions),
    "compiler": lambda spec: (compiler_label(spec.compiler),),
    "os": lambda spec: (spec.os,),
    "platform": lambda spec: (spec.platform,),
    "target": lambda spec: (spec.target,),
    "variants": lambda spec: spec.variants,
    "stacks": lambda spec: spec.stacks,
}


#: Columns that are left out when every row has the same value (said once, above the
#: table), and how that is said: "version 24.2", "compiler none".
_FOLDABLE = {
    "version": "version",
    "compiler": "compiler",
    "os": "OS",
    "platform": "platform",
    "target": "target",
    "size": "size",
}


#: How many values a cell shows before "+N more" (HTML; print shows them all): two stacks
#: and "+1" fit two lines where three long stack names would take three.
_SHOWN_BEFORE_MORE = {"variants": 4, "stacks": 2, "version": 3}


def hash_link(spec: Spec) -> str | None:
    """The URL a spec's hash links to: its binary's, where the source says where it is
    (and only an http(s) one)."""
    return spec.tarball if spec.tarball and is_safe_url(spec.tarball) else None


def hash_nodes(spec_hash: str, url: str | None) -> list[nodes.Node]:
    """A hash as a spec table shows it: a ``literal``, in a ``reference`` to *url* when
    there is one."""
    code = nodes.literal(spec_hash, spec_hash, classes=[HASH_CLASS])
    if url is not None:
        return [nodes.reference("", "", code, refuri=url, reftitle="Download the binary")]
    return [code]


#: The class of the element that carries a binary's tarball SHA-256 in its row's hash cell
#: (HTML only), which ``scripts/copy.js`` offers to copy.
SHA256_CLASS = f"{ROOT_CLASS}-sha256"

#: A SHA-256 as Spack's spec manifests give it (``checksum``, ``checksumAlgorithm``
#: ``sha256``): 64 lowercase hexadecimal digits.
_SHA256 = re.compile(r"[0-9a-f]{64}")


class tarball_sha256(nodes.Inline, nodes.Element):  # noqa: N801 (docutils node naming)
    """The SHA-256 of a binary's tarball (attribute ``sha256``), in its row's hash cell:
    no text; HTML writes it as an empty ``<data class="spackcache-sha256" value="...">``
    (``writers.html``), from which ``scripts/copy.js`` makes the row's "copy the SHA-256"
    button. Other builders leave it out (``writers.nonhtml``): print has the ``sha256``
    column for that."""


def tarball_sha256_nodes(spec: Spec) -> list[nodes.Node]:
    """The :class:`tarball_sha256` of *spec*'s binary, where the source gave a SHA-256
    (and only one that is 64 hexadecimal digits: nothing else from the data is offered
    to copy)."""
    checksum = spec.record_sha256
    if checksum is None or _SHA256.fullmatch(checksum) is None:
        return []
    return [tarball_sha256(sha256=checksum)]


#: A dependency as a deferred table keeps it: ``[name, version, hash, types, virtuals]``
#: (the types and the virtuals it provides each joined with commas).
DependencyData = list[str]
#: A spec's dependencies as a deferred table keeps them: how many binaries it brings
#: with it (its ``link``/``run`` dependencies and theirs, :func:`~.dag.brought`; -1 when
#: not worked out), its direct dependencies, the binaries of the snapshot that depend on
#: it directly (``:used-by:``, as dependencies with no types) and how many depend on it
#: directly or through others (-1 when not worked out).
SpecDependencies = tuple[int, list[DependencyData], list[DependencyData], int]


def dependency_data(dependency: Dependency) -> DependencyData:
    """*dependency* as a deferred table keeps it."""
    return [
        dependency.name,
        dependency.version,
        dependency.hash,
        ",".join(dependency.types),
        ",".join(dependency.virtuals),
    ]


def dependency_text(
    name: str, version: str, spec_hash: str, types: str = "", virtuals: str = ""
) -> str:
    """``libelf@0.8.13/rqh2vuf`` or, for one that provides virtuals, as Spack 1.0 prints
    it, ``%c,cxx=gcc@10.2.1/vd7v4ss``: a dependency as a spec table names it."""
    short = short_hash(spec_hash)
    text = f"{name}@{version}/{short}" if version else f"{name}/{short}"
    return f"%{virtuals}={text}" if virtuals else text


def _installed(types: str) -> bool:
    """Whether a dependency of these *types* comes with the binary (``link``/``run``;
    one with no types is counted so, as :func:`~.dag.installed_with` counts it)."""
    return not types or bool({"link", "run"} & set(types.split(",")))


def _dependencies_cell(
    dependencies: SpecDependencies, tag: str, tree: nodes.Element | None = None
) -> list[nodes.Node]:
    """The direct dependencies of a spec, each linked to its binary's row or its
    package's page (where there is one, see ``CacheDomain.row_target``): those
    installed with the binary, then those needed only to build it (or test it). In HTML
    they are folded under "N direct · M installed with it" (a disclosure: the table is
    no wider), with the whole *tree* after them; in print they are listed."""
    _, direct, _, _ = dependencies
    paragraph = nodes.paragraph()
    for number, (intro, group) in enumerate(dependency_groups(dependencies)):
        if number:
            paragraph += nodes.Text("; ")
        if intro:
            paragraph += nodes.Text(intro)
        for place, (name, version, spec_hash, types, virtuals) in enumerate(group):
            if place:
                paragraph += nodes.Text(", ")
            text = dependency_text(name, version, spec_hash, types, virtuals)
            inline = nodes.inline(text, text, classes=[DEPENDENCY_CLASS])
            paragraph += package_ref(name, tag, inline, spec_hash=spec_hash)
    count = len(direct)
    label = dependencies_label(dependencies)
    more = more_values("", paragraph, count=count, label=label, classes=[f"{ROOT_CLASS}-more"])
    if tree is not None:
        more += tree
    return [more]


def dependency_groups(
    dependencies: SpecDependencies,
) -> list[tuple[str, list[DependencyData]]]:
    """The groups a spec's dependencies are shown in, each with what it starts with:
    those installed with the binary (``""``), those needed only to build it (``"build
    only: "``), the binaries that use it (``"used by: "``); empty groups left out."""
    _, direct, users, _ = dependencies
    installed = [d for d in direct if _installed(d[3])]
    build = [d for d in direct if not _installed(d[3])]
    groups = ((installed, ""), (build, "build only: "), (users, "used by: "))
    return [(intro, group) for group, intro in groups if group]


def dependencies_label(dependencies: SpecDependencies) -> str:
    """``4 direct · 2 installed with it · used by 3 (12 in all)``: what a spec's
    dependencies' disclosure says."""
    brings, direct, users, everyone = dependencies
    parts = [f"{len(direct)} direct"]
    if brings >= 0:
        parts.append(f"{brings} installed with it")
    if everyone >= 0:
        parts.append(f"used by {len(users)} ({everyone} in all)")
    return " \N{MIDDLE DOT} ".join(parts)


def has_dependencies(dependencies: SpecDependencies | None) -> bool:
    """Whether a row has dependencies or users to disclose."""
    return dependencies is not None and bool(dependencies[1] or dependencies[2])


def _dependency_words(dependencies: SpecDependencies) -> list[str]:
    """What a spec's dependencies show: their label, names and, when some are needed
    only to build it, that."""
    words = [dependencies_label(dependencies)]
    words += [dependency_text(*d) for d in (*dependencies[1], *dependencies[2])]
    if any(not _installed(d[3]) for d in dependencies[1]):
        words.append("build only:")
    if dependencies[2]:
        words.append("used by:")
    return words


def _cell_texts(spec: Spec) -> dict[str, Sequence[str]]:
    """The texts each cell of *spec*'s row shows, by column key."""
    texts: dict[str, Sequence[str]] = {"hash": (spec.hash,)}
    texts.update((key, (value(spec),)) for key, value in _SPEC_TEXT.items())
    texts.update((key, tuple(values(spec))) for key, values in _SPEC_VALUES.items())
    texts["arch"] = (spec.platform, spec.os, spec.target)
    return texts


@dataclass(frozen=True, slots=True)
class SpecTablePlan:
    """What a spec table shows in its rows, and what it says once, above them: a column
    whose value is the same on every row is left out, and the variants and stacks every
    spec has are named once instead of on every row."""

    #: The columns of the table, in order.
    columns: tuple[Column, ...]
    #: The columns left out, each with the one value (or values) every row has.
    shared: tuple[tuple[Column, tuple[str, ...]], ...]
    #: Variants every spec has (not repeated in the rows).
    common_variants: tuple[str, ...]
    #: Stacks every spec is in (not repeated in the rows).
    common_stacks: tuple[str, ...]
    #: How many specs.
    count: int
    #: The parts of :data:`ARCH_FIELDS` the ``arch`` column shows (the others are shared).
    arch: tuple[str, ...] = ARCH_FIELDS
    #: The order of the variants in a row, by name (:func:`variant_order`): names not in
    #: it keep their place, after these.
    variant_names: tuple[str, ...] = ()


def variant_name(variant: str) -> str:
    """``cxxstd`` of ``cxxstd=17``, ``patches`` of ``patches:=a440f96``, ``mpi`` of
    ``+mpi`` and ``~mpi``: what a variant sets (Spack's spellings of a spec's variants,
    ``lib/spack/spack/variant.py``)."""
    name = variant.lstrip("+~-")
    return name.split("=", 1)[0].rstrip(":") if "=" in name else name


def variant_order(
    specs: Sequence[Spec], common: Iterable[str] = (), shown: int = 4
) -> tuple[str, ...]:
    """The variant names of *specs* in the order their rows show them: first the *shown*
    names that tell the rows apart best (with the other values each row shows: version,
    compiler, arch, stacks), in name order, so that the cells that are not folded say what
    separates a row from the others and each name sits in the same place on every row;
    then the other names whose value differs between the specs that have one, then the
    rest (set the same wherever they are set), each by name. Variants in *common* (every
    spec has them, said once above the table) do not count."""
    left_out = set(common)
    values = [{variant_name(v): v for v in spec.variants if v not in left_out} for spec in specs]
    seen: dict[str, set[str]] = {}
    for row in values:
        for name, value in row.items():
            seen.setdefault(name, set()).add(value)
    differ = sorted(name for name, found in seen.items() if len(found) > 1)
    others = sorted(name for name, found in seen.items() if len(found) == 1)
    base = [
        (
            tuple(spec.versions),
            spec.compiler,
            spec.platform,
            spec.os,
            spec.target,
            tuple(spec.stacks),
        )
        for spec in specs
    ]
    # each row's group (the rows that the values chosen so far do not tell apart) as a
    # number: hashing the growing tuples of values themselves was most of the time a
    # snapshot's diff page took (thousands of rows, dozens of names)
    numbers: dict[object, int] = {}
    keys = [numbers.setdefault(b, len(numbers)) for b in base]
    chosen: list[str] = []
    left = [*differ, *others]  # a tie goes to a name whose value differs, then by name
    for _ in range(min(shown, len(left))):
        best = max(
            left,
            key=lambda name: len({(k, row.get(name)) for k, row in zip(keys, values, strict=True)}),
        )
        left.remove(best)
        chosen.append(best)
        numbers = {}
        keys = [
            numbers.setdefault((k, row.get(best)), len(numbers))
            for k, row in zip(keys, values, strict=True)
        ]
    return (
        *sorted(chosen),
        *(name for name in differ if name not in chosen),
        *(name for name in others if name not in chosen),
    )


def plan_spec_table(
    specs: Sequence[Spec], keys: Sequence[str] | None = None, *, also_in: bool = False
) -> SpecTablePlan:
    """The plan of a table of *specs*: with *keys*, those columns and nothing said once
    (the user's choice wins); else every column but ``size`` (unless some spec has one)
    and :data:`ALSO_IN` (unless *also_in*), with what every row shares said once when
    there are two specs or more."""
    shown = _SHOWN_BEFORE_MORE["variants"]
    if keys is not None:
        order = variant_order(specs, (), shown) if len(specs) > 1 else ()
        chosen = tuple(pick_columns(SPEC_COLUMNS, keys))
        return SpecTablePlan(chosen, (), (), (), len(specs), variant_names=order)
    return fold_columns(specs, spec_columns(specs, also_in=also_in))


def fold_columns(specs: Sequence[Spec], columns: Sequence[Column]) -> SpecTablePlan:
    """The plan of a table of *specs* (a row each) with *columns*, with what every row
    shares said once when there are two specs or more: a foldable column (version,
    compiler, a part of the arch, size) whose value is the same on every row is left
    out, and the variants and stacks every spec has are named once instead of on every
    row (:func:`shared_paragraph`), the others ordered by :func:`variant_order`. Columns
    that are not a spec's (:data:`ALSO_IN`, or a table's own, such as ``cache-diff``'s
    change and hashes) are kept as they are. Spec tables and ``cache-diff``'s table of
    specs are both planned here."""
    shown = _SHOWN_BEFORE_MORE["variants"]
    if len(specs) < 2:
        return SpecTablePlan(tuple(columns), (), (), (), len(specs))
    texts = [_cell_texts(spec) for spec in specs]
    shared: list[tuple[Column, tuple[str, ...]]] = []
    kept: list[Column] = []
    common: dict[str, tuple[str, ...]] = {}
    arch: list[str] = []
    for column in columns:
        if column.key == ALSO_IN or column.key not in texts[0]:
            # (also in: an empty cell says something: only in this snapshot)
            kept.append(column)
            continue
        if column.key == "arch":
            for part in pick_columns(SPEC_COLUMNS, ARCH_FIELDS):
                values = {tuple(row[part.key]) for row in texts}
                if len(values) == 1:
                    shared.append((part, next(iter(values))))
                else:
                    arch.append(part.key)
            if arch:
                kept.append(column)
            continue
        values = {tuple(row[column.key]) for row in texts}
        if column.key in _FOLDABLE and len(values) == 1:
            shared.append((column, next(iter(values))))
            continue
        if column.key in ("variants", "stacks"):
            every = set.intersection(*(set(row[column.key]) for row in texts))
            common[column.key] = tuple(v for v in texts[0][column.key] if v in every)
            if all(set(row[column.key]) <= every for row in texts):
                continue  # nothing left to show in any row
        kept.append(column)
    return SpecTablePlan(
        tuple(kept),
        tuple(shared),
        common.get("variants", ()),
        common.get("stacks", ()),
        len(specs),
        tuple(arch),
        variant_order(specs, common.get("variants", ()), shown),
    )


def shared_paragraph(plan: SpecTablePlan, subject: str = "") -> nodes.paragraph | None:
    """``All 27 specs: version 24.2 · compiler none · variant build_system=python_pip``:
    what the table's rows have in common, said once (``None`` when there is nothing).
    *subject*: what the rows are, after "All 27" (default: ``specs``)."""
    parts: list[tuple[str, str, list[nodes.Node]]] = [
        (column.key, _FOLDABLE[column.key], value_badges(values, field=column.key))
        for column, values in plan.shared
    ]
    if plan.common_variants:
        name = "variant" if len(plan.common_variants) == 1 else "variants"
        parts.append(("variants", name, value_badges(plan.common_variants, field="variants")))
    if plan.common_stacks:
        name = "stack" if len(plan.common_stacks) == 1 else "stacks"
        parts.append(("stacks", name, badge_cell(stack_items(plan.common_stacks), None)))
    if not parts:
        return None
    paragraph = nodes.paragraph(classes=[f"{ROOT_CLASS}-shared"])
    paragraph += nodes.Text(f"All {count_phrase(plan.count, 'spec')}{subject}: ")
    for number, (key, name, badges) in enumerate(parts):
        if number:
            paragraph += nodes.Text(" \N{MIDDLE DOT} ")
        part = nodes.inline(classes=[f"{ROOT_CLASS}-shared-{key}"])
        part += nodes.Text(f"{name} ")
        part.extend(badges)
        paragraph += part
    return paragraph


def spec_row(spec: Spec, plan: SpecTablePlan, also_in: Sequence[str] = ()) -> dict[str, Cell]:
    """What each cell of *spec*'s row shows, by column key, but the hash (which
    :func:`hash_cell` builds) and the links of :data:`ALSO_IN` (:func:`also_in_cell`; its
    :class:`Cell` is their text, *also_in*, which sizes the column): the data both the
    table's nodes (:func:`spec_cells`) and the HTML writer's rows
    (:mod:`~sphinx_spackcache.writers.html`) are made of."""
    texts = _cell_texts(spec)
    cells = {key: Cell(text=texts[key][0]) for key in _SPEC_TEXT}
    cells[ALSO_IN] = Cell(text=", ".join(also_in))
    for key in _SPEC_VALUES:
        shown = _SHOWN_BEFORE_MORE.get(key)
        if key == "stacks":
            stacks = [s for s in texts[key] if s not in plan.common_stacks]
            cells[key] = Cell(stack_items(stacks), shown)
        elif key == "variants":
            variants = _ordered([v for v in texts[key] if v not in plan.common_variants], plan)
            cells[key] = Cell(value_items(variants, key), shown)
        else:
            cells[key] = Cell(value_items(texts[key], key), shown)
    cells["arch"] = Cell([item for field in plan.arch for item in value_items(texts[field], field)])
    return cells


def spec_rows(
    specs: Sequence[Spec], plan: SpecTablePlan, also_in: Mapping[str, Sequence[str]] | None = None
) -> list[dict[str, Cell]]:
    """:func:`spec_row` of each of *specs*, with a note on each row whose cells show just
    what another row's show (but the hash, which always differs), as HTML folds values:
    ``one of 3 rows that differ only in folded values`` (open "+N" to tell them apart),
    ``... in columns not shown`` (a table whose ``:columns:`` leave out what sets them
    apart), or ``... in hash`` when nothing else in the record sets them apart. The note
    goes in the Variants cell (else Stacks, else the last cell of badges)."""
    elsewhere = also_in or {}
    rows = [spec_row(spec, plan, elsewhere.get(spec.hash, ())) for spec in specs]
    keys = [c.key for c in plan.columns if c.key not in ("hash", ALSO_IN)]
    if len(rows) < 2 or not keys:
        return rows
    where = next((k for k in ("variants", "stacks") if k in keys), keys[-1])
    groups: dict[tuple[object, ...], list[int]] = {}
    for number, row in enumerate(rows):
        groups.setdefault(_looks(row, keys, elsewhere.get(specs[number].hash, ())), []).append(
            number
        )
    shown = {*keys, *plan.arch} if "arch" in keys else set(keys)
    for members in groups.values():
        if len(members) < 2:
            continue
        texts = [_cell_texts(specs[number]) for number in members]
        # (the arch column's parts count one by one, as the platform, os and target)
        differ = {
            k for k in texts[0] if k not in ("hash", "arch") and len({t[k] for t in texts}) > 1
        }
        what = " and ".join(
            part
            for part, there in (
                ("folded values", differ & shown),
                ("columns not shown", differ - shown),
            )
            if there
        )
        for number in members:
            note = f"one of {len(members)} rows that differ only in {what or 'hash'}"
            rows[number][where].note = note
    return rows


def _looks(
    row: Mapping[str, Cell], keys: Sequence[str], also_in: Sequence[str]
) -> tuple[object, ...]:
    """What *row* shows in the cells of *keys* (and the snapshots of :data:`ALSO_IN`)
    while values are folded: each cell's badges before "+N", how many are behind it, and
    its text."""
    looks: list[object] = [tuple(also_in)]
    for key in keys:
        shown, rest = row[key].split()
        looks.append((tuple(item[0] for item in shown), len(rest), row[key].text))
    return tuple(looks)


def _ordered(variants: list[str], plan: SpecTablePlan) -> list[str]:
    """*variants* in the order of *plan* (:func:`variant_order`)."""
    if not plan.variant_names:
        return variants
    rank = _ranks(plan.variant_names)
    last = len(rank)
    return sorted(variants, key=lambda variant: rank.get(variant_name(variant), last))


@functools.lru_cache(maxsize=64)
def _ranks(names: tuple[str, ...]) -> dict[str, int]:
    """Each of *names* -> its place (worked out once a table, not once a row: a table of
    a whole snapshot orders hundreds of names in each of its thousands of rows, a sixth
    of the time its pages took to write)."""
    return {name: number for number, name in enumerate(names)}


def hash_cell(
    spec: Spec,
    dependencies: SpecDependencies | None = None,
    tag: str = "",
    closure: Callable[[str], Sequence[Dependency]] | None = None,
) -> list[nodes.Node]:
    """The hash cell of *spec*'s row: its hash (linked to the binary where the source
    says where it is) and, where the source knows them, its dependencies, with their
    whole tree when the table kept their *closure*
    (:func:`~sphinx_spackcache.render.trees.tree_disclosure`). After the hash, for HTML,
    the SHA-256 of its tarball where the source gave one (:func:`tarball_sha256_nodes`).
    (The HTML writer writes the same itself: ``writers.html._write_hash``.)"""
    cell = hash_nodes(spec.hash, hash_link(spec)) + tarball_sha256_nodes(spec)
    if dependencies is not None and has_dependencies(dependencies):
        tree = None
        if closure is not None:
            tree = tree_disclosure(spec.hash, closure, tag, dependency_text)
        cell += _dependencies_cell(dependencies, tag, tree)
    return cell


def also_in_cell(package: str, tags: Sequence[str]) -> list[nodes.Node]:
    """The :data:`ALSO_IN` cell: each other snapshot that holds the binary, linked to
    the page of *package* in that snapshot, where there is one (else its name as text;
    never to another snapshot's page, see :func:`~sphinx_spackcache.domain.package_ref`)."""
    cell: list[nodes.Node] = []
    for number, tag in enumerate(tags):
        if number:
            cell.append(nodes.Text(", "))
        cell.append(package_ref(package, tag, nodes.inline(tag, tag), exact=True))
    return cell


def _spec_cells(
    spec: Spec,
    row: Mapping[str, Cell],
    dependencies: SpecDependencies | None = None,
    tag: str = "",
    also_in: Sequence[str] = (),
    package: str = "",
    closure: Callable[[str], Sequence[Dependency]] | None = None,
) -> Cells:
    cells: dict[str, list[nodes.Node]] = {key: cell.as_nodes() for key, cell in row.items()}
    cells["hash"] = hash_cell(spec, dependencies, tag, closure)
    cells[ALSO_IN] = also_in_cell(package, also_in)
    return cells


def spec_words(specs: Iterable[Spec], columns: Sequence[Column]) -> list[str]:
    """Every text a spec table with *columns* shows (headings and cells), each once, in
    the order of first appearance: what the table adds to a search index."""
    words = dict.fromkeys(column.heading for column in columns)
    keys = [column.key for column in columns if column.key != ALSO_IN]
    for spec in specs:
        texts = _cell_texts(spec)
        for key in keys:
            words.update(dict.fromkeys(texts[key]))
    return [word for word in words if word]


def spec_columns(
    specs: Sequence[Spec], keys: Sequence[str] | None = None, *, also_in: bool = False
) -> list[Column]:
    """The spec table's columns: *keys*, or the default ones, ``size`` when some spec has
    one and :data:`ALSO_IN` with *also_in*."""
    if keys is None:
        keys = [*DEFAULT_SPEC_COLUMNS, *(["size"] if any(spec.size for spec in specs) else [])]
        if any(spec.record_bytes_with_deps is not None for spec in specs):
            keys.append(WITH_DEPENDENCIES)
        keys += [ALSO_IN] if also_in else []
    return pick_columns(SPEC_COLUMNS, keys)


def spec_table(
    specs: Sequence[Spec],
    *,
    title: str,
    columns: Sequence[str] | None = None,
    plan: SpecTablePlan | None = None,
    dependencies: Mapping[str, SpecDependencies] | None = None,
    tag: str = "",
    also_in: Mapping[str, Sequence[str]] | None = None,
    package: str = "",
    row_ids: Sequence[str] = (),
    closure: Callable[[str], Sequence[Dependency]] | None = None,
) -> nodes.table:
    """One row per spec, in the order given, as :func:`plan_spec_table` plans it (from
    *columns*, unless a *plan* is given); with *dependencies* (spec hash -> its direct
    dependencies), each row's hash cell lists them, linked to the pages of *tag* (and
    their whole tree, from *closure*); with *also_in* (spec hash -> the other snapshots
    that hold it), the :data:`ALSO_IN` cells link to *package*'s pages there; *row_ids*:
    each row's id (``site.rows``)."""
    plan = plan or plan_spec_table(specs, columns, also_in=also_in is not None)
    known = dependencies or {}
    elsewhere = also_in or {}
    rows = (
        _spec_cells(
            spec, cells, known.get(spec.hash), tag, elsewhere.get(spec.hash, ()), package, closure
        )
        for spec, cells in zip(specs, spec_rows(specs, plan, elsewhere), strict=True)
    )
    table = make_table(title, plan.columns, rows, kind="specs")
    if row_ids and specs:
        body = table.next_node(nodes.tbody)
        assert body is not None
        for row, row_id in zip(body.children, row_ids, strict=True):
            row["ids"].append(row_id)  # type: ignore[index]
    return table


_SPECS_DECODER = decoder(list[Spec])
_DEPENDENCIES_DECODER = decoder(dict[str, SpecDependencies])
_ALSO_IN_DECODER = decoder(dict[str, list[str]])
_CLOSURE_DECODER: msgspec.json.Decoder[ClosureData] = msgspec.json.Decoder(ClosureData)

#: The older ``spack install`` options a snapshot's Spack needs, as the classes of its
#: spec table, from which the HTML script writes each row's install command (today's
#: ``--use-buildcache only`` has none).
_INSTALL_OPTION_CLASSES = {
    "--cache-only": f"{ROOT_CLASS}-install-cache-only",
    "--no-check-signature": f"{ROOT_CLASS}-install-no-check-signature",
}


def install_classes(options: Sequence[str]) -> list[str]:
    """The classes that tell the HTML script which older *options* ``spack install``
    takes for this table's snapshot."""
    return [_INSTALL_OPTION_CLASSES[option] for option in options]


class spec_table_data(deferred_table):  # noqa: N801 (docutils node naming)
    """A spec table before it is built: attributes ``specs`` (JSON), ``columns``, and,
    from a Spack mirror, ``dependencies`` (JSON: hash -> ``[name, version, hash]`` each)
    and ``tag``; with ``:also-in:``, ``also_in`` (JSON: hash -> the other snapshots that
    hold it, only hashes that are elsewhere); ``package``, whose binaries they are (a
    class of the table in HTML, ``spackcache-of-<package>``); from a source that
    records dependencies, ``closure`` (JSON: a :class:`~.data.dag.DependencyClosure`,
    written by HTML only, for the "Match a spec" box), and ``installed`` (JSON: the
    ``link``/``run`` edges each row's whole tree is drawn from); two children, the table's
    ``title`` and an ``inline`` of its words for search."""

    def needs_links(self) -> bool:
        return bool(self.get("dependencies")) or bool(self.get("also_in"))

    def build(self) -> list[nodes.Element]:
        return build_spec_table(self)


def pending_spec_table(
    specs: Sequence[Spec],
    *,
    title: str,
    columns: Sequence[str] | None = None,
    dependencies: Mapping[str, Sequence[Dependency]] | None = None,
    brings: Mapping[str, int] | None = None,
    used_by: Mapping[str, tuple[Sequence[Dependency], int]] | None = None,
    tag: str = "",
    install_options: Sequence[str] = (),
    also_in: Mapping[str, Sequence[str]] | None = None,
    package: str = "",
    closure: DependencyClosure | None = None,
    installed: Mapping[str, Sequence[Dependency]] | None = None,
) -> spec_table_data:
    """The node that :func:`build_spec_table` turns into the table of *specs* (and the
    sentence of what they share); *columns* as the user gave them, if they did; each
    spec's *dependencies* (by hash), where the source knows them, linked to *tag*'s
    pages, how many binaries each *brings* with it (by hash) and, with *used_by*, the
    binaries of the snapshot that depend on it directly (as dependencies) and how many
    do in all; *install_options*:
    how ``spack install`` is spelled for this snapshot's Spack
    (:meth:`~sphinx_spackcache.data.install.InstallCommands.older_options`), for the
    command HTML offers to copy on each row; *also_in* (``:also-in:``): for each spec
    hash that other snapshots hold too, those snapshots, linked to *package*'s pages
    there (the :data:`ALSO_IN` column is shown when *also_in* is not ``None``);
    *closure*: every dependency of *specs*, where the source knows them, which HTML
    carries for the "Match a spec" box (``^name@version``);
    *installed*: the ``link``/``run`` edges of the specs and of all they bring
    (:func:`~sphinx_spackcache.data.dag.installed_closure`), from which HTML draws each
    row's whole tree."""
    counts = brings or {}
    users = used_by or {}
    known = {
        spec_hash: (
            counts.get(spec_hash, -1),
            [dependency_data(d) for d in (dependencies or {}).get(spec_hash, ())],
            [dependency_data(d) for d in users.get(spec_hash, ((), 0))[0]],
            users[spec_hash][1] if spec_hash in users else -1,
        )
        for spec_hash in {*(dependencies or {}), *users}
    }
    known = {key: found for key, found in known.items() if has_dependencies(found)}
    words = spec_words(specs, spec_columns(specs, columns, also_in=also_in is not None))
    words += [word for found in known.values() for word in _dependency_words(found)]
    elsewhere = {h: list(tags) for h, tags in (also_in or {}).items() if tags}
    words += [tag for tags in elsewhere.values() for tag in tags]
    trees: dict[str, Any] = (
        {"installed": encode(closure_data(installed))} if known and installed else {}
    )
    return spec_table_data.pending(
        list(dict.fromkeys(words)),
        title=title,
        specs=encode(list(specs)),
        columns=list(columns) if columns is not None else None,
        stacks=sorted({stack for spec in specs for stack in spec.stacks}),
        **({"dependencies": encode(known), "tag": tag} if known else {}),
        **({"install_options": list(install_options)} if install_options else {}),
        **({"also_in": encode(elsewhere)} if also_in is not None else {}),
        **({"package": package} if package else {}),
        **({"closure": encode(closure)} if closure is not None else {}),
        **trees,
    )


@dataclass(frozen=True, slots=True)
class SpecTableData:
    """What a :class:`spec_table_data` holds, decoded."""

    specs: list[Spec]
    plan: SpecTablePlan
    #: Each spec's direct dependencies, by hash, where the source knows them.
    dependencies: Mapping[str, SpecDependencies]
    #: The snapshot whose pages the dependencies link to.
    tag: str
    #: With ``:also-in:``, the other snapshots that hold each spec's binary, by hash
    #: (``None``: no such column).
    also_in: Mapping[str, Sequence[str]] | None = None
    #: The package whose pages in those snapshots they link to.
    package: str = ""
    #: Each row's id (given when the page was read: ``site.rows``), else none.
    row_ids: Sequence[str] = ()
    #: The ``link``/``run`` edges each row's tree is drawn from, where the table kept them.
    installed: Callable[[str], Sequence[Dependency]] | None = None


def decode_spec_table(node: spec_table_data) -> SpecTableData:
    """The specs, plan and dependencies *node* holds."""
    specs = _SPECS_DECODER.decode(node["specs"])
    also_in = _ALSO_IN_DECODER.decode(node["also_in"]) if "also_in" in node else None
    plan = plan_spec_table(specs, node["columns"], also_in=also_in is not None)
    dependencies = (
        _DEPENDENCIES_DECODER.decode(node["dependencies"]) if node.get("dependencies") else {}
    )
    installed = None
    if "installed" in node:
        installed = closure_lookup(_CLOSURE_DECODER.decode(node["installed"]))
    return SpecTableData(
        specs,
        plan,
        dependencies,
        node.get("tag", ""),
        also_in,
        node.get("package", ""),
        node.get("row_ids", ()),
        installed,
    )


def table_shell(node: spec_table_data, data: SpecTableData, *, rows: bool = True) -> nodes.table:
    """The table *node* stands for (its rows only when *rows*: the HTML writer writes
    them itself), with the classes that tell the HTML script how ``spack install`` is
    spelled for its snapshot."""
    table = spec_table(
        data.specs if rows else (),
        title=node.title_text,
        plan=data.plan,
        dependencies=data.dependencies,
        tag=data.tag,
        also_in=data.also_in,
        package=data.package,
        row_ids=data.row_ids,
        closure=data.installed,
    )
    table["classes"].extend(install_classes(node.get("install_options", ())))
    if data.package:  # whose binaries the rows are, for the "Match a spec" box
        table["classes"].append(f"{ROOT_CLASS}-of-{data.package}")
    return table


def build_spec_table(node: spec_table_data) -> list[nodes.Element]:
    """What *node* stands for: the sentence of what all its specs share, if anything,
    and the table (with *node*'s ids) in a container that scrolls it sideways in HTML
    when it cannot fit."""
    data = decode_spec_table(node)
    scroll = node.scroll(table_shell(node, data))
    shared = shared_paragraph(data.plan)
    return [scroll] if shared is None else [shared, scroll]
