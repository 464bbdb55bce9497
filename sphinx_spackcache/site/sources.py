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
* At the same time, the snapshot index (``spackcache_snapshot_index``) is read (fetched
  first when it is a URL), and each stack of each selected ref, like each stack of a
  snapshot of ``spackcache_mirrors`` made of one mirror per stack, is fetched into a
  copy (:func:`~sphinx_spackcache.sources.fetch.fetch_stack`); the copies' folders are
  kept on the environment by snapshot and stack, and the URL of each ref's root mirror
  for its install commands (:func:`install_mirrors`).

What can be done without Sphinx (resolving folders, telling URLs from folders, the
patterns to exclude) is :mod:`sphinx_spackcache.sources.locations`; this module is the
Sphinx side: the events, the progress line and the warnings located in ``conf.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.display import status_iterator

from ..config import SpackCacheConfig, config_location, spackcache_config
from ..data.problems import RecordError, collapse
from ..sources.combined import Sources
from ..sources.fetch import cache_folder, fetch_file, fetch_mirror, fetch_stack
from ..sources.files import read_regular
from ..sources.locations import (
    fetch_folder,
    folders_to_exclude,
    mirror_folders,
    mirror_urls,
    record_folder,
    stacked_mirrors,
)
from ..sources.oci import fetch_oci
from ..sources.snapshot_index import (
    MAX_SNAPSHOT_INDEX,
    IndexRef,
    blob_checksum,
    read_snapshot_index,
)
from ..sources.urls import is_oci, is_url
from ..warnings_ import SpackCacheWarning, warn

__all__ = [
    "build_sources",
    "fetch_cache",
    "install_mirrors",
    "local_mirror_folder",
    "setup_sources",
]

# Where the resolved record folder and mirror folders are kept on the build environment
# (short paths only).
_ROOT_ATTR = "spackcache_root"
_MIRRORS_ATTR = "spackcache_mirror_roots"
_VERDICTS_ATTR = "spackcache_verdicts"
_STACKED_ATTR = "spackcache_stacked"
_INSTALL_ATTR = "spackcache_install_urls"
_REMOTES_ATTR = "spackcache_remotes"
#: The folder of the fetch cache where the mirrors keep their verdicts on gzip bombs.
_VERDICTS = "verdicts"


#: The sources of the running build and what they were made of (:func:`build_sources`):
#: made once per build, not once per directive (a live-scale site's 3,000 pages each made
#: 90 stack mirrors and asked the file system about each again); forgotten when the next
#: build starts (``builder-inited``).
_BUILT: list[tuple[object, Sources]] = []


def build_sources(env: BuildEnvironment) -> Sources:
    """The sources of this build: the record folder and the mirrors (their folders
    settled: fetched when the build started, they do not change while it runs)."""
    root = getattr(env, _ROOT_ATTR, None)
    if root is None:  # pragma: no cover - builder-inited always runs first
        root = record_folder(Path(env.srcdir), spackcache_config(env).path)
    mirrors: dict[str, str] = getattr(env, _MIRRORS_ATTR, None) or {}
    verdicts: str | None = getattr(env, _VERDICTS_ATTR, None)
    stacked: dict[str, dict[str, str]] = getattr(env, _STACKED_ATTR, None) or {}
    remotes: dict[str, dict[str, str]] = getattr(env, _REMOTES_ATTR, None) or {}
    key = (
        str(root),
        sorted(mirrors.items()),
        verdicts,
        sorted((name, sorted(by.items())) for name, by in stacked.items()),
        sorted((name, sorted(by.items())) for name, by in remotes.items()),
    )
    if _BUILT and _BUILT[0][0] == key:
        return _BUILT[0][1]
    sources = Sources.of_folders(
        root, mirrors, Path(verdicts) if verdicts else None, stacked, remotes, settled=True
    )
    _BUILT[:] = [(key, sources)]
    return sources


def fetch_cache(env: BuildEnvironment) -> Path:
    """The folder of the fetch cache (``spackcache_fetch_cache``)."""
    verdicts: str | None = getattr(env, _VERDICTS_ATTR, None)
    if verdicts is None:  # pragma: no cover - builder-inited always runs first
        settings = spackcache_config(env)
        return fetch_folder(Path(env.srcdir), Path(env.doctreedir), settings.fetch_cache)
    return Path(verdicts).parent


