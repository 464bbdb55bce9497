"""Sentences: counts with their nouns, lists joined with "and" or "or", and the paragraph a
sentence that sums up a table is."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from .names import ROOT_CLASS

__all__ = ["RECORDS_HERE", "count_phrase", "join_with_and", "join_with_or", "sentence"]

#: What a sentence says when it counts records copied into a folder, which may be a few
#: packages of their snapshot (``sources.base.SnapshotRecords.copied``), not the whole of
#: it (issue 24): "Of the records here, develop-2025-04-20 has 3 packages ...".
RECORDS_HERE = "the records here"


def count_phrase(number: int, singular: str, plural: str | None = None) -> str:
    """``1 package``, ``1,225 packages``."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def join_with_and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def join_with_or(parts: Sequence[str]) -> str:
    """``rebuilt``, ``rebuilt or removed``, ``rebuilt, added or removed``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def sentence(text: str) -> nodes.paragraph:
    """*text* as the sentence that sums up the output that follows it."""
    return nodes.paragraph(text, text, classes=[f"{ROOT_CLASS}-sentence"])
