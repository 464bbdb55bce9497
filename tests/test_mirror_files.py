"""Hostile files in a mirror's folder (issue 22, items 1 and 6): a FIFO, a device, a
folder or a socket where an index, a manifest or a blob should be is refused without
being waited on; a gzip bomb is given up at the limit, and the verdict is kept so that
it is not inflated again."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import socket
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.problems import RecordError
from sphinx_spackcache.sources import mirror
from sphinx_spackcache.sources.mirror import MirrorSource, clear_mirror_cache

from .conftest import MIRRORS

MANIFEST = Path("v3/manifests/index/index.manifest.json")
VIEW = Path("v3/manifests/index/libs/index.manifest.json")
INDEX = Path("build_cache/index.json")


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    clear_mirror_cache()
    yield
    clear_mirror_cache()


def blob_of(root: Path, manifest: Path = MANIFEST) -> Path:
    """The blob the manifest names (read with json, not with the code under test)."""
    checksum = str(json.loads((root / manifest).read_text())["data"][0]["checksum"])
    return root / "blobs" / "sha256" / checksum[:2] / checksum


def within(seconds: float, call: Callable[[], object], fifo: Path | None = None) -> object:
    """What *call* gives, which must come within *seconds*: else the test fails (and
    a reader blocked on *fifo* is let go by opening its other end)."""
    outcome: list[object] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # raised again below
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if fifo is not None:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # EOF for the reader
        thread.join(seconds)
        pytest.fail(f"still reading after {seconds} s")
    if raised:
        raise raised[0]
    return outcome[0]


def make_special(path: Path, kind: str, tmp_path: Path) -> None:
    """Put a file of *kind* at *path* (replacing what is there)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "char device":
        path.symlink_to("/dev/null")  # read whole it is empty: the old reader said "JSON"
    elif kind == "folder":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the file stays, nobody listens


KINDS = {"fifo": "a FIFO", "char device": "a character device", "folder": "a folder"}


@pytest.mark.parametrize("kind", [*KINDS, "socket"])
def test_read_regular_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    from sphinx_spackcache.sources.files import read_regular

    path = tmp_path / "x"
    make_special(path, kind, tmp_path)
    with pytest.raises(OSError, match=f"it is {KINDS.get(kind, 'a socket')}, not a regular file"):
        within(3, lambda: read_regular(path), path if kind == "fifo" else None)


def test_read_regular_keeps_to_its_limit(tmp_path: Path) -> None:
    from sphinx_spackcache.sources.files import read_regular

    path = tmp_path / "x"
    path.write_bytes(b"12345")
    assert read_regular(path, 5) == b"12345"
    with pytest.raises(OSError, match="more than 4 bytes"):
        read_regular(path, 4)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("layout", "where"),
    [("v2", INDEX), ("v3", MANIFEST), ("v3", "blob")],
)
def test_a_special_file_as_the_index_is_a_record_error(
    tmp_path: Path, kind: str, layout: str, where: Path | str
) -> None:
    root = tmp_path / "m"
    shutil.copytree(MIRRORS / ("spack-v2-test" if layout == "v2" else "spack-v3-test"), root)
    path = blob_of(root) if where == "blob" else root / where
    make_special(path, kind, tmp_path)
    source = MirrorSource("m", root)
    fifo = path if kind == "fifo" else None
    snapshot = within(3, lambda: source.load_snapshot("m"), fifo)
    assert snapshot.records == ()  # type: ignore[attr-defined]
    (error,) = snapshot.errors  # type: ignore[attr-defined]
    assert f"it is {KINDS[kind]}, not a regular file" in error.problem.message
    assert within(3, lambda: source.packages("m"), fifo) == ()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", ["view", "view blob", "spec manifest"])
