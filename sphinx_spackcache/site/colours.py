"""Stack colours: a stack's badge has the same colour on every page of a site, and no two
stacks of the site share one while there are colours left (36 of them).

A colour derived from the name alone (a hash) would be stable but would give 26 stacks
some ten clashes. So the colours are given out for the site, once all pages are read:
each stack takes the colour its name hashes to, or, when an earlier stack (in hash
order) has it, the next free one (:func:`assign_hues`). The result depends only on which
stacks the site shows, not on the order pages are read in (``-j``), and it changes only
when a stack appears or goes; then every page with stack badges is written again, so
that no two pages disagree.

Stack badges carry the stack's name (attribute ``stack``). :class:`StackCollector`, an
``EnvironmentCollector`` (as :class:`~.tracking.SnapshotCollector` is), notes each page's
stacks when it is read, forgets a page that is read again or removed, merges what ``-j``
workers noted, and gives out the colours once all pages are read (``env-get-updated``),
naming the pages to write again when they changed; :func:`hues_of` is what it gave out. A
post-transform (HTML only) gives each badge its class ``spackcache-hue-N``, styled by
``static/spackcache.css``. Other builders show no colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..render.badges import colour_badges, stack_hash
from ..render.deferred import deferred
from ..render.names import PALETTE_SIZE, STACK_ATTR, STACKS_ATTR
from .collectors import PerDocumentCollector, kept

__all__ = [
    "TIERS",
    "ColourStackBadges",
    "StackCollector",
    "assign_hues",
    "hues_of",
    "setup_colours",
]


#: The palette is ordered so that its first 12 colours, and its first 24, are as far
#: apart as they can be: a site with few stacks draws from the most distinct ones.
TIERS = (12, 24, PALETTE_SIZE)


def assign_hues(stacks: Iterable[str]) -> dict[str, int]:
    """Each stack's colour: among the first 12, 24 or 36 of the palette (the fewest that
    give every stack its own), the one its name hashes to, else the next free one, the
    stacks taken in the order of their hashes. All distinct while there are at most 36
    stacks; then they share, as evenly as the hashes fall."""
    names = sorted(set(stacks), key=lambda name: (stack_hash(name), name))
    size = next((tier for tier in TIERS if len(names) <= tier), PALETTE_SIZE)
    hues: dict[str, int] = {}
    taken: set[int] = set()
    for stack in names:
        hue = stack_hash(stack) % size
        if len(taken) < size:
            while hue in taken:
                hue = (hue + 1) % size
        taken.add(hue)
        hues[stack] = hue
    return hues


class StackCollector(PerDocumentCollector):
    """Keeps the stacks each page's badges name, and the colours given out for them."""

    #: The environment attributes (pickled with it): docname -> the stacks its badges
    #: name, sorted; stack -> its colour in the palette, as the last build gave them out.
    ATTRIBUTE = STACKS = "spackcache_stacks"
    HUES = "spackcache_hues"

    @classmethod
    def stacks(cls, env: BuildEnvironment) -> dict[str, list[str]]:
        """The stacks of every page that has stack badges, by document name."""
        stacks: dict[str, list[str]] = cls.documents(env)
        return stacks

    @classmethod
    def hues(cls, env: BuildEnvironment) -> dict[str, int]:
        """Each stack's colour."""
        hues: dict[str, int] = kept(env, cls.HUES)
        return hues

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Note the stacks of the page's badges, and of its spec tables (which are built
        when the page is written)."""
        stacks = {
            badge[STACK_ATTR] for badge in doctree.findall(nodes.inline) if STACK_ATTR in badge
        }
        for table in doctree.findall(deferred):
            stacks.update(table.get(STACKS_ATTR, ()))
        if stacks:
            self.stacks(app.env)[app.env.docname] = sorted(stacks)
        else:
            self.stacks(app.env).pop(app.env.docname, None)

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        """Give out the colours for the stacks of every page; when a stack came or went,
        every page with stack badges is written again."""
        stacks = self.stacks(env)
        hues = assign_hues(stack for names in stacks.values() for stack in names)
        given = self.hues(env)
        if hues == given:
            return []
        given.clear()
        given.update(hues)
        return sorted(stacks)


def hues_of(env: BuildEnvironment) -> Mapping[str, int]:
    """The colours given out for this build: stack -> its hue in the palette."""
    return StackCollector.hues(env)


class ColourStackBadges(SphinxPostTransform):
    """HTML: the colour of each stack badge (those of spec tables are given theirs where
    the writer builds them)."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        colour_badges(self.document, hues_of(self.env), PALETTE_SIZE)


def setup_colours(app: Sphinx) -> None:
    """Note the stacks of each page, give out the colours, colour the badges."""
    app.add_env_collector(StackCollector)
    app.add_post_transform(ColourStackBadges)
