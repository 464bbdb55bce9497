"""Stack colours: a stack's badge has the same colour on every page of a site, and no two
stacks of the site share one while there are colours left (36 of them).

A colour derived from the name alone (a hash) would be stable but would give 26 stacks
some ten clashes. So the colours are given out for the site, once all pages are read:
each stack takes the colour its name hashes to, or, when an earlier stack (in hash
order) has it, the next free one (:func:`assign_hues`). The result depends only on which
stacks the site shows, not on the order pages are read in (``-j``), and it changes only
when a stack appears or goes; then every page with stack badges is written again, so
that no two pages disagree.

Stack badges carry the stack's name (attribute ``stack``); pages' stacks are noted when
they are read (``doctree-read``, kept by the ``cache`` domain), the colours are given out
at ``env-updated``, and a post-transform (HTML only) gives each badge its class
``spackcache-hue-N``, styled by ``static/spackcache.css``. Other builders show no colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..domain import cache_domain
from ..render.badges import colour_badges, stack_hash
from ..render.deferred import deferred
from ..render.names import PALETTE_SIZE, STACK_ATTR, STACKS_ATTR

__all__ = ["TIERS", "ColourStackBadges", "assign_hues", "hues_of", "setup_colours"]


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


def hues_of(env: BuildEnvironment) -> Mapping[str, int]:
    """The colours given out for this build."""
    return cache_domain(env).hues


class ColourStackBadges(SphinxPostTransform):
    """HTML: the colour of each stack badge (those of spec tables are given theirs where
    the writer builds them)."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        colour_badges(self.document, hues_of(self.env), PALETTE_SIZE)


def _note_stacks(app: Sphinx, doctree: nodes.document) -> None:
    stacks = {badge[STACK_ATTR] for badge in doctree.findall(nodes.inline) if STACK_ATTR in badge}
    for table in doctree.findall(deferred):
        stacks.update(table.get(STACKS_ATTR, ()))
    domain = cache_domain(app.env)
    if stacks:
        domain.stacks[app.env.docname] = sorted(stacks)
    else:
        domain.stacks.pop(app.env.docname, None)


def _give_out_hues(app: Sphinx, env: BuildEnvironment) -> list[str]:
    domain = cache_domain(env)
    hues = assign_hues(stack for stacks in domain.stacks.values() for stack in stacks)
    if hues == domain.hues:
        return []
    domain.hues.clear()
    domain.hues.update(hues)
    # a stack came or went: every page with stack badges is written again
    return sorted(domain.stacks)


def setup_colours(app: Sphinx) -> None:
    """Note the stacks of each page, give out the colours, colour the badges."""
    app.connect("doctree-read", _note_stacks)
    app.connect("env-updated", _give_out_hues)
    app.add_post_transform(ColourStackBadges)
