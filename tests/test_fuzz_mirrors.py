"""Property-based fuzzing of the mirror readers (:mod:`sphinx_spackcache.sources.spack_db`
and :mod:`sphinx_spackcache.sources.mirror`), as ``tests/test_fuzz.py`` fuzzes records:
no index, manifest or view, whatever its bytes, makes reading a mirror raise anything but
the documented :class:`~sphinx_spackcache.data.problems.RecordError`, and reading writes
nothing outside the mirror's folder, starts no process and opens no connection.

Mirrors are generated at random (hypothesis) from Spack's own test indexes (databases 8
and 5): values replaced by hostile ones at every level (wrong types, lone surrogates,
control characters, NUL, huge integers, NaN, deep nesting, long strings), keys left out
or added, the database version changed, the bytes cut or written over; v3 mirrors of
such an index as a blob (plain, gzipped, gzip that is not, a checksum that does not
match), its manifest also hostile (clear-signed or not), index views with odd names and
hostile indexes, spec manifests with hostile sizes, and now and then a folder, a link to
nowhere or a link to itself where a file should be. Each mirror is read the way a
build reads it (:class:`~sphinx_spackcache.sources.mirror.MirrorSource`: its packages,
snapshot, every package's record and the dependencies of every spec), and what a page
makes of the specs is made; v3 manifests are also read as a fetch reads them, before it
writes the blob they name into its cache (the blob's path must stay inside).

The runs are derandomised (the same cases on every run) and bounded: 300 v2 and 250 v3
mirrors, some 10 s; 6 Sphinx builds of hostile mirrors (HTML and text) and a check that
the strategies make what this says are marked slow (another 10 s).
``SPACKCACHE_FUZZ=N`` runs N times as many cases, from a new random seed each time.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_spackcache.data.model import Dependency
from sphinx_spackcache.data.problems import Problem, RecordError
from sphinx_spackcache.data.summary import sort_specs, summarise
from sphinx_spackcache.render.spectable import spec_table
from sphinx_spackcache.sources.mirror import (
    DB_MEDIA_TYPE,
    INDEX,
    INDEX_V3,
    MirrorSource,
    blob_path,
    clear_mirror_cache,
    index_record,
    parse_manifest,
)
from sphinx_spackcache.sources.spack_db import read_database

from .conftest import MIRRORS
from .test_fuzz import (
    DEEP,
    FUZZ,
    HUGE,
    MARKUP,
    SCALE,
    _encode,
    _is_utf8,
    _json,
    build_cleanly,
    check_html,
    hostile_value,
)

#: A mirror is many choices (one for each place of its index that may change).
MIRRORS_FUZZ = settings(
    FUZZ, suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.large_base_example]
)
V2 = settings(MIRRORS_FUZZ, max_examples=300 * SCALE)
V3 = settings(MIRRORS_FUZZ, max_examples=250 * SCALE)
BUILDS = settings(MIRRORS_FUZZ, max_examples=6 * SCALE)

#: The seeds: Spack's v2 test index (database 8), and three entries of a database 5.
SEED_8: dict[str, Any] = json.loads((MIRRORS / "spack-v2-test" / INDEX).read_text("utf-8"))
_OLD = json.loads((MIRRORS / "clingo-bootstrap" / INDEX).read_text("utf-8"))
SEED_5: dict[str, Any] = {
    "database": {
        "version": _OLD["database"]["version"],
        "installs": dict(list(_OLD["database"]["installs"].items())[:3]),
    }
}
#: The most digits of a generated tarball size: past a float's range (10**308), as the
#: crash this fuzzer found was (see test_a_tarball_size_past_a_float_is_no_crash).
ROUTED_SIZE_DIGITS = 400
#: The name every generated mirror has (a build's snapshot name).
NAME = "m"

#: Values of the wrong type, for any place.
WRONG_TYPES: list[Any] = [None, True, False, 0, -1, 1.5, "", "x", [], {}, [[]], {"": {}}]
#: One of them, a copy of its own (a list or mapping drawn is changed later).
wrong_type = st.sampled_from(WRONG_TYPES).map(copy.deepcopy)


# -- hostile JSON ----------------------------------------------------------------------


#: Where and how often a file changes is up to a random generator seeded by hypothesis
#: (a generator of its own per file): hypothesis draws small numbers and the ends of
#: ranges far more often than 1 in n, and one example's choices after another's, so
#: that "one place in 30" drawn from it made some kinds of file every time and others
#: never. The values put in are drawn by hypothesis.
dice = st.randoms(use_true_random=True)


def one_in(rng: random.Random, n: int) -> bool:
    """True about once in *n* calls."""
    return rng.randrange(n) == 0


#: Hostile values a JSON reader still reads (the others, NaN, integers past Python's
#: limit and nesting thousands deep, make a whole file unreadable: :func:`mutate` puts
#: them in one file of ten, so that most files get as far as their entries).
readable_text = st.one_of(
    st.text(
        st.one_of(
            st.characters(exclude_categories=["Cs"]),
            st.integers(0, 0x1F).map(chr),  # C0 controls, NUL included
            st.integers(0x7F, 0x9F).map(chr),  # DEL and C1 controls
            st.sampled_from("\ufffd\ufeff\u2028\u2029\u202e\u00a0"),
        ),
        max_size=12,
    ),
    st.sampled_from(MARKUP),
    st.integers(100, 20_000).map(lambda n: "x" * n),
)
readable_value = st.one_of(
    readable_text,
    wrong_type,
    st.integers(),
    st.integers(1, 25).map(lambda n: 10**n),  # past 2**64 and a float's exact integers
    st.floats(allow_nan=False, allow_infinity=False),
    st.recursive(
        readable_text | st.integers(), lambda inner: st.lists(inner, max_size=3), max_leaves=4
    ),
    st.dictionaries(readable_text, readable_text | st.integers(), max_size=3),
)


def mutate(
    draw: st.DrawFn, rng: random.Random, value: Any, rate: int, values: Any, depth: int = 0
) -> Any:
    """*value* with about one place in *rate* changed: replaced by one of *values* or a
    value of another type, a key left out, a key added, the rest changed the same way.
    The two outer levels change ten times less often (else few files would have
    entries to read)."""
    here = rate * 10 if depth < 2 else rate
    if one_in(rng, here):
        return draw(values)
    if one_in(rng, here):
        return draw(wrong_type)
    if isinstance(value, dict):
        changed = {}
        for key, item in value.items():
            if not one_in(rng, here):  # else the key is left out
                changed[key] = mutate(draw, rng, item, rate, values, depth + 1)
        if one_in(rng, here):
            changed[draw(readable_text)] = draw(values)
        return changed
    if isinstance(value, list):
        return [mutate(draw, rng, item, rate, values, depth + 1) for item in value]
    return value


def hostile_values(rng: random.Random) -> Any:
    """The values one file's changes draw from: in one file of ten, all the hostile
    values, else the ones a JSON reader reads."""
    return hostile_value if one_in(rng, 10) else readable_value


def serialise(draw: st.DrawFn, rng: random.Random, value: Any) -> bytes:
    """*value* as the bytes of a file: JSON (ASCII or not, lone surrogates as bytes that
    are not UTF-8, huge integers and deep nesting put in), sometimes cut or written over."""
    raw = _encode(_json(value, rng.random() < 0.5))
    change = rng.choice(["none"] * 17 + ["cut", "overwrite", "bytes"])
    if change == "cut":
        raw = raw[: rng.randrange(len(raw) + 1)]
    elif change == "overwrite":
        at = rng.randrange(len(raw) + 1)
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at + 1 :]
    elif change == "bytes":
        raw = draw(st.binary(max_size=200))
    return raw


VERSIONS = st.sampled_from(["5", "6", "7", "8", 8, "9", "", "8\x00", None])


#: How often a place of a file changes (one in ...): most files get as far as their
#: entries, some are hostile everywhere.
RATES = (1000, 1000, 100, 30, 10, 3)


@st.composite
def database(draw: st.DrawFn, rates: tuple[int, ...] = RATES) -> Any:
    """A Spack database, from one of the seeds, with hostile changes."""
    rng = draw(dice)
    seed = SEED_5 if one_in(rng, 4) else SEED_8
    rate = rng.choice(rates)
    value = mutate(draw, rng, seed, rate, hostile_values(rng))
    top = value.get("database") if isinstance(value, dict) else None
    installs = top.get("installs") if isinstance(top, dict) else None
    if isinstance(installs, dict):
        if one_in(rng, 5):
            value["database"]["version"] = draw(VERSIONS)
        if one_in(rng, 5):  # an entry under a key that is not a hash
            entry = rng.choice(list(seed["database"]["installs"].values()))
            installs[draw(readable_text)] = mutate(draw, rng, entry, rate, readable_value, 2)
        if installs and one_in(rng, 4):
            put_extreme(draw, rng, installs)
    return value


#: Values past what a JSON reader reads (NaN, Infinity, an integer of 5,000 digits, lists
#: 5,000 deep), or just short of it (lists 500 and 900 deep).
EXTREMES = st.sampled_from([math.nan, math.inf, HUGE, f"{DEEP}5000", f"{DEEP}500", f"{DEEP}900"])


def put_extreme(draw: st.DrawFn, rng: random.Random, installs: dict[str, Any]) -> None:
    """One of :data:`EXTREMES` in one entry of *installs*: a value of its spec, or the
    entry itself."""
    key = rng.choice(sorted(installs))
    body = installs[key].get("spec") if isinstance(installs[key], dict) else None
    if isinstance(body, dict) and "name" in body:
        place = rng.choice(["version", "arch", "parameters", "compiler", "hash"])
        body[place] = draw(EXTREMES)
    else:
        installs[key] = draw(EXTREMES)


@st.composite
def index_bytes(draw: st.DrawFn, rates: tuple[int, ...] = RATES) -> bytes:
    """The bytes of a v2 index (``build_cache/index.json``)."""
    return serialise(draw, draw(dice), draw(database(rates)))


# -- what a build does with a mirror -----------------------------------------------------


def check_problem(problem: Problem) -> None:
    """A located problem of one line."""
    assert problem.location, problem
    assert "\n" not in problem.message, problem
    assert len(problem.message) < 5000, problem


def read_mirror(root: Path) -> dict[str, int]:
    """Read the mirror at *root* as a build does; what was read, counted."""
    clear_mirror_cache()
    seen = {"specs": 0, "errors": 0, "problems": 0}
    mirror = MirrorSource(NAME, root)
    assert mirror.index_path.parent.is_relative_to(root)
    packages = mirror.packages(NAME)
    mirror.fingerprint(NAME)
    mirror.fingerprint()
    snapshot = mirror.load_snapshot(NAME)
    for error in snapshot.errors:
        check_problem(error.problem)
    snapshot.specs_by_package()
    snapshot.stacks()
    for package in (*packages, "no-such-package"):
        try:
            loaded = mirror.load(NAME, package)
        except RecordError as error:
            check_problem(error.problem)
            seen["errors"] += 1
            continue
        for problem in loaded.problems:
            check_problem(problem)
            seen["problems"] += 1
        specs = sort_specs(loaded.record.specs)
        seen["specs"] += len(specs)
        summarise(specs)
        for spec in specs:
            if loaded.dependencies is not None:
                loaded.dependencies(spec.hash)
        if specs:
            spec_table(specs, title="t").astext()
    return seen


#: Audit events that change files, and which of their arguments name a file changed.
_CHANGES = {
    "os.mkdir": (0,),
    "os.rename": (0, 1),  # also os.replace
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.link": (1,),
    "os.symlink": (1,),  # the link (its target is only named)
    "os.truncate": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "shutil.copyfile": (1,),
    "shutil.rmtree": (0,),
    "tempfile.mkstemp": (0,),
    "tempfile.mkdtemp": (0,),
}
#: Audit events that start a process or use the network: none may happen.
_FORBIDDEN = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.fork",
        "os.posix_spawn",
        "socket.connect",
        "socket.getaddrinfo",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: The folder reading may change, while a reading is watched (else empty).
_allowed: list[Path] = []
#: What a watched reading did that it should not have.
_seen: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _allowed:
        return
    if event in _FORBIDDEN:
        _seen.append(f"{event} {args!r}"[:300])
        return
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        paths = [path] if writes else []
    else:
        paths = [args[i] for i in _CHANGES.get(event, ()) if i < len(args)]
    for path in paths:
        if not isinstance(path, str | bytes | os.PathLike):
            continue  # a file descriptor: opened (and so checked) before
        place = Path(os.fsdecode(path)).absolute()
        # Python itself may write the bytecode of a module imported for the first time
        if not place.is_relative_to(_allowed[0]) and "__pycache__" not in place.parts:
            _seen.append(f"{event} {place}")


sys.addaudithook(_audit)


@contextmanager
def watched(folder: Path) -> Iterator[None]:
    """Note every change of a file outside *folder*, process or connection meanwhile
    (Python's audit hooks), and fail if there was one."""
    _seen.clear()
    _allowed.append(folder.resolve())
    try:
        yield
    finally:
        _allowed.clear()
    assert _seen == [], _seen


def test_the_watch_sees_writes_outside_the_folder(tmp_path: Path) -> None:
    """The audit hook catches what it is there for (a watch that saw nothing would pass
    every mirror)."""
    (tmp_path / "in").mkdir()
    with watched(tmp_path / "in"):
        (tmp_path / "in" / "x").write_text("fine")
    with pytest.raises(AssertionError, match="out"), watched(tmp_path / "in"):
        (tmp_path / "out").write_text("caught")
    with pytest.raises(AssertionError, match=r"os\.mkdir"), watched(tmp_path / "in"):
        (tmp_path / "dir").mkdir()
    with pytest.raises(AssertionError, match=r"os\.rename"), watched(tmp_path / "in"):
        (tmp_path / "in" / "x").replace(tmp_path / "moved")
    with pytest.raises(AssertionError, match=r"subprocess\.Popen"), watched(tmp_path / "in"):
        subprocess.run(["true"], check=True)


# -- v2 --------------------------------------------------------------------------------


@pytest.mark.slow
@V2
@given(index_bytes())
def test_reading_any_v2_index_gives_specs_or_located_problems(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "build_cache").mkdir()
        (root / INDEX).write_bytes(raw)
        with watched(root):
            read_mirror(root)


# -- v3 --------------------------------------------------------------------------------

#: Names of index views (folder names: no ``/``, no NUL, at most 255 bytes).
VIEW_NAMES = st.one_of(
    st.sampled_from(
        [
            "libs",
            "e4s",
            "a b",
            "\x1b[31mred",
            "del\x7f",
            "line\u2028break",
            "new\nline",
            "tab\t",
            "\u202eevil",
            "é",
            "\U0001f600",
            "x" * 250,
            "-",
            ".hidden",
            "$(id)",
            "<fz>",
            "*",
            "[z-a]",
            "m",
        ]
    ),
    st.text(
        st.characters(exclude_characters="/\x00", exclude_categories=["Cs"]), min_size=1
    ).filter(lambda name: name not in (".", "..") and len(name.encode()) <= 255),
)
#: Sizes of tarballs, hostile ones among them.
SIZES = st.one_of(
    st.integers(0, 10**13),
    st.integers(),
    st.integers(1, ROUTED_SIZE_DIGITS).map(lambda n: 10**n),
    st.floats(allow_nan=True),
    wrong_type,
)


def blob_record(checksum: str, length: Any, compression: str) -> dict[str, Any]:
    return {
        "contentLength": length,
        "mediaType": "application/vnd.spack.db.v8+json",
        "compression": compression,
        "checksumAlgorithm": "sha256",
        "checksum": checksum,
    }


def signed(text: str) -> str:
    return (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
        f"{text}\n-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgcmVhbCBzaWduYXR1cmU=\n"
        "-----END PGP SIGNATURE-----\n"
    )


@st.composite
def manifest_bytes(draw: st.DrawFn, records: list[dict[str, Any]]) -> bytes:
    """A manifest of *records*, hostile now and then, clear-signed or not."""
    rng = draw(dice)
    rate = rng.choice(RATES)
    manifest = mutate(draw, rng, {"version": 3, "data": records}, rate, hostile_values(rng), 1)
    raw = serialise(draw, rng, manifest)
    if one_in(rng, 4):
        armored = signed(raw.decode("utf-8", "surrogateescape"))
        raw = armored.encode("utf-8", "surrogateescape")
        if one_in(rng, 4):  # armor that never ends, or ends too soon
            raw = raw[: rng.randrange(len(raw) + 1)]
    return raw


@st.composite
def blob_and_manifest(draw: st.DrawFn, rates: tuple[int, ...]) -> tuple[bytes, bytes]:
    """An index blob and the manifest that names it: gzipped or not, gzip that is not,
    a checksum that does not match."""
    data = draw(index_bytes(rates))
    rng = draw(dice)
    compression = rng.choice(["none", "gzip", "gzip", "zstd", ""])
    if compression == "gzip":
        gzipped = gzip.compress(data, mtime=0)
        change = rng.choice(["none"] * 4 + ["not gzip", "cut"])
        if change == "none":
            data = gzipped
        elif change == "cut":
            data = gzipped[: rng.randrange(len(gzipped))]
    checksum = hashlib.sha256(data).hexdigest()
    if one_in(rng, 10):
        checksum = hashlib.sha256(data + b"x").hexdigest()
    length = draw(SIZES) if one_in(rng, 4) else len(data)
    manifest = draw(manifest_bytes([blob_record(checksum, length, compression)]))
    return data, manifest


@st.composite
def spec_manifest(draw: st.DrawFn) -> tuple[str, bytes]:
    """A spec manifest's file name (of a hash of the seed, or not) and its bytes."""
    installs = SEED_8["database"]["installs"]
    spec_hash = draw(st.sampled_from([*installs, "a" * 32, "x"]))
    tarball = {
        "contentLength": draw(SIZES),
        "mediaType": draw(
            st.sampled_from(["application/vnd.spack.install.v3.tar+gzip", DB_MEDIA_TYPE, "x"])
        ),
        "compression": "gzip",
        "checksumAlgorithm": "sha256",
        "checksum": "0" * 64,
    }
    name = draw(st.sampled_from(["libelf", "x", "-"]))
    return f"{name}/{name}-1.0-{spec_hash}.spec.manifest.json", draw(manifest_bytes([tarball]))


@st.composite
def v3_mirror(draw: st.DrawFn) -> dict[str, bytes]:
    """The files of a v3 mirror: relative path -> bytes."""
    files: dict[str, bytes] = {"v3/layout.json": b'{"signing": "gpg"}'}

    def put(manifest_path: str, rates: tuple[int, ...] = RATES) -> None:
        data, manifest = draw(blob_and_manifest(rates))
        files[manifest_path] = manifest
        checksum = hashlib.sha256(data).hexdigest()
        files[f"blobs/sha256/{checksum[:2]}/{checksum}"] = data

    put(INDEX_V3, (1000,) * 4 + RATES)  # the index: less often hostile (views, sizes after it)
    for view in draw(st.lists(VIEW_NAMES, max_size=2, unique=True)):
        put(f"v3/manifests/index/{view}/index.manifest.json")
    for path, manifest in draw(st.lists(spec_manifest(), max_size=3)):
        files[f"v3/manifests/spec/{path}"] = manifest
    rng = draw(dice)
    if one_in(rng, 5):  # one file is not a file
        files[rng.choice(sorted(files))] = rng.choice(NOT_FILES)
    return files


#: What :func:`write_mirror` puts where a file should be, for these values.
NOT_FILES = (b"<folder>", b"<dangling link>", b"<link to itself>")


def write_mirror(root: Path, files: dict[str, bytes]) -> None:
    """Write *files* (path -> bytes, or one of :data:`NOT_FILES`) under *root*."""
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if data == b"<folder>":
            path.mkdir()
        elif data == b"<dangling link>":
            path.symlink_to(root / "nowhere")
        elif data == b"<link to itself>":
            path.symlink_to(path)
        else:
            path.write_bytes(data)


@pytest.mark.slow
@V3
@given(v3_mirror())
def test_reading_any_v3_mirror_gives_specs_or_located_problems(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_mirror(root, files)
        with watched(root):
            read_mirror(root)


@V2
@given(blob_and_manifest(RATES))
def test_a_fetched_manifest_names_a_blob_inside_the_cache_or_none(
    pair: tuple[bytes, bytes],
) -> None:
    """What :mod:`~sphinx_spackcache.sources.fetch` does with a v3 mirror's manifest
    before it writes anything: :func:`parse_manifest` and :func:`index_record` give a
    record or a RecordError, and the record's blob path (where the blob is written in
    the fetch cache) is four plain names: no ``..``, no separator, nothing absolute."""
    _, raw = pair
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # the fetch says so (a located problem) before reading it
    try:
        record = index_record(parse_manifest(text, "https://m.example/" + INDEX_V3))
    except RecordError as error:
        check_problem(error.problem)
        return
    parts = blob_path(record)
    assert len(parts) == 4
    assert parts[:2] == ("blobs", "sha256")
    assert all(re.fullmatch(r"[0-9a-f]+", part) for part in parts[2:]), parts


# -- whole builds ------------------------------------------------------------------------

CONF = 'extensions = ["sphinx_spackcache"]\nspackcache_mirrors = {"v2": "v2", "v3": "v3"}\n'
PAGE = """Fuzz
====

.. cache-index::
   :tag: {tag}

.. cache-coverage::
   :tag: {tag}

.. cache-package:: libelf
   :tag: {tag}
"""


@pytest.mark.slow
@BUILDS
@given(index_bytes(), v3_mirror())
def test_no_mirror_breaks_a_build(index: bytes, files: dict[str, bytes]) -> None:
    """A v2 and a v3 mirror, built as HTML and text: exit status 0, no traceback, every
    warning located, no markup of a mirror's in a page, nothing written outside the
    build's folder."""
    clear_mirror_cache()
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "src"
        (src / "v2" / "build_cache").mkdir(parents=True)
        (src / "v2" / INDEX).write_bytes(index)
        write_mirror(src / "v3", files)
        (src / "conf.py").write_text(CONF, "utf-8")
        (src / "index.rst").write_text("Fuzz\n====\n\n.. toctree::\n\n   v2\n   v3\n", "utf-8")
        for tag in ("v2", "v3"):
            (src / f"{tag}.rst").write_text(PAGE.format(tag=tag), "utf-8")
        for builder in ("html", "text"):
            with watched(Path(folder)):
                build_cleanly(src, builder)
        check_html(Path(folder) / "out-html")


@pytest.mark.slow
def test_the_fuzzer_makes_what_it_says() -> None:
    """The strategies reach what the module docstring names, and mirrors that are read
    (a fuzzer that only made broken files would pass everything)."""
    seen: dict[str, int] = {}

    def note(what: str, condition: bool) -> None:
        seen[what] = seen.get(what, 0) + int(condition)

    @settings(MIRRORS_FUZZ, max_examples=300)
    @given(index_bytes(), v3_mirror())
    def collect(index: bytes, files: dict[str, bytes]) -> None:
        blobs = [data for path, data in files.items() if path.startswith("blobs/")]
        manifests = [data for path, data in files.items() if path.endswith(".manifest.json")]
        note("gzip", any(data.startswith(b"\x1f\x8b") for data in blobs))
        note("signed", any(data.startswith(b"-----BEGIN PGP") for data in manifests))
        note("view", any("/index/" in path and path.count("/") == 4 for path in files))
        note("spec manifest", any("/spec/" in path for path in files))
        note("not a file", any(data in NOT_FILES for data in files.values()))
        note("huge integer", b"1" * 5000 in index)
        note("deep nesting", b"[" * 100 in index)
        note("NaN", b"NaN" in index or b"Infinity" in index)
        note(
            "control character",
            re.search(rb"\\u00[01]|\\[bfnrt]|[\x00-\x1f\x7f]", index) is not None,
        )
        note("not UTF-8", not _is_utf8(index))
        for kind, root_files in (("v2", {INDEX: index}), ("v3", files)):
            with tempfile.TemporaryDirectory() as folder:
                write_mirror(Path(folder), root_files)
                counts = read_mirror(Path(folder))
            note(f"{kind}: specs read", counts["specs"] > 0)
            note(f"{kind}: entries skipped", counts["problems"] > 0)
            note(f"{kind}: index unusable", counts["specs"] == 0)

    collect()
    # each at least once (the counts vary with what else ran in the process before: with
    # pytest-xdist, "huge integer" came out 2 to 10 times in 300; in CI, after other tests
    # of the same worker, it came out 0 in 300 and then in 900, for a reason not found:
    # that one is checked without chance below, by test_put_extreme_writes_a_huge_integer)
    assert all(count >= 1 for what, count in seen.items() if what != "huge integer"), str(
        sorted(seen.items())
    )
    assert len(seen) == 16


def test_put_extreme_writes_a_huge_integer() -> None:
    """The extreme a database may get that the coverage check above cannot count on
    chance for: an integer of 5,000 digits, in the bytes of the index."""
    value = copy.deepcopy(SEED_8)
    installs = value["database"]["installs"]
    put_extreme(lambda strategy: HUGE, random.Random(0), installs)  # type: ignore[arg-type]
    raw = _encode(_json(value, True))
    assert b"1" * 5000 in raw
    assert sum(HUGE in json.dumps(entry) for entry in installs.values()) == 1


# -- what the fuzzer found -----------------------------------------------------------------


def test_a_tarball_size_past_a_float_is_no_crash(tmp_path: Path) -> None:
    """Found by the fuzzer: a spec manifest whose tarball's ``contentLength`` is 10**309
    (an integer msgspec reads, past the largest float) made every read of the mirror
    raise OverflowError in ``mirror.human_size`` (such a size is now left out, with a
    warning: see tests/test_odd_values.py)."""
    root = tmp_path / "m"
    shutil.copytree(MIRRORS / "spack-v3-test", root)
    manifest = next((root / "v3" / "manifests" / "spec" / "libdwarf").iterdir())
    data = json.loads(manifest.read_text("utf-8"))
    data["data"][0]["contentLength"] = "SIZE"
    manifest.write_text(json.dumps(data).replace('"SIZE"', "1" + "0" * 309), "utf-8")
    read_mirror(root)  # no exception
    specs = MirrorSource(NAME, root).load(NAME, "libdwarf").record.specs
    assert len(specs) == 2


def test_dependencies_asked_deeper_than_the_index_was_read() -> None:
    """A dependency whose node's ``version`` is a list nested 900 deep: the index reads
    (msgspec allows it), but ``Database.dependencies``, asked later from deeper in the
    stack (a build parses an index once and asks for dependencies while rendering),
    raised RecursionError from ``repr`` in ``spack_db._scalar``, which now names a
    list or a mapping by its kind."""
    data = copy.deepcopy(SEED_8)
    installs = data["database"]["installs"]
    dependent = next(key for key, entry in installs.items() if entry["spec"]["name"] == "libdwarf")
    dependency = next(
        d["hash"] for d in installs[dependent]["spec"]["dependencies"] if d["name"] == "libelf"
    )
    installs[dependency]["spec"]["version"] = "DEEP"
    raw = json.dumps(data).replace('"DEEP"', "[" * 900 + "]" * 900).encode()
    database = read_database(raw, "index.json", stack=NAME)

    def deeper(frames: int) -> tuple[Dependency, ...]:
        return deeper(frames - 1) if frames else database.dependencies(dependent)

    names = [d.name for d in deeper(150)]
    assert "libelf" in names
