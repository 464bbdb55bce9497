"""Spack's version order. Each expected order below was worked out by hand from Spack's
rules (lib/spack/spack/version/version_types.py), not produced by the code under test."""

from __future__ import annotations

import random

import pytest

from sphinx_spackcache.data.versions import sort_versions, version_key


def ascending(versions: list[str]) -> list[str]:
    shuffled = versions[:]
    random.Random(4).shuffle(shuffled)
    return list(sort_versions(shuffled, newest_first=False))


@pytest.mark.parametrize(
    "expected",
    [
        # numeric components compare as numbers, and a prefix is smaller
        ["1.2", "1.2.1", "1.9", "1.10", "1.101"],
        # a letter segment is smaller than a number segment
        ["v3.0.0", "0.1", "3.0.0"],
        ["3.5", "3.5a", "3.5.0", "3.5.1"],
        # a word alone is older than any number; 'spack' is an ordinary word
        ["spack", "0.0.1"],
        # pre-releases come before the release, in alpha < beta < rc order
        ["1.0alpha", "1.0beta", "1.0rc1", "1.0rc2", "1.0", "1.0.1"],
        # dates are numbers separated by dashes
        ["2023-11-04", "2024-08-30", "2024-09-06", "2024-09-26"],
        # separators do not matter, only the segments: (2024, 9, 26) < (2024, 10)
        ["2024-09-26", "2024.10"],
        # the infinity words beat any number, in Spack's own order
        ["999", "stable", "nightly", "trunk", "head", "master", "main", "develop"],
        # versions seen in the real records
        ["2.2.15", "3.0.1"],
        ["10.8.6-scorec", "11.1.0"],
        ["8.9.5.30-12", "8.9.7.29-12", "9.8.0.87-12"],
        ["2023.08.14.0-free", "2023.08.25", "2023.9.0"],
    ],
)
def test_spack_order(expected: list[str]) -> None:
    assert ascending(expected) == expected


def test_newest_first_is_the_default() -> None:
    assert sort_versions(["3.25.3", "3.31.6", "3.30.5"]) == ("3.31.6", "3.30.5", "3.25.3")


def test_not_string_order() -> None:
    # As strings "1.10" < "1.9"; Spack says the opposite.
    assert version_key("1.10") > version_key("1.9")
    assert sorted(["1.10", "1.9"]) == ["1.10", "1.9"]


def test_equal_versions_spelled_differently_keep_a_stable_order() -> None:
    assert version_key("02.02.03") == version_key("2.2.3")
    assert sort_versions(["2.2.3", "02.02.03"], newest_first=False) == ("02.02.03", "2.2.3")
    assert sort_versions(["02.02.03", "2.2.3"], newest_first=False) == ("02.02.03", "2.2.3")


def test_duplicates_are_dropped() -> None:
    assert sort_versions(["1.0", "1.0", "2.0"]) == ("2.0", "1.0")
