"""Read cache records the plain way (PyYAML on the whole front matter), to compute the
numbers tests expect without using the code under test."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RECORDS = Path(__file__).parent / "records" / "_cache"


@cache
def front_matter(tag: str, package: str, root: Path = RECORDS) -> dict[str, Any]:
    text = (root / tag / package / "specs.md").read_text(encoding="utf-8")
    _, body, _ = text.split("---", 2)
    data: dict[str, Any] = yaml.safe_load(body)
    return data


def specs(tag: str, package: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = front_matter(tag, package)["spec_details"]
    return result


def hashes(tag: str, package: str) -> set[str]:
    return {spec["hash"] for spec in specs(tag, package)}


def stack_counts(tag: str, package: str) -> dict[str, int]:
    return dict(Counter(stack for spec in specs(tag, package) for stack in spec["stacks"]))


def packages(tag: str) -> list[str]:
    return sorted(path.parent.name for path in (RECORDS / tag).glob("*/specs.md"))


def snapshot_stacks(tag: str) -> set[str]:
    return {
        stack for package in packages(tag) for s in specs(tag, package) for stack in s["stacks"]
    }
