"""The order of snapshots, and so which one is the newest: one rule for the whole package.

Release tags (``v0.22.1``, ``v0.23.1``) come first, in Spack's version order; then
``develop-YYYY-MM-DD`` snapshots, by date; then every other snapshot (a mirror such as
``site``, a tag of another shape, a develop tag whose date is not one), by name. The last
in this order is the newest: the snapshot a plain package name refers to when
``spackcache_default_tag`` does not say otherwise (:mod:`!sphinx_spackcache.domain`), and
the last row of ``cache-history`` (:mod:`~sphinx_spackcache.data.history`).

Release tags carry no date, so a release and a develop snapshot are never compared in
time: releases first is a rule, not a chronology. A snapshot of another name is last
because it is taken to be made by a current Spack (as :mod:`~sphinx_spackcache.data.install`
takes it).

Releases and develop snapshots are points in Spack's history; a snapshot of another
name (``OTHER``, :func:`snapshot_kind`: a mirror read as it is when the pages are built,
a tag of another shape) is not, and a history counts it apart
(:mod:`~sphinx_spackcache.data.history`).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Literal

from .versions import MAX_DIGITS, VersionKey, version_key

__all__ = [
    "DEVELOP",
    "DEVELOP_BRANCH",
    "OTHER",
    "RELEASE",
    "RELEASE_TAG",
    "SnapshotKind",
    "diff_base",
    "newest_snapshot",
    "previous_snapshot",
    "release_numbers",
    "snapshot_key",
    "snapshot_kind",
    "snapshot_order",
]

#: A release tag: ``v`` and dot-separated numbers (``v1``, ``v0.10``, ``v0.23.1``); not
#: ``v0.23.1-rc`` nor ``v0.23.x``. The numbers are its group 1.
RELEASE_TAG = re.compile(r"v(\d+(?:\.\d+)*)")
_DEVELOP = re.compile(r"develop-(\d{4})-(\d{2})-(\d{2})")

#: The kinds of snapshot, in order.
_RELEASES, _DEVELOP_DATES, _OTHERS = 0, 1, 2

SnapshotKey = tuple[int, VersionKey | int | tuple[()], str]

#: What a snapshot is, by its tag: a release, a dated develop snapshot, or another
#: (a mirror, a tag of another shape, a develop tag whose date is not one).
SnapshotKind = Literal["release", "develop", "other"]
RELEASE: SnapshotKind = "release"
DEVELOP: SnapshotKind = "develop"
OTHER: SnapshotKind = "other"
_KINDS: tuple[SnapshotKind, ...] = (RELEASE, DEVELOP, OTHER)


def snapshot_key(tag: str) -> SnapshotKey:
    """A sort key that puts *tag* where the module's rule does."""
    if RELEASE_TAG.fullmatch(tag):
        return (_RELEASES, version_key(tag[1:]), tag)
    match = _DEVELOP.fullmatch(tag)
    if match:
        try:  # a date that is not one (develop-2025-13-45) is an "other" snapshot
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return (_OTHERS, (), tag)
        return (_DEVELOP_DATES, day.toordinal(), tag)
    return (_OTHERS, (), tag)


def snapshot_kind(tag: str) -> SnapshotKind:
    """Whether *tag* is a release, a dated develop snapshot or another snapshot, by the
    module's rule (the kinds in its order).

    >>> [snapshot_kind(t) for t in ("v0.23.1", "develop-2025-04-20", "develop-2025-13-45")]
    ['release', 'develop', 'other']
    """
    return _KINDS[snapshot_key(tag)[0]]


def release_numbers(tag: str) -> tuple[int, ...] | None:
    """The numbers of a release tag (``v0.23.1`` -> ``(0, 23, 1)``), ``None`` for any other
    snapshot, and for a release of a number of more than :data:`.MAX_DIGITS` digits (no
    Spack has one: the snapshot is taken to be made by a current Spack, as others are)."""
    match = RELEASE_TAG.fullmatch(tag)
    if match is None:
        return None
    numbers = match[1].split(".")
    if any(len(number) > MAX_DIGITS for number in numbers):
        return None
    return tuple(int(number) for number in numbers)


def snapshot_order(tags: Iterable[str]) -> list[str]:
    """*tags* in the module's order, oldest first: releases by version, then develop
    snapshots by date, then the others by name."""
    return sorted(set(tags), key=snapshot_key)


def newest_snapshot(tags: Iterable[str]) -> str | None:
    """The last of *tags* in :func:`snapshot_order` (``None`` for no tags)."""
    return max(tags, key=snapshot_key, default=None)


def previous_snapshot(tag: str, tags: Iterable[str]) -> str | None:
    """The snapshot just before *tag* in :func:`snapshot_order` of the same kind (a
    release before a release, a develop snapshot before a develop snapshot), if any."""
    kind = snapshot_key(tag)[0]
    if kind == _OTHERS:
        return None
    earlier = [t for t in snapshot_order(tags) if snapshot_key(t)[0] == kind and t != tag]
    earlier = [t for t in earlier if snapshot_key(t) < snapshot_key(tag)]
    return earlier[-1] if earlier else None


#: The ref of Spack's ``develop`` branch itself in binaries.spack.io's snapshot index
#: (spack/spack-infrastructure's cache-indexer keeps ``develop``, ``develop-YYYY-MM-DD``
#: and ``vX.Y.Z``): the newest of the develop snapshots, though it has no date.
DEVELOP_BRANCH = "develop"


def diff_base(tag: str, tags: Iterable[str]) -> str | None:
    """The snapshot that *tag* is compared with to say what changed: the one before it
    (:func:`previous_snapshot`); for :data:`DEVELOP_BRANCH`, which has no date, the
    newest dated develop snapshot of *tags*.

    >>> diff_base("develop", ["v1.0.0", "develop-2026-11-26", "develop-2026-11-29"])
    'develop-2026-11-29'
    >>> diff_base("develop-2026-11-26", ["develop-2026-11-26", "develop-2026-11-29"]) is None
    True
    """
    if tag == DEVELOP_BRANCH:
        dated = [t for t in snapshot_order(tags) if snapshot_kind(t) == DEVELOP]
        return dated[-1] if dated else None
    return previous_snapshot(tag, tags)
