"""Stable ids of spec table rows (issue 27): each row of a spec table gets an id made
from its binary's hash, ``spec-<hash>``, so that a link, a graph's node or an address
(``cmake.html#spec-<hash>``) can point at one binary.

Why ``spec-`` before the hash: docutils' ids follow ``docutils.nodes.make_id``, which
makes ``[a-z](-?[a-z0-9]+)*``: an id starts with a letter. A Spack hash is base32
(``a-z2-7``), so one in eight starts with a digit, which ``make_id`` would cut off
(``2abc`` becomes ``abc``). With a prefix every hash is an id as it is, the same in
every build, and it cannot be taken for a section's id (a title would have to read
"spec <hash>").

Ids are given when a page has been read (``doctree-read``), in the order of the page's
spec tables, so a page's ids are the same whatever else the site holds, ``-j`` or not.
A binary in two tables of one page (two ``cache-package`` of one package, one with
``:no-index:``) has ``spec-<hash>`` in the first and ``spec-<hash>-2`` in the next;
an id the page already uses otherwise is skipped the same way. Each page's first row of
each binary is noted in the ``cache`` domain (:meth:`~.domain.CacheDomain.note_rows`),
where links find it.

Links to rows are resolved when pages are written, so a page read again whose rows
moved (gone, added, another id) has every page that may link to rows (spec tables
with dependencies, graphs) written again (:func:`rows_moved`): an incremental build
never keeps a link to a row that is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from weakref import WeakKeyDictionary

import msgspec
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import cache_domain
from ..render.graph import cache_graph
from ..render.spectable import spec_table_data

__all__ = [
    "ROW_ID_PREFIX",
    "assign_row_ids",
    "row_id",
    "row_ids",
    "rows_before",
    "rows_moved",
    "setup_rows",
]

#: What a row's id starts with: an id must start with a letter (see the module's text).
ROW_ID_PREFIX = "spec-"


def row_id(spec_hash: str) -> str:
    """``spec-<hash>``: the id of the first row of the binary *spec_hash* on a page
    (through ``make_id``, which leaves a Spack hash as it is)."""
    return nodes.make_id(f"{ROW_ID_PREFIX}{spec_hash}")


def row_ids(hashes: Iterable[str], taken: set[str]) -> list[str]:
    """An id for each of *hashes*, in order, none of them in *taken* (to which they are
    added): ``spec-<hash>``, else ``spec-<hash>-2``, ``-3``..."""
    found = []
    for spec_hash in hashes:
        base = row_id(spec_hash)
        chosen, number = base, 1
        while chosen in taken:
            number += 1
            chosen = f"{base}-{number}"
        taken.add(chosen)
        found.append(chosen)
    return found


class _Hashed(msgspec.Struct):
    """A spec, of which only the hash is read (the other fields are skipped)."""

    hash: str


_HASHES = msgspec.json.Decoder(list[_Hashed])


def assign_row_ids(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: give every row of the page's spec tables its id (attribute
    ``row_ids`` of each :class:`~.render.spectable.spec_table_data`, one a spec) and
    note the page's rows in the ``cache`` domain."""
    env = app.env
    taken = set(doctree.ids)
    first: dict[str, str] = {}
    links = any(True for _ in doctree.findall(cache_graph))
    for table in doctree.findall(spec_table_data):
        links = links or bool(table.get("dependencies"))
        hashes = [spec.hash for spec in _HASHES.decode(table["specs"])]
        ids = row_ids(hashes, taken)
        table["row_ids"] = ids
        for spec_hash, each in zip(hashes, ids, strict=True):
            first.setdefault(spec_hash, each)
    cache_domain(env).note_rows(env.docname, first, links=links)


#: The rows of every page before this build read any (:func:`rows_before`).
_BEFORE: WeakKeyDictionary[BuildEnvironment, dict[str, dict[str, str]]] = WeakKeyDictionary()


def rows_before(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """``env-get-outdated`` (before pages are forgotten and read): keep the rows of
    every page as they were."""
    _BEFORE[env] = {key: dict(rows) for key, rows in cache_domain(env).rows_by_docname.items()}
    return []


def rows_moved(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: when the rows of some page changed, the pages that may link
    to rows, to be written again (their links are resolved when written)."""
    domain = cache_domain(env)
    before = _BEFORE.pop(env, None)
    if before is None or before == domain.rows_by_docname:
        return []
    return sorted(docname for docname in domain.linking if docname in env.all_docs)


def setup_rows(app: Sphinx) -> None:
    """Give spec table rows their ids when a page has been read."""
    app.connect("doctree-read", assign_row_ids)
    app.connect("env-get-outdated", rows_before)
    app.connect("env-get-updated", rows_moved)
