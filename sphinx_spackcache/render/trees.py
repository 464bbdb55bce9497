"""The whole dependency tree of a spec table's row, on demand (issue 27): in HTML a
disclosure under the row's dependencies, a ``<details>`` (no script needed) holding a
nested list of every binary the row's binary brings with it (its ``link``/``run``
dependencies and theirs), each linked to its row or its package's page.

Large trees are collapsed as ``cache-graph`` collapses them: a shared subtree is shown
once (where it is met again, "dependencies above"), and a tree longer than
:data:`TREE_LINES` lines stops at a depth that fits (:func:`~.data.dag.bounded_tree`),
which the disclosure says in words.

Print (text, LaTeX, man) shows no tree: a table cell holding a tree for every row
would run to pages; it keeps the counts and the direct dependencies, and
``cache-graph`` draws (or prints) the tree of a binary. The post-transform of
:mod:`~sphinx_spackcache.writers.nonhtml` takes the disclosure out.

A table keeps the edges its trees are drawn from once (:func:`closure_data`), not a
tree a row: the binaries of one package share most of what they bring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref

from ..data.dag import Branch, bounded_tree
from ..data.model import Dependency
from ..domain import package_ref
from .badges import more_values
from .names import DEPENDENCY_CLASS, ROOT_CLASS
from .phrases import count_phrase

__all__ = [
    "TREE_CLASS",
    "TREE_LINES",
    "ClosureData",
    "TreePlan",
    "closure_data",
    "closure_lookup",
    "disclosure_nodes",
    "line_link",
    "line_suffix",
    "split_list",
    "tree_disclosure",
    "tree_plan",
]

#: The class of a row's tree disclosure (HTML only).
TREE_CLASS = f"{ROOT_CLASS}-tree"
#: The most lines a row's tree shows: past it, the tree stops at a depth that fits. Of
#: the 1,225 binaries of NCAR's derecho install tree (tests/mirrors), half have trees of
#: at most 10 lines, nine in ten at most 49; 23 have more than 100 (the longest, gnuplot,
#: 315 lines: 82 to two edges deep).
TREE_LINES = 100

#: The ``link``/``run`` edges of a table's binaries and of all they bring, as a
#: deferred table keeps them: ``[nodes, edges]``, *nodes* each binary once as
#: ``[name, version, hash]``, *edges* ``[node number, [[node number, types, virtuals],
#: ...]]`` for each binary with dependencies (types and virtuals joined with commas). A
#: binary's name, version and 32-letter hash once, not once an edge: written out edge by
#: edge they took a third of a package page's doctree in the live-scale example.
ClosureData = tuple[list[tuple[str, str, str]], list[tuple[int, list[tuple[int, str, str]]]]]


def closure_data(closure: Mapping[str, Sequence[Dependency]]) -> ClosureData:
    """*closure* (:func:`~.data.dag.installed_closure`) as a deferred table keeps it."""
    numbers: dict[str, int] = {}
    found: list[tuple[str, str, str]] = []

    def number(spec_hash: str, name: str = "", version: str = "") -> int:
        known = numbers.get(spec_hash)
        if known is None:
            known = numbers[spec_hash] = len(found)
            found.append((name, version, spec_hash))
        elif name and not found[known][0]:  # a root of the table, named by an edge
            found[known] = (name, version, spec_hash)
        return known

    edges = [
        (
            number(key),
            [
                (number(d.hash, d.name, d.version), ",".join(d.types), ",".join(d.virtuals))
                for d in out
            ],
        )
        for key, out in closure.items()
        if out
    ]
    return found, edges


def split_list(text: str) -> tuple[str, ...]:
    """The items of a list kept joined with commas (a dependency's types, virtuals)."""
    return tuple(text.split(",")) if text else ()


def closure_lookup(data: ClosureData) -> Callable[[str], Sequence[Dependency]]:
    """The dependencies of a hash, from what :func:`closure_data` kept."""
    found, edges = data
    known = {
        found[key][2]: tuple(
            Dependency(*found[number], split_list(types), split_list(virtuals))
            for number, types, virtuals in out
        )
        for key, out in edges
    }
    return lambda key: known.get(key, ())


def line_link(dependency: Dependency, tag: str, text: Callable[..., str]) -> pending_xref:
    """The link a tree's line makes of *dependency*: to its binary's row, or its
    package's page."""
    shown = text(
        dependency.name,
        dependency.version,
        dependency.hash,
        ",".join(dependency.types),
        ",".join(dependency.virtuals),
    )
    inline = nodes.inline(shown, shown, classes=[DEPENDENCY_CLASS])
    return package_ref(dependency.name, tag, inline, spec_hash=dependency.hash)


def _line(branch: Branch, tag: str, text: Callable[..., str]) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    paragraph += line_link(branch.dependency, tag, text)
    suffix = line_suffix(branch)
    if suffix:
        paragraph += nodes.Text(suffix)
    return paragraph


def _nested(depths: Sequence[int], lines: Sequence[nodes.paragraph]) -> nodes.bullet_list:
    """The *lines* of a tree (depth first, at *depths*) as nested bullet lists, one item
    a line. The lists are
    made from the leaves up, each node given its children before it has a parent:
    docutils looks up a new child's document through its parents, and items added to a
    list already deep in a tree took a quarter of the time of a snapshot's trees."""
    # the items of each open level: (line, the items below it)
    levels: list[list[tuple[nodes.paragraph, list[Any]]]] = [[]]
    for depth, line in zip(depths, lines, strict=True):
        while len(levels) > depth:
            below = levels.pop()
            levels[-1][-1][1].extend(below)
        if len(levels) < depth:
            levels.append([])
        levels[-1].append((line, []))
    while len(levels) > 1:
        below = levels.pop()
        levels[-1][-1][1].extend(below)

    def made(items: list[tuple[nodes.paragraph, list[Any]]]) -> nodes.bullet_list:
        return nodes.bullet_list(
            "",
            *(
                nodes.list_item("", line, *([made(below)] if below else []))
                for line, below in items
            ),
        )

    return made(levels[0])


@dataclass(frozen=True, slots=True)
class TreePlan:
    """What a row's tree disclosure shows: how many binaries the row's binary brings
    (*total*), the disclosure's *label*, what it says of a cut (*said*, ``None`` when the
    whole tree is shown) and the *branches* to show, depth first."""

    total: int
    label: str
    said: str | None
    branches: tuple[Branch, ...]


def tree_plan(
    spec_hash: str, dependencies_of: Callable[[str], Sequence[Dependency]]
) -> TreePlan | None:
    """The plan of the tree of what *spec_hash* brings with it; ``None`` when the tree
    would show no more than the direct dependencies do (none of them brings anything)."""
    cut = bounded_tree(spec_hash, dependencies_of, limit=TREE_LINES)
    if not any(branch.depth > 1 or branch.cut for branch in cut.branches):
        return None
    everything = {spec_hash}
    pending = [spec_hash]
    while pending:
        for dependency in dependencies_of(pending.pop()):
            if dependency.hash not in everything:
                everything.add(dependency.hash)
                pending.append(dependency.hash)
    total = len(everything) - 1
    label = f"whole tree ({count_phrase(total, 'binary', 'binaries')})"
    said = None
    if cut.depth is not None:
        shown = len({branch.dependency.hash for branch in cut.branches})
        said = f"Shown to {count_phrase(cut.depth, 'edge')} deep"
        if cut.dropped:
            said += f", its first {len(cut.branches)} lines ({cut.dropped:,} more not shown)"
        said += f": {shown} of the {total} binaries it brings."
    return TreePlan(total, label, said, tuple(cut.branches))


def line_suffix(branch: Branch) -> str:
    """What a tree's line says after the binary's name, if anything."""
    if branch.shown_before:
        return " (dependencies above)"
    if branch.cut:
        return " (more below, not shown)"
    return ""


def tree_disclosure(
    spec_hash: str,
    dependencies_of: Callable[[str], Sequence[Dependency]],
    tag: str,
    text: Callable[..., str],
) -> more_values | None:
    """The disclosure of the tree of what *spec_hash* brings with it, each binary named
    by *text* (``libelf@0.8.13/rqh2vuf``) and linked in *tag*; ``None`` when the tree
    would show no more than the direct dependencies do (none of them brings anything).
    (HTML writers write the same from :func:`tree_plan` themselves.)"""
    plan = tree_plan(spec_hash, dependencies_of)
    if plan is None:
        return None
    return disclosure_nodes(plan, [_line(branch, tag, text) for branch in plan.branches])


def disclosure_nodes(plan: TreePlan, lines: Sequence[nodes.paragraph]) -> more_values:
    """The disclosure of *plan*, its lines' paragraphs *lines* (one a branch)."""
    children: list[nodes.Element] = []
    if plan.said is not None:
        children.append(nodes.paragraph(plan.said, plan.said))
    children.append(_nested([branch.depth for branch in plan.branches], lines))
    return more_values("", *children, count=plan.total, label=plan.label, classes=[TREE_CLASS])
