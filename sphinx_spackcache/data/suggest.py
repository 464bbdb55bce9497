"""Hints in messages: the names close to one that is not known ("did you mean"), and
how a list of names is put in a message.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_names", "did_you_mean", "first_few"]


def first_few(names: Iterable[str], limit: int = 12) -> str:
    """The first *limit* of *names* for a message, and how many there are in all."""
    names = list(names)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def close_names(name: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """Those of *names* that look like *name*, best first (for :func:`did_you_mean`)."""
    return difflib.get_close_matches(name, list(names), n=limit, cutoff=0.6)


def did_you_mean(close: Iterable[str]) -> str:
    """``; did you mean A, B?`` naming the *close* names, to end a message (``""`` when
    there are none)."""
    close = list(close)
    return f"; did you mean {first_few(close)}?" if close else ""
