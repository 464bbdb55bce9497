"""The ``cache-package`` directive: one package of one snapshot, as a summary with stack
badges and a table of its specs."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from .base import SpackCacheDirective
from .model import is_safe_url
from .records import file_location
from .render import ROOT_CLASS, spec_table, summary_fields
from .summary import sort_specs
from .warnings import SpackCacheWarning

__all__ = ["CachePackageDirective", "setup_package"]


class CachePackageDirective(SpackCacheDirective):
    """``.. cache-package:: NAME`` with an optional ``:tag:``.

    Specs are listed newest version first, then by platform, OS, target, compiler and hash.
    """

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        tag = self.resolve_tag()
        if tag is None:
            return []
        loaded = self.load_record(tag, package)
        if loaded is None:
            return []
        summary = self.summarise(loaded)
        record = loaded.record
        for spec in record.specs:
            if spec.tarball and not is_safe_url(spec.tarball):
                self.warn(
                    f"spec {spec.hash}: tarball {spec.tarball!r} is not an http(s) URL; "
                    "shown without a link",
                    SpackCacheWarning.URL,
                    file_location(record.path, record.specs_line),
                )

        container = nodes.container(
            classes=[ROOT_CLASS, f"{ROOT_CLASS}-package", *self.options.get("class", [])]
        )
        self.set_source_info(container)
        # Record data is shown as it is: no smart quotes or dashes in variants and names.
        container["support_smartquotes"] = False
        container += summary_fields(summary)
        if record.specs:
            scroll = nodes.container(classes=[f"{ROOT_CLASS}-scroll"])
            scroll += spec_table(sort_specs(record.specs), title=f"Specs of {package} in {tag}")
            container += scroll
        return [container]


def setup_package(app: Sphinx) -> None:
    """Register ``cache-package``."""
    app.add_directive("cache-package", CachePackageDirective)
