"""The ``spackcache_*`` configuration values: declared once, typed, validated at start-up.

:data:`CONFIG_VALUES` is the single list; :func:`setup_config` registers it with Sphinx and
the configuration reference in the documentation is generated from it. The rest of the
package reads the values through :func:`spackcache_config`, one frozen
:class:`SpackCacheConfig` with a typed field per value, never ``config.spackcache_*``.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from .sources.snapshot_index import bucket_problem
from .sources.store import is_valid_name
from .sources.urls import (
    DEFAULT_MIRROR_URL,
    DEFAULT_PACKAGE_URL,
    Mirrors,
    location_problem,
    template_problem,
)
from .warnings_ import SpackCacheWarning, warn

__all__ = [
    "CONFIG_VALUES",
    "ConfigValue",
    "SpackCacheConfig",
    "config_location",
    "setup_config",
    "spackcache_config",
]


@dataclass(frozen=True, slots=True)
class ConfigValue:
    """One configuration value of the extension."""

    name: str
    default: Any
    #: What Sphinx rebuilds when the value changes.
    rebuild: Literal["env", "html", ""]
    types: tuple[type, ...]
    #: What the value means (shown in the configuration reference).
    description: str
    #: The type as a reader should see it.
    type_text: str


CONFIG_VALUES: tuple[ConfigValue, ...] = (
    ConfigValue(
        name="spackcache_path",
        default="_cache",
        rebuild="env",
        types=(str, os.PathLike),
        type_text="str | os.PathLike",
        description=(
            "The folder of snapshots, laid out like cache.spack.io's ``_cache``: "
            "``<tag>/<package>/specs.md``. A relative path is relative to the folder "
            "holding ``conf.py``. A folder inside the source folder is added to "
            "``exclude_patterns``, so records are never read as pages."
        ),
    ),
    ConfigValue(
        name="spackcache_default_tag",
        default=None,
        rebuild="env",
        types=(str, type(None)),
        type_text="str | None",
        description=(
            "The snapshot used by directives that have no ``:tag:`` option. When it is "
            "``None`` and ``spackcache_path`` holds exactly one snapshot, that one is used."
        ),
    ),
    ConfigValue(
        name="spackcache_mirrors",
        default={},
        rebuild="env",
        types=(dict,),
        type_text="dict[str, str | os.PathLike | dict[str, str | os.PathLike]]",
        description=(
            "Spack binary mirrors to document, as ``{name: folder or URL}``: each becomes "
            "a snapshot named *name*, next to those of ``spackcache_path``, holding the "
            "specs of the mirror's index (``build_cache/index.json``, or a v3 mirror's "
            "index manifest; Spack database versions 5 to 8), each in a stack named after "
            "the mirror (and its index views). A relative folder is relative "
            "to the folder holding ``conf.py``; an ``http(s)`` URL, or an OCI registry's "
            "``oci://host/name``, is fetched when the build starts (see "
            "``spackcache_fetch_cache``). A name must be a valid tag, "
            "and must not also be a snapshot of ``spackcache_path``. A snapshot made of "
            "one mirror per stack, as Spack's CI publishes them, is ``{name: {stack: "
            "folder or URL}}``: each spec is in the stacks whose index lists it (v2 and "
            "v3 stack mirrors may mix); its install commands name "
            "``spackcache_mirror_url``'s URL for it."
        ),
    ),
    ConfigValue(
        name="spackcache_snapshot_index",
        default=None,
        rebuild="env",
        types=(str, os.PathLike, type(None)),
        type_text="str | os.PathLike | None",
        description=(
            "The URL or path of a snapshot index, ``cache_spack_io_index.json`` as "
            "binaries.spack.io publishes it (``https://binaries.spack.io/"
            "cache_spack_io_index.json``): ``{ref: [{label, url}, ...]}``, the index of "
            "each stack of each ref. Each ref that ``spackcache_snapshot_refs`` selects "
            "becomes a snapshot named by the ref, made of its stacks' indexes (the "
            "``root`` mirror is not read when the ref has stacks: see "
            ":ref:`snapshot-index`). ``s3://`` URLs are read through "
            "``spackcache_buckets``. A relative path is relative to the folder holding "
            "``conf.py``; a URL is fetched when the build starts, like a mirror's index. "
            "A snapshot of ``spackcache_mirrors`` with the same name wins."
        ),
    ),
    ConfigValue(
        name="spackcache_snapshot_refs",
        default=["develop"],
        rebuild="env",
        types=(list, tuple),
        type_text="list[str]",
        description=(
            "The refs of ``spackcache_snapshot_index`` to document, as shell patterns "
            "(``fnmatch``: ``develop-2026-11-*``, ``v1.*``; ``*`` for every ref). The live "
            "index has hundreds of refs of some thirty stacks each, and each stack is an "
            "index to fetch: the default, ``develop`` only, fetches about thirty."
        ),
    ),
    ConfigValue(
        name="spackcache_buckets",
        default={"spack-binaries": "https://binaries.spack.io/"},
        rebuild="env",
        types=(dict,),
        type_text="dict[str, str]",
        description=(
            "Where the ``s3://<bucket>/`` URLs of a snapshot index are read from over "
            "https, as ``{bucket: base URL}``: ``s3://<bucket>/<key>`` is read from "
            "``<base URL><key>``. An ``http(s)`` URL in the index is read as it is; any "
            "other URL (another bucket, another scheme) is left out with a warning."
        ),
    ),
    ConfigValue(
        name="spackcache_fetch_cache",
        default=None,
        rebuild="",
        types=(str, os.PathLike, type(None)),
        type_text="str | os.PathLike | None",
        description=(
            "Where the indexes of ``http(s)`` mirrors are kept between builds (relative "
            "to the folder holding ``conf.py``); ``None``: ``spackcache-mirrors`` in the "
            "doctree folder. Each copy is in ``mirrors/<key>``, *key* a short SHA-256 of "
            "the mirror's URL (a mirror given another URL starts afresh); ``verdicts/`` "
            "remembers index blobs too large to inflate. A copy is used only when it "
            "matches the checksum it was fetched with, is revalidated with the mirror's "
            "``index.json.hash`` or, in the v3 layout, its index manifest (one small "
            "request) and fetched again only when the mirror changed; when the mirror "
            "cannot be reached, the copy is used, with a warning. ``manifests/`` keeps "
            "the spec manifests fetched for sizes (``spackcache_fetch_sizes``)."
        ),
    ),
    ConfigValue(
        name="spackcache_fetch_timeout",
        default=10,
        rebuild="",
        types=(int, float),
        type_text="int | float",
        description=(
            "Seconds a build waits for a mirror at the most: one deadline for all the "
            "requests of one check (connecting, the headers and the body of each), not "
            "for each read, so that a server that sends a byte a second is given up on "
            "in time too. Raise it for a large index over a slow link."
        ),
    ),
    ConfigValue(
        name="spackcache_fetch_max_age",
        default=600,
        rebuild="",
        types=(int, float),
        type_text="int | float",
        description=(
            "Seconds after a mirror was checked during which a build does not ask it "
            "again (so that rebuilding while writing costs no request); ``0`` checks on "
            "every build, as does a build from a fresh environment (``-E``)."
        ),
    ),
    ConfigValue(
        name="spackcache_fetch_sizes",
        default=True,
        rebuild="env",
        types=(bool,),
        type_text="bool",
        description=(
            "Whether the spec manifests of a v3 mirror over ``http(s)`` are fetched for "
            "the binaries a page shows (and those they bring with them), for their sizes "
            "and SHA-256: one request per binary the first time, 16 at a time, then kept "
            "in the fetch cache. ``False``: no such request, and no size for those "
            "binaries (a mirror in a folder has its sizes either way)."
        ),
    ),
    ConfigValue(
        name="spackcache_mirror_url",
        default=DEFAULT_MIRROR_URL,
        rebuild="env",
        types=(str, dict),
        type_text="str | dict[str, str]",
        description=(
            "Where readers get a snapshot's binaries, for the install commands "
            "(``cache-install``, ``cache-package :install:``): a template in which "
            "``{tag}`` is the snapshot, for the snapshots of ``spackcache_path``; or a "
            'dict of URLs by snapshot name, with the template under ``"*"``. A mirror '
            "of ``spackcache_mirrors`` is given by its own URL (or folder), and a ref of "
            "``spackcache_snapshot_index`` by its root mirror's URL, unless the dict "
            "names it; a snapshot of one mirror per stack by the dict or the template. "
            "With the default template, a snapshot whose records' tarball URLs name "
            "one mirror is installed from it, and any other from its folder of "
            "binaries.spack.io (``releases/vX.Y`` for cache.spack.io's ``vX.Y`` "
            "snapshots): see the *Install commands* page."
        ),
    ),
    ConfigValue(
        name="spackcache_package_url",
        default=DEFAULT_PACKAGE_URL,
        rebuild="env",
        types=(str,),
        type_text="str",
        description=(
            "The page of a package's recipe, linked from each ``cache-package``: a "
            'template in which ``{package}`` is the package\'s name; ``""`` links nothing.'
        ),
    ),
    ConfigValue(
        name="spackcache_export",
        default=True,
        rebuild="html",
        types=(bool,),
        type_text="bool",
        description=(
            "Whether HTML builds write, beside the pages, each shown package's specs as "
            "JSON and CSV (``_spackcache/<tag>/<package>.json`` and ``.csv``) and each "
            "listed snapshot's as JSON (``_spackcache/<tag>.json``), linked from the "
            "pages, and whether HTML tables offer their shown rows as a CSV download. "
            "Files are written with their pages, and only when their bytes change."
        ),
    ),
    ConfigValue(
        name="spackcache_history",
        default=False,
        rebuild="env",
        types=(bool,),
        type_text="bool",
        description=(
            "Whether the pages ``cache-index :toctree:`` generates end with a section "
            '"Changes since <previous snapshot>": a ``cache-diff`` of the package from '
            "the snapshot before the listed one (of the same kind: a release before a "
            "release, a develop snapshot before a develop snapshot; see "
            ":doc:`history` for the order), when there is one."
        ),
    ),
    ConfigValue(
        name="spackcache_also_in",
        default=False,
        rebuild="env",
        types=(bool,),
        type_text="bool",
        description=(
            "Whether the pages ``cache-index :toctree:`` generates show their spec tables "
            "with ``:also-in:``: a column naming, for each spec, the other snapshots that "
            "hold the same binary, linked to the package's pages there. Each page then "
            "reads its package in every snapshot."
        ),
    ),
    ConfigValue(
        name="spackcache_generate",
        default=True,
        rebuild="env",
        types=(bool,),
        type_text="bool",
        description=(
            "Whether ``cache-index`` directives with ``:toctree:`` write one page per listed "
            "package when the build starts (pages are rewritten only when their text "
            "changes, and removed when their package is no longer listed)."
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class SpackCacheConfig:
    """The ``spackcache_*`` values of a build, checked, each under its name without the
    prefix (``spackcache_default_tag`` is :attr:`default_tag`): what every module reads
    (through :func:`spackcache_config`), so that a value's type is written once."""

    #: ``spackcache_path``: the record folder, as written (relative to ``conf.py``).
    path: str | os.PathLike[str]
    #: ``spackcache_default_tag``.
    default_tag: str | None
    #: ``spackcache_mirrors``: name -> folder or URL (or stack -> folder or URL), as
    #: written (the usable ones).
    mirrors: Mirrors
    #: ``spackcache_snapshot_index``: a URL or path, as written.
    snapshot_index: str | os.PathLike[str] | None
    #: ``spackcache_snapshot_refs``: shell patterns.
    snapshot_refs: tuple[str, ...]
    #: ``spackcache_buckets``: bucket -> base URL (the usable ones).
    buckets: Mapping[str, str]
    #: ``spackcache_fetch_cache``.
    fetch_cache: str | os.PathLike[str] | None
    #: ``spackcache_fetch_timeout``, in seconds.
    fetch_timeout: float
    #: ``spackcache_fetch_max_age``, in seconds.
    fetch_max_age: float
    #: ``spackcache_fetch_sizes``.
    fetch_sizes: bool
    #: ``spackcache_mirror_url``: a template, or templates by snapshot (``"*"``: others).
    mirror_url: str | Mapping[str, str]
    #: ``spackcache_package_url``: a template (``""``: no link).
    package_url: str
    #: ``spackcache_export``.
    export: bool
    #: ``spackcache_history``.
    history: bool
    #: ``spackcache_also_in``.
    also_in: bool
    #: ``spackcache_generate``.
    generate: bool


