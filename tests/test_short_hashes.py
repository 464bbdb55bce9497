"""Short hashes are 7 characters everywhere, as Spack prints them (issue 24): Spack's
``spack buildcache`` names a spec ``{name}{@version}{/hash:7}`` (``_format_spec`` in
``lib/spack/spack/cmd/buildcache.py``), ``spack find -l`` prints ``hlen = 7``
characters (``display_specs`` in ``lib/spack/spack/cmd/__init__.py``), and a
``patches`` variant prints ``str(x)[:7]`` of each SHA-256 (``lib/spack/spack/variant.py``).

Every expected value here is written by hand from the files named (the hashes copied
from them, cut at 7 by eye), not computed with the package's constant.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from sphinx_spackcache.data.model import SHORT_HASH_LENGTH, short_hash
from sphinx_spackcache.sources.spack_db import read_database
from sphinx_spackcache.writers.assets import STATIC_DIR

from .conftest import MIRRORS, Build

MIRROR_CONF = {"spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")}}


def test_the_short_hash_is_spacks_seven_characters() -> None:
    assert SHORT_HASH_LENGTH == 7
    # madgraph5amc's hash in develop-2025-04-20 (docs/_cache)
    assert short_hash("4d5nijk2lmqd3qeq3qmc2lchfapyteqy") == "4d5nijk"


def test_html_shows_seven_characters_of_a_hash() -> None:
    """The stylesheet gives a hash's text a box of exactly the constant's width in
    characters (``ch``); the browser test measures what each theme then shows."""
    css = (STATIC_DIR / "spackcache.css").read_text("utf-8")
    rule = re.search(r"code\.spackcache-hash > span\.pre \{([^}]*)\}", css)
    assert rule is not None
    (width,) = re.findall(r"\bwidth:\s*([\d.]+)ch;", rule[1])
    assert width == "7"
    assert int(width) == SHORT_HASH_LENGTH
    # and no other rule cuts the hash at another width
    assert "9.5ch" not in css


def test_dependencies_are_named_by_seven_characters(build: Build) -> None:
    """tests/mirrors/spack-v2-test: libdwarf ``sk2gqqz4n5njmvktycnd25wq25jxiqkr``
    depends on libelf 0.8.13 ``rqh2vuf6fqwkmipzgi2wjx352mq7y7ez``, and libdwarf
    ``u5uz3dcch5if4eve4sef67o2rf2lbfgh`` on libelf 0.8.13
    ``jr3yipyxyjulcdvckwwwjrrumis7glpa`` (among others)."""
    app = build("mirrors", conf=MIRROR_CONF)
    html = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    shown: dict[str, list[str]] = {}
    for row in html.select("table.spackcache-specs tbody tr"):
        code = row.select_one("td.spackcache-hash code")
        assert code is not None
        shown[code.get_text()] = [
            s.get_text() for s in row.select("td.spackcache-hash span.spackcache-dependency")
        ]
    assert shown["sk2gqqz4n5njmvktycnd25wq25jxiqkr"] == ["libelf@0.8.13/rqh2vuf"]
    assert "libelf@0.8.13/jr3yipy" in shown["u5uz3dcch5if4eve4sef67o2rf2lbfgh"]

    text = build("mirrors", "text", conf=MIRROR_CONF)
    page = (text.outdir / "package.txt").read_text("utf-8")
    # (libelf's own rows show its whole hash: not one character more after the slash)
    assert re.search(r"libelf@0\.8\.13/rqh2vuf(?![a-z2-7])", page)
    assert "libelf@0.8.13/rqh2vuf6" not in page


def test_patches_are_named_by_seven_characters() -> None:
    """tests/mirrors/derecho-install-tree: berkeley-db ``fizqd24plglyhbvxatnzuwg3rp3gasue``
    has the patches ``26090f418891...`` and ``b231fcc4d5cf...``."""
    path = MIRRORS / "derecho-install-tree" / "index.json"
    database = read_database(path.read_bytes(), str(path), stack="derecho")
    (spec,) = [s for s in database.packages["berkeley-db"] if s.hash.startswith("fizqd24")]
    assert "patches:=26090f4,b231fcc" in spec.variants
