"""A stand-in for ``examples/spack-cache`` (issue 28), measured by
``benchmarks/example.py``: the Spack build cache of ``SPACKCACHE_INDEX_URL`` as a furo
site with today's directives. Per ref of the snapshot index, a page with its coverage
matrix and ``cache-index :toctree:`` (one generated page per package, with
``spackcache_also_in`` and ``spackcache_history``); a page per stack of the newest develop
snapshot; the ``cache-diff`` of each develop snapshot and the one before it.

The pages of the refs, stacks and diffs are written here, from the snapshot index, when
the build starts (only those whose text changed, so that an incremental build reads only
what is new), so that a ref added to the index is documented by the next build.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import urllib.request
from pathlib import Path

INDEX_URL = os.environ.get(
    "SPACKCACHE_INDEX_URL", "https://binaries.spack.io/cache_spack_io_index.json"
)
BUCKET = os.environ.get("SPACKCACHE_BUCKET", "https://binaries.spack.io/")
HERE = Path(__file__).parent
REFS = re.compile(r"develop-\d{4}-\d{2}-\d{2}|v\d+\.\d+\.\d+")

project = "Spack build cache (stand-in)"
extensions = ["sphinx_spackcache"]
html_theme = "furo"
exclude_patterns = ["_build", "_records"]
spackcache_path = "_records"  # no cache.spack.io records: the snapshot index only
spackcache_snapshot_index = INDEX_URL
spackcache_buckets = {"spack-binaries": BUCKET}
spackcache_snapshot_refs = ["develop-*", "v*"]
spackcache_also_in = True
spackcache_history = True
spackcache_fetch_timeout = 600


def _write(name: str, text: str) -> None:
    path = HERE / name
    if not path.is_file() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def _title(text: str) -> str:
    return f"{text}\n{'=' * len(text)}\n\n"


def _pages() -> str:
    """Write the pages of the index's refs; the newest develop snapshot."""
    with urllib.request.urlopen(INDEX_URL, timeout=60) as response:
        index = json.load(response)
    refs = sorted(ref for ref in index if REFS.fullmatch(ref))
    develop = [ref for ref in refs if ref.startswith("develop-")]
    (HERE / "_records").mkdir(exist_ok=True)
    wanted = set()
    for ref in refs:
        wanted.add(f"ref-{ref}.rst")
        _write(
            f"ref-{ref}.rst",
            _title(ref)
            + f".. cache-coverage::\n   :tag: {ref}\n\n"
            + f".. cache-index::\n   :tag: {ref}\n   :toctree: packages/{ref}\n",
        )
    for old, new in itertools.pairwise(develop):
        wanted.add(f"diff-{new}.rst")
        _write(f"diff-{new}.rst", _title(f"{old} to {new}") + f".. cache-diff:: {old} {new}\n")
    newest = develop[-1]
    for entry in index[newest]:
        if entry["label"] != "root":
            wanted.add(f"stack-{entry['label']}.rst")
            _write(
                f"stack-{entry['label']}.rst",
                _title(entry["label"]) + f".. cache-stack:: {entry['label']}\n   :tag: {newest}\n",
            )
    for old in HERE.glob("*-*.rst"):
        if old.name.startswith(("ref-", "diff-", "stack-")) and old.name not in wanted:
            old.unlink()
    _write(
        "index.rst",
        _title("The Spack build cache")
        + "\n".join(
            f".. toctree::\n   :caption: {caption}\n   :glob:\n\n   {pattern}\n"
            for caption, pattern in (("Refs", "ref-*"), ("Stacks", "stack-*"), ("Diffs", "diff-*"))
        ),
    )
    return str(newest)


spackcache_default_tag = _pages()
