"""The immutable data model of a Spack build-cache snapshot.

One :class:`PackageRecord` per ``_cache/<tag>/<package>/specs.md`` file, holding one
:class:`Spec` per binary. Values are normalised once, when a record is parsed:

* ``compiler`` is ``None`` for cache.spack.io's ``"none"`` (packages built without a
  compiler, such as pure-Python ones), and Spack's concrete-version spelling
  ``gcc@=11.4.0`` (v0.23 snapshots) becomes ``gcc@11.4.0`` (2025 snapshots), so that the
  same compiler reads the same in every snapshot;
* ``size`` is ``None`` for the placeholder ``"-"`` (or a missing or empty size), and
  text otherwise;
* a stack listed twice in one spec is kept once (and reported);
* ``tarball`` is ``None`` where the record has no URL (only v0.23 snapshots carry one).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["DeclaredMeta", "PackageRecord", "Spec", "is_safe_url", "normalise_compiler"]


def normalise_compiler(value: str) -> str | None:
    """``"none"`` → ``None``; ``"gcc@=11.4.0"`` → ``"gcc@11.4.0"``; anything else unchanged."""
    if value == "none":
        return None
    return value.replace("@=", "@", 1)


def is_safe_url(url: str) -> bool:
    """Whether *url* may become a link: an absolute ``http(s)`` URL."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True, slots=True)
class Spec:
    """One binary in a build cache: a concrete spec of one package."""

    hash: str
    versions: tuple[str, ...]
    compiler: str | None
    os: str
    platform: str
    target: str
    variants: tuple[str, ...]
    stacks: tuple[str, ...]
    size: str | None = None
    tarball: str | None = None

    @property
    def arch(self) -> str:
        """Spack's architecture triple, ``platform-os-target``."""
        return f"{self.platform}-{self.os}-{self.target}"


@dataclass(frozen=True, slots=True)
class DeclaredMeta:
    """The ``meta`` summary a record declares about itself (normalised like :class:`Spec`).

    It is only ever cross-checked: every figure shown is derived from the specs.
    """

    num_specs: int
    compilers: frozenset[str | None]
    num_specs_by_stack: tuple[tuple[str, int], ...]
    oss: frozenset[str]
    platforms: frozenset[str]
    stacks: frozenset[str]
    targets: frozenset[str]
    versions: frozenset[str]


@dataclass(frozen=True, slots=True)
class PackageRecord:
    """The cache record of one package in one snapshot."""

    name: str
    tag: str
    path: Path
    specs: tuple[Spec, ...]
    meta: DeclaredMeta | None = None
    #: 1-based line of ``spec_details`` in the file (for warnings), 0 when unknown.
    specs_line: int = 0
    #: 1-based line of ``meta`` in the file (for warnings), 0 when unknown.
    meta_line: int = 0
