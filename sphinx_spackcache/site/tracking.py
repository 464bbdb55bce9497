"""Incremental builds for documents that show a whole snapshot.

A page that uses one record notes it with ``env.note_dependency`` and Sphinx re-reads
the page when the file changes. A page that aggregates a snapshot (``cache-index``,
``cache-coverage`` without a package, ``cache-stack``) also depends on *which* records
exist: a record added to the snapshot must appear in it. Sphinx cannot watch a folder,
so each such page keeps a short fingerprint of the snapshot's package list in the
environment (and a page that relies on there being a single snapshot, one of the list
of snapshots), and ``env-get-outdated`` re-reads the pages whose fingerprint no longer
matches. The environment holds only these fingerprints, never records.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..sources.store import CacheStore

__all__ = ["note_listing", "note_tags", "setup_tracking"]

_ATTR = "spackcache_listings"
#: docname -> {(cache folder, tag): fingerprint}
Listings = dict[str, dict[tuple[str, str], str]]


def _listings(env: BuildEnvironment) -> Listings:
    listings: Listings | None = getattr(env, _ATTR, None)
    if listings is None:
        listings = {}
        setattr(env, _ATTR, listings)
    return listings


#: The "tag" under which the list of snapshots itself is fingerprinted.
_TAGS = ""


def _signature(store: CacheStore, tag: str) -> str:
    return store.tags_signature() if tag == _TAGS else store.listing_signature(tag)


def note_listing(env: BuildEnvironment, store: CacheStore, tag: str) -> None:
    """Record that the current document shows every package of *tag*."""
    key = (str(store.root), tag)
    _listings(env).setdefault(env.docname, {})[key] = _signature(store, tag)


def note_tags(env: BuildEnvironment, store: CacheStore) -> None:
    """Record that the current document depends on which snapshots exist (it uses the
    only one, as no tag is named)."""
    note_listing(env, store, _TAGS)


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> Iterable[str]:
    stale = []
    for docname, tags in _listings(env).items():
        if docname in removed:
            continue
        for (root, tag), signature in tags.items():
            if _signature(CacheStore(Path(root)), tag) != signature:
                stale.append(docname)
                break
    return stale


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _listings(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine = _listings(env)
    for docname, tags in _listings(other).items():
        if docname in docnames:
            mine[docname] = tags


def setup_tracking(app: Sphinx) -> None:
    """Connect the environment events."""
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