def install_mirrors(env: BuildEnvironment) -> dict[str, str]:
    """The URL of each snapshot of the snapshot index whose ref has a root mirror: what
    its install commands name (as a mirror's own URL)."""
    found: dict[str, str] = getattr(env, _INSTALL_ATTR, None) or {}
    return found


def local_mirror_folder(env: BuildEnvironment, name: str) -> Path | None:
    """The folder of the mirror *name* when ``spackcache_mirrors`` gives it as a folder
    of this machine (not a URL, whose fetched copy holds only the index, nor a snapshot
    of one mirror per stack); else ``None``."""
    location = spackcache_config(env).mirrors.get(name)
    if location is None or isinstance(location, Mapping) or is_url(os.fspath(location)):
        return None
    folders: dict[str, str] = getattr(env, _MIRRORS_ATTR, None) or {}
    folder = folders.get(name)
    return Path(folder) if folder else None


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
    _BUILT.clear()  # a new build: its folders may have changed since the last one
    settings = spackcache_config(app)
    base = Path(app.confdir or app.srcdir)
    root = record_folder(base, settings.path)
    setattr(app.env, _ROOT_ATTR, root)
    mirrors = mirror_folders(base, settings.mirrors)
    remotes: dict[str, dict[str, str]] = {}
    mirrors.update(_fetch_mirrors(app, settings, base, remotes))
    setattr(app.env, _MIRRORS_ATTR, mirrors)
    verdicts = fetch_folder(base, Path(app.doctreedir), settings.fetch_cache) / _VERDICTS
    setattr(app.env, _VERDICTS_ATTR, str(verdicts))
    stacks = stacked_mirrors(base, settings.mirrors)
    refs = _index_refs(app, settings, base)
    for ref in refs:
        if ref.ref in settings.mirrors:
            warn(
                f"spackcache_snapshot_index: ref {ref.ref!r} is also a snapshot of "
                "spackcache_mirrors; the mirror is used",
                SpackCacheWarning.CONFIG,
                config_location(app, "spackcache_snapshot_index"),
            )
        else:
            stacks[ref.ref] = {stack.label: stack.url for stack in ref.stacks}
    stacked = _fetch_stacks(app, settings, base, stacks, remotes)
    setattr(app.env, _STACKED_ATTR, stacked)
    setattr(app.env, _REMOTES_ATTR, remotes)
    setattr(
        app.env,
        _INSTALL_ATTR,
        {
            ref.ref: ref.root.mirror.rstrip("/")
            for ref in refs
            if ref.root is not None and ref.ref in stacked
        },
    )
    sources = Sources.of_folders(root, mirrors, verdicts, stacked)
    records = set(sources.records.tags())
    for value in ("spackcache_mirrors", "spackcache_snapshot_index"):
        ours = (
            settings.mirrors if value == "spackcache_mirrors" else stacked.keys() - settings.mirrors
        )
        clashes = sorted(set(ours) & set(sources.mirrors) & records)
        if clashes:
            warn(
                f"{value}: {', '.join(map(repr, clashes))} is also a snapshot of "
                "spackcache_path; the mirror is used",
                SpackCacheWarning.CONFIG,
                config_location(app, value),
            )


def _fetch_mirrors(
    app: Sphinx, settings: SpackCacheConfig, base: Path, remotes: dict[str, dict[str, str]]
) -> dict[str, str]:
    """Fetch the indexes of the http(s) mirrors and of the OCI registries (or find their
    copies fresh; not on a fresh environment); the local folder of each one there is
    something to read for. The URL of each http(s) mirror with a copy goes in
    *remotes* (where its spec manifests are)."""
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
            if not is_oci(urls[name]):
                remotes[name] = {name: urls[name]}
    return folders


