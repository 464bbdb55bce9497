"""LaTeX-only touches to spec tables, applied by a post-transform for LaTeX builders.

The extension's tables have many columns, and spec tables a 32-character hash that must
stay whole on one line. For LaTeX they are therefore set in ``\\scriptsize`` with narrow
cell padding; a hash column keeps 30 % of the line whatever the paper size and however
many columns are shown (:attr:`~sphinx_spackcache.render.tables.Column.latex_width`), and long
words in every other cell get break points after ``_``, ``=``, ``:``, ``,``, ``@``, ``.``
and ``/``.
The tables are ``longtable`` s, so they break across pages.

The replacement character U+FFFD, which stands in for characters no page can show (see
:mod:`~sphinx_spackcache.sources.records`), is set as a bold ``?``: pdfLaTeX, Sphinx's default
engine, knows no glyph for it and would stop.

The raw LaTeX inserted here is fixed text; record data stays in ``Text`` nodes, which the
LaTeX writer escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..render.names import HASH_CLASS, ROOT_CLASS, TABLE_CLASS

__all__ = ["LatexTables", "setup_latex"]

_BREAK_AFTER = re.compile(r"(?<=[_=:,@./])(?=.)")


def _raw(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


class LatexTables(SphinxPostTransform):
    """Fit the extension's tables to the LaTeX page."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for output in list(self.document.findall(nodes.container)):
            if ROOT_CLASS in output["classes"]:
                _split_text(output, _REPLACEMENT, lambda piece: [_raw("\\textbf{?}")])
        for table in list(self.document.findall(nodes.table)):
            if TABLE_CLASS not in table["classes"]:
                continue
            self._set_widths(list(table.findall(nodes.colspec)))
            for entry in table.findall(nodes.entry):
                if HASH_CLASS not in entry["classes"]:
                    self._add_break_points(entry)
            parent = table.parent
            index = parent.index(table)
            parent.insert(index + 1, _raw("\\endgroup\n"))
            parent.insert(index, _raw("\\begingroup\\scriptsize\\setlength{\\tabcolsep}{3pt}\n"))

    @staticmethod
    def _set_widths(colspecs: list[nodes.colspec]) -> None:
        """The hash column keeps its percent of the line, whatever the paper size and
        however many columns there are; the others share the rest in proportion."""
        if not all("latex_width" in c for c in colspecs):
            return
        fixed = sum(c["latex_width"] for c in colspecs if c.get("column") == "hash")
        others = sum(c["latex_width"] for c in colspecs if c.get("column") != "hash") or 1
        for colspec in colspecs:
            share = colspec["latex_width"]
            if colspec.get("column") != "hash":
                share = (100 - fixed) * share / others
            colspec["colwidth"] = round(10 * share)

    @staticmethod
    def _add_break_points(entry: nodes.Element) -> None:
        _split_text(entry, _BREAK_AFTER, lambda piece: [_raw("\\allowbreak{}")])


#: The replacement character, kept as a piece of its own by the split.
_REPLACEMENT = re.compile("(\N{REPLACEMENT CHARACTER})")


def _split_text(
    element: nodes.Element, pattern: re.Pattern[str], between: Callable[[str], list[nodes.Node]]
) -> None:
    """Split each ``Text`` of *element* with *pattern*; where it matched, put the nodes
    *between* gives (for a captured piece, in its place)."""
    for text in list(element.findall(nodes.Text)):
        pieces = pattern.split(text.astext())
        if len(pieces) < 2:
            continue
        replacement: list[nodes.Node] = []
        captured = pattern.groups > 0
        for number, piece in enumerate(pieces):
            if captured and number % 2:  # what the pattern matched
                replacement.extend(between(piece))
                continue
            if not captured and number:
                replacement.extend(between(piece))
            if piece:
                replacement.append(nodes.Text(piece))
        parent = text.parent
        assert parent is not None
        index = parent.index(text)
        parent[index : index + 1] = replacement


def setup_latex(app: Sphinx) -> None:
    """Register the LaTeX post-transform."""
    app.add_post_transform(LatexTables)
