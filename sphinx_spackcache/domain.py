"""The ``cache`` domain: cross-references to packages documented with ``cache-package``.

Every ``cache-package`` registers its package as an object of type ``package`` under two
names: ``<package>@<tag>`` for that snapshot, and, for one of the snapshots a package is
documented for, the plain ``<package>``. The plain name goes to the entry of
``spackcache_default_tag`` when there is one, otherwise to the latest tag in Spack's
version order (``v0.23.1`` after ``v0.9.0``; a ``develop-YYYY-MM-DD`` tag after any
release, and the newest date last). So::

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

from .versions import version_key
from .warnings import SpackCacheWarning, warn

__all__ = ["CacheDomain", "PackageEntry", "setup_domain"]


class PackageEntry(NamedTuple):
    """Where one package of one snapshot is documented."""

    package: str
    tag: str
    docname: str
    anchor: str


class CacheDomain(Domain):
    """Spack build-cache objects: packages."""

    name = "cache"
    label = "Spack build cache"
    object_types = {"package": ObjType("package", "pkg")}  # noqa: RUF012 - Sphinx API
    roles = {"pkg": XRefRole()}  # noqa: RUF012
    initial_data = {"packages": {}}  # noqa: RUF012
    data_version = 1

    @property
    def entries(self) -> dict[str, PackageEntry]:
        """``"<package>@<tag>"`` -> where it is documented."""
        entries: dict[str, PackageEntry] = self.data.setdefault("packages", {})
        return entries

    def note_package(self, entry: PackageEntry, location: Element) -> bool:
        """Register a documented package; warn and return False for a duplicate."""
        key = f"{entry.package}@{entry.tag}"
        existing = self.entries.get(key)
        if existing is not None and existing != entry:
            warn(
                f"cache-package: {key} is already documented in {existing.docname!r}; "
                "references go there (use :no-index: on one of them)",
                SpackCacheWarning.DUPLICATE,
                location,
            )
            return False
        self.entries[key] = entry
        return True

    def clear_doc(self, docname: str) -> None:
        for key, entry in list(self.entries.items()):
            if entry.docname == docname:
                del self.entries[key]

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for key, entry in otherdata.get("packages", {}).items():
            if entry.docname not in wanted:
                continue
            existing = self.entries.get(key)
            if existing is None or (existing.docname, existing.anchor) > (
                entry.docname,
                entry.anchor,
            ):
                # keep one entry per package and tag, the same one whatever the merge order
                self.entries[key] = entry

    def preferred(self, package: str) -> PackageEntry | None:
        """The entry the plain package name refers to (see the module docstring)."""
        candidates = [e for e in self.entries.values() if e.package == package]
        if not candidates:
            return None
        default = self.env.config.spackcache_default_tag
        for entry in candidates:
            if entry.tag == default:
                return entry
        return max(candidates, key=lambda e: (version_key(e.tag), e.tag))

    def find(self, target: str) -> PackageEntry | None:
        """``<package>@<tag>`` or ``<package>``."""
        if "@" in target:
            return self.entries.get(target)
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
        entry = self.find(target.strip())
        if entry is None and node.get("spackcache_listing"):
            entry = self.preferred(target.split("@", 1)[0])
        if entry is None:
            return None
        title = f"{entry.package} ({entry.tag})"
        return make_refnode(builder, fromdocname, entry.docname, entry.anchor, contnode, title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        found = self.resolve_xref(env, fromdocname, builder, "pkg", target, node, contnode)
        return [("cache:pkg", found)] if found is not None else []

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


def _listing_link_without_page(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    """A package listed by ``cache-index`` or ``cache-stack`` may have no page: show its
    name without a link, and without the warning ``nitpicky`` would give."""
    if node.get("refdomain") == "cache" and node.get("spackcache_listing"):
        return contnode
    return None


def setup_domain(app: Sphinx) -> None:
    """Register the domain and the link resolver."""
    app.add_domain(CacheDomain)
    app.connect("missing-reference", _listing_link_without_page)