def test_a_special_file_beside_the_index_is_left_out(tmp_path: Path, kind: str, where: str) -> None:
    """A v3 view or a spec manifest that is not a regular file is left out like a broken
    one; the index is read."""
    root = tmp_path / "m"
    shutil.copytree(MIRRORS / "spack-v3-test", root)
    specs = root / "v3" / "manifests" / "spec" / "libelf"
    path = {
        "view": root / VIEW,
        "view blob": blob_of(root, VIEW),
        "spec manifest": next(specs.glob("*.spec.manifest.json")),
    }[where]
    make_special(path, kind, tmp_path)
    source = MirrorSource("m", root)
    packages = within(3, lambda: source.packages("m"), path if kind == "fifo" else None)
    assert packages == ("compiler-wrapper", "gcc-runtime", "libdwarf", "libelf")


# -- gzip bombs ----------------------------------------------------------------------


def gzipped_mirror(
    tmp_path: Path, payload: bytes, *, trailer: bytes | None = None, raw: bytes | None = None
) -> Path:
    """A v3 mirror whose index blob is *payload* gzipped (its gzip trailer's size field
    replaced by *trailer*), or *raw*, said to be gzipped by a manifest written here."""
    root = tmp_path / "bomb"
    shutil.copytree(MIRRORS / "spack-v3-test", root)
    data = gzip.compress(payload, compresslevel=9) if raw is None else raw
    if trailer is not None:
        data = data[:-4] + trailer
    checksum = hashlib.sha256(data).hexdigest()
    blob = root / "blobs" / "sha256" / checksum[:2] / checksum
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    manifest = json.loads((root / MANIFEST).read_text())
    manifest["data"][0].update(checksum=checksum, compression="gzip", contentLength=len(data))
    (root / MANIFEST).write_text(json.dumps(manifest))
    return root


def test_a_gzipped_index_is_read(tmp_path: Path) -> None:
    index = (MIRRORS / "spack-v2-test" / INDEX).read_bytes()
    root = gzipped_mirror(tmp_path, index)
    assert MirrorSource("m", root).packages("m") == (
        "compiler-wrapper",
        "gcc-runtime",
        "libdwarf",
        "libelf",
    )


@pytest.mark.parametrize(
    "trailer",
    [
        None,
        b"\0\0\0\0",  # the trailer lies (or a size over 4 GiB wrapped)
    ],
)
def test_a_gzip_bomb_is_inflated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trailer: bytes | None
) -> None:
    limit = 256 * 1024
    monkeypatch.setattr(mirror, "MAX_INDEX", limit)
    root = gzipped_mirror(tmp_path, b"\0" * (8 * limit), trailer=trailer)
    verdicts = tmp_path / "fetch-cache" / "verdicts"

    with pytest.raises(RecordError, match="more than 262,144 bytes when inflated") as first:
        MirrorSource("m", root, verdicts).database()
    assert "remembered" not in first.value.problem.message
    (kept,) = verdicts.iterdir()

    # the next build (a new process: nothing parsed) does not inflate it again
    clear_mirror_cache()
    inflated: list[int] = []
    real = mirror._inflate

    def counting(data: bytes, limit: int) -> bytes:
        inflated.append(len(data))
        return real(data, limit)

    monkeypatch.setattr(mirror, "_inflate", counting)
    with pytest.raises(RecordError, match="more than 262,144 bytes when inflated") as second:
        MirrorSource("m", root, verdicts).database()
    assert inflated == []
    assert f"remembered from an earlier build: {kept}" in second.value.problem.message

    # without a place for verdicts (a mirror read by itself) it is inflated each time
    clear_mirror_cache()
    with pytest.raises(RecordError, match="when inflated"):
        MirrorSource("m", root).database()
    assert len(inflated) == 1


