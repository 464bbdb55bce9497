"""Option validators the directives share, and how lists are put in messages.

A validator raises ``ValueError`` only for a missing value; every other check is made
by the directive, so that a bad value is a ``spackcache`` warning (which
``suppress_warnings`` understands) and the build goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from docutils.parsers.rst import directives

from ..data.query import FILTER_FIELDS, split_patterns

__all__ = ["FILTER_OPTIONS", "first_few", "patterns_option", "text_option", "words_option"]


def text_option(argument: str | None) -> str:
    """Option validator: a non-empty value, stripped (checked further by the directive)."""
    if argument is None or not argument.strip():
        raise ValueError("argument required but none supplied")
    return argument.strip()


def patterns_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma-separated patterns (``\\,`` for a literal comma)."""
    return split_patterns(text_option(argument))


def words_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma- or space-separated words."""
    return tuple(text_option(argument).replace(",", " ").split())


#: The filter options every listing directive takes: the field patterns, and ``:roots:``
#: (only the specs installed explicitly, or that nothing depends on, where the source says).
FILTER_OPTIONS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(FILTER_FIELDS, patterns_option),
    "roots": directives.flag,
}


def first_few(names: Iterable[str], limit: int = 12) -> str:
    """The first *limit* of *names* for a message, and how many there are in all."""
    names = list(names)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")
