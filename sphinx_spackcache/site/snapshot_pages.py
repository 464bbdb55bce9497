"""Generated snapshot pages for ``cache-snapshots`` with ``:toctree: DIR``: the list of
snapshots is the build's (the refs ``spackcache_snapshot_refs`` selects from the snapshot
index when the build starts, the mirrors, the record folders), so the pages are made
from it, as ``cache-index :toctree:`` makes package pages (:mod:`.stubs`).

At ``builder-inited`` every ``cache-snapshots`` with ``:toctree: DIR`` gets, for each
snapshot ``TAG``, the page ``DIR/TAG``: its install commands, its coverage matrix, what
changed since the snapshot before it (:func:`diff_base`), and a toctree of one page per
stack, ``DIR/TAG/STACK`` (the stack's packages and the install commands of its mirror).
Pages are written only when their text changes; generated pages of a snapshot or stack
that is gone are removed (only files that carry the stub marker, as for package pages).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ..config import spackcache_config
from ..data.snapshots import diff_base, snapshot_order
from ..sources.combined import Sources
from ..sources.files import file_stem
from ..sources.store import is_valid_name
from .sources import build_sources
from .stubs import (
    STUB_FIELD,
    STUB_SUFFIX,
    IndexRequest,
    PagePlan,
    index_requests,
    stub_folder_problem,
    write_plan,
)

__all__ = [
    "SNAPSHOTS_DIRECTIVE",
    "setup_snapshot_pages",
    "snapshot_page_text",
    "snapshot_pages",
    "stack_page_text",
]

#: The directive whose ``:toctree:`` this module generates pages for.
SNAPSHOTS_DIRECTIVE = "cache-snapshots"


def _title(text: str, underline: str) -> str:
    return f"{text}\n{underline * len(text)}\n\n"


def snapshot_page_text(tag: str, source: str, stacks: list[str], previous: str | None) -> str:
    """The generated page of snapshot *tag* (listed by ``cache-snapshots`` in *source*):
    its install commands, coverage, the ``cache-diff`` from *previous* (when there is
    one) and a toctree of its *stacks*' pages (``TAG/STACK``)."""
    parts = [
        f":{STUB_FIELD}: {SNAPSHOTS_DIRECTIVE} in {source}; edits are overwritten\n\n",
        _title(tag, "="),
        f".. cache-install::\n   :tag: {tag}\n\n",
        _title("Coverage", "-"),
        f".. cache-coverage::\n   :tag: {tag}\n\n",
    ]
    if previous is not None:
        parts += [_title(f"Changes since {previous}", "-"), f".. cache-diff:: {previous} {tag}\n\n"]
    if stacks:
        entries = "".join(f"   {file_stem(tag)}/{file_stem(stack)}\n" for stack in stacks)
        parts += [_title("Stacks", "-"), f".. toctree::\n   :maxdepth: 1\n\n{entries}\n"]
    return "".join(parts).rstrip("\n") + "\n"


def stack_page_text(tag: str, stack: str, source: str) -> str:
    """The generated page of *stack* in snapshot *tag*: its packages (``cache-stack``)
    and the install commands of its own mirror."""
    return (
        f":{STUB_FIELD}: {SNAPSHOTS_DIRECTIVE} in {source}; edits are overwritten\n\n"
        + _title(f"{stack} in {tag}", "=")
        + f".. cache-install::\n   :tag: {tag}\n   :stack: {stack}\n\n"
        + f".. cache-stack:: {stack}\n   :tag: {tag}\n"
    )


def snapshot_pages(sources: Sources, request: IndexRequest) -> dict[str, str]:
    """The pages a ``cache-snapshots :toctree:`` wants: docname -> text (snapshots newest
    first; a stack or snapshot whose name cannot be a page's is left out)."""
    folder = request.folder
    tags = [t for t in reversed(snapshot_order(sources.tags())) if is_valid_name(t)]
    pages: dict[str, str] = {}
    for tag in tags:
        stacks = sorted(s for s in sources.load_snapshot(tag).stacks() if is_valid_name(s))
        base = diff_base(tag, tags)
        page = f"{folder}/{file_stem(tag)}"
        pages[page] = snapshot_page_text(tag, request.docname, stacks, base)
        for stack in stacks:
            pages[f"{page}/{file_stem(stack)}"] = stack_page_text(tag, stack, request.docname)
    return pages


def _generate(app: Sphinx) -> None:
    """At ``builder-inited``: the pages of every ``cache-snapshots :toctree:``."""
    if not spackcache_config(app).generate:
        return
    requests = index_requests(app, SNAPSHOTS_DIRECTIVE)
    sources = build_sources(app.env)
    if not requests or not sources.exists():
        return
    plan = PagePlan()
    for request in requests:
        if stub_folder_problem(app.srcdir, request.docname, request.options["toctree"]):
            continue  # the directive reports it
        folder = Path(app.srcdir, request.folder)
        plan.folders.add(folder)
        plan.folders.update(p for p in folder.glob("*") if p.is_dir() and not p.is_symlink())
        for docname, text in snapshot_pages(sources, request).items():
            path = Path(app.srcdir, docname + STUB_SUFFIX)
            plan.folders.add(path.parent)
            plan.pages[path] = text
    write_plan(app, plan, "snapshot", SNAPSHOTS_DIRECTIVE)


def setup_snapshot_pages(app: Sphinx) -> None:
    """Write the snapshot pages when the builder starts."""
    app.connect("builder-inited", _generate)
