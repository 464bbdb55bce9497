"""The output of ``cache-match``: a sentence that answers "is my spec in the cache?", and
the table of the nearest binaries that do not satisfy the spec, each with what it
differs in (the binaries that satisfy it are a spec table, :mod:`.spectable`).

Standard docutils nodes, built by the directive, for every builder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docutils import nodes

from ..data.match import Match
from ..data.model import short_hash
from .badges import badge_cell, stack_items, value_badges, value_items
from .history import plain_cell
from .labels import compiler_label
from .names import HASH_CLASS, ROOT_CLASS
from .tables import Cells, Column, make_table, scrolling, text_cell

__all__ = [
    "EXTERNAL",
    "IN_CACHE",
    "MATCH_KIND",
    "WILL_BUILD",
    "NodeAnswer",
    "environment_sentence",
    "environment_table",
    "match_sentence",
    "nearest_table",
]

#: The kind (CSS class ``spackcache-<kind>``) of the output and its table.
MATCH_KIND = "match"

_NEAREST_COLUMNS = (
    Column("hash", "Hash", 9, 10),
    Column("version", "Version", 10, 12),
    Column("compiler", "Compiler", 12, 14),
    Column("arch", "Arch", 22, 20),
    Column("stacks", "Stacks", 14, 14),
    Column("differs", "Differs in", 36, 30),
)


def match_sentence(
    spec: str, package: str, tag: str, found: int, total: int, maybe: int
) -> nodes.paragraph:
    """ "3 of 64 binaries of hdf5 in develop-2025-04-20 satisfy ``hdf5@1.14 +mpi``." and,
    when some may satisfy it but the cache cannot tell, how many."""
    paragraph = nodes.paragraph(classes=[f"{ROOT_CLASS}-{MATCH_KIND}-answer"])
    if found:
        verb = "satisfies" if found == 1 else "satisfy"
        said = f"{found} of {total} binaries of {package} in {tag} {verb} "
    else:
        said = f"None of the {total} binaries of {package} in {tag} satisfies "
    paragraph += nodes.Text(said)
    paragraph += nodes.literal(spec, spec)
    paragraph += nodes.Text(".")
    if maybe:
        paragraph += nodes.Text(
            f" {maybe} more may: the cache does not record all that the spec asks "
            "(\u201cunknown\u201d below)."
        )
    return paragraph


def _differs(match: Match) -> list[nodes.Node]:
    """Every reason, one per line, the certain ones first."""
    cell: list[nodes.Node] = []
    for number, reason in enumerate((*match.failing, *match.unknown)):
        if number:
            cell.append(nodes.Text("; "))
        cell.append(nodes.inline(str(reason), str(reason), classes=[f"{ROOT_CLASS}-reason"]))
    return cell


def nearest_table(matches: Sequence[Match], spec: str) -> nodes.container:
    """The nearest binaries that do not satisfy *spec*, in the order given, with what
    each differs in (in the container that scrolls a table sideways in HTML)."""
    rows: list[Cells] = []
    for match in matches:
        binary = match.spec
        short = short_hash(binary.hash)
        rows.append(
            {
                "hash": [nodes.literal(short, short, classes=[HASH_CLASS])],
                "version": plain_cell(value_badges(binary.versions, field="version")),
                "compiler": plain_cell(
                    value_badges([compiler_label(binary.compiler)], field="compiler")
                ),
                "arch": plain_cell(
                    badge_cell(
                        [
                            *value_items([binary.platform], "platform"),
                            *value_items([binary.os], "os"),
                            *value_items([binary.target], "target"),
                        ],
                        None,
                    )
                ),
                "stacks": plain_cell(badge_cell(stack_items(binary.stacks), None)),
                "differs": _differs(match),
            }
        )
    title = f"The {len(matches)} nearest binaries that do not satisfy {spec}"
    return scrolling(make_table(title, _NEAREST_COLUMNS, rows, kind=f"{MATCH_KIND}-nearest"))


#: How a node of an environment stands against a snapshot.
IN_CACHE = "in the cache"
WILL_BUILD = "will build"
EXTERNAL = "external"

_ENVIRONMENT_COLUMNS = (
    Column("spec", "Spec", 30, 26),
    Column("status", "From the cache?", 12, 14),
    Column("nearest", "Nearest binary", 9, 10),
    Column("differs", "Differs in", 40, 40),
)


@dataclass(frozen=True, slots=True)
class NodeAnswer:
    """One node of an environment against a snapshot: its package, version and hash,
    whether it is a root, its status (:data:`IN_CACHE`, :data:`WILL_BUILD`,
    :data:`EXTERNAL`) and, for one that will build, the nearest binary of its package
    (``None`` when the snapshot has none)."""

    name: str
    version: str
    hash: str
    root: bool
    status: str
    nearest: Match | None = None


def environment_sentence(path: str, tag: str, answers: Sequence[NodeAnswer]) -> nodes.paragraph:
    """ "41 of 57 specs of this environment are in develop-2026-11-29; 16 will build:
    ..."; externals (which Spack never takes from a cache) counted apart."""
    hits = [a for a in answers if a.status == IN_CACHE]
    builds = [a for a in answers if a.status == WILL_BUILD]
    externals = [a for a in answers if a.status == EXTERNAL]
    countable = len(hits) + len(builds)
    paragraph = nodes.paragraph(classes=[f"{ROOT_CLASS}-{MATCH_KIND}-answer"])
    paragraph += nodes.Text(f"{len(hits)} of the {countable} specs of ")
    paragraph += nodes.literal(path, path)
    paragraph += nodes.Text(f" are in {tag}")
    if builds:
        names = ", ".join(sorted(f"{a.name}@{a.version}" for a in builds))
        paragraph += nodes.Text(f"; {len(builds)} will build: {names}")
    else:
        paragraph += nodes.Text("; nothing will build")
    if externals:
        paragraph += nodes.Text(
            f" ({len(externals)} more {'is' if len(externals) == 1 else 'are'} external, "
            "never taken from a cache)"
        )
    paragraph += nodes.Text(".")
    return paragraph


def environment_table(answers: Sequence[NodeAnswer], tag: str) -> nodes.container:
    """A row per node of the environment: the roots first, then those that will build,
    then the others, each group by name."""
    order = {WILL_BUILD: 0, IN_CACHE: 1, EXTERNAL: 2}
    rows: list[Cells] = []
    for answer in sorted(answers, key=lambda a: (not a.root, order[a.status], a.name)):
        short = short_hash(answer.hash)
        spec: list[nodes.Node] = [nodes.Text(f"{answer.name}@{answer.version} ")]
        spec.append(nodes.literal(f"/{short}", f"/{short}", classes=[HASH_CLASS]))
        if answer.root:
            spec.append(nodes.Text(" (root)"))
        nearest: list[nodes.Node] = []
        differs: list[nodes.Node] = []
        if answer.nearest is not None:
            near = short_hash(answer.nearest.spec.hash)
            nearest = [nodes.literal(near, near, classes=[HASH_CLASS])]
            differs = _differs(answer.nearest)
        elif answer.status == WILL_BUILD:
            differs = [nodes.Text(f"no binary of {answer.name} in {tag}")]
        rows.append(
            {
                "spec": spec,
                "status": text_cell(answer.status),
                "nearest": nearest,
                "differs": differs,
            }
        )
    title = f"Each spec of the environment in {tag}"
    return scrolling(
        make_table(title, _ENVIRONMENT_COLUMNS, rows, kind=f"{MATCH_KIND}-environment")
    )
