"""What the extension keeps in the environment about each document: one base for its
environment collectors (:class:`~.tracking.SnapshotCollector`,
:class:`~.colours.StackCollector`, :class:`~sphinx_spackcache.writers.exports.ExportCollector`).

Each keeps a dict, docname -> what it noted of that document, as an attribute of the
environment (pickled with it): forgotten when the document is read again or removed, and
merged from the ``-j`` workers for the documents each read.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any, ClassVar

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

__all__ = ["PerDocumentCollector", "kept"]


def kept(env: BuildEnvironment, attribute: str) -> Any:
    """The dict the environment keeps as *attribute* (a new one the first time)."""
    if not hasattr(env, attribute):
        setattr(env, attribute, {})
    return getattr(env, attribute)


class PerDocumentCollector(EnvironmentCollector):
    """An environment collector of something noted per document (see the module)."""

    #: The environment attribute: docname -> what was noted of it.
    ATTRIBUTE: ClassVar[str]

    @classmethod
    def documents(cls, env: BuildEnvironment) -> dict[str, Any]:
        """What was noted of each document, by document name."""
        noted: dict[str, Any] = kept(env, cls.ATTRIBUTE)
        return noted

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self.documents(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
    ) -> None:
        mine = self.documents(env)
        for docname, noted in self.documents(other).items():
            if docname in docnames:
                mine[docname] = noted