def _index_refs(app: Sphinx, settings: SpackCacheConfig, base: Path) -> tuple[IndexRef, ...]:
    """The refs of the snapshot index to document (none without one), its problems
    warned about."""
    where = settings.snapshot_index
    if where is None:
        return ()
    location = config_location(app, "spackcache_snapshot_index")
    text = os.fspath(where)
    if is_url(text):
        cache_root = fetch_folder(base, Path(app.doctreedir), settings.fetch_cache)
        fresh = bool(getattr(app, "fresh_env_used", getattr(app, "_fresh_env_used", False)))
        path, problem = fetch_file(
            text,
            cache_folder(cache_root, text),
            timeout=settings.fetch_timeout,
            max_age=0 if fresh else settings.fetch_max_age,
            limit=MAX_SNAPSHOT_INDEX,
        )
        if problem:
            warn(f"spackcache_snapshot_index: {problem}", SpackCacheWarning.CONFIG, location)
        if path is None:
            return ()
    else:
        path = base / text
    try:
        raw = read_regular(path, MAX_SNAPSHOT_INDEX)
    except OSError as exc:
        message = f"spackcache_snapshot_index: cannot read {path}: {exc.strerror or exc}"
        warn(message, SpackCacheWarning.CONFIG, location)
        return ()
    try:
        refs, problems = read_snapshot_index(
            raw, str(path), settings.buckets, settings.snapshot_refs
        )
    except RecordError as exc:
        warn(exc.problem.message, SpackCacheWarning.CONFIG, exc.problem.location)
        return ()
    for skipped in collapse(list(problems)):
        warn(skipped.message, SpackCacheWarning.CONFIG, skipped.location)
    if not refs:
        patterns = ", ".join(map(repr, settings.snapshot_refs)) or "none"
        message = f"spackcache_snapshot_index: no ref matches spackcache_snapshot_refs ({patterns})"
        warn(message, SpackCacheWarning.CONFIG, location)
    return refs


def _fetch_stacks(
    app: Sphinx,
    settings: SpackCacheConfig,
    base: Path,
    stacks: Mapping[str, Mapping[str, str]],
    remotes: dict[str, dict[str, str]],
) -> dict[str, dict[str, str]]:
    """The local folder of each stack of each snapshot of one mirror per stack (a URL
    fetched into a copy; a stack that cannot be fetched, with no copy, is left out
    after a warning; a snapshot with no stack left, too); the mirror of each stack
    fetched goes in *remotes* (a blob's mirror is the URL before ``blobs/``)."""
    jobs = [(name, label, where) for name, by in stacks.items() for label, where in by.items()]
    urls = [job for job in jobs if is_url(job[2])]
    cache_root = fetch_folder(base, Path(app.doctreedir), settings.fetch_cache)
    fresh = bool(getattr(app, "fresh_env_used", getattr(app, "_fresh_env_used", False)))
    folders: dict[tuple[str, str], str] = {(n, label): w for n, label, w in jobs if not is_url(w)}
    for name, label, url in status_iterator(
        urls,
        "checking Spack stack mirrors... ",
        "purple",
        len(urls),
        app.verbosity,
        stringify_func=lambda job: f"{job[0]}/{job[1]}",
    ):
        result = fetch_stack(
            url,
            cache_root,
            timeout=settings.fetch_timeout,
            max_age=0 if fresh else settings.fetch_max_age,
        )
        if result.problem:
            what = (
                "spackcache_snapshot_index"
                if name not in settings.mirrors
                else "spackcache_mirrors"
            )
            warn(
                f"{what}: {name!r}, stack {label!r}: {result.problem}",
                SpackCacheWarning.CONFIG,
                config_location(app, what),
            )
        if result.folder is not None:
            folders[(name, label)] = str(result.folder)
            checksum = blob_checksum(url)
            mirror = (
                url[: len(url) - len(f"blobs/sha256/{checksum[:2]}/{checksum}")]
                if checksum
                else url
            )
            remotes.setdefault(name, {})[label] = mirror
    stacked: dict[str, dict[str, str]] = {}
    for name, label, _ in jobs:  # in the order of the stacks
        if (name, label) in folders:
            stacked.setdefault(name, {})[label] = folders[(name, label)]
    return stacked


def setup_sources(app: Sphinx) -> None:
    """Find the sources when the build starts (call it right after
    :func:`~sphinx_spackcache.config.setup_config`, so that the values are checked
    first)."""
    app.connect("config-inited", _exclude_records)
    app.connect("builder-inited", _find_sources)
