"""The ``cache`` domain: cross-references to packages documented with ``cache-package``.

Every ``cache-package`` registers its package as an object of type ``package`` under two
names: ``<package>@<tag>`` for that snapshot, and, for one of the snapshots a package is
documented for, the plain ``<package>``. The plain name goes to the entry of
``spackcache_default_tag`` when there is one, otherwise to the newest snapshot by the
package's one order of snapshots (:mod:`~sphinx_spackcache.data.snapshots`: releases by
version, then ``develop-YYYY-MM-DD`` snapshots by date, then the others, a mirror say, by
name; the last is the newest, as in ``cache-history``). So::

    :cache:pkg:`py-packaging`            the preferred page for py-packaging
    :cache:pkg:`py-packaging@v0.23.1`    py-packaging as of v0.23.1

Both names are in ``objects.inv`` (role ``cache:package``), so other projects can link
with intersphinx. Each package also gets an entry in the general index, with its tags as
sub-entries. Unresolved references warn under ``nitpicky``, like any Sphinx reference.

The links in package listings (``cache-index``, ``cache-stack``) are references too,
marked ``spackcache_listing``: they go to the page for that tag, else to the package's
preferred page, else they stay plain text without a warning (not every package of a
snapshot needs a page).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .config import spackcache_config
from .data.model import short_hash
from .data.snapshots import newest_snapshot
from .warnings_ import SpackCacheWarning, warn

__all__ = [
    "DOMAIN_NAME",
    "EXACT_ATTR",
    "HASH_ATTR",
    "LISTING_ATTR",
    "PACKAGE_ATTR",
    "PKG_ROLE",
    "CacheDomain",
    "PackageEntry",
    "cache_domain",
    "package_key",
    "package_ref",
    "setup_domain",
]

#: The domain's name: ``:cache:pkg:``.
DOMAIN_NAME = "cache"
#: The role (and object type's role) of packages.
PKG_ROLE = "pkg"
#: Attributes of a ``pending_xref`` from a package listing (see :func:`package_ref`):
#: that it comes from a listing, and the package it names.
LISTING_ATTR = "spackcache_listing"
PACKAGE_ATTR = "spackcache_package"
#: Attribute of a ``pending_xref`` from a listing that goes to the page of its snapshot
#: or nowhere (not to the package's preferred page): see :func:`package_ref`.
EXACT_ATTR = "spackcache_exact"
#: Attribute of a ``pending_xref`` that names one binary (its hash): in HTML it goes to
#: that binary's row, on the same page when it is there, else on the package's page
#: when that page has it, else to the package as usual (see
#: :meth:`CacheDomain.row_target`).
HASH_ATTR = "spackcache_hash"


def package_key(package: str, tag: str) -> str:
    """``<package>@<tag>``: the name of one package of one snapshot."""
    return f"{package}@{tag}"


def package_ref(
    package: str,
    tag: str,
    content: nodes.Element,
    *,
    exact: bool = False,
    spec_hash: str = "",
) -> pending_xref:
    """A reference from a package listing: *content* (the package's name) links to the
    page documenting *package* with ``cache-package`` for *tag*, else (unless *exact*:
    a spec table's column of the other snapshots that hold a binary names a snapshot,
    not the package) to the package's preferred page, else it stays as it is, without a
    warning. With *spec_hash*, HTML links go to that binary's row where there is one
    (:meth:`CacheDomain.row_target`)."""
    return pending_xref(
        "",
        content,
        refdomain=DOMAIN_NAME,
        reftype=PKG_ROLE,
        reftarget=package_key(package, tag),
        refexplicit=True,
        **{LISTING_ATTR: True, PACKAGE_ATTR: package},
        **({EXACT_ATTR: True} if exact else {}),
        **({HASH_ATTR: spec_hash} if spec_hash else {}),
    )


class PackageEntry(NamedTuple):
    """Where one package of one snapshot is documented."""

    package: str
    tag: str
    docname: str
    anchor: str
    #: The line of the ``cache-package`` directive in its document (to order entries).
    line: int = 0
    #: ``source:line`` of the directive (where a duplicate is reported).
    location: str = ""

    @property
    def key(self) -> str:
        """``<package>@<tag>``."""
        return package_key(self.package, self.tag)

    @property
    def order(self) -> tuple[str, int, str]:
        """Of several entries for one key, the first in this order is the target: the
        same whatever order the documents were read in, ``-j`` or not."""
        return (self.docname, self.line, self.anchor)


class CacheDomain(Domain):
    """Spack build-cache objects: packages.

    The data keeps every ``cache-package`` that registered a key, in :attr:`PackageEntry.order`,
    not only the first read: which one is first must not depend on the order in which
    documents are read (``-j`` reads them in several processes and merges them in any
    order, and an incremental build reads only some). References go to the first; every
    other is a duplicate, reported once all documents are read (:meth:`check_consistency`),
    so ``-j N`` reports exactly what ``-j 1`` reports.
    """

    name = DOMAIN_NAME
    label = "Spack build cache"
    object_types = {"package": ObjType("package", PKG_ROLE)}  # noqa: RUF012 - Sphinx API
    roles = {PKG_ROLE: XRefRole()}  # noqa: RUF012
    initial_data = {"packages": {}, "keys": {}, "tags": {}, "rows": {}, "linking": {}}  # noqa: RUF012
    data_version = 6

    @property
    def places_by_key(self) -> dict[str, list[PackageEntry]]:
        """``"<package>@<tag>"`` -> every place it is documented, first first."""
        places_by_key: dict[str, list[PackageEntry]] = self.data.setdefault("packages", {})
        return places_by_key

    @property
    def entries(self) -> dict[str, PackageEntry]:
        """``"<package>@<tag>"`` -> where references to it go."""
        return {key: places[0] for key, places in self.places_by_key.items()}

    @property
    def keys_by_docname(self) -> dict[str, list[str]]:
        """docname -> the keys it registered (so that forgetting a document does not
        look through every key of the site)."""
        keys: dict[str, list[str]] = self.data.setdefault("keys", {})
        return keys

    @property
    def tags_by_package(self) -> dict[str, list[str]]:
        """package -> the snapshots it is documented in (so that a plain package name
        does not look through every key of the site: a listing resolves one a row)."""
        tags: dict[str, list[str]] = self.data.setdefault("tags", {})
        return tags

    @property
    def rows_by_docname(self) -> dict[str, dict[str, str]]:
        """docname -> spec hash -> the id of the first row of a spec table of that page
        that shows the binary (``site.rows`` gives rows their ids)."""
        rows: dict[str, dict[str, str]] = self.data.setdefault("rows", {})
        return rows

    @property
    def linking(self) -> dict[str, bool]:
        """The pages that may link to rows (their spec tables list dependencies, or
        they draw a graph): written again when a row moves (``site.rows``)."""
        linking: dict[str, bool] = self.data.setdefault("linking", {})
        return linking

    def note_rows(self, docname: str, rows: dict[str, str], *, links: bool = False) -> None:
        """The rows of page *docname*: spec hash -> the id of its first row there; and
        whether the page *links* to rows."""
        if rows:
            self.rows_by_docname[docname] = rows
        else:
            self.rows_by_docname.pop(docname, None)
        if links:
            self.linking[docname] = True
        else:
            self.linking.pop(docname, None)

    def row_target(
        self, spec_hash: str, package: str, tag: str, fromdocname: str
    ) -> tuple[str, str] | None:
        """Where a link from page *fromdocname* to the binary *spec_hash* (of *package*
        in snapshot *tag*) goes, as ``(docname, id)``: its row on the same page, else its
        row on the page of ``package@tag``, else that entry's anchor; ``None`` when
        neither the page nor the package has it."""
        here = self.rows_by_docname.get(fromdocname, {}).get(spec_hash)
        if here is not None:
            return fromdocname, here
        entry = self.find(package_key(package, tag))
        if entry is None:
            return None
        row = self.rows_by_docname.get(entry.docname, {}).get(spec_hash)
        return entry.docname, row or entry.anchor

    def note_package(self, entry: PackageEntry) -> None:
        """Register a documented package (a duplicate is reported by
        :meth:`check_consistency`)."""
        places = self.places_by_key.setdefault(entry.key, [])
        if not places:
            self.tags_by_package.setdefault(entry.package, []).append(entry.tag)
        places.append(entry)
        places.sort(key=_order)
        self.keys_by_docname.setdefault(entry.docname, []).append(entry.key)

    def clear_doc(self, docname: str) -> None:
        self.rows_by_docname.pop(docname, None)
        self.linking.pop(docname, None)
        for key in dict.fromkeys(self.keys_by_docname.pop(docname, ())):
            places = self.places_by_key.get(key)
            if places is None:
                continue
            kept = [entry for entry in places if entry.docname != docname]
            if not kept:
                del self.places_by_key[key]
                package, tag = places[0].package, places[0].tag
                tags = self.tags_by_package.get(package, [])
                if tag in tags:
                    tags.remove(tag)
                if not tags:
                    self.tags_by_package.pop(package, None)
            elif len(kept) != len(places):
                self.places_by_key[key] = kept

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for docname, rows in otherdata.get("rows", {}).items():
            if docname in wanted:
                self.rows_by_docname[docname] = rows
        for docname in otherdata.get("linking", {}):
            if docname in wanted:
                self.linking[docname] = True
        for places in otherdata.get("packages", {}).values():
            for entry in places:
                if entry.docname in wanted:
                    self.note_package(entry)

    def check_consistency(self) -> None:
        """Report every duplicate, at its directive, once all documents are read."""
        for key, places in sorted(self.places_by_key.items()):
            first = places[0]
            for entry in places[1:]:
                warn(
                    f"cache-package: {key} is already documented in {first.docname!r}; "
                    "references go there (use :no-index: on one of them)",
                    SpackCacheWarning.DUPLICATE,
                    entry.location or (entry.docname, entry.line or None),
                )

    def preferred(self, package: str) -> PackageEntry | None:
        """The entry the plain package name refers to (see the module docstring)."""
        by_key = self.places_by_key
        candidates = [
            by_key[package_key(package, tag)][0] for tag in self.tags_by_package.get(package, ())
        ]
        if not candidates:
            return None
        default = spackcache_config(self.env).default_tag
        for entry in candidates:
            if entry.tag == default:
                return entry
        newest = newest_snapshot(entry.tag for entry in candidates)
        return next(entry for entry in candidates if entry.tag == newest)

    def find(self, target: str) -> PackageEntry | None:
        """``<package>@<tag>`` or ``<package>``."""
        if "@" in target:
            places = self.places_by_key.get(target)
            return places[0] if places else None
        return self.preferred(target)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        found = self.listing_target(
            target,
            fromdocname,
            spec_hash=node.get(HASH_ATTR, "") if builder.format == "html" else "",
            package=node.get(PACKAGE_ATTR, ""),
            listing=bool(node.get(LISTING_ATTR)),
            exact=bool(node.get(EXACT_ATTR)),
        )
        if found is None:
            return None
        return make_refnode(builder, fromdocname, found[0], found[1], contnode, found[2])

    def listing_target(
        self,
        target: str,
        fromdocname: str,
        *,
        spec_hash: str = "",
        package: str = "",
        listing: bool = False,
        exact: bool = False,
    ) -> tuple[str, str, str] | None:
        """Where a reference to *target* (``<package>@<tag>`` or ``<package>``) from
        *fromdocname* goes, as ``(docname, id, title)``, as :func:`package_ref` made it:
        with *spec_hash*, to that binary's row (:meth:`row_target`); else to the page
        documenting the package, else (a *listing*'s, not *exact*) to its preferred page;
        ``None`` when there is none."""
        if spec_hash:
            name = package or target.split("@", 1)[0]
            tag = target.split("@", 1)[1] if "@" in target else ""
            row = self.row_target(spec_hash, name, tag, fromdocname)
            if row is not None:
                return row[0], row[1], f"{name} /{short_hash(spec_hash)}"
        entry = self.find(target.strip())
        if entry is None and listing and not exact:
            entry = self.preferred(package or target.split("@", 1)[0])
        if entry is None:
            return None
        return entry.docname, entry.anchor, f"{entry.package} ({entry.tag})"

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        found = self.resolve_xref(env, fromdocname, builder, PKG_ROLE, target, node, contnode)
        return [(f"{DOMAIN_NAME}:{PKG_ROLE}", found)] if found is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        preferred: set[str] = set()
        for key, entry in sorted(self.entries.items()):
            yield key, key, "package", entry.docname, entry.anchor, 1
            if entry.package not in preferred and self.preferred(entry.package) == entry:
                preferred.add(entry.package)
                yield entry.package, entry.package, "package", entry.docname, entry.anchor, 1

    def get_full_qualified_name(self, node: Element) -> str | None:
        target = node.get("reftarget")
        return str(target) if target else None


def _order(entry: PackageEntry) -> tuple[str, int, str]:
    return entry.order


def _listing_link_without_page(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    """A package listed by ``cache-index`` or ``cache-stack`` may have no page: show its
    name without a link, and without the warning ``nitpicky`` would give."""
    if node.get("refdomain") == DOMAIN_NAME and node.get(LISTING_ATTR):
        return contnode
    return None


def cache_domain(env: BuildEnvironment) -> CacheDomain:
    """The build's ``cache`` domain."""
    domain = env.get_domain(DOMAIN_NAME)
    assert isinstance(domain, CacheDomain)
    return domain


def setup_domain(app: Sphinx) -> None:
    """Register the domain and the link resolver."""
    app.add_domain(CacheDomain)
    app.connect("missing-reference", _listing_link_without_page)
