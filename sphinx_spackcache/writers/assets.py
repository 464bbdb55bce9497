"""HTML-only touches: the extension's stylesheet and script, on the pages that need them.

Both ship in the package's ``static/`` folder (no CDN, nothing fetched at view time).
The CSS is linked only from HTML pages whose doctree holds output of this extension, the
script (plain JavaScript, deferred) only from those with a spec or package table, which
it makes searchable, sortable, paged and filterable by badge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from ..render.deferred import deferred_table
from ..render.names import ROOT_CLASS

__all__ = ["STATIC_DIR", "STYLESHEET", "setup_assets"]

STATIC_DIR = Path(__file__).parent.parent / "static"
STYLESHEET = "spackcache.css"
SCRIPT = "spackcache.js"


def _add_static_dir(app: Sphinx, config: Config) -> None:
    # At config-inited, before Sphinx compares the configuration with the pickled one:
    # added later, the path would make every incremental build look like a new
    # configuration. Non-HTML builders never look at html_static_path.
    static = str(STATIC_DIR)
    if static not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, static]


def _uses_extension(doctree: nodes.document) -> bool:
    return any(ROOT_CLASS in node["classes"] for node in doctree.findall(nodes.container))


def _has_interactive_table(doctree: nodes.document) -> bool:
    # the writer builds the tables for the page only: the doctree keeps their compact nodes
    return any(table.interactive for table in doctree.findall(deferred_table))


def _add_page_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if app.builder.format != "html" or doctree is None or not _uses_extension(doctree):
        return
    app.add_css_file(STYLESHEET)
    if _has_interactive_table(doctree):
        app.add_js_file(SCRIPT, loading_method="defer")


def setup_assets(app: Sphinx) -> None:
    """Ship the stylesheet and link it from the pages that use the extension."""
    app.connect("config-inited", _add_static_dir)
    app.connect("html-page-context", _add_page_assets)
