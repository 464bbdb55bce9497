"""The ``cache-snapshots`` directive: every snapshot of the build, with what they hold
together (snapshots, packages, binaries), the install commands of the newest release
(``:install:``), and, with ``:toctree: DIR``, a page per snapshot and per stack
(:mod:`~sphinx_spackcache.site.snapshot_pages`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..data.snapshots import RELEASE, snapshot_kind, snapshot_order
from ..render.install import install_nodes
from ..render.phrases import count_phrase, sentence
from ..site.snapshot_pages import SNAPSHOTS_DIRECTIVE
from ..site.stubs import stub_folder, stub_folder_problem
from ..site.tracking import SnapshotCollector
from ..sources.files import file_stem
from ..sources.store import is_valid_name
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import text_option

__all__ = ["CacheSnapshotsDirective", "newest_release", "setup_snapshots"]

#: The kind of output (``spackcache-snapshots``).
SNAPSHOTS_KIND = "snapshots"


def newest_release(tags: list[str]) -> str | None:
    """The newest release of *tags* (in the order of snapshots), else the newest
    snapshot (``None`` for none)."""
    ordered = snapshot_order(tags)
    releases = [t for t in ordered if snapshot_kind(t) == RELEASE]
    chosen = releases or ordered
    return chosen[-1] if chosen else None


class CacheSnapshotsDirective(SpackCacheDirective):
    """``.. cache-snapshots::``: the snapshots, newest first, and the numbers of them all."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "class": SpackCacheDirective.option_spec["class"],
        "toctree": text_option,
        "install": directives.flag,
        "unsigned": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        if not self.sources_exist():
            return []
        sources = self.sources
        SnapshotCollector.note(self.env, sources, None)  # a snapshot that comes or goes
        tags = list(reversed(snapshot_order(sources.tags())))
        if not tags:
            self.warn("there is no snapshot to list", SpackCacheWarning.TAG)
            return []
        packages: set[str] = set()
        binaries: set[tuple[str, str]] = set()
        counts: dict[str, tuple[int, int]] = {}
        for tag in tags:
            by_package = self.load_snapshot(tag).specs_by_package()
            packages.update(by_package)
            binaries.update((name, s.hash) for name, specs in by_package.items() for s in specs)
            counts[tag] = (len(by_package), sum(len(specs) for specs in by_package.values()))
        container = self.output_container(SNAPSHOTS_KIND)
        container += sentence(
            f"{count_phrase(len(tags), 'snapshot')}: "
            f"{count_phrase(len(packages), 'package')}, "
            f"{count_phrase(len(binaries), 'binary', 'binaries')} "
            "(each binary counted once, whichever snapshots hold it)."
        )
        if "install" in self.options:
            container.extend(self.get_started(tags))
        toctree = self.options.get("toctree")
        if toctree:
            problem = stub_folder_problem(self.env.srcdir, self.env.docname, toctree)
            if problem:
                self.warn(f"{problem}; no snapshot pages are listed", SpackCacheWarning.OPTION)
            else:
                container += self.toctree([t for t in tags if is_valid_name(t)])
                return [container]
        items = nodes.bullet_list()
        for tag in tags:
            number, specs = counts[tag]
            text = f"{tag}: {count_phrase(number, 'package')}, {count_phrase(specs, 'spec')}"
            items += nodes.list_item("", nodes.paragraph(text, text))
        container += items
        return [container]

    def get_started(self, tags: list[str]) -> list[nodes.Node]:
        """``:install:``: the commands that use the newest release's build cache."""
        tag = newest_release(tags)
        assert tag is not None  # tags is not empty
        kind = "the newest release" if snapshot_kind(tag) == RELEASE else "the newest snapshot"
        lead = f"Get started with {tag}, {kind}:"
        commands = self.install_commands_for(tag, show=True)
        return [nodes.paragraph(lead, lead), *install_nodes(commands)]

    def toctree(self, tags: list[str]) -> nodes.Node:
        """A toctree of the generated page of each of *tags*, in that order."""
        folder = stub_folder(self.env.docname, self.options["toctree"])
        shown = self.generated_pages([f"{folder}/{file_stem(tag)}" for tag in tags], "snapshot")
        return self.toctree_node(shown, hidden=False, maxdepth=1, caption="Snapshots")


def setup_snapshots(app: Sphinx) -> None:
    """Register ``cache-snapshots``."""
    app.add_directive(SNAPSHOTS_DIRECTIVE, CacheSnapshotsDirective)
