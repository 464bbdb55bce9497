"""Regression files for a small page (sherpa: two specs, two versions; dsfmt: one v0.23.1
spec with a tarball link and a ``gcc@=`` compiler). The files under
tests/test_regression/ were read and checked by hand against the two records; regenerate
them with ``pytest --force-regen`` only after reading the diff."""

from __future__ import annotations

from bs4 import BeautifulSoup
from docutils import nodes
from pytest_regressions.file_regression import FileRegressionFixture

from .conftest import Build, resolved


def test_doctree(build: Build, file_regression: FileRegressionFixture) -> None:
    app = build("basic", "pseudoxml")
    doctree = resolved(app, "small")
    outputs = [n for n in doctree.findall(nodes.container) if "spackcache" in n["classes"]]
    for node in outputs:
        for element in node.findall(nodes.Element):
            element.attributes.pop("source", None)
            element.line = None
    text = "\n".join(node.pformat() for node in outputs)
    # docutils < 0.22 writes a boolean attribute as "False", newer ones as "0"
    text = text.replace('support_smartquotes="False"', 'support_smartquotes="0"')
    file_regression.check(text, extension=".xml")


def test_html(build: Build, file_regression: FileRegressionFixture) -> None:
    app = build("basic", "html")
    page = BeautifulSoup((app.outdir / "small.html").read_text("utf-8"), "html.parser")
    text = "\n".join(div.prettify() for div in page.select("div.spackcache"))
    file_regression.check(text, extension=".html")
