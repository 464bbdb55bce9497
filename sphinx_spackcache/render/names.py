"""Names the node builders share with the writers, the site-wide passes and the
stylesheet and script in ``static/``: one owner for each.
"""

from __future__ import annotations

__all__ = [
    "AT_CLASS",
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
#: A spec's hash: its table cell and its ``literal`` (LaTeX and man keep it whole).
HASH_CLASS = f"{ROOT_CLASS}-hash"
#: A stack badge and a value badge (the text writer puts summary badges on lines).
STACK_CLASS = f"{ROOT_CLASS}-stack"
VALUE_CLASS = f"{ROOT_CLASS}-value"
#: The part of a long value after its ``@``, which HTML may put on the next line.
AT_CLASS = f"{ROOT_CLASS}-at"
#: The colour classes of stack badges: ``spackcache-hue-0`` to ``-35``.
HUE_CLASS_PREFIX = f"{ROOT_CLASS}-hue-"
#: How many stack colours the stylesheet defines.
PALETTE_SIZE = 36

#: Attribute of a stack badge (``inline``): the stack it names, for its colour.
STACK_ATTR = "stack"
#: Attribute of a deferred node: the stacks its badges will name, noted for the
#: site-wide colours when the page is read.
STACKS_ATTR = "stacks"
