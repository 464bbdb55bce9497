"""Sphinx configuration of the sphinx-spackcache documentation."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sphinx_spackcache import __version__

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sphinx-spackcache"
author = "sphinx-spackcache developers"
copyright = "sphinx-spackcache developers"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx_spackcache",
    "myst_parser",
    "spackcache_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# _cache (spackcache_path) and the mirrors' folders are excluded by the extension itself
exclude_patterns = ["_build", "snippets", "_lockfiles"]
nitpicky = True
# The API page (api.rst) shows the data layer's type hints, some of them from the standard
# library and msgspec. Their documentation is elsewhere, and the build is offline (no
# intersphinx inventory can be fetched): these names are shown, not linked.
nitpick_ignore = [
    ("py:class", "collections.abc.Callable"),
    ("py:class", "collections.abc.Iterable"),
    ("py:class", "collections.abc.Mapping"),
    ("py:class", "collections.abc.Sequence"),
    ("py:class", "pathlib.Path"),
    ("py:class", "datetime.date"),
    ("py:func", "fnmatch.fnmatchcase"),
    # model.Spec's fields are Annotated[str, msgspec.Meta(max_length=...)]
    ("py:class", "msgspec.Meta"),
]

# -- API reference (api.rst) -------------------------------------------------
autodoc_member_order = "bysource"

# -- sphinx-spackcache ------------------------------------------------------
spackcache_path = "_cache"
spackcache_default_tag = "develop-2025-04-20"
# cache-graph figures (docs/graph.rst) as SVG, whose boxes link to package pages
graphviz_output_format = "svg"
# Without Graphviz's dot (a fresh machine; CI and Read the Docs install it), each graph
# is shown as its tree with a spackcache.graph warning, which would fail the -W build of
# the demo: the tree is what the page then means to show, so the warning is not needed
if shutil.which("dot") is None:
    suppress_warnings = ["spackcache.graph"]
# two real Spack mirrors' build-cache indexes (see docs/_mirrors/*/PROVENANCE.md)
spackcache_mirrors = {
    "spack-test": "_mirrors/spack-test",
    "clingo-bootstrap": "_mirrors/clingo-bootstrap",
    "spack-test-v3": "_mirrors/spack-test-v3",
}

# -- HTML -------------------------------------------------------------------
html_theme = "furo"
html_title = f"sphinx-spackcache {release}"

# -- LaTeX / PDF ------------------------------------------------------------
latex_documents = [
    (root_doc, "sphinx-spackcache.tex", "sphinx-spackcache", author, "manual"),
]

# -- man --------------------------------------------------------------------
man_pages = [
    (root_doc, "sphinx-spackcache", "Spack build caches in Sphinx documentation", [author], 7),
]
