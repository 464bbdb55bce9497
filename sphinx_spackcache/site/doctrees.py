"""A bound on the doctrees a serial build keeps in memory between reading and writing.

Since Sphinx 7.2 a serial build (``-j 1``) keeps every doctree it read in memory until
it writes the page (``BuildEnvironment._write_doc_doctree_cache``), to save unpickling
it again from ``.doctrees``. For a site of a few hundred pages that is a good trade; for
the Spack build cache at live scale (``examples/spack-cache``: 3,100 pages whose
pickled doctrees take 700 MB) it held 3.7 GB at the start of writing, more than Read the
Docs' build machines are measured against here (3 GB, issue 28).

Past :data:`KEPT` doctrees, each new one read lets the oldest go: Sphinx reads it back
from its pickle when it writes the page, as it does for every page of an incremental
build or a ``-j`` build. Sphinx keeps each pickle it reads in memory too
(``BuildEnvironment._pickled_doctree_cache``, for a doctree asked for again): once an
HTML page is written (``html-page-context``), its pickle goes (read again from disk if
it is asked for). The output is the same; only where the doctree comes from changes.
The caches are Sphinx's own (private attributes): where a version of Sphinx has no such
dict, nothing is done.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["KEPT", "setup_doctrees"]

#: The most doctrees a serial build keeps in memory for writing (the others are read
#: back from their pickles): a site of up to this many pages is built as Sphinx builds
#: it; the 3,100 pages of the live-scale example held about 0.9 MB each.
KEPT = 500


def _let_go(app: Sphinx, doctree: nodes.document) -> None:
    """At ``doctree-read``: the oldest doctrees kept let go while there are more than
    :data:`KEPT` (this one is added after the event)."""
    kept = getattr(app.env, "_write_doc_doctree_cache", None)
    if not isinstance(kept, dict):
        return
    while len(kept) >= KEPT:
        del kept[next(iter(kept))]


def _pickle_gone(app: Sphinx, pagename: str, *_: Any) -> None:
    """At ``html-page-context``: the pickle of the page's doctree let go."""
    pickles = getattr(app.env, "_pickled_doctree_cache", None)
    if isinstance(pickles, dict):
        pickles.pop(pagename, None)


def setup_doctrees(app: Sphinx) -> None:
    """Keep at most :data:`KEPT` doctrees in memory while a serial build reads, and no
    pickle of a page written."""
    app.connect("doctree-read", _let_go)
    app.connect("html-page-context", _pickle_gone)
