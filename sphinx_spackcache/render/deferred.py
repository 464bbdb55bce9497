"""Output built where it is written: the machinery shared by spec tables
(:mod:`~sphinx_spackcache.render.spectable`), package listings
(:mod:`~sphinx_spackcache.render.listing`), coverage matrices
(:mod:`~sphinx_spackcache.render.coverage`) and package summaries
(:mod:`~sphinx_spackcache.render.summary`).

A spec table is some forty docutils nodes a spec; a listing of a whole snapshot some
fifty a package (1,225 rows: a 6 MB pickled doctree). Built by the directive, those nodes
would go through every read transform, be pickled with the doctree, unpickled again to
be written (in the main process, one page after the other, under ``-j``), walked by every
post-transform and by the search indexer, and Sphinx unpickles the root document once for
every page it writes (to find its toctrees): a listing there slows every page of the site.

So the directives put a :class:`deferred` node in the doctree instead: the data to show
as JSON strings (one rule for all of them: :func:`encode`, read back by a
:func:`decoder`), a table's ``title``, and an ``inline`` holding every word the output
shows (each once), which is what the search index needs of it (each kind derives those
words from the texts it builds its cells from, so the two cannot drift apart). The output
itself is built from that node by the node's :meth:`~deferred.build`, as standard
docutils nodes:

* for HTML builders (``html``, ``dirhtml``, ``singlehtml``, ``epub``, …), by the writer,
  when it meets the node (:func:`~sphinx_spackcache.writers.html.visit_deferred`): with ``-j`` that
  is in the worker processes, in parallel; links to package pages are resolved there, through the
  domain;
* for every other builder, by a post-transform
  (:class:`~sphinx_spackcache.writers.nonhtml.BuildDeferredOutput`) that runs before Sphinx resolves
  references and before the LaTeX, text and man touches.

Tables (:class:`deferred_table`) are registered as enumerable ``table`` nodes: they get
their ids (and, with ``numfig``, their numbers) while the document is read, and the
table takes both over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

import msgspec
from docutils import nodes

from .names import STACKS_ATTR
from .tables import scrolling

__all__ = ["decoder", "deferred", "deferred_table", "encode", "splice"]

_T = TypeVar("_T")

_ENCODER = msgspec.json.Encoder()


def encode(value: object) -> str:
    """*value* (msgspec structs, dataclasses, lists, tuples, dicts with string keys,
    strings, numbers, ``None``) as the JSON string a deferred node keeps in an attribute:
    a string, which pickles compactly with the doctree."""
    return _ENCODER.encode(value).decode("utf-8")


def decoder(kind: type[_T]) -> msgspec.json.Decoder[_T]:
    """What reads back, as a *kind*, a string :func:`encode` wrote (types checked:
    ``decoder(list[Spec]).decode(text)``); make it once, use it for every node."""
    return msgspec.json.Decoder(kind)


class deferred(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Output of this extension before it is built. Children: an ``inline`` of its words
    (for search), and, for a table, its ``title``; attribute ``stacks``: the stacks its
    badges name (for :mod:`~sphinx_spackcache.site.colours`). Subclasses say how to build it."""

    #: Whether what it builds holds links to package pages (``pending_xref``) for the
    #: HTML writer to resolve.
    has_links: ClassVar[bool] = False

    @classmethod
    def pending(
        cls: type[_Deferred],
        words: Iterable[str],
        *,
        title: str | None = None,
        stacks: Iterable[str] = (),
        **attributes: Any,
    ) -> _Deferred:
        """A node of this kind: its *title* (for a table), *words* (what the output shows,
        for search), the *stacks* its badges will name (for the site-wide colours, read
        before the output is built) and *attributes* (the data to build it from)."""
        text = " ".join(words)
        heading = [nodes.title(title, title)] if title is not None else []
        node = cls("", *heading, nodes.inline(text, text), **attributes)
        node[STACKS_ATTR] = list(stacks)
        return node

    def build(self) -> list[nodes.Element]:
        """The nodes this node stands for (a table takes this node's ids)."""
        raise NotImplementedError

    def needs_links(self) -> bool:
        """Whether what it builds holds links to package pages for the HTML writer to
        resolve (:attr:`has_links`, or what this node holds says so)."""
        return self.has_links


_Deferred = TypeVar("_Deferred", bound=deferred)


class deferred_table(deferred):  # noqa: N801 (docutils node naming)
    """A table before it is built (an enumerable ``table``: see
    :func:`~sphinx_spackcache.writers.html.add_deferred`)."""

    #: Whether the HTML script enhances the table (search, sort, pages, badge filters).
    interactive: ClassVar[bool] = True

    def scroll(self, table: nodes.table) -> nodes.container:
        """*table*, with this node's ids, in the container that scrolls it sideways in
        HTML when it cannot fit."""
        table["ids"] = list(self["ids"])
        return scrolling(table)

    @property
    def title_text(self) -> str:
        title = self.next_node(nodes.title)
        return title.astext() if title is not None else ""


def splice(node: nodes.Element, built: list[nodes.Element]) -> tuple[nodes.Element, int]:
    # not replace_self(), which would give the node's ids (and classes) to the first of
    # several nodes
    parent = node.parent
    assert parent is not None
    index = parent.index(node)
    parent[index : index + 1] = built
    return parent, index
