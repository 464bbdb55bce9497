"""A bound on the doctrees a serial build keeps in memory between reading and writing.

Since Sphinx 7.2 a serial build (``-j 1``) keeps every doctree it read in memory until
it writes the page (``BuildEnvironment._write_doc_doctree_cache``), to save unpickling
it again from ``.doctrees``. For a site of a few hundred pages that is a good trade; for
the Spack build cache at live scale (``examples/spack-cache``: 3,100 pages whose
pickled doctrees take 700 MB) it held 3.7 GB at the start of writing, more than Read the
Docs' build machines are measured against here (3 GB, issue 28).

Past :data:`KEPT` doctrees, each new one read lets the oldest go: Sphinx reads it back
from its pickle when it writes the page, as it does for every page of an incremental
build or a ``-j`` build. The output is the same; only where the doctree comes from
changes. The cache is Sphinx's own (a private attribute): where a version of Sphinx has
no such dict, nothing is done.
"""

from __future__ import annotations

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


def setup_doctrees(app: Sphinx) -> None:
    """Keep at most :data:`KEPT` doctrees in memory while a serial build reads."""
    app.connect("doctree-read", _let_go)
