"""Shared fixtures: Sphinx's own test fixtures, a build helper, and expected values read
from the record files independently of the code under test."""

from __future__ import annotations

import inspect
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from docutils import nodes
from hypothesis.configuration import set_hypothesis_home_dir
from sphinx.testing.util import SphinxTestApp

from sphinx_spackcache.sources.manifests import clear_manifest_memo
from sphinx_spackcache.sources.mirror import clear_mirror_cache
from sphinx_spackcache.sources.stacked import clear_stacked_cache
from sphinx_spackcache.sources.store import clear_cache

pytest_plugins = ("sphinx.testing.fixtures",)
#: The test roots are Sphinx projects (each with its own conf.py), not test modules: kept
#: out of collection, where --doctest-modules would import every conf.py as ``conf``.
collect_ignore = ["roots"]
#: Hypothesis keeps caches (constants, Unicode tables) in ``.hypothesis/`` of the working
#: folder, whatever a test's ``database=None`` says: keep them out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "sphinx-spackcache-hypothesis")

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
#: Real cache.spack.io records, used by the test roots whose conf.py sets no spackcache_path.
RECORDS = TESTS / "records" / "_cache"
#: Real Spack databases: build-cache indexes in mirror folders, and an install tree.
MIRRORS = TESTS / "mirrors"
DOCS = TESTS.parent / "docs"


class Build(Protocol):
    def __call__(
        self,
        root: str,
        buildername: str = "html",
        *,
        conf: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> SphinxTestApp: ...


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(autouse=True)
def _fresh_record_cache() -> None:
    """Each test starts with no parsed record, mirror index or spec manifest in memory."""
    clear_cache()
    clear_mirror_cache()
    clear_stacked_cache()
    clear_manifest_memo()


@pytest.fixture
def build(make_app: Callable[..., SphinxTestApp], tmp_path: Path) -> Build:
    """Copy ``tests/roots/test-<root>`` once per test and build it with *buildername*.

    Calling it again for the same root reuses the copy and its build folder, so a second
    call is an incremental build.
    """
    previous: list[SphinxTestApp] = []

    def _build(
        root: str, buildername: str = "html", *, conf: dict[str, Any] | None = None, **kwargs: Any
    ) -> SphinxTestApp:
        srcdir = tmp_path / root
        if not srcdir.exists():
            shutil.copytree(ROOTS / f"test-{root}", srcdir)
        overrides: dict[str, Any] = {}
        conf_py = (srcdir / "conf.py").read_text("utf-8")
        if "spackcache_path" not in conf_py:
            overrides["spackcache_path"] = str(RECORDS)
        if "source_suffix" not in conf_py:
            # a fresh dict: MyST adds ".md" to Sphinx's shared default, which would leak
            # into the roots built after the MyST one
            overrides["source_suffix"] = {".rst": "restructuredtext"}
        # warnings end in [type.subtype] (the default from Sphinx 8.0)
        overrides["show_warning_types"] = True
        overrides.update(conf or {})
        # a second application in one test must not inherit the first one's node registry
        while previous:
            previous.pop().cleanup()
        app = make_app(buildername, srcdir=srcdir, confoverrides=overrides, **kwargs)
        previous.append(app)
        app.build()
        return app

    return _build


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    """tests/mirrors served by a local http.server (tests/test_fetch.py's ``Server``,
    which counts the requests), from a copy a test may change."""
    from .test_fetch import Server

    root = tmp_path / "served"
    shutil.copytree(MIRRORS, root)
    running = Server(root)
    yield running
    running.stop()


def resolved(app: SphinxTestApp, docname: str) -> nodes.document:
    """The doctree of *docname* as *app*'s builder writes it (post-transforms applied).
    For every builder but HTML that includes the spec tables (see
    sphinx_spackcache/writers/nonhtml.py)."""
    env = app.env
    if "tags" in inspect.signature(env.get_and_resolve_doctree).parameters:  # Sphinx >= 7.3
        return env.get_and_resolve_doctree(docname, app.builder, tags=app.builder.tags)
    return env.get_and_resolve_doctree(docname, app.builder)


def warnings_of(app: SphinxTestApp) -> list[str]:
    """The warning lines of a build, without colour codes."""
    from sphinx.util.console import strip_colors

    return [line for line in strip_colors(app.warning.getvalue()).splitlines() if line.strip()]