#: The values read from each configuration object (weakly: a build's ``Config`` lives as
#: long as its application). Nothing of it is in the environment, which is pickled
#: between builds and sent to ``-j`` workers: it is read again from the ``Config``.
_READ: weakref.WeakKeyDictionary[Config, SpackCacheConfig] = weakref.WeakKeyDictionary()


def spackcache_config(holder: Sphinx | BuildEnvironment) -> SpackCacheConfig:
    """The ``spackcache_*`` values of the build of *holder* (an application or its
    environment), as :func:`setup_config` checked them at ``config-inited``: read once
    per configuration object, so call it only after that event."""
    config = holder.config
    found = _READ.get(config)
    if found is None:
        mirror_url = config.spackcache_mirror_url
        found = SpackCacheConfig(
            path=config.spackcache_path,
            default_tag=config.spackcache_default_tag,
            mirrors=dict(config.spackcache_mirrors),
            snapshot_index=config.spackcache_snapshot_index,
            snapshot_refs=tuple(config.spackcache_snapshot_refs),
            buckets=dict(config.spackcache_buckets),
            fetch_cache=config.spackcache_fetch_cache,
            fetch_timeout=float(config.spackcache_fetch_timeout),
            fetch_max_age=float(config.spackcache_fetch_max_age),
            fetch_sizes=bool(config.spackcache_fetch_sizes),
            mirror_url=dict(mirror_url) if isinstance(mirror_url, dict) else mirror_url,
            package_url=config.spackcache_package_url,
            export=bool(config.spackcache_export),
            history=bool(config.spackcache_history),
            also_in=bool(config.spackcache_also_in),
            generate=bool(config.spackcache_generate),
        )
        _READ[config] = found
    return found


