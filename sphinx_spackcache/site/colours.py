"""Stack colours: a stack's badge has the same colour on every page of a site, Spack's
known stacks have the same colour on every site, and no two stacks of a site share one
while there are colours left (36 of them).

Spack's CI stacks (:data:`KNOWN_STACKS`) each have a colour of their own, fixed: e4s looks
the same in these docs as on a site of three records. The other stacks a site shows take
the colours no stack of the site has: first the colours no known stack has, then those of
the known stacks the site does not show, each the one its name hashes to among them, or,
when an earlier stack (in hash order) has it, the next free one (:func:`assign_hues`). The
result depends only on which stacks the site shows, not on the order pages are read in
(``-j``), and it changes only when a stack appears or goes; then every page with stack
badges is written again, so that no two pages disagree.

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
    "KNOWN_STACKS",
    "ColourStackBadges",
    "StackCollector",
    "assign_hues",
    "hues_of",
    "setup_colours",
]


#: Spack's CI stacks, each on a colour of its own (its position in the palette), the same
#: on every site. The stacks of cache.spack.io's records (tests/records, docs/_cache and
#: the records they were taken from: v0.23.1, develop-2025-04-13 and develop-2025-04-20),
#: most specs first, so that the stacks seen most take the palette's first, most distinct
#: colours; then three stacks of binaries.spack.io that those records do not hold, from
#: the CI stacks of spack/spack-packages (``stacks/<name>/spack.yaml``, whose binaries
#: binaries.spack.io publishes under ``<ref>/<name>/``, spack/spack-infrastructure
#: ``images/cache-indexer/cache_indexer.py``). Two colours are left for other stacks.
KNOWN_STACKS: dict[str, int] = {
    stack: hue
    for hue, stack in enumerate(
        (
            # cache.spack.io's records, by number of specs (1,455 to 3)
            "root",
            "e4s",
            "e4s-neoverse-v2",
            "e4s-oneapi",
            "hep",
            "ml-linux-aarch64-cuda",
            "ml-linux-x86_64-cuda",
            "ml-linux-aarch64-cpu",
            "ml-linux-x86_64-cpu",
            "tutorial",
            "e4s-rocm-external",
            "aws-pcluster-x86_64_v4",
            "ml-darwin-aarch64-mps",
            "bootstrap-x86_64-linux-gnu",
            "ml-linux-x86_64-rocm",
            "e4s-cray-rhel",
            "radiuss",
            "bootstrap-aarch64-darwin",
            "data-vis-sdk",
            "radiuss-aws-aarch64",
            "radiuss-aws",
            "developer-tools-darwin",
            "developer-tools-x86_64_v3-linux-gnu",
            "aws-pcluster-neoverse_v1",
            "developer-tools-aarch64-linux-gnu",
            "e4s-neoverse_v1",
            "build_systems",
            "e4s-power",
            "aws-isc-aarch64",
            "aws-isc",
            "developer-tools-manylinux2014",
            # binaries.spack.io's, not in those records
            "e4s-cray-sles",
            "tools-sdk",
            "windows-vis",
        )
    )
}


def assign_hues(stacks: Iterable[str]) -> dict[str, int]:
    """Each stack's colour: a known stack's own (:data:`KNOWN_STACKS`); each other stack,
    taken in the order of their hashes, one of the colours still free, those no known
    stack has while they last, then those of the known stacks not in *stacks*: the one
    its name hashes to among them. All distinct while there are at most 36 stacks; then
    the others share, as evenly as the hashes fall."""
    names = set(stacks)
    hues = {stack: KNOWN_STACKS[stack] for stack in names if stack in KNOWN_STACKS}
    reserved = set(KNOWN_STACKS.values())
    unreserved = [hue for hue in range(PALETTE_SIZE) if hue not in reserved]
    absent = sorted(reserved - set(hues.values()))
    taken: set[int] = set()
    for stack in sorted(names - hues.keys(), key=lambda name: (stack_hash(name), name)):
        group = [hue for hue in unreserved if hue not in taken]
        group = group or [hue for hue in absent if hue not in taken]
        group = group or list(range(PALETTE_SIZE))
        hue = group[stack_hash(stack) % len(group)]
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
