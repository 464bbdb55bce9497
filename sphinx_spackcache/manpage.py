"""Manual-page-only touches to spec tables, applied by a post-transform for ``man``.

groff hyphenates words in table cells, which splits a 32-character hash across lines.
Hyphenation is therefore switched off (``.nh``) for the extent of a spec table and on
again (``.hy``) after it. The raw roff inserted is fixed text, never record data.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .render import ROOT_CLASS

__all__ = ["ManpageSpecTables", "setup_manpage"]


class ManpageSpecTables(SphinxPostTransform):
    """Keep hashes and names whole in manual pages."""

    default_priority = 400
    formats = ("man",)

    def run(self, **kwargs: Any) -> None:
        for table in list(self.document.findall(nodes.table)):
            if f"{ROOT_CLASS}-table" not in table["classes"] or table.parent is None:
                continue
            parent = table.parent
            index = parent.index(table)
            parent.insert(index + 1, nodes.raw("", "\n.hy\n", format="manpage"))
            parent.insert(index, nodes.raw("", "\n.nh\n", format="manpage"))


def setup_manpage(app: Sphinx) -> None:
    """Register the manual-page post-transform."""
    app.add_post_transform(ManpageSpecTables)
