"""The ``cache-coverage`` directive: a stacks-by-OS (or target, platform, compiler)
matrix of one package, or of a whole snapshot when no package is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from ..data.matrix import BY_FIELDS, coverage_matrix
from ..data.model import Spec
from ..data.query import STACK_FIELD
from ..render.coverage import (
    BY_TITLES,
    coverage_sentence,
    pending_coverage_table,
    snapshot_sentence,
)
from ..render.names import COVERAGE_KIND
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import FILTER_OPTIONS, text_option

__all__ = ["CacheCoverageDirective", "setup_coverage"]


class CacheCoverageDirective(SpackCacheDirective):
    """``.. cache-coverage:: [PACKAGE]`` with ``:by:`` and the filter options."""

    optional_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        **FILTER_OPTIONS,
        "by": text_option,
    }

    def run(self) -> list[nodes.Node]:
        tag = self.resolve_tag()
        by = self.choice("by", BY_FIELDS, "os")
        if tag is None or by is None:
            return []
        package = self.arguments[0] if self.arguments else None
        snapshot = self.load_snapshot(tag)
        if package is None:
            specs_by_package = snapshot.specs_by_package()
        else:
            loaded = self.load_record(tag, package)
            if loaded is None:
                return []
            specs_by_package = {package: loaded.record.specs}
        query = self.query(spec for specs in specs_by_package.values() for spec in specs)
        shown = {name: query.apply(specs) for name, specs in specs_by_package.items()}
        specs: list[Spec] = [spec for specs in shown.values() for spec in specs]
        if not specs:
            self.warn("the filters leave no spec to count", SpackCacheWarning.FILTER)
            return []
        # a :stack: filter also limits the rows, not only the specs counted
        matrix = coverage_matrix(
            shown, by, keep_stack=lambda stack: query.keeps(STACK_FIELD, stack)
        )

        container = self.output_container(COVERAGE_KIND)
        if package is None:
            container += snapshot_sentence(
                tag, matrix, specs, filtered=bool(query), copied=snapshot.copied
            )
            title = f"Specs of {tag} by stack and {BY_TITLES[by]}"
        else:
            subject = package if not query else f"{package} ({len(specs)} specs shown)"
            container += coverage_sentence(
                subject,
                matrix,
                specs,
                tag=tag,
                tag_stacks=len(snapshot.stacks()),
                copied=snapshot.copied,
            )
            title = f"Specs of {package} in {tag} by stack and {BY_TITLES[by]}"
        container += pending_coverage_table(matrix, title=title, packages=package is None)
        return [container]


def setup_coverage(app: Sphinx) -> None:
    """Register ``cache-coverage`` (its table is registered by
    :mod:`~sphinx_spackcache.writers.html`)."""
    app.add_directive("cache-coverage", CacheCoverageDirective)
