"""Build-time filters over specs: ``:stack:``, ``:os:``, ``:platform:``, ``:target:``,
``:compiler:``, ``:version:``, ``:variant:`` and ``:runs-on:``.

Within one option, comma-separated patterns are alternatives (OR); several options must
all hold (AND). A pattern may use shell-style globs (``*``, ``?``, ``[...]``), matched
case-sensitively against whole values with :func:`fnmatch.fnmatchcase`; nothing is ever
evaluated as code. A literal comma (as in the variant ``libs:=shared,static``) is written
``\\,``.

Compiler patterns are normalised like compilers in records (``gcc@=11.4.0`` matches
``gcc@11.4.0``); ``none`` matches specs built without a compiler.

``:runs-on:`` takes CPU names, not globs: a spec passes when its target runs on one of
them, as archspec decides (:mod:`~sphinx_spackcache.data.targets`).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .model import NO_COMPILER, Spec
from .targets import is_known_cpu, runs_on

__all__ = [
    "FILTER_FIELDS",
    "RUNS_ON_FIELD",
    "STACK_FIELD",
    "FieldFilter",
    "SpecQuery",
    "Unmatched",
    "split_patterns",
]

#: The filter of stacks (``:stack:``), which also limits the rows of a coverage matrix.
STACK_FIELD = "stack"

#: The filter of targets by the CPU they run on (``:runs-on:``).
RUNS_ON_FIELD = "runs-on"

#: How to read the values of each filterable field from a spec.
_FIELD_VALUES: Mapping[str, Callable[[Spec], tuple[str, ...]]] = {
    STACK_FIELD: lambda spec: spec.stacks,
    "os": lambda spec: (spec.os,),
    "platform": lambda spec: (spec.platform,),
    "target": lambda spec: (spec.target,),
    "compiler": lambda spec: (NO_COMPILER if spec.compiler is None else spec.compiler,),
    "version": lambda spec: spec.versions,
    "variant": lambda spec: spec.variants,
    RUNS_ON_FIELD: lambda spec: (spec.target,),
}

#: How a value is matched against a pattern: a glob, except for ``:runs-on:``, where the
#: value is a target and the pattern a CPU.
_MATCH: Mapping[str, Callable[[str, str], bool]] = {RUNS_ON_FIELD: runs_on}

#: The filter options, in the order they are documented.
FILTER_FIELDS: tuple[str, ...] = tuple(_FIELD_VALUES)

_SEPARATOR = re.compile(r"(?<!\\),")


def split_patterns(text: str) -> tuple[str, ...]:
    """Split an option value at unescaped commas; ``\\,`` is a literal comma.

    :raises ValueError: when no pattern is left.
    """
    patterns = tuple(
        part.strip().replace("\\,", ",") for part in _SEPARATOR.split(text) if part.strip()
    )
    if not patterns:
        raise ValueError("at least one value is required")
    return patterns


def field_values(spec: Spec, field: str) -> tuple[str, ...]:
    """The values of *field* in *spec* (several for stacks, versions and variants)."""
    return _FIELD_VALUES[field](spec)


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """One option: the spec must have a value of *field* matching one of *patterns*."""

    field: str
    patterns: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.field not in _FIELD_VALUES:
            raise ValueError(f"cannot filter on {self.field!r}")
        if self.field == "compiler":
            normalised = tuple(p.replace("@=", "@", 1) for p in self.patterns)
            object.__setattr__(self, "patterns", normalised)

    def matches(self, spec: Spec) -> bool:
        """Whether *spec* passes this filter."""
        return any(self.keeps(value) for value in field_values(spec, self.field))

    def keeps(self, value: str) -> bool:
        """Whether one *value* of the field passes this filter."""
        match = _MATCH.get(self.field, fnmatchcase)
        return any(match(value, pattern) for pattern in self.patterns)

    def unknown(self) -> tuple[str, ...]:
        """The patterns that are likely typos: CPU names archspec does not know (such a
        name still matches a target of the same name, as Spack would)."""
        if self.field != RUNS_ON_FIELD:
            return ()
        return tuple(p for p in self.patterns if not is_known_cpu(p))


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A pattern that matches no value at all, and the values there are."""

    field: str
    pattern: str
    existing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpecQuery:
    """All filters of one directive (AND of :class:`FieldFilter`)."""

    filters: tuple[FieldFilter, ...] = ()

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> SpecQuery:
        """Build a query from directive options named like :data:`FILTER_FIELDS`."""
        filters = []
        for field in FILTER_FIELDS:
            value = options.get(field)
            if isinstance(value, tuple):
                filters.append(FieldFilter(field, value))
        return cls(tuple(filters))

    def __bool__(self) -> bool:
        return bool(self.filters)

    def matches(self, spec: Spec) -> bool:
        """Whether *spec* passes every filter."""
        return all(f.matches(spec) for f in self.filters)

    def keeps(self, field: str, value: str) -> bool:
        """Whether a single *value* of *field* passes (True when *field* is not filtered);
        used where values, not specs, are listed, such as the stack rows of a matrix."""
        return all(f.keeps(value) for f in self.filters if f.field == field)

    def apply(self, specs: Iterable[Spec]) -> tuple[Spec, ...]:
        """The specs that pass."""
        return tuple(spec for spec in specs if self.matches(spec))

    def unmatched(self, specs: Iterable[Spec]) -> list[Unmatched]:
        """Each pattern that matches no value of its field in *specs*, with the values
        that do exist, so that a typo can be reported instead of silently showing
        nothing. Unknown CPU names (:meth:`FieldFilter.unknown`) are not among them: they
        are a problem of their own."""
        specs = tuple(specs)
        found: list[Unmatched] = []
        for field_filter in self.filters:
            values = {v for spec in specs for v in field_values(spec, field_filter.field)}
            unknown = field_filter.unknown()
            for pattern in field_filter.patterns:
                single = FieldFilter(field_filter.field, (pattern,))
                if pattern not in unknown and not any(single.keeps(v) for v in values):
                    found.append(Unmatched(field_filter.field, pattern, tuple(sorted(values))))
        return found

    def unknown(self) -> list[tuple[str, str]]:
        """``(field, pattern)`` of each unknown CPU name (:meth:`FieldFilter.unknown`)."""
        return [(f.field, pattern) for f in self.filters for pattern in f.unknown()]
