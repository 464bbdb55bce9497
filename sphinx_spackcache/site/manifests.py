"""The Sphinx side of sizes over http(s): the spec manifests of the binaries a page shows
fetched while the page is read (:mod:`~sphinx_spackcache.sources.manifests`), with a
progress line when there are many, and what each binary then weighs, alone and with
everything it brings with it (:mod:`~sphinx_spackcache.data.sizes`).

A manifest that cannot be used is a warning of the directive (its page is then read
again at the next build, :meth:`~sphinx_spackcache.directives.loading.LoadingDirective.warn`,
which asks for it again); the binary is shown without a size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import msgspec
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.console import term_width_line
from sphinx.util.display import status_iterator

from ..config import spackcache_config
from ..data.dag import DependenciesOf, installed_closure, remembered
from ..data.model import Spec
from ..data.sizes import sizes_with_dependencies
from ..sources.combined import Sources
from ..sources.manifests import ManifestResult, fetch_manifests, manifest_jobs
from ..sources.mirror import with_tarball
from .sources import fetch_cache

__all__ = ["PROGRESS_FROM", "setup_manifests", "with_sizes"]

logger = logging.getLogger(__name__)

#: From how many manifests to fetch on a page a progress line is shown.
PROGRESS_FROM = 20

#: The manifests that could not be used in this build (in this process), by URL: each is
#: asked for once per build, not once per page and export that shows its binary (a
#: mirror without spec manifests would otherwise cost a request per binary per page:
#: 25 minutes of 404s for a site of 600 packages in three refs). Emptied when a build
#: starts reading, so the next build asks again.
_FAILED: dict[str, ManifestResult] = {}


def _rewritten_lines() -> bool:
    """Whether a progress line is rewritten in place (a terminal, in colour), as
    Sphinx's progress lines are; else each of its steps would be a line of the log."""
    return term_width_line("").endswith("\r")


def _forget_failures(*_: Any) -> None:
    _FAILED.clear()


def setup_manifests(app: Sphinx) -> None:
    """Ask again, in each build, for the manifests the last one could not use."""
    app.connect("builder-inited", _forget_failures)
    app.connect("env-before-read-docs", _forget_failures)


def with_sizes(
    env: BuildEnvironment,
    sources: Sources,
    tag: str,
    package: str,
    specs: Sequence[Spec],
    dependencies_of: DependenciesOf | None,
) -> tuple[tuple[Spec, ...], list[str]]:
    """*specs* of *package* in *tag*, each with its size and SHA-256 (fetched from the
    http(s) mirror's spec manifests where the local copy has none) and its size with
    dependencies (where the source knows them); and why some have no size."""
    remotes = sources.manifest_mirrors(tag) if spackcache_config(env).fetch_sizes else {}
    if not remotes and not any(spec.record_bytes is not None for spec in specs):
        return tuple(specs), []
    lookup = remembered(dependencies_of) if dependencies_of else None
    closure = {
        dependency.hash: (dependency.name, dependency.version)
        for edges in (installed_closure((s.hash for s in specs), lookup) if lookup else {}).values()
        for dependency in edges
    }
    nodes: dict[str, tuple[str, Spec]] = {spec.hash: (package, spec) for spec in specs}
    for spec_hash, (name, _) in closure.items():
        if spec_hash not in nodes:
            found = sources.spec_of(tag, name, spec_hash)
            if found is not None:
                nodes[spec_hash] = (name, found)
    results = _fetched(env, [nodes[key] for key in nodes], remotes, tag, package)
    problems = sorted(r.problem for r in results if r.problem)
    tarballs = {r.hash: r.tarball for r in results if r.tarball is not None}
    sizes = {
        key: (tarballs[key].size if key in tarballs else spec.record_bytes)
        for key, (_, spec) in nodes.items()
    }
    known = {key: size for key, size in sizes.items() if size is not None}
    totals = sizes_with_dependencies((s.hash for s in specs), known, lookup) if lookup else {}
    shown: list[Spec] = []
    for spec in specs:
        if spec.hash in tarballs:
            spec = with_tarball(spec, tarballs[spec.hash])
        total = totals.get(spec.hash)
        if total is not None:
            spec = msgspec.structs.replace(spec, record_bytes_with_deps=total)
        shown.append(spec)
    return tuple(shown), problems


def _fetched(
    env: BuildEnvironment,
    binaries: list[tuple[str, Spec]],
    remotes: dict[str, str],
    tag: str,
    package: str,
) -> list[ManifestResult]:
    """The manifests of *binaries* that have no size, copies or fetched."""
    if not remotes:
        return []
    jobs = manifest_jobs(binaries, remotes, fetch_cache(env))
    if not jobs:
        return []
    failed = [
        dataclasses.replace(_FAILED[job.url], requested=False) for job in jobs if job.url in _FAILED
    ]
    jobs = [job for job in jobs if job.url not in _FAILED]
    urls = {job.hash: job.url for job in jobs}
    settings = spackcache_config(env)
    results: Iterable[ManifestResult] = fetch_manifests(jobs, timeout=settings.fetch_timeout)
    if len(jobs) >= PROGRESS_FROM and _rewritten_lines():
        name: Callable[[ManifestResult], str] = lambda result: result.hash[:7]  # noqa: E731
        results = status_iterator(
            results,
            f"sizes of {tag}/{package}: spec manifests... ",
            "purple",
            len(jobs),
            0,  # one line that counts (the environment no longer gives Sphinx's -v)
            stringify_func=name,
        )
    found = list(results)
    if len(jobs) >= PROGRESS_FROM and not _rewritten_lines():
        # with no terminal to rewrite a line in, one line per page, not one per manifest
        # (a live-scale build's log held a line for each of 150,000 binaries: 34 MB)
        logger.info(f"sizes of {tag}/{package}: spec manifests... {len(jobs)} asked for")
    _FAILED.update((urls[r.hash], r) for r in found if r.tarball is None and r.requested)
    return sorted([*found, *failed], key=lambda result: result.hash)
