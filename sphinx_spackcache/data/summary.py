"""What a record's specs add up to, and how that compares with the record's own ``meta``.

Every figure shown in the documentation is derived here from ``spec_details``; the
``meta`` block a record declares is only cross-checked (:func:`meta_mismatches`).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .model import NO_COMPILER, DeclaredMeta, Spec
from .problems import excerpt, quoted
from .sizes import SizeSum, size_sum
from .versions import sort_versions, version_key

__all__ = [
    "PackageSummary",
    "compiler_sort_key",
    "meta_mismatches",
    "sort_specs",
    "spec_sort_key",
    "summarise",
]


def compiler_sort_key(compiler: str | None) -> tuple[object, ...]:
    """Order compilers by name, then by version in Spack's order; no compiler first."""
    if compiler is None:
        return (0,)
    name, _, version = compiler.partition("@")
    return (1, name, version_key(version), version)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """The totals of one set of specs (usually one package in one snapshot)."""

    num_specs: int
    #: Newest first, in Spack's version order.
    versions: tuple[str, ...]
    #: By name, then version (:func:`compiler_sort_key`); ``None`` (no compiler) first.
    compilers: tuple[str | None, ...]
    oss: tuple[str, ...]
    platforms: tuple[str, ...]
    targets: tuple[str, ...]
    #: ``(stack, number of specs in it)``, sorted by stack name.
    stacks: tuple[tuple[str, int], ...]
    #: The bytes of the specs that have a size (a v3 mirror's manifests give them).
    size_bytes: int = 0
    #: How many specs have a size.
    sized: int = 0

    @property
    def size(self) -> SizeSum:
        """The specs' sizes added up (:meth:`~sphinx_spackcache.data.sizes.SizeSum.phrase`)."""
        return SizeSum(self.size_bytes, self.sized, self.num_specs)


def summarise(specs: Iterable[Spec]) -> PackageSummary:
    """Add up *specs*."""
    specs = tuple(specs)
    by_stack = Counter(stack for spec in specs for stack in set(spec.stacks))
    compilers = {spec.compiler for spec in specs}
    sizes = size_sum(specs)
    return PackageSummary(
        num_specs=len(specs),
        versions=sort_versions(v for spec in specs for v in spec.versions),
        compilers=tuple(sorted(compilers, key=compiler_sort_key)),
        oss=tuple(sorted({spec.os for spec in specs})),
        platforms=tuple(sorted({spec.platform for spec in specs})),
        targets=tuple(sorted({spec.target for spec in specs})),
        stacks=tuple(sorted(by_stack.items())),
        size_bytes=sizes.bytes,
        sized=sizes.sized,
    )


def meta_mismatches(summary: PackageSummary, meta: DeclaredMeta) -> list[str]:
    """Describe each way *meta* disagrees with *summary* (empty when they agree).

    Lists are compared as sets: cache.spack.io sorts ``meta.versions`` as strings, which
    is not an error, only a different order.
    """
    found: list[str] = []
    if meta.num_specs != summary.num_specs:
        found.append(
            f"num_specs is {quoted(meta.num_specs)}, but spec_details has {summary.num_specs}"
        )
    pairs: tuple[tuple[str, frozenset[str | None], Iterable[str | None]], ...] = (
        ("compilers", meta.compilers, summary.compilers),
        ("oss", frozenset(meta.oss), summary.oss),
        ("platforms", frozenset(meta.platforms), summary.platforms),
        ("stacks", frozenset(meta.stacks), (stack for stack, _ in summary.stacks)),
        ("targets", frozenset(meta.targets), summary.targets),
        ("versions", frozenset(meta.versions), summary.versions),
    )
    for name, declared, derived in pairs:
        derived_set = frozenset(derived)
        if declared != derived_set:
            found.append(_set_difference(name, declared, derived_set))
    declared_stacks, derived_stacks = dict(meta.num_specs_by_stack), dict(summary.stacks)
    if declared_stacks != derived_stacks:
        diffs = [
            f"{excerpt(stack)} {declared_stacks.get(stack, 0)} "
            f"(specs say {derived_stacks.get(stack, 0)})"
            for stack in sorted(declared_stacks.keys() | derived_stacks.keys())
            if declared_stacks.get(stack, 0) != derived_stacks.get(stack, 0)
        ]
        found.append("num_specs_by_stack differs: " + _first_of(diffs))
    return found


def _set_difference(
    name: str, declared: frozenset[str | None], derived: frozenset[str | None]
) -> str:
    def show(values: Iterable[str | None]) -> str:
        return _first_of(sorted(excerpt(NO_COMPILER if v is None else v) for v in values)) or "-"

    extra, missing = declared - derived, derived - declared
    parts = [f"lists {show(extra)} not in the specs"] if extra else []
    if missing:
        parts.append(f"misses {show(missing)}")
    return f"{name} " + " and ".join(parts)


def _first_of(items: list[str], limit: int = 10) -> str:
    """The first *limit* of *items*, and how many more."""
    more = f", and {len(items) - limit:,} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def spec_sort_key(spec: Spec) -> tuple[object, ...]:
    """The default order of specs: newest version first, then platform, OS, target,
    compiler and hash (the hash makes it total, so output never depends on file order)."""
    newest = max((version_key(v) for v in spec.versions), default=((), ()))
    return (
        _Reversed(newest),
        spec.platform,
        spec.os,
        spec.target,
        compiler_sort_key(spec.compiler),
        spec.hash,
    )


def sort_specs(specs: Iterable[Spec]) -> tuple[Spec, ...]:
    """*specs* in the default order (see :func:`spec_sort_key`)."""
    return tuple(sorted(specs, key=spec_sort_key))


class _Reversed:
    """Wraps a key so that it sorts in descending order inside an ascending sort."""

    __slots__ = ("key",)

    def __init__(self, key: object) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(self.key > other.key)  # type: ignore[operator]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.key == other.key)

    __hash__ = None  # type: ignore[assignment]
