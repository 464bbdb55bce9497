"""What binaries weigh: each one's compressed size (a v3 mirror's spec manifest gives
it, ``sphinx_spackcache.sources.manifests``), the size of a binary with everything
it brings with it, and the sums a summary or a listing shows ("4.2 GB in 64
binaries").

A binary's size *with its dependencies* is what installing it from the build cache
downloads: the binary and its ``link``/``run`` closure (:func:`~.dag.brought`), each
binary counted once however many paths lead to it. When one of them has no known size
the sum is not known either (``None``): a sum that leaves binaries out would look like
a size.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .dag import DependenciesOf, brought, remembered
from .model import Spec

__all__ = ["SizeSum", "human_size", "size_sum", "sizes_with_dependencies", "with_dependencies"]


def human_size(size: int) -> str:
    """``4.2 MB``: a size in bytes in decimal units, as ``du --si`` gives it (at most
    ``2**63 - 1``, the largest size a file system tells; far larger ones are too large
    for a float).

    >>> [human_size(n) for n in (0, 999, 1000, 3_400_000)]
    ['0 B', '999 B', '1.0 kB', '3.4 MB']
    """
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def with_dependencies(
    spec_hash: str, bytes_of: Callable[[str], int | None], dependencies_of: DependenciesOf
) -> int | None:
    """The bytes of *spec_hash* and of every binary it brings with it, each once;
    ``None`` when one of them has no size (*bytes_of* gives ``None``)."""
    total = 0
    for key in (spec_hash, *brought(spec_hash, dependencies_of)):
        size = bytes_of(key)
        if size is None:
            return None
        total += size
    return total


def sizes_with_dependencies(
    hashes: Iterable[str], sizes: Mapping[str, int], dependencies_of: DependenciesOf
) -> dict[str, int | None]:
    """:func:`with_dependencies` of each of *hashes*, the shared nodes' dependencies
    looked up once; *sizes*: hash -> bytes of every binary known."""
    lookup = remembered(dependencies_of)
    return {key: with_dependencies(key, sizes.get, lookup) for key in hashes}


@dataclass(frozen=True, slots=True)
class SizeSum:
    """The sizes of a set of binaries added up."""

    #: The bytes of the binaries that have a size.
    bytes: int
    #: How many binaries have a size.
    sized: int
    #: How many binaries there are.
    count: int

    def phrase(self) -> str:
        """``4.2 GB in 64 binaries`` (``... in 60 of 64 binaries`` when some have no
        size); empty when none has one."""
        if not self.sized:
            return ""
        what = "binary" if self.count == 1 else "binaries"
        of = f"{self.sized:,} of {self.count:,}" if self.sized < self.count else f"{self.count:,}"
        return f"{human_size(self.bytes)} in {of} {what}"


def size_sum(specs: Iterable[Spec]) -> SizeSum:
    """The sizes of *specs* added up (each hash once)."""
    seen: dict[str, int | None] = {}
    for spec in specs:
        seen.setdefault(spec.hash, spec.record_bytes)
    known = [size for size in seen.values() if size is not None]
    return SizeSum(bytes=sum(known), sized=len(known), count=len(seen))
