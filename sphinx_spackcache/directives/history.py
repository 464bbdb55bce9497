"""``cache-diff`` (what changed between two snapshots) and ``cache-history`` (one package
across every snapshot). Each notes every record it reads as a dependency of its page, so
that an incremental build reads the page again when one of them changes, appears or
disappears."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from ..data.history import diff_snapshots, package_history
from ..data.model import Spec
from ..data.query import SpecQuery
from ..render.history import DIFF_KIND, HISTORY_KIND, diff_nodes, history_nodes
from ..site.tracking import SnapshotCollector
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import FILTER_OPTIONS, text_option

__all__ = ["CacheDiffDirective", "CacheHistoryDirective", "setup_history"]


class _OverTimeDirective(SpackCacheDirective):
    """What the two share: the filters checked against every snapshot they read (one
    package of a snapshot, read whether or not it is there, is
    :meth:`~.loading.LoadingDirective.package_specs`)."""

    def checked_query(self, specs_by_tag: Mapping[str, Mapping[str, Sequence[Spec]]]) -> SpecQuery:
        """The filters of the options, checked against every spec of *specs_by_tag*."""
        return self.query(
            spec
            for by_package in specs_by_tag.values()
            for specs in by_package.values()
            for spec in specs
        )


class CacheDiffDirective(_OverTimeDirective):
    """``.. cache-diff:: OLD NEW``: what changed from snapshot *OLD* to *NEW* (``:package:``
    for one package; the filters narrow both sides)."""

    required_arguments = 2
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "class": SpackCacheDirective.option_spec["class"],
        "package": text_option,
        **FILTER_OPTIONS,
    }

    def run(self) -> list[nodes.Node]:
        old, new = self.arguments
        if not self.sources_exist():
            return []
        known = [self._is_known_tag(tag) for tag in (old, new)]  # each unknown one warns
        if not all(known):
            return []
        if old == new:
            self.warn(
                f"compares {old!r} with itself; name two different snapshots",
                SpackCacheWarning.OPTION,
            )
            return []
        package = self.options.get("package")
        found = self._sides(old, new, package)
        if found is None:
            return []
        sides, copied = found
        query = self.checked_query(sides)
        if query:
            sides = {
                tag: {n: query.apply(s) for n, s in side.items()} for tag, side in sides.items()
            }
            if package is not None and not any(side[package] for side in sides.values()):
                self.warn(
                    f"the filters leave none of the specs of {package} in either snapshot",
                    SpackCacheWarning.FILTER,
                )
                return []
        diff = diff_snapshots(old, sides[old], new, sides[new])
        container = self.output_container(DIFF_KIND)
        container.extend(diff_nodes(diff, package, filtered=bool(query), copied=copied))
        return [container]

    def _sides(
        self, old: str, new: str, package: str | None
    ) -> tuple[dict[str, Mapping[str, Sequence[Spec]]], bool] | None:
        """Each snapshot's specs by package (one package with ``:package:``), and whether
        the packages compared are of copied records (which may be a few of a snapshot's:
        :attr:`.SnapshotRecords.copied`), or ``None`` after a warning."""
        if package is None:
            snapshots = {tag: self.load_snapshot(tag) for tag in (old, new)}
            return (
                {tag: snapshot.specs_by_package() for tag, snapshot in snapshots.items()},
                any(snapshot.copied for snapshot in snapshots.values()),
            )
        if not self.is_valid_package(package):
            return None
        sides: dict[str, Mapping[str, Sequence[Spec]]] = {
            tag: {package: self.package_specs(tag, package)} for tag in (old, new)
        }
        if not any(self.sources.has_record(tag, package) for tag in (old, new)):
            hint = self.close_packages_hint(package, (old, new))
            self.warn(
                f":package: {package!r} is in neither {old!r} nor {new!r}{hint}",
                SpackCacheWarning.PACKAGE,
            )
            return None
        return sides, False  # one package's records are whole


class CacheHistoryDirective(_OverTimeDirective):
    """``.. cache-history:: PACKAGE``: the package in every snapshot (the filters narrow
    each)."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "class": SpackCacheDirective.option_spec["class"],
        **FILTER_OPTIONS,
    }

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        sources = self.sources
        if not self.sources_exist():
            return []
        if not self.is_valid_package(package):
            return []
        # a snapshot that appears or goes changes the history
        SnapshotCollector.note(self.env, sources, None)
        by_tag = {tag: {package: self.package_specs(tag, package)} for tag in sources.tags()}
        query = self.checked_query(by_tag)
        specs = {tag: query.apply(side[package]) for tag, side in by_tag.items()}
        if not any(specs.values()):
            hint = self.close_packages_hint(package, sources.tags())
            what = "the filters leave none of its specs" if query else "it is in no snapshot"
            self.warn(f"no history of {package!r}: {what}{hint}", SpackCacheWarning.PACKAGE)
            return []
        container = self.output_container(HISTORY_KIND)
        container.extend(history_nodes(package_history(package, specs)))
        return [container]


def setup_history(app: Sphinx) -> None:
    """Register ``cache-diff`` and ``cache-history``."""
    app.add_directive("cache-diff", CacheDiffDirective)
    app.add_directive("cache-history", CacheHistoryDirective)