def test_a_verdict_is_kept_for_that_blob_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict is named by the blob's checksum: the mirror's next, good index is read."""
    monkeypatch.setattr(mirror, "MAX_INDEX", 64 * 1024)
    verdicts = tmp_path / "verdicts"
    root = gzipped_mirror(tmp_path, b"\0" * (1024 * 1024), trailer=b"\0\0\0\0")
    with pytest.raises(RecordError):
        MirrorSource("m", root, verdicts).database()
    shutil.rmtree(root)
    clear_mirror_cache()
    index = (MIRRORS / "spack-v2-test" / INDEX).read_bytes()
    good = gzipped_mirror(tmp_path, index)
    assert "libelf" in MirrorSource("m", good, verdicts).packages("m")


def test_inflating_a_bomb_holds_no_more_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """64 MiB of zeros (64 kB gzipped, its trailer lying) against a limit of 4 MiB: the
    memory taken stays near the limit (the inflated bytes are never all held; reading
    with GzipFile.read(limit + 1) took three times the limit)."""
    limit = 4 * 1024**2
    monkeypatch.setattr(mirror, "MAX_INDEX", limit)
    root = gzipped_mirror(tmp_path, b"\0" * (64 * 1024**2), trailer=b"\0\0\0\0")
    tracemalloc.start()
    try:
        with pytest.raises(RecordError, match="when inflated"):
            MirrorSource("m", root).database()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * limit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not gzip at all", "not gzip data"),
        # cut short (mtime=0: the test id holds the bytes, and pytest-xdist's workers
        # must collect the same ids)
        (gzip.compress(b'{"database": {}}', mtime=0)[:-10], "not gzip data"),
        (b"", "not gzip data"),
    ],
    ids=["not-gzip", "cut-short", "empty"],
)
def test_a_blob_that_is_not_gzip_is_a_record_error(
    tmp_path: Path, data: bytes, message: str
) -> None:
    root = gzipped_mirror(tmp_path, b"", raw=data)
    with pytest.raises(RecordError, match=message):
        MirrorSource("m", root, tmp_path / "verdicts").database()
    assert not (tmp_path / "verdicts").exists()  # only a bomb's verdict is kept


def test_two_gzip_members_are_one_index(tmp_path: Path) -> None:
    index = (MIRRORS / "spack-v2-test" / INDEX).read_bytes()
    root = gzipped_mirror(
        tmp_path, b"", raw=gzip.compress(index[:100]) + gzip.compress(index[100:])
    )
    assert "libdwarf" in MirrorSource("m", root).packages("m")


@pytest.mark.parametrize("kind", KINDS)
def test_a_special_file_as_a_record_is_a_record_error(tmp_path: Path, kind: str) -> None:
    """The same check for records: listing a snapshot skipped a FIFO (is_file), but
    loading the whole snapshot opened it and waited for a writer."""
    from sphinx_spackcache.sources.store import CacheStore, clear_cache

    path = tmp_path / "t" / "pkg" / "specs.md"
    make_special(path, kind, tmp_path)
    clear_cache()
    fifo = path if kind == "fifo" else None
    snapshot: Any = within(3, lambda: CacheStore(tmp_path).load_snapshot("t"), fifo)
    (error,) = snapshot.errors
    assert f"it is {KINDS[kind]}, not a regular file" in error.problem.message


# -- settled sources ------------------------------------------------------------------


def test_a_settled_mirror_finds_its_index_once(tmp_path: Path) -> None:
    """A build's mirrors are settled (fetched when it starts, they do not change while it
    runs): their index is found and checked once. Unsettled (the CLI, a long-running
    process), a mirror follows its folder: here a v2 mirror given a v3 index."""
    root = tmp_path / "m"
    shutil.copytree(MIRRORS / "spack-v2-test", root)
    settled, unsettled = MirrorSource("m", root, settled=True), MirrorSource("m", root)
    assert settled.index_path == unsettled.index_path == root / INDEX
    before = settled.database()
    assert unsettled.database() is before  # parsed once in the process, by file
    shutil.copytree(MIRRORS / "spack-v3-test" / "v3", root / "v3")
    shutil.copytree(MIRRORS / "spack-v3-test" / "blobs", root / "blobs")
    assert settled.index_path == root / INDEX
    assert settled.database() is before
    assert unsettled.index_path == root / MANIFEST
    assert unsettled.database() is not before  # the v3 index, parsed
