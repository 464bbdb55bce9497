"""Dependency graphs of binaries (``cache-graph``): the same graph as a Graphviz figure
(``sphinx.ext.graphviz`` draws it: SVG or PNG in HTML, with each binary linked to its
package's page; PDF in LaTeX) and as an indented tree, the way ``spack find -d`` prints
one, for the builders that draw no pictures (text, man) and wherever the ``dot``
program is missing.

The directive keeps both in a :class:`cache_graph` node: the figure's data (a
:class:`~sphinx_spackcache.data.dag.Subgraph`, as JSON) and the tree as its child. At
write time :class:`~sphinx_spackcache.directives.graph.ChooseGraphOutput` leaves one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec
from docutils import nodes

from ..data.dag import Branch, Subgraph, installed_with, provides
from ..data.model import Dependency, short_hash

__all__ = [
    "cache_graph",
    "decode_subgraph",
    "dot_source",
    "encode_subgraph",
    "tree_block",
]


class cache_graph(nodes.General, nodes.Element):  # noqa: N801 (docutils' node names)
    """A dependency graph: attribute ``graph`` (:func:`encode_subgraph`), ``tag`` (the
    snapshot whose package pages the figure links to) and ``alt``; its child is the
    tree."""


#: A subgraph as JSON: roots, nodes ``[hash, package, version]``, edges ``[from, to,
#: package, version, types, virtuals]``, cut hashes, reachable count.
_Encoded = tuple[
    list[str],
    list[tuple[str, str, str]],
    list[tuple[str, str, str, str, list[str], list[str]]],
    list[str],
    int,
]


def encode_subgraph(graph: Subgraph) -> str:
    """*graph* as a JSON text, to keep in a doctree."""
    encoded: _Encoded = (
        list(graph.roots),
        [(key, name, version) for key, (name, version) in graph.nodes.items()],
        [
            (key, d.hash, d.name, d.version, list(d.types), list(d.virtuals))
            for key, d in graph.edges
        ],
        sorted(graph.cut),
        graph.reachable,
    )
    return msgspec.json.encode(encoded).decode("utf-8")


def decode_subgraph(text: str) -> Subgraph:
    """The subgraph :func:`encode_subgraph` wrote."""
    roots, found, edges, cut, reachable = msgspec.json.decode(text, type=_Encoded)
    return Subgraph(
        roots=tuple(roots),
        nodes={key: (name, version) for key, name, version in found},
        edges=tuple(
            (key, Dependency(name, version, to, tuple(types), tuple(virtuals)))
            for key, to, name, version, types, virtuals in edges
        ),
        cut=frozenset(cut),
        reachable=reachable,
    )


def _quoted(*lines: str) -> str:
    """*lines* as one Graphviz double-quoted string, a line break (``\\n``) between
    them (``"`` and ``\\`` escaped; a record's values never hold a line break: they are
    made showable when read)."""
    escaped = (line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)
    return '"' + "\\n".join(escaped) + '"'


def _spelled(name: str, version: str) -> str:
    return f"{name}@{version}" if version else name


#: The most binaries one rank of a top-down figure holds; past it, the figure runs from
#: left to right (a binary with forty direct dependencies would make a row forty boxes
#: wide, shrunk to the page's width until no label can be read).
WIDEST_RANK = 6


def _direction(graph: Subgraph) -> str:
    """``TB`` (top down), or ``LR`` when a rank (the binaries as many edges from the
    roots) holds more than :data:`WIDEST_RANK`: the figure then grows down the page,
    which scrolls, rather than across it."""
    depth = dict.fromkeys(graph.roots, 0)
    for key, dependency in graph.edges:  # (in the order reached: breadth first)
        if key in depth and dependency.hash not in depth:
            depth[dependency.hash] = depth[key] + 1
    widths: dict[int, int] = {}
    for level in depth.values():
        widths[level] = widths.get(level, 0) + 1
    return "LR" if max(widths.values(), default=0) > WIDEST_RANK else "TB"


def dot_source(
    graph: Subgraph,
    *,
    title: str,
    url: Callable[[str, str], str | None] = lambda package, spec_hash: None,
) -> str:
    """The Graphviz source of *graph*: a box per binary (``name@version`` and its short
    hash; the roots drawn heavier; a binary whose dependencies are not all drawn says
    so), an edge per dependency (dashed when only needed to build, labelled with the
    virtuals it provides). *url* gives the address a binary links to, if any."""
    direction = _direction(graph)
    # left to right, the boxes of a rank stand one above the other: one line each, close
    across = direction == "LR"
    lines = [
        f"digraph {_quoted(title)} {{",
        f'  graph [rankdir={direction}, bgcolor="transparent", fontname="sans-serif",'
        f" nodesep={0.08 if across else 0.25}, ranksep={0.8 if across else 0.4}];",
        '  node [shape=box, style="rounded,filled", fillcolor="#f2f4f7", color="#5a6b80",'
        ' fontname="sans-serif", fontsize=10, margin="0.12,0.04"];',
        '  edge [color="#5a6b80", fontname="sans-serif", fontsize=9, arrowsize=0.6];',
    ]
    roots = set(graph.roots)
    for key, (name, version) in graph.nodes.items():
        label = [_spelled(name, version), f"/{short_hash(key)}"]
        if across:
            label = [" ".join(label)]
        if key in graph.cut:
            label[-1] += " (more below)" if across else ""
            label += [] if across else ["(more below)"]
        attributes = [f"label={_quoted(*label)}"]
        attributes.append(f"tooltip={_quoted(f'{_spelled(name, version)}/{key}')}")
        if key in roots:
            attributes.append('penwidth=2, fillcolor="#dfe8f5"')
        if key in graph.cut:
            attributes.append('style="rounded,filled,dashed"')
        address = url(name, key)
        if address:
            attributes.append(f'URL={_quoted(address)}, target="_top"')
        lines.append(f"  {_quoted(key)} [{', '.join(attributes)}];")
    for key, dependency in graph.edges:
        attributes = []
        if not installed_with(dependency):
            attributes.append("style=dashed")
        if dependency.virtuals:
            attributes.append(f"label={_quoted(','.join(dependency.virtuals))}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_quoted(key)} -> {_quoted(dependency.hash)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def tree_text(
    root: tuple[str, str, str], branches: Sequence[Branch], *, indent: str = "    "
) -> str:
    """The tree of one root as ``spack find -d`` prints it: the root, then each
    dependency one indent deeper than its parent, with its short hash, how it is needed
    when only to build (or test) it, the virtuals it provides, and whether its
    dependencies were shown above or left out."""
    key, name, version = root
    lines = [f"{_spelled(name, version)} /{short_hash(key)}"]
    for branch in branches:
        dependency = branch.dependency
        text = f"{indent * branch.depth}{provides(dependency)} /{short_hash(dependency.hash)}"
        if not installed_with(dependency):
            text += f" [{','.join(dependency.types)}]"
        if branch.shown_before:
            text += " (dependencies above)"
        elif branch.cut:
            text += " (dependencies not shown)"
        lines.append(text)
    return "\n".join(lines)


def tree_block(trees: Mapping[tuple[str, str, str], Sequence[Branch]]) -> nodes.literal_block:
    """The trees of every root, one after the other, as one literal block."""
    text = "\n\n".join(tree_text(root, branches) for root, branches in trees.items())
    block = nodes.literal_block(text, text, classes=["spackcache-graph-tree"])
    block["language"] = "none"
    return block


def graph_attributes(graph: Subgraph, tag: str, alt: str) -> dict[str, Any]:
    """The attributes of a :class:`cache_graph` node."""
    return {"graph": encode_subgraph(graph), "tag": tag, "alt": alt}
