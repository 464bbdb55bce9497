"""Names that more than one module of the package uses: the CSS classes and node
attributes the node builders share with the directives, the writers and the site-wide
passes (``static/`` uses them too). A class only one module writes (``-scroll``,
``-more``, ``-sentence``, ...) is spelled there, beside the stylesheet's use of it.
"""

from __future__ import annotations

__all__ = [
    "COVERAGE_CLASS",
    "COVERAGE_KIND",
    "DEPENDENCY_CLASS",
    "GRAPH_CLASS",
    "HASH_CLASS",
    "HUE_CLASS_PREFIX",
    "PALETTE_SIZE",
    "ROOT_CLASS",
    "STACKS_ATTR",
    "STACK_ATTR",
    "STACK_CLASS",
    "TABLE_CLASS",
    "VALUE_CLASS",
]

#: CSS class on everything this extension outputs (the HTML assets look for it).
ROOT_CLASS = "spackcache"
#: Every table of the extension (the LaTeX touches look for it).
TABLE_CLASS = f"{ROOT_CLASS}-table"
#: A coverage matrix (its container and its table), which HTML sizes in its own way.
COVERAGE_KIND = "coverage"
COVERAGE_CLASS = f"{ROOT_CLASS}-{COVERAGE_KIND}"
#: A spec's hash: its table cell and its ``literal`` (LaTeX and man keep it whole).
HASH_CLASS = f"{ROOT_CLASS}-hash"
#: A dependency named in a spec's hash cell (``libelf@0.8.13/rqh2vuf``).
DEPENDENCY_CLASS = f"{ROOT_CLASS}-dependency"
#: The hidden element before a spec table of a source that records dependencies: every
#: dependency of its binaries, for the "Match a spec" box (``^name@version``).
GRAPH_CLASS = f"{ROOT_CLASS}-graph"
#: A stack badge and a value badge (the text writer puts summary badges on lines).
STACK_CLASS = f"{ROOT_CLASS}-stack"
VALUE_CLASS = f"{ROOT_CLASS}-value"

#: The colour classes of stack badges: ``spackcache-hue-0`` to ``-35``.
HUE_CLASS_PREFIX = f"{ROOT_CLASS}-hue-"
#: How many stack colours the stylesheet defines.
PALETTE_SIZE = 36

#: Attribute of a stack badge (``inline``): the stack it names, for its colour.
STACK_ATTR = "stack"
#: Attribute of a deferred node: the stacks its badges will name, noted for the
#: site-wide colours when the page is read.
STACKS_ATTR = "stacks"
