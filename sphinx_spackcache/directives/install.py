"""The ``cache-install`` directive: the Spack commands that install from a snapshot's
build cache (and, given a package, that package), spelled for the snapshot's Spack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..data.model import Spec
from ..render.install import install_nodes
from .base import SpackCacheDirective
from .options import text_option

__all__ = ["CacheInstallDirective", "setup_install"]


class CacheInstallDirective(SpackCacheDirective):
    """``.. cache-install:: [PACKAGE]``: add the snapshot's build cache as a mirror,
    trust its keys, and install *PACKAGE* from it (``:unsigned:``: the binaries are not
    signed, so no keys are trusted; ``:stack: STACK``: the mirror of that stack alone,
    whose index is much smaller)."""

    optional_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        "unsigned": directives.flag,
        "stack": text_option,
    }

    def run(self) -> list[nodes.Node]:
        tag = self.resolve_tag()
        if tag is None:
            return []
        package = self.arguments[0] if self.arguments else None
        specs: tuple[Spec, ...] = ()
        if package is not None:
            loaded = self.load_record(tag, package)
            if loaded is None:
                return []
            specs = loaded.record.specs
        stack = self.install_stack("stack", specs)
        commands = self.install_commands_for(tag, show=True, specs=specs, stack=stack)
        container = self.output_container("install")
        container.extend(install_nodes(commands, package))
        return [container]


def setup_install(app: Sphinx) -> None:
    """Register ``cache-install``."""
    app.add_directive("cache-install", CacheInstallDirective)
