"""Where the sources of a build are on this machine: ``spackcache_path`` and the mirrors
of ``spackcache_mirrors`` given as folders, resolved against the folder holding
``conf.py``; the mirrors given as http(s) or OCI URLs (fetched into local copies, see
:mod:`.fetch` and :mod:`.oci`, kept in :func:`fetch_folder`); and the folders inside
the source folder, which Sphinx must not read as pages (:func:`folders_to_exclude`).
Nothing here imports Sphinx.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .urls import Location, Mirrors, is_url

__all__ = [
    "fetch_folder",
    "folders_to_exclude",
    "mirror_folders",
    "mirror_urls",
    "record_folder",
    "stacked_mirrors",
]


def record_folder(base: Path, path: str | os.PathLike[str]) -> Path:
    """The record folder *path* (``spackcache_path``), relative to *base*, resolved."""
    return Path(base, os.fspath(path)).resolve()


def _single(mirrors: Mirrors) -> dict[str, str]:
    """The mirrors of one mirror each (not those of one mirror per stack), as text."""
    return {
        name: os.fspath(location)
        for name, location in mirrors.items()
        if not isinstance(location, Mapping)
    }


def mirror_folders(base: Path, mirrors: Mirrors) -> dict[str, str]:
    """The mirrors given as folders (relative to *base*), each resolved (those of one
    mirror per stack: see :func:`stacked_mirrors`)."""
    return {
        name: str((base / folder).resolve())
        for name, folder in _single(mirrors).items()
        if not is_url(folder)
    }


def mirror_urls(mirrors: Mirrors) -> dict[str, str]:
    """The mirrors given as URLs: http(s) (fetched by :mod:`.fetch`) and OCI registries
    (``oci://``, fetched by :mod:`.oci`); those of one mirror per stack: see
    :func:`stacked_mirrors`."""
    return {name: url for name, url in _single(mirrors).items() if is_url(url)}


def stacked_mirrors(base: Path, mirrors: Mirrors) -> dict[str, dict[str, str]]:
    """The snapshots of one mirror per stack: name -> stack -> the stack mirror's
    http(s) URL, or its folder (relative to *base*) resolved."""
    return {
        name: {
            label: os.fspath(where) if is_url(os.fspath(where)) else _resolved(base, where)
            for label, where in stacks.items()
        }
        for name, stacks in mirrors.items()
        if isinstance(stacks, Mapping)
    }


def _resolved(base: Path, folder: Location) -> str:
    return str((base / os.fspath(folder)).resolve())


def fetch_folder(base: Path, doctreedir: Path, setting: str | os.PathLike[str] | None) -> Path:
    """Where the indexes of http(s) mirrors are kept (``spackcache_fetch_cache``,
    relative to *base*; ``None``: ``spackcache-mirrors`` in the doctree folder)."""
    return Path(doctreedir, "spackcache-mirrors") if setting is None else base / os.fspath(setting)


def folders_to_exclude(
    srcdir: Path,
    base: Path,
    path: str | os.PathLike[str],
    mirrors: Mirrors,
) -> list[str]:
    """The ``exclude_patterns`` that keep Sphinx from reading records as pages: the record
    folder *path* and the mirrors given as folders (relative to *base*), those inside
    *srcdir*, each as written (a symbolic link inside the source folder counts) and as
    resolved, once."""
    srcdir = Path(os.path.normpath(srcdir))
    locations = [
        os.fspath(where)
        for value in mirrors.values()
        for where in (value.values() if isinstance(value, Mapping) else (value,))
    ]
    folders = [path, *(f for f in locations if not is_url(f))]
    patterns: dict[str, None] = {}
    for folder in folders:
        written = Path(os.path.normpath(base / os.fspath(folder)))
        for root, source in ((written, srcdir), (written.resolve(), srcdir.resolve())):
            if root != source and root.is_relative_to(source):
                patterns[root.relative_to(source).as_posix()] = None
    return list(patterns)
