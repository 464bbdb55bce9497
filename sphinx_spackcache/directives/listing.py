"""Package listings: ``cache-index`` (every package of a snapshot) and ``cache-stack``
(the packages of one stack). Package names link to their ``cache-package`` pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..data.model import Spec
from ..data.query import SpecQuery
from ..data.sizes import SizeSum
from ..data.snapshots import snapshot_order
from ..data.suggest import first_few
from ..data.summary import summarise
from ..render.links import links_paragraph
from ..render.listing import PACKAGE_COLUMNS, PackageRow, pending_package_table
from ..render.phrases import RECORDS_HERE, count_phrase, sentence
from ..site.stubs import (
    ALL_TAGS,
    NAV_MODES,
    NAV_TOCTREE,
    stub_docname,
    stub_folder,
    stub_folder_problem,
)
from ..site.tracking import SnapshotCollector
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import FILTER_OPTIONS, text_option, words_option

__all__ = [
    "CacheIndexDirective",
    "CacheStackDirective",
    "setup_listing",
]

#: ``:sort:`` keys of package listings; ``package`` (by name) is the default.
PACKAGE_SORTS: Mapping[str, Callable[[PackageRow], Any]] = {
    "package": lambda row: row.name,
    "specs": lambda row: (-row.summary.num_specs, row.name),
}


#: How a listing of every snapshot counts its specs: each binary once, whichever
#: snapshots hold it.
BINARIES = ("binary", "binaries")


def package_rows(
    tag: str | Mapping[str, str], specs_by_package: Mapping[str, Sequence[Spec]], query: SpecQuery
) -> list[PackageRow]:
    """One row for each package of *specs_by_package* with specs that *query* keeps,
    summarising those specs, linked to its page in snapshot *tag* (or the snapshot that
    *tag* names for it)."""
    rows = []
    for name, specs in specs_by_package.items():
        shown = query.apply(specs)
        if shown:
            rows.append(
                PackageRow(name, tag if isinstance(tag, str) else tag[name], summarise(shown))
            )
    return rows


class _ListingDirective(SpackCacheDirective):
    """Shared by the listings: options, filtering, sorting and the table."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        **FILTER_OPTIONS,
        "sort": text_option,
        "columns": words_option,
    }
    default_columns: ClassVar[tuple[str, ...]] = ()
    kind: ClassVar[str] = ""

    def listing(
        self,
        tag: str | Mapping[str, str],
        title: str,
        specs_by_package: Mapping[str, Sequence[Spec]],
        lead: str,
        *,
        nouns: tuple[str, str] = ("spec", "specs"),
    ) -> list[nodes.Node]:
        """Filter *specs_by_package* (package -> specs), and show one row per package left,
        linked to its page in snapshot *tag* (or, by package, in the snapshot *tag* names);
        the sentence counts the specs as *nouns* (singular, plural)."""
        options = self.listing_options()
        if options is None:
            return []
        sort, columns = options
        query = self.query(spec for specs in specs_by_package.values() for spec in specs)
        rows = package_rows(tag, specs_by_package, query)
        if not rows:
            self.warn("the filters leave no package to list", SpackCacheWarning.FILTER)
            return []
        rows.sort(key=PACKAGE_SORTS[sort])
        if "columns" not in self.options and any(row.summary.sized for row in rows):
            columns = (*columns, "size")
        if query:
            title += f" ({len(rows)} of {len(specs_by_package)} shown)"
        container = self.listing_output(
            tag if isinstance(tag, str) else None, lead, rows, title, columns, nouns
        )
        container += self.navigation([row.name for row in rows])
        return [container]

    def listing_options(self) -> tuple[str, tuple[str, ...]] | None:
        """``:sort:`` and ``:columns:``, or None after a warning about either."""
        sort = self.choice("sort", tuple(PACKAGE_SORTS), "package")
        columns = self.columns([c.key for c in PACKAGE_COLUMNS], self.default_columns)
        if sort is None or columns is None:
            return None
        return sort, columns

    def listing_output(
        self,
        tag: str | None,
        lead: str,
        rows: Sequence[PackageRow],
        title: str,
        columns: Sequence[str],
        nouns: tuple[str, str] = ("spec", "specs"),
    ) -> nodes.container:
        """The sentence of counts after *lead* (the specs counted as *nouns*), the
        snapshot's links (``cache-index`` of one snapshot, *tag*) and the table of
        *rows*."""
        container = self.output_container(self.kind)
        total = sum(row.summary.num_specs for row in rows)
        size = SizeSum(
            sum(row.summary.size_bytes for row in rows),
            sum(row.summary.sized for row in rows),
            total,
        ).phrase()
        container += sentence(
            f"{lead}: {count_phrase(len(rows), 'package')}, {count_phrase(total, *nouns)}"
            + (f" ({size})." if size else ".")
        )
        if self.kind == "index" and tag is not None:
            container += links_paragraph(None, tag, None)
        container += pending_package_table(rows, title=title, columns=columns)
        return container

    def navigation(self, packages: Sequence[str]) -> list[nodes.Node]:
        """``:toctree:`` and ``:nav:``: a hidden toctree of the generated pages of
        *packages* (``:nav: toctree``), else nothing; warnings about the options."""
        toctree = self.options.get("toctree")
        if "nav" in self.options and not toctree:
            self.warn(
                ":nav: applies to generated pages; give :toctree: too", SpackCacheWarning.OPTION
            )
        if not toctree:
            return []
        problem = stub_folder_problem(self.env.srcdir, self.env.docname, toctree)
        nav = self.choice("nav", NAV_MODES, NAV_MODES[0])
        if problem:
            message = f"{problem}; no package pages are generated or listed"
            self.warn(message, SpackCacheWarning.OPTION)
            return []
        docnames = self.package_pages(packages)
        return [self.toctree(docnames)] if nav == NAV_TOCTREE else []

    def package_pages(self, packages: Sequence[str]) -> list[str]:
        """The generated pages of *packages* that exist (see :mod:`~sphinx_spackcache.site.stubs`);
        a warning when some do not."""
        folder = stub_folder(self.env.docname, self.options["toctree"])
        return self.generated_pages([stub_docname(folder, p) for p in packages], "package")

    def toctree(self, docnames: Sequence[str]) -> nodes.Node:
        """A hidden toctree of the pages *docnames* (``:nav: toctree``)."""
        return self.toctree_node(docnames, hidden=True, maxdepth=-1, caption=None)


