"""Every warning sphinx-spackcache emits: ``type="spackcache"`` and one of these subtypes.

Silence one kind with ``suppress_warnings = ["spackcache.<subtype>"]`` in ``conf.py``, or
all of them with ``"spackcache"``. The table in the documentation is generated from this
Enum, so the two cannot drift apart.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from docutils import nodes
from sphinx.util import logging

__all__ = ["WARNING_TYPE", "SpackCacheWarning", "warn"]

#: The ``type`` of every warning this extension emits.
WARNING_TYPE = "spackcache"

_logger = logging.getLogger(__name__)


class SpackCacheWarning(Enum):
    """The subtypes of sphinx-spackcache's warnings."""

    CONFIG = "config"
    """A ``spackcache_*`` configuration value has the wrong type or an unusable value."""

    CACHE_PATH = "cache_path"
    """``spackcache_path`` does not exist, is not a folder, or cannot be read."""

    TAG = "tag"
    """The requested snapshot tag is not a folder of ``spackcache_path`` (the warning
    lists the tags there), or no tag was given and there is no single default."""

    PACKAGE = "package"
    """The package has no record in the snapshot (the warning suggests close names)."""

    RECORD = "record"
    """A record file is unreadable or malformed (the warning gives its file and line), or
    part of it was skipped, such as one spec entry with a missing key."""

    META = "meta"
    """A record's ``meta`` summary disagrees with its ``spec_details``; what is shown is
    computed from ``spec_details``."""

    URL = "url"
    """A spec's ``tarball`` is not an ``http(s)`` URL, so it is shown without a link."""

    STACK = "stack"
    """``cache-stack`` names a stack that holds no spec of the snapshot (the warning
    lists the stacks there)."""

    OPTION = "option"
    """A directive option has a value it does not accept, such as ``:by: colour`` or an
    unknown column in ``:columns:`` (the warning lists the accepted values)."""

    FILTER = "filter"
    """A filter pattern (``:os:``, ``:compiler:``, ...) matches no value of that field in
    what the directive shows (the warning lists the values there), or the filters leave
    nothing to show."""

    STUB = "stub"
    """``cache-index :toctree:`` would write a package page over a file it did not
    generate (left alone), or a page it should list does not exist."""

    DUPLICATE = "duplicate"
    """The same package of the same snapshot is documented by ``cache-package`` twice;
    cross-references go to the first."""

    @property
    def full_name(self) -> str:
        """The name to use in ``suppress_warnings``."""
        return f"{WARNING_TYPE}.{self.value}"


def warn(
    message: str,
    subtype: SpackCacheWarning,
    location: str | tuple[str | None, int | None] | nodes.Node | None,
    **kwargs: Any,
) -> None:
    """Log a located warning of this extension, with its type and subtype."""
    _logger.warning(
        message,
        type=WARNING_TYPE,
        subtype=subtype.value,
        location=location,
        **kwargs,
    )
