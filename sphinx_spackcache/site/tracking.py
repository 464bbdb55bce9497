"""Incremental builds for documents that show a whole snapshot.

A page that uses one record notes it with ``env.note_dependency`` and Sphinx re-reads
the page when the file changes. A page that aggregates a snapshot (``cache-index``,
``cache-coverage`` without a package, ``cache-stack``) also depends on *which* records
exist: a record added to the snapshot must appear in it. Sphinx cannot watch a folder,
so each such page keeps a short fingerprint of the snapshot's package list (and a page
that relies on there being a single snapshot, one of the list of snapshots: see
:meth:`~sphinx_spackcache.sources.base.Source.fingerprint`), and the pages whose fingerprint no
longer matches are read again.

:class:`SnapshotCollector` is an ``EnvironmentCollector``, as Sphinx's own
bookkeeping is: forgetting a document, merging what ``-j`` worker processes noted, and
finding the outdated documents are one class. The environment holds only these
fingerprints, never records.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..sources.combined import Sources
from ..sources.keys import keys_fingerprint
from .collectors import PerDocumentCollector
from .sources import build_sources

__all__ = ["FingerprintCollector", "KeyCollector", "SnapshotCollector", "setup_tracking"]

#: docname -> {snapshot: fingerprint}; snapshot ``None`` is the list of snapshots itself.
Fingerprints = dict[str, dict[str | None, str]]


class FingerprintCollector(PerDocumentCollector):
    """Keeps, for each document, fingerprints of things a page shows that Sphinx cannot
    watch as files (``{key: fingerprint}``), and reads a document again when one of its
    keys' fingerprint is no longer the one noted. Subclasses say how a key's fingerprint
    is worked out now (:meth:`fingerprinter`)."""

    def fingerprinter(self, env: BuildEnvironment) -> Callable[[Any], str]:
        """How to work out a key's fingerprint now, for one look at outdated documents."""
        raise NotImplementedError

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Nothing to do: directives note what they show while they run."""

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        # many documents note one key (every generated page of a snapshot its snapshot):
        # each key's fingerprint is worked out once here
        current = cache(self.fingerprinter(env))
        documents: dict[str, dict[Any, str]] = self.documents(env)
        return [
            docname
            for docname, noted in documents.items()
            if docname not in removed and any(current(key) != was for key, was in noted.items())
        ]


class SnapshotCollector(FingerprintCollector):
    """Keeps, for each document that shows a whole snapshot, the fingerprint of its
    package list, and reads the document again when the fingerprint changes."""

    #: The environment attribute that holds the fingerprints (pickled with it).
    ATTRIBUTE = "spackcache_fingerprints"

    @classmethod
    def fingerprints(cls, env: BuildEnvironment) -> Fingerprints:
        """The fingerprints of every document, by document name."""
        found: Fingerprints = cls.documents(env)
        return found

    @classmethod
    def note(cls, env: BuildEnvironment, sources: Sources, tag: str | None) -> None:
        """Record that the current document shows every package of *tag* (for ``None``:
        that it depends on which snapshots exist, as it uses the only one)."""
        documents = cls.fingerprints(env)
        documents.setdefault(env.docname, {})[tag] = sources.fingerprint(tag)

    def fingerprinter(self, env: BuildEnvironment) -> Callable[[str | None], str]:
        return build_sources(env).fingerprint


class KeyCollector(FingerprintCollector):
    """Keeps, for each document that shows a mirror's signing keys, the fingerprint of
    the mirror's key files (:func:`~sphinx_spackcache.sources.keys.keys_fingerprint`),
    and reads the document again when a key file is added or removed: Sphinx watches the
    files a page noted, never a folder (a folder noted as a dependency is "missing", and
    the page would be read again on every build)."""

    ATTRIBUTE = "spackcache_key_folders"

    @classmethod
    def note(cls, env: BuildEnvironment, folder: str) -> None:
        """Record that the current document shows the keys of the mirror *folder*."""
        documents: dict[str, dict[str, str]] = cls.documents(env)
        documents.setdefault(env.docname, {})[folder] = keys_fingerprint(Path(folder))

    def fingerprinter(self, env: BuildEnvironment) -> Callable[[str], str]:
        return lambda folder: keys_fingerprint(Path(folder))


def setup_tracking(app: Sphinx) -> None:
    """Register the collectors."""
    app.add_env_collector(SnapshotCollector)
    app.add_env_collector(KeyCollector)
