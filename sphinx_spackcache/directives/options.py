"""Option validators the directives share.

A validator raises ``ValueError`` only for a missing value; every other check is made
by the directive, so that a bad value is a ``spackcache`` warning (which
``suppress_warnings`` understands) and the build goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils.parsers.rst import directives

from ..data.query import FILTER_FIELDS, split_patterns

__all__ = [
    "FILTER_OPTIONS",
    "optional_text_option",
    "patterns_option",
    "text_option",
    "words_option",
]


def text_option(argument: str | None) -> str:
    """Option validator: a non-empty value, stripped (checked further by the directive)."""
    if argument is None or not argument.strip():
        raise ValueError("argument required but none supplied")
    return argument.strip()


def optional_text_option(argument: str | None) -> str:
    """Option validator: a value that may be left out (``""``), stripped."""
    return (argument or "").strip()


def patterns_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma-separated patterns (``\\,`` for a literal comma); ``()``
    for a value of commas only, such as ``:os: ,`` (the directive warns, see
    :meth:`~.base.SpackCacheDirective.query`)."""
    try:
        return split_patterns(text_option(argument))
    except ValueError:
        if argument is None or not argument.strip():
            raise
        return ()


def words_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma- or space-separated words."""
    return tuple(text_option(argument).replace(",", " ").split())


#: The filter options every listing directive takes: the field patterns, and ``:roots:``
#: (only the specs installed explicitly, or that nothing depends on, where the source says).
FILTER_OPTIONS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(FILTER_FIELDS, patterns_option),
    "roots": directives.flag,
}
