"""LaTeX-only touches to spec tables, applied by a post-transform for LaTeX builders.

The extension's tables have many columns, and spec tables a 32-character hash that must
stay whole on one line. For LaTeX they are therefore set in ``\\scriptsize`` with narrow
cell padding; a hash column keeps 30 % of the line whatever the paper size and however
many columns are shown (:attr:`~sphinx_spackcache.render.Column.latex_width`), and long
words in every other cell get break points after ``_``, ``=``, ``:``, ``,``, ``@``, ``.``
and ``/``.
The tables are ``longtable`` s, so they break across pages.

The raw LaTeX inserted here is fixed text; record data stays in ``Text`` nodes, which the
LaTeX writer escapes.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .render import ROOT_CLASS

__all__ = ["LatexSpecTables", "setup_latex"]

_UNBREAKABLE = f"{ROOT_CLASS}-hash"
_BREAK_AFTER = re.compile(r"(?<=[_=:,@./])(?=.)")


def _raw(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


class LatexSpecTables(SphinxPostTransform):
    """Fit the extension's tables to the LaTeX page."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if f"{ROOT_CLASS}-table" not in table["classes"]:
                continue
            self._set_widths(list(table.findall(nodes.colspec)))
            for entry in table.findall(nodes.entry):
                if _UNBREAKABLE not in entry["classes"]:
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
        for text in list(entry.findall(nodes.Text)):
            pieces = _BREAK_AFTER.split(text.astext())
            if len(pieces) < 2:
                continue
            replacement: list[nodes.Node] = []
            for piece in pieces:
                if replacement:
                    replacement.append(_raw("\\allowbreak{}"))
                replacement.append(nodes.Text(piece))
            parent = text.parent
            assert parent is not None
            index = parent.index(text)
            parent[index : index + 1] = replacement


def setup_latex(app: Sphinx) -> None:
    """Register the LaTeX post-transform."""
    app.add_post_transform(LatexSpecTables)
