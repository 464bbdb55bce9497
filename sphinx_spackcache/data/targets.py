"""Which binaries run on which CPU, as Spack decides it: with archspec, Spack's own
library of microarchitectures.

A binary built for target *T* runs on a CPU *H* when *T* is *H* or one of its ancestors
in archspec's graph (``x86_64_v3`` runs on ``zen3``, ``zen4`` does not, nothing built
for ``aarch64`` runs on an x86 CPU). A target archspec does not know runs only on a CPU
of the same name.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import archspec.cpu

from .suggest import close_names

__all__ = [
    "CPU_GROUPS",
    "close_cpus",
    "compatibility_table",
    "compatible_targets",
    "is_known_cpu",
    "runs_on",
]

#: The CPUs a reader can choose from, in groups (label, then archspec families and
#: vendors): the generic x86_64 levels, Intel, AMD, ARM (every aarch64 vendor), Power
#: and RISC-V. 32-bit and SPARC targets are left out: Spack publishes no binaries for them.
_GROUP_RULES: tuple[tuple[str, frozenset[str], frozenset[str] | None], ...] = (
    ("x86_64 levels", frozenset({"x86_64"}), frozenset({"generic"})),
    ("Intel", frozenset({"x86_64"}), frozenset({"GenuineIntel"})),
    ("AMD", frozenset({"x86_64"}), frozenset({"AuthenticAMD"})),
    ("ARM", frozenset({"aarch64"}), None),
    ("Power", frozenset({"ppc64le", "ppc64"}), None),
    ("RISC-V", frozenset({"riscv64"}), None),
)


def _groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups = []
    for label, families, vendors in _GROUP_RULES:
        names = tuple(
            name
            for name, target in archspec.cpu.TARGETS.items()
            if target.family.name in families and (vendors is None or target.vendor in vendors)
        )
        groups.append((label, names))
    return tuple(groups)


#: ``(label, CPU names)`` for a reader's choice of CPU, in archspec's order (which is
#: roughly the order in which the CPUs came out).
CPU_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = _groups()


def is_known_cpu(name: str) -> bool:
    """Whether archspec knows the microarchitecture *name*."""
    return name in archspec.cpu.TARGETS


@cache
def compatible_targets(host: str) -> frozenset[str]:
    """The targets whose binaries run on *host*: itself and its ancestors."""
    cpu = archspec.cpu.TARGETS.get(host)
    if cpu is None:
        return frozenset({host})
    return frozenset({host, *(ancestor.name for ancestor in cpu.ancestors)})


def runs_on(target: str, host: str) -> bool:
    """Whether a binary built for *target* runs on the CPU *host*."""
    return target in compatible_targets(host)


def close_cpus(name: str) -> list[str]:
    """The CPU names closest to *name*, for a hint after a typo."""
    return close_names(name, archspec.cpu.TARGETS)


def compatibility_table() -> Mapping[str, list[str]]:
    """Every CPU archspec knows with the targets that run on it (sorted), the data the
    HTML "My CPU" choice and ``?runs-on=`` filter with (computed when the site is built):
    all of them, not only those of :data:`CPU_GROUPS` that the choice offers, so that
    ``?runs-on=pentium4`` keeps the rows ``:runs-on: pentium4`` keeps."""
    return {host: sorted(compatible_targets(host)) for host in archspec.cpu.TARGETS}
