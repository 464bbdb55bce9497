"""The sources of a build, found when it starts, and :func:`build_sources`, the
:class:`~sphinx_spackcache.sources.combined.Sources` every part of the build reads
(directives, generated pages, the snapshot collector, the exports).

* At ``config-inited``, once :mod:`~sphinx_spackcache.config` has checked the values, the
  record folder and the mirror folders that sit in the source folder are added to
  ``exclude_patterns`` (with MyST-Parser enabled, every ``specs.md`` would otherwise be a
  page).
* At ``builder-inited``, the record folder and the mirror folders are resolved, the
  http(s) mirrors are fetched (or their copies found fresh, see
  :mod:`~sphinx_spackcache.sources.fetch`; a fresh environment, ``-E``, asks every
  mirror whatever ``spackcache_fetch_max_age`` says), and the folders are kept on the
  environment (a few short strings; the records themselves never are), with the folder
  of the fetch cache where the mirrors keep their verdicts on gzip bombs. A mirror that
  has the name of a snapshot of ``spackcache_path`` is used instead of it, after a
  warning.

What can be done without Sphinx (resolving folders, telling URLs from folders, the
patterns to exclude) is :mod:`sphinx_spackcache.sources.locations`; this module is the
Sphinx side: the events, the progress line and the warnings located in ``conf.py``.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.display import status_iterator

from ..config import SpackCacheConfig, config_location, spackcache_config
from ..sources.combined import Sources
from ..sources.fetch import cache_folder, fetch_mirror
from ..sources.locations import (
    fetch_folder,
    folders_to_exclude,
    mirror_folders,
    mirror_urls,
    record_folder,
)
from ..sources.oci import fetch_oci
from ..sources.urls import is_oci
from ..warnings_ import SpackCacheWarning, warn

__all__ = ["build_sources", "setup_sources"]

# Where the resolved record folder and mirror folders are kept on the build environment
# (short paths only).
_ROOT_ATTR = "spackcache_root"
_MIRRORS_ATTR = "spackcache_mirror_roots"
_VERDICTS_ATTR = "spackcache_verdicts"
#: The folder of the fetch cache where the mirrors keep their verdicts on gzip bombs.
_VERDICTS = "verdicts"


def build_sources(env: BuildEnvironment) -> Sources:
    """The sources of this build: the record folder and the mirrors."""
    root = getattr(env, _ROOT_ATTR, None)
    if root is None:  # pragma: no cover - builder-inited always runs first
        root = record_folder(Path(env.srcdir), spackcache_config(env).path)
    mirrors: dict[str, str] = getattr(env, _MIRRORS_ATTR, None) or {}
    verdicts: str | None = getattr(env, _VERDICTS_ATTR, None)
    return Sources.of_folders(root, mirrors, Path(verdicts) if verdicts else None)


def _exclude_records(app: Sphinx, config: Config) -> None:
    """Keep Sphinx from reading records as pages when they sit in the source folder."""
    settings = spackcache_config(app)
    base = Path(app.confdir or app.srcdir)
    for pattern in folders_to_exclude(Path(app.srcdir), base, settings.path, settings.mirrors):
        if pattern not in config.exclude_patterns:
            config.exclude_patterns = [*config.exclude_patterns, pattern]


def _find_sources(app: Sphinx) -> None:
    """At ``builder-inited``: resolve the record folder and the mirrors (fetching those
    given as URLs) and keep the folders on the environment."""
    settings = spackcache_config(app)
    base = Path(app.confdir or app.srcdir)
    root = record_folder(base, settings.path)
    setattr(app.env, _ROOT_ATTR, root)
    mirrors = mirror_folders(base, settings.mirrors)
    mirrors.update(_fetch_mirrors(app, settings, base))
    setattr(app.env, _MIRRORS_ATTR, mirrors)
    verdicts = fetch_folder(base, Path(app.doctreedir), settings.fetch_cache) / _VERDICTS
    setattr(app.env, _VERDICTS_ATTR, str(verdicts))
    sources = Sources.of_folders(root, mirrors, verdicts)
    clashes = sorted(set(sources.mirrors) & set(sources.records.tags()))
    if clashes:
        warn(
            f"spackcache_mirrors: {', '.join(map(repr, clashes))} is also a snapshot of "
            "spackcache_path; the mirror is used",
            SpackCacheWarning.CONFIG,
            config_location(app, "spackcache_mirrors"),
        )


def _fetch_mirrors(app: Sphinx, settings: SpackCacheConfig, base: Path) -> dict[str, str]:
    """Fetch the indexes of the http(s) mirrors and of the OCI registries (or find their
    copies fresh; not on a fresh environment); the local folder of each one there is
    something to read for."""
    urls = mirror_urls(settings.mirrors)
    if not urls:
        return {}
    cache_root = fetch_folder(base, Path(app.doctreedir), settings.fetch_cache)
    # -E: the reader asked for a build from scratch, the mirrors' copies included
    fresh = bool(getattr(app, "fresh_env_used", getattr(app, "_fresh_env_used", False)))
    folders: dict[str, str] = {}
    for name in status_iterator(
        sorted(urls), "checking Spack mirrors... ", "purple", len(urls), app.verbosity
    ):
        fetch = fetch_oci if is_oci(urls[name]) else fetch_mirror
        result = fetch(
            urls[name],
            cache_folder(cache_root, urls[name]),
            timeout=settings.fetch_timeout,
            max_age=0 if fresh else settings.fetch_max_age,
        )
        if result.problem:
            warn(
                f"spackcache_mirrors: {name!r}: {result.problem}",
                SpackCacheWarning.CONFIG,
                config_location(app, "spackcache_mirrors"),
            )
        if result.folder is not None:
            folders[name] = str(result.folder)
    return folders


def setup_sources(app: Sphinx) -> None:
    """Find the sources when the build starts (call it right after
    :func:`~sphinx_spackcache.config.setup_config`, so that the values are checked
    first)."""
    app.connect("config-inited", _exclude_records)
    app.connect("builder-inited", _find_sources)
