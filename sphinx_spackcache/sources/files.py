"""Writing files so that no reader sees half of one: generated pages, fetched mirror
indexes, exports and the script's CPU data are all written here.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically", "write_if_changed"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write *path* (and its folder) so that a reader (another ``sphinx-build`` on the
    same sources, say, or another ``-j`` worker) sees the old bytes or the new, never
    half of them: they go to a hidden temporary file beside it, which then replaces it.
    (Replacing a symbolic link replaces the link, not the file it points to.)"""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write *path* atomically unless it already holds *data*; whether it was written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True
