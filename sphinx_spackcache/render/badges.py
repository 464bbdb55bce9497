"""Badges: sphinx-design's ``sd-badge`` markup on ``inline`` nodes (styled in HTML by
sphinx-design's CSS, plain text elsewhere), stack badges that carry their stack's name
for the site-wide colours, and ``badge_run``, the badges of one table cell as one node.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes

from .names import (
    HUE_CLASS_PREFIX,
    ROOT_CLASS,
    STACK_ATTR,
    STACK_CLASS,
    VALUE_CLASS,
)

__all__ = [
    "ALIKE_CLASS",
    "MORE_CLASS",
    "Cell",
    "badge_cell",
    "badge_run",
    "colour_badges",
    "colour_items",
    "counted_stack_items",
    "more_values",
    "stack_badge",
    "stack_badges",
    "stack_items",
    "stack_label",
    "value_badges",
    "value_items",
]


def stack_badge(stack: str, count: int | None = None) -> nodes.inline:
    """A filled badge for *stack*, with its number of specs when *count* is given. Its
    colour is given out for the whole site when it is written
    (:mod:`~sphinx_spackcache.site.colours`); the badge carries the stack's name for that
    (attribute ``stack``)."""
    text = stack_label(stack, count)
    return nodes.inline(text, text, classes=list(_STACK_CLASSES), **{STACK_ATTR: stack})


def stack_label(stack: str, count: int | None = None) -> str:
    """What :func:`stack_badge` shows: ``e4s`` or, with *count*, ``e4s (4)`` (with a
    no-break space)."""
    return stack if count is None else f"{stack}\N{NO-BREAK SPACE}({count})"


_STACK_CLASSES = ("sd-sphinx-override", "sd-badge", STACK_CLASS)


_VALUE_CLASSES = ("sd-sphinx-override", "sd-badge", "sd-outline-secondary", "sd-text-secondary")


def stack_hash(stack: str) -> int:
    """A number from a stack's name, the same in every build and process: where its
    colour is looked for first."""
    return zlib.crc32(stack.encode("utf-8", "surrogatepass"))


#: The parts of an item of a :class:`badge_run`, by position.
ITEM_TEXT, ITEM_CLASSES, ITEM_STACK = range(3)


def colour_badges(node: nodes.Element, hues: Mapping[str, int], size: int) -> None:
    """Give each stack badge under *node* (an ``inline``, or an item of a
    :class:`badge_run`) the class of its stack's colour in *hues* (or, for a stack not in
    it, the one its name hashes to among *size*)."""
    for badge in node.findall(nodes.Element):
        if isinstance(badge, badge_run):
            colour_items(badge["items"], hues, size)
        elif isinstance(badge, nodes.inline) and badge.get(STACK_ATTR) is not None:
            badge["classes"] = _hued(badge["classes"], badge[STACK_ATTR], hues, size)


def colour_items(items: Iterable[list[Any]], hues: Mapping[str, int], size: int) -> None:
    """:func:`colour_badges` for the items of a badge run (or of a :class:`Cell`)."""
    for item in items:
        if item[ITEM_STACK]:
            item[ITEM_CLASSES] = _hued(item[ITEM_CLASSES], item[ITEM_STACK], hues, size)


def _hued(classes: Iterable[str], stack: str, hues: Mapping[str, int], size: int) -> list[str]:
    hue = hues.get(stack)
    if hue is None:
        hue = stack_hash(stack) % size
    return [*(c for c in classes if not c.startswith(HUE_CLASS_PREFIX)), f"{HUE_CLASS_PREFIX}{hue}"]


#: The class of a cell's further values (HTML: a ``<details>``).
MORE_CLASS = f"{ROOT_CLASS}-more"

#: The class of the note on a row whose cells look like other rows' (:attr:`Cell.note`).
ALIKE_CLASS = f"{ROOT_CLASS}-alike"


def _spaced(badges: Iterable[nodes.Node]) -> list[nodes.Node]:
    """Badges separated by spaces, so text and LaTeX output read ``e4s (4) root (27)``."""
    result: list[nodes.Node] = []
    for node in badges:
        if result:
            result.append(nodes.Text(" "))
        result.append(node)
    return result


def stack_badges(stacks: Iterable[tuple[str, int | None]]) -> list[nodes.Node]:
    """One badge per ``(stack, count)``; the count is shown when it is not ``None``."""
    return _spaced(stack_badge(stack, count) for stack, count in stacks)


class more_values(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Values of a table cell beyond the first few, as a paragraph after the cell's
    paragraph. HTML writes them in a ``<details>`` element (open it to see them, no script
    needed); for every other builder a post-transform puts the paragraph in its place,
    so print shows them all. Attribute ``count``: how many values it holds."""


