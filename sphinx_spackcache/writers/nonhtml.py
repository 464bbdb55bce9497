"""For builders that are not HTML (text, LaTeX, man, ...): the post-transforms that build
the deferred output and put every value of a cell back in print.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..render.badges import ALIKE_CLASS, badge_run, more_values
from ..render.deferred import deferred, splice
from ..render.spectable import tarball_sha256
from ..render.trees import TREE_CLASS

__all__ = ["BuildDeferredOutput", "UnfoldMoreValues", "setup_nonhtml"]


class _NotForHtml(SphinxPostTransform):
    """A post-transform for every builder but the HTML ones, which build the deferred
    output in their writer (where ``-j`` runs it in the worker processes, in parallel).
    Sphinx's own check (:meth:`SphinxPostTransform.is_supported`) answers whether the
    builder is an HTML one, and the answer is turned around."""

    #: The formats this transform does *not* run for.
    formats = ("html",)

    def is_supported(self) -> bool:
        return not super().is_supported()


class BuildDeferredOutput(_NotForHtml):
    """Build the deferred output of a doctree (for builders that are not HTML), without
    what only HTML's script uses: a row's tarball SHA-256 to copy
    (:class:`~sphinx_spackcache.render.spectable.tarball_sha256`; print has the
    ``sha256`` column)."""

    #: before Sphinx's reference resolution (10) and this extension's LaTeX, text and
    #: man touches (400)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(deferred)):
            built = node.build()
            for element in built:  # the inline badges, as Sphinx's touches expect them
                for run in list(element.findall(badge_run)):
                    splice(run, run.expand())  # type: ignore[arg-type]
                for checksum in list(element.findall(tarball_sha256)):
                    checksum.parent.remove(checksum)
            splice(node, built)


class UnfoldMoreValues(_NotForHtml):
    """Builders that are not HTML show every value: each
    :class:`~sphinx_spackcache.render.badges.more_values` gives way to the values it holds
    (after its label, where it has one of its own: "3 direct · 2 installed with it: ")
    (for the same builders as :class:`BuildDeferredOutput`), and the notes on rows that
    look alike while values are folded (:data:`~sphinx_spackcache.render.badges.ALIKE_CLASS`)
    go; a row's whole dependency tree (:mod:`~sphinx_spackcache.render.trees`) is
    left out: print keeps the counts and the direct dependencies."""

    #: after the tables are built (5), before the LaTeX, text and man touches (400)
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(more_values)):
            if TREE_CLASS in node["classes"]:  # a row's whole tree: HTML only
                node.parent.remove(node)
        for node in list(self.document.findall(more_values)):
            label = node.get("label")
            if label and node.children and isinstance(node[0], nodes.paragraph):
                # a disclosure of its own (a spec's dependencies) says what it holds
                node[0].insert(0, nodes.Text(f"{label}: "))
            parent = node.parent
            index = parent.index(node)
            parent[index : index + 1] = node.children  # (not merging the node's classes)
        # a row that looks like others does so only while values are folded
        for note in list(self.document.findall(nodes.inline)):
            if ALIKE_CLASS in note["classes"]:
                parent = note.parent
                index = parent.index(note)
                space = index and isinstance(parent[index - 1], nodes.Text)
                del parent[index - 1 if space else index : index + 1]


def setup_nonhtml(app: Sphinx) -> None:
    """For builders that are not HTML, the post-transforms that build deferred output and
    unfold the further values of cells."""
    app.add_post_transform(BuildDeferredOutput)
    app.add_post_transform(UnfoldMoreValues)
