"""Put the contents of Spack binary build caches into Sphinx documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the data layer (records, store, ...) must import without Sphinx
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    from .config import setup_config
    from .directives.coverage import setup_coverage
    from .directives.graph import setup_graph
    from .directives.history import setup_history
    from .directives.install import setup_install
    from .directives.listing import setup_listing
    from .directives.match import setup_match
    from .directives.package import setup_package
    from .directives.snapshots import setup_snapshots
    from .domain import setup_domain
    from .site.colours import setup_colours
    from .site.copybutton import setup_copybutton
    from .site.doctrees import setup_doctrees
    from .site.manifests import setup_manifests
    from .site.navigation import setup_navigation
    from .site.preload import setup_preload
    from .site.rows import setup_rows
    from .site.snapshot_pages import setup_snapshot_pages
    from .site.sources import setup_sources
    from .site.stubs import setup_stubs
    from .site.tracking import setup_tracking
    from .writers.assets import setup_assets
    from .writers.exports import setup_exports
    from .writers.html import setup_html
    from .writers.latex import setup_latex
    from .writers.manpage import setup_manpage
    from .writers.nonhtml import setup_nonhtml
    from .writers.text import setup_text

    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_sources(app)  # right after: the values are checked first
    setup_manifests(app)
    setup_doctrees(app)
    setup_preload(app)
    setup_domain(app)
    setup_rows(app)
    setup_tracking(app)
    setup_package(app)
    setup_html(app)
    setup_nonhtml(app)
    setup_coverage(app)
    setup_install(app)
    setup_history(app)
    setup_graph(app)
    setup_match(app)
    setup_exports(app)
    setup_listing(app)
    setup_stubs(app)
    setup_snapshots(app)
    setup_snapshot_pages(app)
    setup_navigation(app)
    setup_latex(app)
    setup_manpage(app)
    setup_text(app)
    setup_assets(app)
    setup_colours(app)
    setup_copybutton(app)
    return {
        "version": __version__,
        # bumped whenever what the extension keeps in the environment changes shape
        "env_version": 16,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