class CacheIndexDirective(_ListingDirective):
    """``.. cache-index::``: one row per package of the snapshot; with ``:toctree: DIR``
    also one generated page per package (see :mod:`~sphinx_spackcache.site.stubs`)."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **_ListingDirective.option_spec,
        "toctree": text_option,
        "nav": text_option,
        ALL_TAGS: directives.flag,
    }

    default_columns = ("package", "specs", "versions", "compilers", "targets", "stacks")
    kind = "index"

    def run(self) -> list[nodes.Node]:
        if ALL_TAGS in self.options:
            return self.every_snapshot()
        tag = self.resolve_tag()
        if tag is None:
            return []
        snapshot = self.load_snapshot(tag)
        lead = f"{tag} ({RECORDS_HERE})" if snapshot.copied else tag
        return self.listing(tag, f"Packages of {tag}", snapshot.specs_by_package(), lead)

    def every_snapshot(self) -> list[nodes.Node]:
        """``:all-tags:``: one row per package of any snapshot of the build, over its
        binaries in all of them (each hash once), linked to its page in the newest
        snapshot that holds it; the generated pages show it in every one
        (:func:`~sphinx_spackcache.site.stubs.across_stub_text`)."""
        if "tag" in self.options:
            self.warn(
                f":{ALL_TAGS}: lists every snapshot; leave out :tag:", SpackCacheWarning.OPTION
            )
            return []
        if not self.sources_exist():
            return []
        tags = snapshot_order(self.sources.tags())
        if not tags:
            self.warn("there is no snapshot to list", SpackCacheWarning.TAG)
            return []
        SnapshotCollector.note(self.env, self.sources, None)  # a snapshot that comes or goes
        union: dict[str, dict[str, Spec]] = {}
        newest: dict[str, str] = {}
        for tag in tags:  # oldest first: a binary's newest snapshot wins
            for name, specs in self.load_snapshot(tag).specs_by_package().items():
                union.setdefault(name, {}).update((spec.hash, spec) for spec in specs)
                newest[name] = tag
        specs_by_package = {name: tuple(union[name].values()) for name in sorted(union)}
        lead = f"{count_phrase(len(tags), 'snapshot')} ({', '.join(reversed(tags))})"
        return self.listing(
            newest, "Packages of every snapshot", specs_by_package, lead, nouns=BINARIES
        )


class CacheStackDirective(_ListingDirective):
    """``.. cache-stack:: STACK``: the packages of one stack, counting their specs in it."""

    required_arguments = 1
    default_columns = ("package", "specs", "versions", "targets")
    kind = "stack"

    def run(self) -> list[nodes.Node]:
        stack = self.arguments[0]
        tag = self.resolve_tag()
        if tag is None:
            return []
        snapshot = self.load_snapshot(tag)
        stacks = snapshot.stacks()
        if stack not in stacks:
            self.warn(
                f"no spec of {tag} is in stack {stack!r}; "
                f"stacks there: {first_few(sorted(stacks))}",
                SpackCacheWarning.STACK,
            )
            return []
        specs_by_package = {
            name: tuple(spec for spec in specs if stack in spec.stacks)
            for name, specs in snapshot.specs_by_package().items()
        }
        specs_by_package = {name: specs for name, specs in specs_by_package.items() if specs}
        return self.listing(
            tag,
            f"Packages of stack {stack} in {tag}",
            specs_by_package,
            f"{stack} in {tag} ({RECORDS_HERE})" if snapshot.copied else f"{stack} in {tag}",
        )


def setup_listing(app: Sphinx) -> None:
    """Register ``cache-index`` and ``cache-stack``."""
    app.add_directive("cache-index", CacheIndexDirective)
    app.add_directive("cache-stack", CacheStackDirective)
