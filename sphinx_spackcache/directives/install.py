"""The ``cache-install`` directive: the Spack commands that install from a snapshot's
build cache (and, given a package, that package), spelled for the snapshot's Spack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..render.install import install_nodes
from .base import SpackCacheDirective

__all__ = ["CacheInstallDirective", "setup_install"]


class CacheInstallDirective(SpackCacheDirective):
    """``.. cache-install:: [PACKAGE]``: add the snapshot's build cache as a mirror,
    trust its keys, and install *PACKAGE* from it (``:unsigned:``: the binaries are not
    signed, so no keys are trusted)."""

    optional_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        "unsigned": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        tag = self.resolve_tag()
        if tag is None:
            return []
        package = self.arguments[0] if self.arguments else None
        if package is not None and self.load_record(tag, package) is None:
            return []
        container = self.output_container("install")
        container.extend(install_nodes(self.install_commands_for(tag, show=True), package))
        return [container]


def setup_install(app: Sphinx) -> None:
    """Register ``cache-install``."""
    app.add_directive("cache-install", CacheInstallDirective)
