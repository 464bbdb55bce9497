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
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from docutils import nodes
from sphinx.application import Sphinx

from ..domain import cache_domain
from ..render.spectable import spec_table_data

__all__ = ["ROW_ID_PREFIX", "assign_row_ids", "row_id", "row_ids", "setup_rows"]

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
    for table in doctree.findall(spec_table_data):
        hashes = [spec.hash for spec in _HASHES.decode(table["specs"])]
        ids = row_ids(hashes, taken)
        table["row_ids"] = ids
        for spec_hash, each in zip(hashes, ids, strict=True):
            first.setdefault(spec_hash, each)
    cache_domain(env).note_rows(env.docname, first)


def setup_rows(app: Sphinx) -> None:
    """Give spec table rows their ids when a page has been read."""
    app.connect("doctree-read", assign_row_ids)
