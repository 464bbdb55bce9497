"""``python -m sphinx_spackcache``: the command line (see :mod:`sphinx_spackcache.cli`)."""

import sys

from .cli import main

sys.exit(main())
