"""Names the node builders share with the writers, the site-wide passes and the
stylesheet and script in ``static/``: one owner for each.
"""

from __future__ import annotations

__all__ = ["HUE_CLASS_PREFIX", "PALETTE_SIZE", "ROOT_CLASS"]

#: CSS class on everything this extension outputs (the HTML assets look for it).
ROOT_CLASS = "spackcache"


HUE_CLASS_PREFIX = f"{ROOT_CLASS}-hue-"


#: How many stack colours the stylesheet defines (``spackcache-hue-0`` to ``-35``).
PALETTE_SIZE = 36
