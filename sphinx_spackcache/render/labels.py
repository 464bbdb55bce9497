"""How values of the data are shown: the one place where data becomes words on a page.

The data keeps a spec built without a compiler as ``None``; pages show it as ``none``,
as cache.spack.io's records spell it (and as the ``:compiler:`` filter takes it).
"""

from __future__ import annotations

from ..data.model import NO_COMPILER

__all__ = ["compiler_label", "value_label"]


def compiler_label(compiler: str | None) -> str:
    """The text shown for a spec's compiler."""
    return NO_COMPILER if compiler is None else compiler


def value_label(value: str | None) -> str:
    """The text shown for a value of any field (only a compiler can be ``None``)."""
    return compiler_label(value)
