"""Every warning sphinx-spackcache emits: ``type="spackcache"`` and one of the subtypes of
:class:`SpackCacheWarning` (defined with the problems themselves, in
:mod:`sphinx_spackcache.data.problems`, so that the record checker uses them too).

Silence one kind with ``suppress_warnings = ["spackcache.<subtype>"]`` in ``conf.py``, or
all of them with ``"spackcache"``. The table in the documentation is generated from the
Enum, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util import logging

from .data.problems import WARNING_TYPE, SpackCacheWarning, printable
from .sources.urls import redact

__all__ = ["WARNING_TYPE", "SpackCacheWarning", "warn"]

_logger = logging.getLogger(__name__)


def warn(
    message: str,
    subtype: SpackCacheWarning,
    location: str | tuple[str | None, int | None] | nodes.Node | None,
    **kwargs: Any,
) -> None:
    """Log a located warning of this extension, with its type and subtype: one line (see
    :func:`~sphinx_spackcache.data.problems.printable`), with the credentials of any URL
    in it hidden (:func:`~sphinx_spackcache.sources.urls.redact`)."""
    _logger.warning(
        printable(redact(message)),
        type=WARNING_TYPE,
        subtype=subtype.value,
        location=location,
        **kwargs,
    )
