"""Manual-page-only touches to spec tables, applied by a post-transform for ``man``.

groff hyphenates words, which would split a 32-character hash or a stack name across
lines. Hyphenation is therefore switched off (``.nh``) for the extent of the extension's
output and on again (``.hy``) after it. The raw roff inserted is fixed text, never
record data. Links from hashes to their tarballs are dropped: a manual page cannot follow
them, and the URLs would fill the table.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..render.names import HASH_CLASS, ROOT_CLASS

__all__ = ["ManpageOutput", "setup_manpage"]


class ManpageOutput(SphinxPostTransform):
    """Keep hashes and names whole in manual pages."""

    default_priority = 400
    formats = ("man",)

    def run(self, **kwargs: Any) -> None:
        for output in list(self.document.findall(nodes.container)):
            if ROOT_CLASS not in output["classes"] or output.parent is None:
                continue
            parent = output.parent
            index = parent.index(output)
            # a manual page cannot follow a link: show the hash, not the tarball URL too
            for reference in list(output.findall(nodes.reference)):
                if any(
                    HASH_CLASS in n["classes"]
                    for n in reference.children
                    if isinstance(n, nodes.Element)
                ):
                    reference.replace_self(reference.children)
            parent.insert(index + 1, nodes.raw("", "\n.hy\n", format="manpage"))
            parent.insert(index, nodes.raw("", "\n.nh\n", format="manpage"))


def setup_manpage(app: Sphinx) -> None:
    """Register the manual-page post-transform."""
    app.add_post_transform(ManpageOutput)
