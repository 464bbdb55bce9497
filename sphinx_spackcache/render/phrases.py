"""Sentences: counts with their nouns, lists joined with "and"."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["count_phrase", "join_with_and"]


def count_phrase(number: int, singular: str, plural: str | None = None) -> str:
    """``1 package``, ``1,225 packages``."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def join_with_and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
