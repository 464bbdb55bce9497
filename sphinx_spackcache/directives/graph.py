"""The ``cache-graph`` directive: the dependency graph of a package's binaries, as a
Graphviz figure where one can be drawn and as a ``spack find -d`` tree elsewhere
(issue 27).

The figure is drawn by ``sphinx.ext.graphviz`` (set up with this extension), so
``graphviz_dot``, ``graphviz_output_format`` (``svg`` for links that can be clicked;
``png`` gives an image map) and ``graphviz_dot_args`` apply. Without the ``dot``
program, a figure gives way to the tree with one located warning.
"""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.graphviz import (
    graphviz,
    html_visit_graphviz,
    latex_visit_graphviz,
    texinfo_visit_graphviz,
)
from sphinx.util.docutils import SphinxTranslator

from ..data.dag import Subgraph, brought, installed_with, subgraph, tree
from ..data.model import short_hash
from ..domain import cache_domain
from ..render.graph import cache_graph, decode_subgraph, dot_source, graph_attributes, tree_block
from ..warnings_ import SpackCacheWarning, warn
from .base import SpackCacheDirective
from .options import FILTER_OPTIONS, text_option

__all__ = ["CacheGraphDirective", "setup_graph"]


class CacheGraphDirective(SpackCacheDirective):
    """``.. cache-graph:: NAME``: the dependency graph of the package's binaries in one
    snapshot (those the filters and ``:hash:`` keep), ``:depth:`` edges deep (3), at
    most ``:max-nodes:`` binaries in the figure (40), only what each binary brings with
    it (``link``/``run``) with ``:installed:``."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        **FILTER_OPTIONS,
        "hash": text_option,
        "depth": text_option,
        "max-nodes": text_option,
        "installed": lambda argument: True,
        "alt": text_option,
    }

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        tag = self.resolve_tag()
        loaded = None if tag is None else self.load_record(tag, package)
        if tag is None or loaded is None:
            return []
        depth, max_nodes = self.count("depth", 3), self.count("max-nodes", 40)
        if depth is None or max_nodes is None:
            return []
        dependencies_of = loaded.dependencies
        if dependencies_of is None:
            self.warn(
                f"snapshot {tag!r} does not say what its binaries depend on (cache.spack.io's "
                "records do not; a Spack mirror, the snapshot index or an OCI registry do): "
                "no graph",
                SpackCacheWarning.GRAPH,
            )
            return []
        specs = self.query(loaded.record.specs).apply(loaded.record.specs)
        prefix = self.options.get("hash", "").lstrip("/")
        if prefix:
            specs = tuple(s for s in specs if s.hash.startswith(prefix))
        if not specs:
            self.warn(
                f"no binary of {package} in {tag} is left by the filters"
                + (f" and :hash: {prefix!r}" if prefix else ""),
                SpackCacheWarning.FILTER,
            )
            return []
        installed = "installed" in self.options
        roots = [(s.hash, package, s.versions[0] if s.versions else "") for s in specs]
        graph = subgraph(
            roots,
            dependencies_of,
            max_depth=depth,
            max_nodes=max_nodes,
            installed_only=installed,
        )
        trees = {
            root: tree(root[0], dependencies_of, max_depth=depth, installed_only=installed)
            for root in roots
        }
        container = self.output_container("graph")
        container += nodes.paragraph("", self._caption(graph, roots, depth, dependencies_of))
        alt = self.options.get("alt") or f"Dependency graph of {package} in {tag}"
        node = cache_graph("", tree_block(trees), **graph_attributes(graph, tag, alt))
        self.set_source_info(node)
        container += node
        return [container]

    @staticmethod
    def _caption(
        graph: Subgraph,
        roots: list[tuple[str, str, str]],
        depth: int,
        dependencies_of: Callable[[str], Any],
    ) -> str:
        """What the figure shows and what it leaves out, in words (every builder)."""
        if len(roots) == 1:
            key, name, version = roots[0]
            count = len(brought(key, dependencies_of))
            said = f"{name}@{version} /{short_hash(key)} brings {count} binaries with it"
        else:
            said = f"{len(roots)} binaries of {roots[0][1]}"
        shown = len(graph.nodes)
        if shown < graph.reachable:
            said += (
                f"; the graph shows {shown} of the {graph.reachable} binaries they reach "
                f"(to {depth} edges deep), a dashed box has more below"
            )
        else:
            said += f"; the graph shows all {shown}"
        if any(not installed_with(dependency) for _, dependency in graph.edges):
            return said + ". Dashed edges are needed only to build."
        return said + "."


def _figure(translator: SphinxTranslator, node: cache_graph) -> graphviz | None:
    """The Graphviz figure of *node*, its binaries linked (in HTML) to their rows: on
    this page where it has one, else on their package's page of the snapshot (its
    anchor when that page has no row of the binary); ``None``, after a located warning, when
    the ``dot`` program cannot be found."""
    builder = translator.builder
    config = builder.config
    if shutil.which(config.graphviz_dot) is None:
        warn(
            f"cache-graph: the dot program ({config.graphviz_dot!r}, graphviz_dot) cannot "
            "be found: the graph is shown as a tree; install Graphviz to draw it",
            SpackCacheWarning.GRAPH,
            node,
        )
        return None
    domain = cache_domain(builder.env)
    html = builder.format == "html"
    # the page being written (HTML builders say; a LaTeX document is many pages: the
    # one the directive is in)
    docname = getattr(builder, "current_docname", None) or (
        builder.env.path2doc(node.source or "") or ""
    )

    def url(package: str, spec_hash: str) -> str | None:
        # its row on this page, else its row on its package's page, else that page
        found = domain.row_target(spec_hash, package, node["tag"], docname) if html else None
        if found is None:
            return None
        target, anchor = found
        page = builder.get_relative_uri(docname, target)
        if not page:  # this page: by its name (a bare "#" would name the SVG itself)
            own = builder.get_target_uri(docname)
            page = "./" if own.endswith("/") else posixpath.basename(own)
        return f"{page}#{anchor}"

    figure = graphviz()
    figure["code"] = dot_source(decode_subgraph(node["graph"]), title=node["alt"], url=url)
    figure["options"] = {"docname": docname}
    figure["alt"] = node["alt"]
    figure["classes"] = ["spackcache-graph-figure"]
    figure.source, figure.line = node.source, node.line
    return figure


def _drawn(draw: Callable[[Any, graphviz], None]) -> Callable[[Any, cache_graph], None]:
    """A visitor that draws the figure with *draw* (``sphinx.ext.graphviz``'s visitor
    for the format, which writes it and skips the node), or, without ``dot``, writes
    the tree (the node's child)."""

    def visit(translator: Any, node: cache_graph) -> None:
        figure = _figure(translator, node)
        if figure is not None:
            node += figure  # a parent and a document for the visitor to look at
            draw(translator, figure)

    return visit


def _tree(translator: Any, node: cache_graph) -> None:
    """Builders that draw no picture (text, man, ...): the tree, the node's child."""


def _nothing(translator: Any, node: cache_graph) -> None:
    pass


def setup_graph(app: Sphinx) -> None:
    """Register ``cache-graph`` and its node: a figure where the builder draws one and
    ``dot`` is there, else the tree."""
    app.setup_extension("sphinx.ext.graphviz")
    app.add_node(
        cache_graph,
        html=(_drawn(html_visit_graphviz), _nothing),
        latex=(_drawn(latex_visit_graphviz), _nothing),
        texinfo=(_drawn(texinfo_visit_graphviz), _nothing),
        text=(_tree, _nothing),
        man=(_tree, _nothing),
    )
    app.add_directive("cache-graph", CacheGraphDirective)
