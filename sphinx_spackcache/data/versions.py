"""Spack's version ordering, without Spack.

Spack does not order versions as strings, nor as PEP 440 does. A version is split into
segments of digits or of letters, each followed by separators (``.``, ``_``, ``-``); then

* a numeric segment is greater than an alphabetic one (``1.0 > 1.a``, ``3.0.0 > v3.0.0``);
* alphabetic segments compare as strings;
* the "infinity" words ``stable < nightly < trunk < head < master < main < develop`` are
  greater than any number;
* a trailing ``alpha``/``beta``/``rc`` (with an optional number) marks a pre-release,
  ordered before the final release (``1.0rc1 < 1.0``);
* a version that is a prefix of another is smaller (``1.2 < 1.2.1``).

Only the ordering is implemented here; ranges, git versions and satisfaction are Spack's
business. :func:`version_key` returns a plain tuple so that sorting is fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["INFINITY_VERSIONS", "MAX_DIGITS", "sort_versions", "version_key"]

#: Words Spack treats as later than any numbered release, in increasing order.
INFINITY_VERSIONS = ("stable", "nightly", "trunk", "head", "master", "main", "develop")
_PRERELEASE = {"alpha": 0, "beta": 1, "rc": 2}
_FINAL = 3
_SEGMENT = re.compile(r"(?:(?P<num>[0-9]+)|(?P<alpha>[a-zA-Z]+))[_.-]*")

# A segment key is (kind, value): alphabetic 0 < numeric 1 < huge numeric 2 < infinity 3,
# so that tuples of segment keys compare the way Spack compares its version tuples.
_ALPHA, _NUM, _HUGE, _INF = 0, 1, 2, 3
#: The most digits a number of a version is read as an ``int`` with (Python refuses to
#: read one of over 4,300 digits). A longer one is greater than every shorter one, so it
#: is a "huge" segment, compared by its length and then its digits, as text.
MAX_DIGITS = 4000
SegmentKey = tuple[int, int | str | tuple[int, str]]
VersionKey = tuple[tuple[SegmentKey, ...], tuple[int | tuple[int, str], ...]]


def _number(digits: str) -> tuple[int, int | tuple[int, str]]:
    """``(kind, value)`` of a number of a version, however many digits it has."""
    if len(digits) <= MAX_DIGITS:
        return (_NUM, int(digits))
    significant = digits.lstrip("0") or "0"
    if len(significant) <= MAX_DIGITS:
        return (_NUM, int(significant))
    return (_HUGE, (len(significant), significant))


def _segment_key(num: str, alpha: str) -> SegmentKey:
    if num:
        return _number(num)
    if alpha in INFINITY_VERSIONS:
        return (_INF, INFINITY_VERSIONS.index(alpha))
    return (_ALPHA, alpha)


# A snapshot's pages ask for the keys of a few thousand versions some 140,000 times
# (tables, summaries, exports, sorted on each): worked out each time, a snapshot's 1,225
# pages took 1.10x as long (benchmarks/tricks.py, furo, best of 3).
@lru_cache(maxsize=16384)
def version_key(version: str) -> VersionKey:
    """Return a sort key that orders version strings the way Spack does.

    >>> sorted(["1.10", "1.9", "v3.0.0", "develop", "1.0rc1", "1.0"], key=version_key)
    ['v3.0.0', '1.0rc1', '1.0', '1.9', '1.10', 'develop']
    """
    segments = [(m["num"] or "", m["alpha"] or "") for m in _SEGMENT.finditer(version.strip())]
    prerelease: tuple[int | tuple[int, str], ...] = (_FINAL,)
    if len(segments) >= 3 and segments[-2][1] in _PRERELEASE and segments[-1][0]:
        prerelease = (_PRERELEASE[segments[-2][1]], *_number(segments[-1][0]))
        segments = segments[:-2]
    elif len(segments) >= 2 and segments[-1][1] in _PRERELEASE:
        prerelease = (_PRERELEASE[segments[-1][1]],)
        segments = segments[:-1]
    return tuple(_segment_key(num, alpha) for num, alpha in segments), prerelease


def sort_versions(versions: Iterable[str], *, newest_first: bool = True) -> tuple[str, ...]:
    """Sort distinct versions in Spack order, newest first unless told otherwise.

    Versions that Spack considers equal but spell differently (``1.0`` and ``1-0``) are
    kept apart and ordered by their text, so the result is deterministic.
    """
    unique = set(versions)
    if len(unique) < 2:
        return tuple(unique)
    ordered = sorted(unique, key=lambda v: (version_key(v), v), reverse=newest_first)
    return tuple(ordered)
