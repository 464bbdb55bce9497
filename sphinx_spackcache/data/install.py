"""The Spack commands that install a snapshot's binaries, spelled for the Spack that the
snapshot needs.

* ``spack repo update builtin --tag TAG`` (``--branch``): from Spack 1.0 the package
  repository is spack/spack-packages, apart from Spack; a snapshot built from one of its
  tags (or release branches) pins it, so that the recipes match the binaries;
* ``spack mirror add NAME URL``; from Spack 0.22 with ``--signed`` or ``--unsigned``
  (before that, an unsigned mirror is installed from with ``--no-check-signature``);
* ``spack buildcache keys --install --trust``, for signed binaries;
* ``spack install --use-buildcache only SPEC`` from Spack 0.19; ``--cache-only`` before.

Which Spack a snapshot needs (:func:`spack_needs`):

* a Spack release tag (``v0.23.1``, ``v1.0.2``) or release branch (cache.spack.io's old
  snapshots ``v0.18``, ``v0.19``, ``v0.20`` are the branches ``releases/vX.Y``) needs
  that release;
* a tag of a spack/spack-packages release (``v2025.07.0``: calendar numbers, a year
  first) is no Spack version: it needs Spack 1.0 or later (spack/spack ``CHANGELOG.md``,
  v1.0.0: "Spack version v1.0 uses the v2025.07 release of spack-packages"), and its
  recipes are pinned to that tag (``releases/vYYYY.MM`` for a branch);
* ``develop-YYYY-MM-DD`` is Spack's develop branch of that day. It is spelled as the
  newest release *published* by that day (a feature merged on develop before its
  release is not relied on, because the merge dates are not all known: see
  :data:`RELEASE_DATES`); from Spack 1.0's day on, its recipes are pinned to the
  spack-packages tag of the same name, which spack-packages' CI builds
  (spack/spack-packages ``.ci/gitlab/.gitlab-ci.yml``: ``$CI_COMMIT_TAG =~
  /^develop-[\\d]{4}-[\\d]{2}-[\\d]{2}$/``);
* any other snapshot (``develop``, a mirror) is taken to be made by a current Spack.

(``--use-buildcache`` came with spack/spack#32537, in 0.19.0; ``mirror add --signed`` and
``--unsigned`` with spack/spack#41507, in 0.22.0, ``CHANGELOG.md`` "Binary caches";
``buildcache keys --install --trust`` is older than 0.17 and still current; ``spack repo
update --commit SHA builtin`` is in the v1.0.0 notes, "Updating and Pinning Packages".)

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import datetime
import re
import shlex
from dataclasses import dataclass

from .snapshots import release_numbers

__all__ = [
    "RELEASE_DATES",
    "InstallCommands",
    "SpackNeeds",
    "install_commands",
    "spack_needs",
    "spack_release",
]

#: The first Spack release with ``spack install --use-buildcache``.
USE_BUILDCACHE_SINCE = (0, 19)
#: The first Spack release with ``spack mirror add --signed/--unsigned``.
SIGNED_OPTION_SINCE = (0, 22)
#: The first Spack release whose package repository is spack/spack-packages.
PACKAGES_REPO_SINCE = (1, 0)

#: The day each release that changed the spelling was published (spack/spack
#: ``CHANGELOG.md``: "v0.19.0 (2022-11-11)", "v0.22.0 (2024-05-12)", "v1.0.0
#: (2025-07-20)"). A develop snapshot of that day or later has the release's options.
#: spack/spack#41507 (``--signed``) was opened on 2023-12-08 and merged before 0.22.0;
#: its merge date could not be confirmed, so develop snapshots between the two get the
#: older spelling, which current Spack still takes (``mirror add`` without the option
#: adds a signed mirror; ``install --no-check-signature`` "overrides mirror config",
#: spack/spack#41507).
RELEASE_DATES: tuple[tuple[datetime.date, tuple[int, int, int]], ...] = (
    (datetime.date(2022, 11, 11), (0, 19, 0)),
    (datetime.date(2024, 5, 12), (0, 22, 0)),
    (datetime.date(2025, 7, 20), (1, 0, 0)),
)
#: The Spack of a develop snapshot older than every date of :data:`RELEASE_DATES`.
_BEFORE_DATES = (0, 18, 0)

_DEVELOP = re.compile(r"develop-(\d{4})-(\d{2})-(\d{2})")
#: The first number of a spack/spack-packages release tag (``v2025.07.0``): a year.
_PACKAGES_YEAR = 2025


@dataclass(frozen=True, slots=True)
class SpackNeeds:
    """What Spack a snapshot needs."""

    #: The Spack release whose spelling the commands use (``None``: a current one).
    release: tuple[int, int, int] | None
    #: The spack-packages ref its recipes are pinned to: ``("--tag", "v2025.07.0")`` or
    #: ``("--branch", "releases/v2025.07")`` (``None``: no pin).
    packages: tuple[str, str] | None = None


def _develop_day(tag: str) -> datetime.date | None:
    found = _DEVELOP.fullmatch(tag)
    if found is None:
        return None
    try:
        return datetime.date(*(int(part) for part in found.groups()))
    except ValueError:  # develop-2025-13-45 is no day: an "other" snapshot
        return None


def spack_needs(tag: str) -> SpackNeeds:
    """The Spack that snapshot *tag* needs (see the module's rules)."""
    numbers = release_numbers(tag)
    if numbers is not None:
        if numbers[0] >= _PACKAGES_YEAR:  # spack-packages: vYYYY.MM.N, vYYYY.MM
            if len(numbers) >= 3:
                return SpackNeeds(None, ("--tag", tag))
            if len(numbers) == 2:
                return SpackNeeds(None, ("--branch", f"releases/{tag}"))
            return SpackNeeds(None)
        major, minor, patch = (*numbers, 0, 0)[:3]
        return SpackNeeds((major, minor, patch))
    day = _develop_day(tag)
    if day is None:
        return SpackNeeds(None)
    release = _BEFORE_DATES
    for since, published in RELEASE_DATES:
        if day >= since:
            release = published
    if release[:2] >= PACKAGES_REPO_SINCE:
        return SpackNeeds(None, ("--tag", tag))
    # from 0.22 on the spelling is today's
    return SpackNeeds(None if release[:2] >= SIGNED_OPTION_SINCE else release)


def spack_release(tag: str) -> tuple[int, int, int] | None:
    """The Spack release whose spelling snapshot *tag* gets (``v0.23.1`` → ``(0, 23,
    1)``, ``develop-2024-03-17`` → ``(0, 21, 0)``), or ``None`` for a current Spack."""
    return spack_needs(tag).release


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
    #: The spack-packages ref to pin the recipes to (see :class:`SpackNeeds`).
    packages: tuple[str, str] | None = None
    #: The fingerprints of the mirror's signing keys, where the mirror shows them.
    fingerprints: tuple[str, ...] = ()

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
        """The commands, in order: pin the package repository (where the snapshot has a
        spack-packages ref), add the mirror, trust its keys (signed binaries only), and
        install *spec* (when one is given)."""
        lines = []
        if self.packages is not None:
            option, ref = self.packages
            lines.append(f"spack repo update builtin {option} {shlex.quote(ref)}")
        if _at_least(self.release, SIGNED_OPTION_SINCE):
            signing = "--signed " if self.signed else "--unsigned "
        else:
            signing = ""
        lines.append(f"spack mirror add {signing}{self.name} {shlex.quote(self.url)}")
        if self.signed:
            lines.append("spack buildcache keys --install --trust")
        if spec is not None:
            lines.append(f"{self.install_prefix()} {spec}")
        return lines


def install_commands(
    tag: str,
    url: str,
    *,
    signed: bool = True,
    name: str | None = None,
    fingerprints: tuple[str, ...] = (),
) -> InstallCommands:
    """The commands for the snapshot *tag* (a tag or mirror name) at *url*, added as a
    mirror named *name* (default: *tag*)."""
    needs = spack_needs(tag)
    mirror = name or tag
    return InstallCommands(mirror, url, signed, needs.release, needs.packages, fingerprints)