class badge_run(nodes.Inline, nodes.Element):  # noqa: N801 (docutils node naming)
    """The badges of one table cell, side by side, as one node: attribute ``items``, one
    ``[text, classes, stack]`` a badge (*stack*: the stack a stack badge names, else "";
    a badge's text stays on one line, see ``static/spackcache.css``).

    A snapshot's spec tables show some 170,000 badges. As ``inline`` nodes (with their
    text and the spaces between them, three nodes a badge) they took a third of the time
    of writing a snapshot's pages. HTML writes a run itself
    (:func:`~sphinx_spackcache.writers.html.visit_badge_run`: the very same HTML); other builders
    get the ``inline`` badges (:meth:`expand`) when the table is built."""

    def astext(self) -> str:
        return " ".join(item[ITEM_TEXT] for item in self["items"])

    def expand(self) -> list[nodes.Node]:
        """The run as ``inline`` badges separated by spaces."""
        return _spaced(_badge_node(*item) for item in self["items"])


def _badge_node(text: str, classes: Sequence[str], stack: str) -> nodes.inline:
    return nodes.inline(text, text, classes=list(classes), **({STACK_ATTR: stack} if stack else {}))


def badge_cell(items: list[list[Any]], shown: int | None) -> list[nodes.Node]:
    """*items* as a run; past *shown* of them, the rest in a :class:`more_values`."""
    if not items:
        return []
    first, rest = Cell(items, shown).split()
    if not rest:
        return [badge_run(items=first)]
    more = more_values(
        "", nodes.paragraph("", "", badge_run(items=rest)), count=len(rest), classes=[MORE_CLASS]
    )
    return [badge_run(items=first), more]


@dataclass(slots=True)
class Cell:
    """What one table cell shows, before it is nodes or HTML: badges (*items*, as a
    :class:`badge_run` holds them), of which the first *shown* are in the cell and the
    rest behind "+N" (``None``: all of them), or else a *text*."""

    items: list[list[Any]] = field(default_factory=list)
    shown: int | None = None
    text: str = ""
    #: A note after the cell's badges or text, in an ``inline`` of class
    #: :data:`ALIKE_CLASS` (HTML only: the other builders show every value).
    note: str = ""

    def split(self) -> tuple[list[list[Any]], list[list[Any]]]:
        """The badges in the cell, and those behind "+N"."""
        if self.shown is None or len(self.items) <= self.shown:
            return self.items, []
        return self.items[: self.shown], self.items[self.shown :]

    def as_nodes(self) -> list[nodes.Node]:
        """The cell's content as nodes: a :class:`badge_run` (and a :class:`more_values`),
        or the text."""
        if self.items:
            content = badge_cell(self.items, self.shown)
        else:
            content = [nodes.Text(self.text)] if self.text else []
        if self.note:
            before = [nodes.Text(" ")] if content else []
            note = nodes.inline(self.note, self.note, classes=[ALIKE_CLASS])
            content[1:1] = [*before, note]  # before a more_values
        return content


def value_items(values: Iterable[str], field: str = "") -> list[list[Any]]:
    classes = (
        *_VALUE_CLASSES,
        VALUE_CLASS,
        *([f"{ROOT_CLASS}-{field}"] if field else []),
    )
    return [[value, classes, ""] for value in values]


def stack_items(stacks: Iterable[str]) -> list[list[Any]]:
    """Stack badges without their counts, as the items of a :class:`badge_run`."""
    return counted_stack_items((stack, None) for stack in stacks)


def counted_stack_items(stacks: Iterable[tuple[str, int | None]]) -> list[list[Any]]:
    """:func:`stack_badges` as the items of a :class:`badge_run`."""
    return [[stack_label(stack, count), _STACK_CLASSES, stack] for stack, count in stacks]


def value_badges(
    values: Iterable[str], *, field: str = "", shown: int | None = None
) -> list[nodes.Node]:
    """Neutral (outline) badges for the values of one cell, as a :class:`badge_run`;
    past *shown* of them, the rest in a :class:`more_values` (a compact table in HTML)."""
    return badge_cell(value_items(values, field), shown)
