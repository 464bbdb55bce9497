"""Put the contents of Spack binary build caches into Sphinx documentation."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"

#: Bumped whenever what the extension keeps in the build environment changes shape.
ENV_VERSION = 2


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    from .assets import setup_assets
    from .config import setup_config
    from .coverage import setup_coverage
    from .domain import setup_domain
    from .latex import setup_latex
    from .listing import setup_listing
    from .manpage import setup_manpage
    from .package import setup_package
    from .tracking import setup_tracking

    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_domain(app)
    setup_tracking(app)
    setup_package(app)
    setup_coverage(app)
    setup_listing(app)
    setup_latex(app)
    setup_manpage(app)
    setup_assets(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
