"""The Spack build cache as a Sphinx site: every package, snapshot (ref) and stack of
binaries.spack.io, from its snapshot index, as cache.spack.io shows them, without
JavaScript and in PDF too.

Everything this project shows is generated from the snapshot index when the build
starts (which refs there are, their stacks and packages): nothing here names a ref,
a stack or a package. Five environment variables point it elsewhere or say what to show:

* ``SPACKCACHE_INDEX_URL``: the snapshot index (default binaries.spack.io's);
* ``SPACKCACHE_BUCKET``: the https base that the index's ``s3://spack-binaries/`` URLs
  are read from (default ``https://binaries.spack.io/``);
* ``SPACKCACHE_REFS``: the refs to document, shell patterns separated by spaces
  (default ``develop v1.*``: the develop branch and Spack 1's releases; add
  ``develop-2026-*`` for the dated develop snapshots and what changed between them;
  each ref is some thirty indexes to fetch);
* ``SPACKCACHE_DEFAULT_TAG``: the snapshot a plain package name refers to (default
  ``develop``);
* ``SPACKCACHE_FETCH_SIZES``: ``1`` to show each binary's size, and its size with what
  it brings, from its spec manifest (default ``0``: binaries.spack.io keeps one manifest
  per binary, so sizes cost a request for each of the 150,000 binaries of a build of
  every ref, more than a Read the Docs build has time for; they are kept in the fetch
  cache for the builds after).

The tests (tests/test_example.py) and the benchmarks build this very file against a
bucket served on 127.0.0.1.
"""

from __future__ import annotations

import os

project = "Spack build cache"
author = "sphinx-spackcache developers"
copyright = "sphinx-spackcache developers"

extensions = ["sphinx_spackcache", "sphinx_copybutton"]

root_doc = "index"
exclude_patterns = ["_build", "_lockfiles", "README.md"]

# -- sphinx-spackcache ------------------------------------------------------
spackcache_snapshot_index = os.environ.get(
    "SPACKCACHE_INDEX_URL", "https://binaries.spack.io/cache_spack_io_index.json"
)
spackcache_buckets = {
    "spack-binaries": os.environ.get("SPACKCACHE_BUCKET", "https://binaries.spack.io/")
}
spackcache_snapshot_refs = os.environ.get("SPACKCACHE_REFS", "develop v1.*").split()
spackcache_default_tag = os.environ.get("SPACKCACHE_DEFAULT_TAG", "develop")
spackcache_fetch_sizes = os.environ.get("SPACKCACHE_FETCH_SIZES", "0") not in ("", "0")
# a stack's index of the live cache is tens of megabytes: give it time
spackcache_fetch_timeout = 120

# -- HTML -------------------------------------------------------------------
html_theme = "furo"
html_title = "Spack build cache"

# -- LaTeX / PDF ------------------------------------------------------------
# the PDF starts at contents.rst, which adds a chapter per package: in HTML the package
# pages stay out of the sidebar (cache-index :nav: listing), as thousands of them would
# make every page of the site cost in proportion
latex_documents = [("contents", "spack-cache.tex", project, author, "manual")]