def setup_config(app: Sphinx) -> None:
    """Register the configuration values and their checks."""
    for value in CONFIG_VALUES:
        app.add_config_value(
            value.name,
            value.default,
            value.rebuild,
            types=value.types,
            description=value.description,
        )
    app.connect("config-inited", _validate_config)


def config_location(app: Sphinx, name: str) -> str:
    """``conf.py:line`` of the assignment to *name* (line 1 if it is set elsewhere)."""
    path = Path(app.confdir, "conf.py")
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    assignment = re.compile(rf"\s*{re.escape(name)}\s*[:=]")
    line = next((n for n, text in enumerate(lines, start=1) if assignment.match(text)), 1)
    return f"{path}:{line}"


def _validate_config(app: Sphinx, config: Config) -> None:
    """Warn about (and reset to default) values of the wrong type."""
    for value in CONFIG_VALUES:
        current = getattr(config, value.name)
        if not isinstance(current, value.types):
            warn(
                f"{value.name} must be {value.type_text}, not {type(current).__name__} "
                f"({current!r}); using the default {value.default!r}",
                SpackCacheWarning.CONFIG,
                config_location(app, value.name),
            )
            setattr(config, value.name, value.default)
    tag = config.spackcache_default_tag
    if isinstance(tag, str) and not tag.strip():
        warn(
            "spackcache_default_tag is empty; using None",
            SpackCacheWarning.CONFIG,
            config_location(app, "spackcache_default_tag"),
        )
        config.spackcache_default_tag = None
    _check_mirrors(app, config)
    _check_snapshot_index(app, config)
    _check_templates(app, config)


