"""Navigation for generated package pages that are in no toctree (``cache-index
:nav: listing``, the default; see :mod:`.stubs`).

Such a page names its index and its neighbours (by package name) in its file-wide
metadata. For HTML, this module turns them into what every theme already shows for pages
in a toctree: ``prev`` and ``next`` (furo's and pydata's footer, sphinx-rtd-theme's
buttons, alabaster's "Related topics"), ``rellinks`` (the classic relation bar) and
``parents`` (sphinx-rtd-theme's and pydata's breadcrumbs). The link back to the index is
also in the page's text (every builder).
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _

from .stubs import NAV_FIELD, PageLinks

__all__ = ["page_links", "setup_navigation"]


def page_links(app: Sphinx, pagename: str) -> dict[str, str]:
    """The pages a generated page names in its metadata that exist in this build:
    ``listing``, ``previous``, ``next`` -> docname (empty for a page without them)."""
    value = app.env.metadata.get(pagename, {}).get(NAV_FIELD)
    links = PageLinks.from_field(str(value)) if value is not None else None
    if links is None:
        return {}
    found = app.env.found_docs
    named = {"listing": links.listing, "previous": links.previous, "next": links.next}
    return {key: docname for key, docname in named.items() if docname in found}


def _link(app: Sphinx, pagename: str, docname: str) -> dict[str, str]:
    # the title as text (Sphinx renders it as HTML, a fifth of this module's time on a
    # snapshot's pages; these titles are package names and the index's title)
    title = app.env.titles.get(docname)
    return {
        "link": app.builder.get_relative_uri(pagename, docname),
        "title": html.escape(title.astext() if title is not None else docname),
    }


def _add_page_links(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if app.builder.format != "html" or context.get("prev") or context.get("next"):
        return  # the page is in a toctree: Sphinx gave it its relations
    links = page_links(app, pagename)
    if not links:
        return
    rellinks = list(context.get("rellinks", []))
    for key, context_key, accesskey, label in (  # in Sphinx's order
        ("next", "next", "N", _("next")),
        ("previous", "prev", "P", _("previous")),
    ):
        if key in links:
            link = _link(app, pagename, links[key])
            context[context_key] = link
            rellinks.append((links[key], link["title"], accesskey, label))
    context["rellinks"] = rellinks
    if "listing" in links and not context.get("parents"):
        context["parents"] = [_link(app, pagename, links["listing"])]


def setup_navigation(app: Sphinx) -> None:
    """Give generated pages outside any toctree their theme's navigation links."""
    app.connect("html-page-context", _add_page_links)
