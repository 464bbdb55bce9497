"""The Spack commands that install a snapshot's binaries, spelled for the Spack release
that made the snapshot.

* ``spack mirror add NAME URL``; from Spack 0.22 with ``--signed`` or ``--unsigned``
  (before that, an unsigned mirror is installed from with ``--no-check-signature``);
* ``spack buildcache keys --install --trust``, for signed binaries;
* ``spack install --use-buildcache only SPEC`` from Spack 0.19; ``--cache-only`` before.

(``--use-buildcache`` came with spack/spack#32537, in 0.19.0; ``mirror add --signed`` and
``--unsigned`` with spack/spack#41507, in 0.22.0; ``buildcache keys --install --trust`` is
older than 0.17 and still current.)

A release tag (``v0.23.1``, as :data:`~.snapshots.RELEASE_TAG` says) names its release
(``v1`` is 1.0.0; numbers after the third do not change the spelling); any other
snapshot (``develop-2025-04-20``, a mirror) is taken to be made by a current Spack.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from .snapshots import release_numbers

__all__ = [
    "InstallCommands",
    "install_commands",
    "spack_release",
]

#: The first Spack release with ``spack install --use-buildcache``.
USE_BUILDCACHE_SINCE = (0, 19)
#: The first Spack release with ``spack mirror add --signed/--unsigned``.
SIGNED_OPTION_SINCE = (0, 22)


def spack_release(tag: str) -> tuple[int, int, int] | None:
    """The Spack release a snapshot *tag* names (``v0.23.1`` → ``(0, 23, 1)``), or
    ``None`` for any other snapshot (taken to be made by a current Spack)."""
    numbers = release_numbers(tag)
    if numbers is None:
        return None
    major, minor, patch = (*numbers, 0, 0)[:3]
    return major, minor, patch


def _at_least(release: tuple[int, int, int] | None, since: tuple[int, int]) -> bool:
    return release is None or release[:2] >= since


@dataclass(frozen=True, slots=True)
class InstallCommands:
    """How to install from one snapshot's build cache."""

    #: The name the mirror is added under (the snapshot's tag or mirror name).
    name: str
    #: Where the build cache is.
    url: str
    #: Whether the binaries are signed (their keys are then trusted).
    signed: bool
    #: The Spack release the spelling is for (``None``: a current one).
    release: tuple[int, int, int] | None

    def older_options(self) -> tuple[str, ...]:
        """What ``spack install`` needs instead of, or besides, today's
        ``--use-buildcache only`` for this snapshot's Spack: ``--cache-only`` before 0.19,
        ``--no-check-signature`` for unsigned binaries before 0.22."""
        options = []
        if not _at_least(self.release, USE_BUILDCACHE_SINCE):
            options.append("--cache-only")
        if not self.signed and not _at_least(self.release, SIGNED_OPTION_SINCE):
            options.append("--no-check-signature")
        return tuple(options)

    def install_prefix(self) -> str:
        """``spack install`` and the options that take binaries only."""
        older = self.older_options()
        only = "--cache-only" if "--cache-only" in older else "--use-buildcache only"
        unsigned = " --no-check-signature" if "--no-check-signature" in older else ""
        return f"spack install {only}{unsigned}"

    def commands(self, spec: str | None = None) -> list[str]:
        """The commands, in order: add the mirror, trust its keys (signed binaries
        only), and install *spec* (when one is given)."""
        if _at_least(self.release, SIGNED_OPTION_SINCE):
            signing = "--signed " if self.signed else "--unsigned "
        else:
            signing = ""
        lines = [f"spack mirror add {signing}{self.name} {shlex.quote(self.url)}"]
        if self.signed:
            lines.append("spack buildcache keys --install --trust")
        if spec is not None:
            lines.append(f"{self.install_prefix()} {spec}")
        return lines


def install_commands(name: str, url: str, *, signed: bool = True) -> InstallCommands:
    """The commands for the snapshot *name* (a tag or mirror name) at *url*."""
    return InstallCommands(name, url, signed, spack_release(name))
