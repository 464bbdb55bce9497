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

from .urls import is_url

__all__ = ["fetch_folder", "folders_to_exclude", "mirror_folders", "mirror_urls", "record_folder"]


def record_folder(base: Path, path: str | os.PathLike[str]) -> Path:
    """The record folder *path* (``spackcache_path``), relative to *base*, resolved."""
    return Path(base, os.fspath(path)).resolve()


def mirror_folders(base: Path, mirrors: Mapping[str, str | os.PathLike[str]]) -> dict[str, str]:
    """The mirrors given as folders (relative to *base*), each resolved."""
    return {
        name: str((base / os.fspath(folder)).resolve())
        for name, folder in mirrors.items()
        if not is_url(os.fspath(folder))
    }


def mirror_urls(mirrors: Mapping[str, str | os.PathLike[str]]) -> dict[str, str]:
    """The mirrors given as URLs: http(s) (fetched by :mod:`.fetch`) and OCI registries
    (``oci://``, fetched by :mod:`.oci`)."""
    return {name: os.fspath(f) for name, f in mirrors.items() if is_url(os.fspath(f))}


def fetch_folder(base: Path, doctreedir: Path, setting: str | os.PathLike[str] | None) -> Path:
    """Where the indexes of http(s) mirrors are kept (``spackcache_fetch_cache``,
    relative to *base*; ``None``: ``spackcache-mirrors`` in the doctree folder)."""
    return Path(doctreedir, "spackcache-mirrors") if setting is None else base / os.fspath(setting)


def folders_to_exclude(
    srcdir: Path,
    base: Path,
    path: str | os.PathLike[str],
    mirrors: Mapping[str, str | os.PathLike[str]],
) -> list[str]:
    """The ``exclude_patterns`` that keep Sphinx from reading records as pages: the record
    folder *path* and the mirrors given as folders (relative to *base*), those inside
    *srcdir*, each as written (a symbolic link inside the source folder counts) and as
    resolved, once."""
    srcdir = Path(os.path.normpath(srcdir))
    folders = [path, *(f for f in mirrors.values() if not is_url(os.fspath(f)))]
    patterns: dict[str, None] = {}
    for folder in folders:
        written = Path(os.path.normpath(base / os.fspath(folder)))
        for root, source in ((written, srcdir), (written.resolve(), srcdir.resolve())):
            if root != source and root.is_relative_to(source):
                patterns[root.relative_to(source).as_posix()] = None
    return list(patterns)
