"""Parse the mirrors' indexes once, in the main process, before a ``-j`` build forks.

Under ``-j N`` Sphinx reads the documents in N worker processes and writes them in N - 1
more, each forked from the main process. A mirror's index is parsed once per process
(:mod:`~sphinx_spackcache.sources.spack_db`, kept by file version), and the main process
parses nothing while the workers read: so every worker that reads or writes a page of a
large snapshot parsed its indexes again, at the same time on the machine's cores, and a
ref of thirty stack indexes made ``-j 2`` a third slower than ``-j 1``
(``benchmarks/live.py``).

At ``env-before-read-docs`` of a parallel build, the indexes of each mirror and each
snapshot of one mirror per stack that the documents to read need are parsed in the main
process, so that every worker forked after it shares them (the parsed databases are
frozen out of the collector's walks, :func:`~sphinx_spackcache.sources.spack_db.collector_paused`,
so the workers' collections leave their pages shared). A document needs a source when it
noted one of the source's index files as a dependency when last read, or when it was
never read (then every source is parsed: a new page may show any snapshot). Nothing is
parsed for a build that reads no such document, and nothing in a serial build, where each
index is parsed once anyway, when a page first asks for it.
"""

from __future__ import annotations

import contextlib
import os

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..data.problems import RecordError
from ..sources.mirror import IndexSource
from .sources import build_sources

__all__ = ["setup_preload"]


def _index_files(source: IndexSource) -> set[str]:
    """The index files of *source*, as normalised absolute paths."""
    return {os.path.normpath(os.path.abspath(path)) for path in source.index_paths}


def _needed(env: BuildEnvironment, docnames: list[str]) -> list[IndexSource]:
    """The index sources that the documents *docnames* (about to be read) need."""
    sources: list[IndexSource] = list(build_sources(env).mirrors.values())
    if not sources:
        return []
    if any(docname not in env.all_docs for docname in docnames):
        return sources  # a page never read may show any snapshot
    srcdir = os.fspath(env.srcdir)
    files = {
        os.path.normpath(os.path.join(srcdir, os.fspath(dependency)))
        for docname in docnames
        for dependency in env.dependencies.get(docname, ())
    }
    return [source for source in sources if _index_files(source) & files]


def _preload(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Parse, in the main process of a parallel build, the indexes the documents to
    read need (problems are reported by the pages that show them, as without this)."""
    if app.parallel <= 1 or not docnames:
        return
    for source in _needed(env, docnames):
        # a problem: the pages that show the snapshot warn, located in their own lines
        with contextlib.suppress(RecordError):
            source.database()


def setup_preload(app: Sphinx) -> None:
    """Connect the preload to ``env-before-read-docs``."""
    app.connect("env-before-read-docs", _preload)