def _location_problem(name: object, folder: object, what: str) -> str | None:
    """Why *name* and *folder* cannot be a mirror's (*what*: "snapshot" or "stack")."""
    if not isinstance(name, str) or not is_valid_name(name):
        return f"{name!r} is not a valid {what} name (letters, digits and _.+- only)"
    if not isinstance(folder, str | os.PathLike):
        return f"the folder of {name!r} must be a str or os.PathLike, not {folder!r}"
    if (reason := location_problem(folder)) is not None:
        return f"the folder or URL of {name!r}, {reason}"
    return None


def _check_mirrors(app: Sphinx, config: Config) -> None:
    """Keep the mirrors with a usable name and folder, and of a snapshot of one mirror
    per stack the stacks with a usable name and folder (warn about the others)."""
    kept: dict[str, str | os.PathLike[str] | dict[str, str | os.PathLike[str]]] = {}
    problems: list[str] = []
    for name, folder in config.spackcache_mirrors.items():
        if not isinstance(folder, Mapping):
            problem = _location_problem(name, folder, "snapshot")
            if problem is None:
                kept[name] = folder
            else:
                problems.append(f"{problem}; skipped")
            continue
        if (problem := _location_problem(name, "", "snapshot")) is not None:
            problems.append(f"{problem}; skipped")
            continue
        stacks = {}
        for label, where in folder.items():
            problem = _location_problem(label, where, "stack")
            if problem is None:
                stacks[label] = where
            else:
                problems.append(f"{name!r}: {problem}; the stack is skipped")
        if stacks:
            kept[name] = stacks
        else:
            problems.append(f"{name!r} has no usable stack; skipped")
    for problem in problems:
        warn(
            f"spackcache_mirrors: {problem}",
            SpackCacheWarning.CONFIG,
            config_location(app, "spackcache_mirrors"),
        )
    config.spackcache_mirrors = kept


