"""Links out of a package's output: its recipe's page (packages.spack.io by default), and,
in HTML, its data as JSON and CSV files beside the pages (an :class:`export_links` node,
which the HTML writer fills in when it writes the files; other builders drop it)."""

from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes

from .names import ROOT_CLASS

__all__ = ["LINKS_CLASS", "export_links", "links_paragraph"]

#: The line of links under a package's summary.
LINKS_CLASS = f"{ROOT_CLASS}-links"


class export_links(nodes.Inline, nodes.Element):  # noqa: N801 (docutils node naming)
    """Links to the exported data of ``package`` of ``tag`` (no ``package``: of the whole
    snapshot), written by HTML writers, which also write the files."""


def links_paragraph(package: str | None, tag: str, recipe_url: str | None) -> nodes.paragraph:
    """The line of links: *package*'s recipe at *recipe_url* (when there is one), then
    its exported data (HTML only); with no *package*, the whole snapshot's data."""
    paragraph = nodes.paragraph(classes=[LINKS_CLASS])
    if package is not None and recipe_url:
        text = f"{package} on {_host(recipe_url)}"
        paragraph += nodes.reference(text, text, refuri=recipe_url)
    paragraph += export_links(tag=tag, **({"package": package} if package else {}))
    return paragraph


def _host(url: str) -> str:
    """``packages.spack.io`` of ``https://packages.spack.io/package.html?name=cmake``."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # not a URL at all
        return url
