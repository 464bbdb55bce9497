"""Plain-text-only touches, applied by a post-transform for the ``text`` builder.

Sphinx's text writer wraps paragraphs at any white space (a no-break space included) and
after hyphens, which would split a run of stack badges such as ``ml-linux-x86_64-rocm
(4)`` anywhere. In text output each run of badges (stacks, and the values of the version,
compiler, OS, platform and target columns) therefore becomes a line block: one badge per
line. Outside tables that holds; inside a table cell Sphinx's text writer reflows the
cell's lines into one paragraph (``sphinx.writers.text.Cell.wrap``, ``textwrap`` with
``replace_whitespace``), so there a long stack name may still break after a hyphen, as
``docs/builders.rst`` says.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..render.names import STACK_CLASS, VALUE_CLASS

__all__ = ["TextBadgeLines", "setup_text"]

_BADGES = {STACK_CLASS, VALUE_CLASS}


class TextBadgeLines(SphinxPostTransform):
    """One badge per line in text output."""

    default_priority = 400
    formats = ("text",)

    def run(self, **kwargs: Any) -> None:
        for paragraph in list(self.document.findall(nodes.paragraph)):
            badges = [
                child
                for child in paragraph.children
                if isinstance(child, nodes.inline) and _BADGES.intersection(child["classes"])
            ]
            if not badges:
                continue
            lines = nodes.line_block()
            for badge in badges:
                lines += nodes.line("", "", *badge.children)
            paragraph.replace_self(lines)


def setup_text(app: Sphinx) -> None:
    """Register the text post-transform."""
    app.add_post_transform(TextBadgeLines)
