"""Exports (``spackcache_export``): when an HTML page with a package's output is written,
the package's specs are written beside the pages as JSON and CSV
(``_spackcache/<tag>/<package>.json``, ``.csv``), and, with a listing of a whole snapshot,
the snapshot as JSON (``_spackcache/<tag>.json``), each linked from the page. The bytes
are those of :mod:`~sphinx_spackcache.data.export`, deterministic, and a file is replaced
only when they change, so that incremental and ``-j`` builds leave the same files.
Builders other than the HTML ones (epub included: its files are inside the book) drop the
links and write nothing.

The files are written with their page, by the writer (under ``-j``, in the worker
processes, in parallel: at ``build-finished`` the main process would write a snapshot's
2,451 files alone), and only when the page is written. Which files each page links is
kept in the environment (:class:`ExportCollector`), so that at ``build-finished`` the
files no page links any more (a package gone from a snapshot, a page removed) are
removed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Set
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxTranslator
from sphinx.util.osutil import relative_uri

from ..config import spackcache_config
from ..data.dag import first_known
from ..data.export import package_exports, snapshot_json
from ..data.problems import RecordError
from ..render.links import LINKS_CLASS, export_links
from ..site.collectors import PerDocumentCollector
from ..site.manifests import with_sizes
from ..site.sources import build_sources
from ..sources.files import file_stem, write_if_changed

__all__ = [
    "EXPORT_FOLDER",
    "ExportCollector",
    "export_paths",
    "exports_enabled",
    "remove_stale_exports",
    "setup_exports",
    "write_exports",
]

#: The folder of exported files in the HTML output.
EXPORT_FOLDER = "_spackcache"


def exports_enabled(builder: Builder) -> bool:
    """Whether *builder* writes exports: an HTML builder (not epub) with
    ``spackcache_export`` on."""
    return (
        builder.format == "html"
        and not builder.name.startswith("epub")
        and spackcache_config(builder.env).export
    )


def export_paths(tag: str, package: str | None) -> list[str]:
    """The exports of *package* of *tag* (``None``: of the whole snapshot), as paths in
    the output folder (a long name cut to a
    :func:`~sphinx_spackcache.sources.files.file_stem`)."""
    if package is None:
        return [f"{EXPORT_FOLDER}/{file_stem(tag)}.json"]
    stem = f"{EXPORT_FOLDER}/{file_stem(tag)}/{file_stem(package)}"
    return [f"{stem}.json", f"{stem}.csv"]


def write_exports(builder: Builder, tag: str, package: str | None) -> list[tuple[str, str]]:
    """Write the exports of *package* of *tag* (``None``: of the whole snapshot) where
    their bytes changed; ``(label, path in the output)`` of each, or nothing when the
    data cannot be read (the directive has said why)."""
    store = build_sources(builder.env)
    outdir = Path(builder.outdir)
    try:
        paths = export_paths(tag, package)
        if package is None:
            snapshot = store.load_snapshot(tag)
            known = [loaded.dependencies for loaded in snapshot.records if loaded.dependencies]
            # one source's lookup serves every package of a snapshot read from one
            # database; a snapshot of records has none
            data = [snapshot_json(tag, snapshot.specs_by_package(), first_known(known))]
        else:
            loaded = store.load(tag, package)
            # the sizes the page shows: the manifests its reading fetched are copies now
            # (one that could not be used was warned about there)
            specs, _ = with_sizes(
                builder.env, store, tag, package, loaded.record.specs, loaded.dependencies
            )
            data = list(package_exports(tag, package, specs, loaded.dependencies))
        files = dict(zip(paths, data, strict=True))
    except (RecordError, OSError):
        return []
    for path, content in files.items():
        write_if_changed(outdir / path, content)
    return [(path.rsplit(".", 1)[1].upper(), path) for path in files]


def visit_export_links(translator: SphinxTranslator, node: export_links) -> None:
    """HTML: write the files and link them (``Download JSON · CSV``); nothing otherwise."""
    builder = translator.builder
    if not exports_enabled(builder):
        raise nodes.SkipNode
    written = write_exports(builder, node["tag"], node.get("package"))
    if not written:
        raise nodes.SkipNode
    body: list[str] = translator.body  # type: ignore[attr-defined]  # HTML translators
    page = builder.get_target_uri(builder.current_docname)  # type: ignore[attr-defined]
    what = "this snapshot" if node.get("package") is None else "these specs"
    if node.parent is not None and node.parent.index(node) > 0:
        body.append(" \N{MIDDLE DOT} ")
    body.append(f"Download {what}: ")
    for number, (label, path) in enumerate(written):
        if number:
            body.append(" \N{MIDDLE DOT} ")
        attributes = nodes.Element()  # no ids or classes of the node: one per link
        tag = translator.starttag(  # type: ignore[attr-defined]  # escapes the values
            attributes,
            "a",
            "",
            href=relative_uri(page, path),
            CLASS=f"{LINKS_CLASS}-{label.lower()}",
            download="",
        )
        body.append(f"{tag}{label}</a>")
    raise nodes.SkipNode


def _drop_export_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Where no exports are written, their links go, and so does a line of links left
    empty (no recipe page): the doctree other builders write holds standard nodes only."""
    if exports_enabled(app.builder):
        return
    for node in list(doctree.findall(export_links)):
        paragraph = node.parent
        paragraph.remove(node)
        if isinstance(paragraph, nodes.paragraph) and not paragraph.children:
            paragraph.parent.remove(paragraph)


class ExportCollector(PerDocumentCollector):
    """Keeps, for each page, the exports it links: ``(tag, package)`` each (package
    ``None`` for a whole snapshot)."""

    #: The environment attribute (pickled with it): docname -> its exports.
    ATTRIBUTE = "spackcache_exports"

    @classmethod
    def exports(cls, env: BuildEnvironment) -> dict[str, list[tuple[str, str | None]]]:
        """The exports of every page that links some, by document name."""
        exports: dict[str, list[tuple[str, str | None]]] = cls.documents(env)
        return exports

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        found = {(node["tag"], node.get("package")) for node in doctree.findall(export_links)}
        if found:
            self.exports(app.env)[app.env.docname] = sorted(found, key=lambda e: (e[0], e[1] or ""))


def remove_stale_exports(outdir: Path, linked: Set[str]) -> list[str]:
    """Remove the files of the export folder in *outdir* that are not *linked* (paths
    in the output folder), and the folders left empty; the paths removed."""
    removed = []
    for root, dirs, files in os.walk(outdir / EXPORT_FOLDER, topdown=False):
        for name in files:
            path = Path(root, name)
            where = path.relative_to(outdir).as_posix()
            if where not in linked:
                path.unlink()
                removed.append(where)
        for name in dirs:
            with contextlib.suppress(OSError):  # not empty
                Path(root, name).rmdir()
    return sorted(removed)


def _remove_stale(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not exports_enabled(app.builder):
        return
    linked = {
        path
        for exports in ExportCollector.exports(app.env).values()
        for tag, package in exports
        for path in export_paths(tag, package)
    }
    remove_stale_exports(Path(app.builder.outdir), linked)


def setup_exports(app: Sphinx) -> None:
    """Register the links node (written by HTML builders, dropped by the others), the
    collector of each page's exports and the removal of stale ones."""
    app.add_node(export_links, html=(visit_export_links, None))
    app.connect("doctree-resolved", _drop_export_links)
    app.add_env_collector(ExportCollector)
    app.connect("build-finished", _remove_stale)
