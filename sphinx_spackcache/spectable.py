"""Spec tables, built where they are written (see :mod:`.deferred`).

A package page is mostly its spec table, some forty docutils nodes a spec. The directive
puts a :class:`spec_table_data` in the doctree instead: the specs to show as one JSON
string, the column keys, the table's title, and one line holding every text the table
shows (each once), for the search index. :func:`build_spec_table` turns it into the
sentence of what all specs share and the standard docutils ``table``
(:func:`~sphinx_spackcache.render.spec_table`), when the page is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from docutils import nodes
from sphinx.application import Sphinx

from .data.model import Spec
from .deferred import add_deferred, deferred_table
from .render import (
    plan_spec_table,
    shared_paragraph,
    spec_columns,
    spec_table,
    spec_words,
)

__all__ = [
    "build_spec_table",
    "pending_spec_table",
    "setup_spectable",
    "spec_table_data",
]

_DECODER = msgspec.json.Decoder(list[Spec])


class spec_table_data(deferred_table):  # noqa: N801 (docutils node naming)
    """A spec table before it is built: attributes ``specs`` (JSON) and ``columns``, and
    two children, the table's ``title`` and an ``inline`` of its words for search."""

    def build(self) -> list[nodes.Element]:
        return build_spec_table(self)


def pending_spec_table(
    specs: Sequence[Spec], *, title: str, columns: Sequence[str] | None = None
) -> spec_table_data:
    """The node that :func:`build_spec_table` turns into the table of *specs* (and the
    sentence of what they share); *columns* as the user gave them, if they did."""
    return spec_table_data.pending(
        spec_words(specs, spec_columns(specs, columns)),
        title=title,
        specs=msgspec.json.encode(list(specs)).decode("utf-8"),
        columns=list(columns) if columns is not None else None,
        stacks=sorted({stack for spec in specs for stack in spec.stacks}),
    )


def build_spec_table(node: spec_table_data) -> list[nodes.Element]:
    """What *node* stands for: the sentence of what all its specs share, if anything,
    and the table (with *node*'s ids) in a container that scrolls it sideways in HTML
    when it cannot fit."""
    specs = _DECODER.decode(node["specs"])
    plan = plan_spec_table(specs, node["columns"])
    scroll = node.scroll(spec_table(specs, title=node.title_text, plan=plan))
    shared = shared_paragraph(plan)
    return [scroll] if shared is None else [shared, scroll]


def setup_spectable(app: Sphinx) -> None:
    """Register spec tables (as enumerable tables, built where they are written)."""
    add_deferred(app, spec_table_data)