def _check_snapshot_index(app: Sphinx, config: Config) -> None:
    """Keep the usable refs patterns and buckets, and a usable index location (warn
    about the others)."""
    index = config.spackcache_snapshot_index
    if index is not None and (reason := location_problem(index)) is not None:
        warn(
            f"spackcache_snapshot_index: {reason}; no snapshot index is read",
            SpackCacheWarning.CONFIG,
            config_location(app, "spackcache_snapshot_index"),
        )
        config.spackcache_snapshot_index = None
    refs = []
    for pattern in config.spackcache_snapshot_refs:
        if isinstance(pattern, str) and pattern and location_problem(pattern) is None:
            refs.append(pattern)
        else:
            warn(
                f"spackcache_snapshot_refs: {pattern!r} is not a pattern (a str); skipped",
                SpackCacheWarning.CONFIG,
                config_location(app, "spackcache_snapshot_refs"),
            )
    config.spackcache_snapshot_refs = refs
    buckets = {}
    for bucket, base in config.spackcache_buckets.items():
        problem = bucket_problem(bucket, base)
        if problem is None:
            buckets[bucket] = base
        else:
            warn(
                f"spackcache_buckets: {problem}; skipped",
                SpackCacheWarning.CONFIG,
                config_location(app, "spackcache_buckets"),
            )
    config.spackcache_buckets = buckets


def _check_templates(app: Sphinx, config: Config) -> None:
    """Drop the URL templates that cannot be filled (after a warning): a bad template
    becomes the default, a bad entry of a dict goes."""
    checks = (
        ("spackcache_package_url", DEFAULT_PACKAGE_URL, "package"),
        ("spackcache_mirror_url", DEFAULT_MIRROR_URL, "tag"),
    )
    for name, default, field in checks:
        value = getattr(config, name)
        templates = dict(value) if isinstance(value, dict) else {"": value}
        for key, template in list(templates.items()):
            problem = template_problem(template, field)
            if problem is None:
                continue
            where = f"[{key!r}]" if key else ""
            instead = "it is left out" if key else f"using the default {default!r}"
            warn(
                f"{name}{where}: {problem}; {instead}",
                SpackCacheWarning.CONFIG,
                config_location(app, name),
            )
            del templates[key]
        if isinstance(value, dict):
            setattr(config, name, templates)
        elif not templates:
            setattr(config, name, default)
