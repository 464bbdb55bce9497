"""MyST Markdown and reStructuredText give the same doctree."""

from __future__ import annotations

import shutil

from docutils import nodes

from .conftest import RECORDS, ROOTS, Build, resolved, warnings_of


def _without_places(found: list[nodes.Element]) -> list[str]:
    """*found* as text, without the source/line attributes that differ by file."""
    for node in found:
        for child in node.findall(nodes.Element):
            child.attributes.pop("source", None)
            child.line = None
            child.source = None
    return [node.pformat() for node in found]


def our_nodes(doctree: nodes.document) -> list[str]:
    """The extension's output."""
    return _without_places(
        [n for n in doctree.findall(nodes.container) if "spackcache" in n["classes"]]
    )


def references(doctree: nodes.document) -> list[str]:
    """The paragraph of the two ``cache:pkg`` references, resolved."""
    return _without_places(
        [n for n in doctree.findall(nodes.paragraph) if n.astext().startswith("The packaging")]
    )


def index_entries(doctree: nodes.document) -> list[str]:
    """The general-index nodes of a document."""
    return [n.pformat() for n in doctree.findall(nodes.Element) if n.tagname == "index"]


def test_myst_and_rst_give_the_same_doctree(build: Build) -> None:
    """index.md and rst.rst hold the same directives; each is built as the only page."""
    app = build("myst", "pseudoxml", conf={"exclude_patterns": ["rst.rst"]})
    assert warnings_of(app) == []
    markdown = our_nodes(resolved(app, "index"))
    markdown_refs = references(resolved(app, "index"))
    markdown_index = index_entries(app.env.get_doctree("index"))
    app = build(
        "myst",
        "pseudoxml",
        conf={"root_doc": "rst", "exclude_patterns": ["index.md"]},
        freshenv=True,
    )
    assert warnings_of(app) == []
    rst = our_nodes(resolved(app, "rst"))
    rst_refs = references(resolved(app, "rst"))
    rst_index = index_entries(app.env.get_doctree("rst"))
    # two packages, the install commands, a package filtered by CPU with them, a diff,
    # a history, a coverage matrix, a package index, a stack's listing and a match:
    # every directive of the extension (sphinx_spackcache/directives) but cache-graph
    # (which needs a mirror: tests/test_graph.py), and the cache:pkg role
    assert len(markdown) == 10
    assert [n.split(">", 1)[0].split('classes="', 1)[1].split('"')[0] for n in markdown] == [
        f"spackcache spackcache-{kind}"
        for kind in (
            "package", "package", "install", "package", "diff", "history", "coverage",
            "index", "stack", "match",
        )
    ]  # fmt: skip
    assert markdown_refs == rst_refs
    assert len(markdown_refs) == 1
    assert markdown_refs[0].count("<reference") == 2
    assert "develop-2025-04-13 → develop-2025-04-20, cmake: " in markdown[4]
    assert "py-packaging is in 3 of the 3 snapshots" in markdown[5]
    assert markdown == rst
    assert "$ spack mirror add --unsigned v0.23.1" in markdown[2]
    # by hand: 22 x86_64_v3 (zen3), 7 aarch64 and 4 neoverse_v2 (neoverse_v2) of 36
    assert "(33 of 36 shown)" in markdown[3]
    assert markdown_index == rst_index
    assert len(markdown_index) == 2
    assert "3 of 27 binaries of py-packaging" in markdown[9]
    assert "<table" in markdown[0]
    assert 'ids="cache-package-py-packaging-develop-2025-04-20"' in markdown[0]


def test_records_inside_the_source_folder_are_not_pages(build: Build) -> None:
    """With MyST, each specs.md would be a page unless the cache folder is excluded."""
    conf = {"spackcache_path": "_cache", "exclude_patterns": ["rst.rst"]}
    app = build("myst", "html", conf=conf)
    shutil.copytree(RECORDS, app.srcdir / "_cache")
    app = build("myst", "html", conf=conf, freshenv=True)
    assert warnings_of(app) == []
    assert "_cache" in app.config.exclude_patterns
    assert not any(name.startswith("_cache") for name in app.env.found_docs)
    assert (ROOTS / "test-myst" / "conf.py").read_text("utf-8").count("exclude_patterns") == 0


def test_records_behind_a_symbolic_link_are_not_pages(build: Build) -> None:
    conf = {"spackcache_path": "_cache", "exclude_patterns": ["rst.rst"]}
    app = build("myst", "html", conf=conf)
    (app.srcdir / "_cache").symlink_to(RECORDS, target_is_directory=True)
    app = build("myst", "html", conf=conf, freshenv=True)
    assert warnings_of(app) == []
    assert not any(name.startswith("_cache") for name in app.env.found_docs)
