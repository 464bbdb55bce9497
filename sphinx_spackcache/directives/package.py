"""The ``cache-package`` directive: one package of one snapshot, as a summary with stack
badges and a table of its specs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.nodes import make_id

from ..config import spackcache_config
from ..data.checks import url_problems
from ..data.dag import (
    brought_counts,
    closure,
    first_known,
    installed_closure,
    remembered,
    used_by,
    users,
)
from ..data.history import also_in
from ..data.model import Dependency, Spec
from ..data.summary import compiler_sort_key, spec_sort_key, summarise
from ..domain import PackageEntry, cache_domain
from ..render.install import install_nodes
from ..render.links import links_paragraph
from ..render.spectable import ALSO_IN, SPEC_COLUMNS, USED_BY, pending_spec_table
from ..render.summary import pending_summary
from ..site.tracking import SnapshotCollector
from ..sources.combined import Sources
from ..sources.urls import package_url
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import FILTER_OPTIONS, optional_text_option, text_option, words_option

__all__ = [
    "SPEC_SORTS",
    "CachePackageDirective",
    "setup_package",
]


#: ``:sort:`` keys of spec tables; the default, ``version``, is newest version first.
SPEC_SORTS: dict[str, Callable[[Spec], Any]] = {
    "version": spec_sort_key,
    "hash": lambda spec: spec.hash,
    "compiler": lambda spec: (compiler_sort_key(spec.compiler), spec_sort_key(spec)),
    "os": lambda spec: (spec.os, spec_sort_key(spec)),
    "platform": lambda spec: (spec.platform, spec_sort_key(spec)),
    "target": lambda spec: (spec.target, spec_sort_key(spec)),
}


class CachePackageDirective(SpackCacheDirective):
    """``.. cache-package:: NAME``: summary, stack badges and spec table.

    Specs are listed newest version first, then by platform, OS, target, compiler and
    hash, unless ``:sort:`` says otherwise. Filters narrow the table and the summary.
    ``:also-in:`` (or ``also-in`` in ``:columns:``) adds a column naming, for each spec,
    the other snapshots that hold the same binary (:meth:`elsewhere`).
    """

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        **FILTER_OPTIONS,
        "sort": text_option,
        "columns": words_option,
        "no-index": directives.flag,
        "noindex": directives.flag,
        "install": optional_text_option,
        "unsigned": directives.flag,
        ALSO_IN: directives.flag,
        USED_BY: directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        tag = self.resolve_tag()
        loaded = None if tag is None else self.load_record(tag, package)
        if tag is None or loaded is None:
            return []
        loaded = self.sized(tag, loaded)
        record = loaded.record
        summary = self.summarise_checked(loaded)  # the whole record, against its meta
        table = self._table_options()
        if table is None:
            return []
        self.report(url_problems(record))
        query = self.query(record.specs)
        specs = query.apply(record.specs)

        container = self.output_container("package")
        container += pending_summary(summarise(specs) if query else summary)
        recipe = package_url(spackcache_config(self.env).package_url, package)
        container += links_paragraph(package, tag, recipe)
        show = "install" in self.options
        commands = self.install_commands_for(
            tag,
            show=show,
            specs=record.specs,
            stack=self.install_stack("install", record.specs) if show else None,
        )
        if "install" in self.options:
            container.extend(install_nodes(commands, package))
        if specs:
            title = f"Specs of {package} in {tag}"
            if query:
                title += f" ({len(specs)} of {len(record.specs)} shown)"
            sort, columns = table
            also_in = None
            if ALSO_IN in self.options or (columns is not None and ALSO_IN in columns):
                if columns is not None and ALSO_IN not in columns:
                    columns = (*columns, ALSO_IN)
                also_in = self.elsewhere(tag, package, specs)
            known = remembered(loaded.dependencies) if loaded.dependencies else None
            container += pending_spec_table(
                sorted(specs, key=SPEC_SORTS[sort]),
                title=title,
                columns=columns,
                dependencies={s.hash: known(s.hash) for s in specs} if known else None,
                brings=brought_counts((s.hash for s in specs), known) if known else None,
                used_by=self.users_of(tag, specs) if USED_BY in self.options else None,
                tag=tag,
                install_options=commands.older_options(),
                also_in=also_in,
                package=package,
                closure=closure([s.hash for s in specs], known) if known else None,
                installed=installed_closure((s.hash for s in specs), known) if known else None,
            )
        elif query:
            self.warn(
                f"the filters leave none of the {len(record.specs)} specs of {package}",
                SpackCacheWarning.FILTER,
            )
        if "no-index" in self.options or "noindex" in self.options:
            return [container]
        return [self.register(container, package, tag), container]

    def users_of(
        self, tag: str, specs: Sequence[Spec]
    ) -> dict[str, tuple[tuple[Dependency, ...], int]] | None:
        """``:used-by:``: for each of *specs*, the binaries of snapshot *tag* that depend
        on it directly and how many do directly or through others (``None``, after a
        warning, when the snapshot's source does not say what depends on what)."""
        found = snapshot_users(self.sources, tag)
        if found is None:
            self.warn(
                f":used-by: snapshot {tag!r} does not say what its binaries depend on "
                "(cache.spack.io's records do not; a Spack mirror, the snapshot index or an "
                "OCI registry do)",
                SpackCacheWarning.GRAPH,
            )
            return None
        direct, binaries = found
        return {
            spec.hash: (
                tuple(
                    sorted(
                        (binaries[key] for key in direct.get(spec.hash, ())),
                        key=lambda user: (user.name, user.hash),
                    )
                ),
                len(users(spec.hash, direct)),
            )
            for spec in specs
        }

    def _table_options(self) -> tuple[str, tuple[str, ...] | None] | None:
        """``(sort, columns)`` of the spec table (columns ``None``: the default ones, with
        Size only when some spec has a size), or ``None`` after a warning."""
        sort = self.choice("sort", tuple(SPEC_SORTS), "version")
        if sort is None:
            return None
        if "columns" not in self.options:
            return sort, None
        columns = self.columns([c.key for c in SPEC_COLUMNS], ())
        return None if columns is None else (sort, columns)

    def elsewhere(
        self, tag: str, package: str, specs: Sequence[Spec]
    ) -> dict[str, tuple[str, ...]]:
        """For each of *specs* (of *package* in *tag*) whose hash another snapshot holds
        too, those snapshots, in the order of snapshots (:func:`~.data.history.also_in`).

        It reads *package* in every other snapshot (all of them, unfiltered: the same
        binary may be kept there for other reasons), each record noted as a dependency
        of the page, and, where it is not, the snapshot's package list; and the list of
        snapshots itself, so that a snapshot that appears or goes is picked up."""
        sources = self.sources
        SnapshotCollector.note(self.env, sources, None)
        others = {
            other: self.package_specs(other, package, roots=False)
            for other in sources.tags()
            if other != tag
        }
        return also_in(tag, specs, others)

    def register(self, container: nodes.Element, package: str, tag: str) -> addnodes.index:
        """Make *container* a target of ``:cache:pkg:`package@tag``` and return its
        general-index entry (the package, with the tag as a sub-entry). When the package
        is documented twice, the domain reports it once every document is read."""
        domain = cache_domain(self.env)
        anchor = make_id(self.env, self.state.document, "cache-package", f"{package}-{tag}")
        entry = PackageEntry(
            package, tag, self.env.docname, anchor, self.lineno, self.get_location()
        )
        domain.note_package(entry)
        container["ids"].append(anchor)
        self.state.document.note_explicit_target(container)
        return addnodes.index(entries=[("single", f"{package}; {tag}", anchor, "", None)])


#: The users of the binaries of the last snapshots asked for (``snapshot_users``), by tag
#: and the fingerprint of its sources: worked out once for all the pages of a snapshot.
_USERS: dict[tuple[str, str], tuple[dict[str, tuple[str, ...]], dict[str, Dependency]]] = {}


def snapshot_users(
    sources: Sources, tag: str
) -> tuple[dict[str, tuple[str, ...]], dict[str, Dependency]] | None:
    """For snapshot *tag*: each hash's direct users among its binaries
    (:func:`~sphinx_spackcache.data.dag.used_by`) and each binary as a dependency names
    it (package, version, hash); ``None`` when the source does not know dependencies."""
    key = (tag, sources.fingerprint(tag))
    if key not in _USERS:
        snapshot = sources.load_snapshot(tag)
        lookup = first_known([r.dependencies for r in snapshot.records if r.dependencies])
        if lookup is None:
            return None
        binaries = {
            spec.hash: Dependency(
                loaded.record.name, spec.versions[0] if spec.versions else "", spec.hash, ()
            )
            for loaded in snapshot.records
            for spec in loaded.record.specs
        }
        _USERS.clear()  # one snapshot at a time: a site's pages come snapshot by snapshot
        _USERS[key] = (used_by(binaries, remembered(lookup)), binaries)
    return _USERS[key]


def setup_package(app: Sphinx) -> None:
    """Register ``cache-package``."""
    app.add_directive("cache-package", CachePackageDirective)
