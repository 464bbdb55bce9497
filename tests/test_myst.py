"""MyST Markdown and reStructuredText give the same doctree."""

from __future__ import annotations

from docutils import nodes

from .conftest import Build, warnings_of


def our_nodes(doctree: nodes.document) -> list[str]:
    """The extension's output, without the source/line attributes that differ by file."""
    found = [n for n in doctree.findall(nodes.container) if "spackcache" in n["classes"]]
    for node in found:
        for child in node.findall(nodes.Element):
            child.attributes.pop("source", None)
            child.line = None
            child.source = None
    return [node.pformat() for node in found]


def test_myst_and_rst_give_the_same_doctree(build: Build) -> None:
    app = build("myst", "html")
    assert warnings_of(app) == []
    markdown = our_nodes(app.env.get_doctree("index"))
    rst = our_nodes(app.env.get_doctree("rst"))
    assert len(markdown) == 2
    assert markdown == rst
    assert "<table" in markdown[0]
