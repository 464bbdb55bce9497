"""Read a Spack database: a build cache's ``build_cache/index.json``, or an install
tree's ``.spack-db/index.json``, into the specs of each package.

The file is Spack's own ``Database`` JSON (``lib/spack/spack/database.py``, schema in
``lib/spack/spack/schema/database_index.py``)::

    {"database": {"version": "8", "installs": {<hash>: {"spec": {...}, "ref_count": 1,
                                                        "in_buildcache": true}, ...}}}

It is read for ``database.version`` 5 to 8, which differ in the shape of a node:

* before spec-file version 2 (database 5), a node is ``{<name>: {...}}`` and its
  dependencies a mapping ``{<name>: {"hash": ..., "type": [...]}}``; later a node has a
  ``name`` and its dependencies are a list of ``{"name", "hash", "parameters":
  {"deptypes", "virtuals"}}`` (or ``"type"``);
* a target is a string (``x86_64``) or a microarchitecture mapping with a ``name``;
* up to Spack 0.23 (database 7) a node names its ``compiler`` (``{"name", "version"}``);
  from Spack 1.0 (database 8) the compiler is a build dependency that provides ``c``,
  ``cxx`` or ``fortran``, and a node converted from an older spec file keeps it in
  ``annotations.compiler`` (``gcc@=10.2.1``). Both become ``name@version``, as the
  records of cache.spack.io spell it.

Only the specs the file says are there count: ``in_buildcache`` in a build-cache index,
``installed`` in an install-tree database (which has no ``in_buildcache``). Variants
are spelled as Spack spells them (``+x``, ``~x``, ``k=v``, ``k:=a,b``; patches by their
first :data:`~sphinx_spackcache.data.model.SHORT_HASH_LENGTH` characters), booleans
first, each group sorted by name; empty compiler flags (``cflags`` ...) are left out.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import msgspec

from ..data.model import MAX_VALUE, SPACK_HASH, Dependency, Spec, short_hash
from ..data.problems import (
    UNSHOWABLE,
    Problem,
    RecordError,
    collapse,
    excerpt,
    quoted,
    replace_unshowable,
)
from .store import is_valid_name

__all__ = [
    "SUPPORTED_VERSIONS",
    "Database",
    "collector_paused",
    "read_database",
    "specs_shared",
]

#: The ``database.version`` values this reader knows.
SUPPORTED_VERSIONS = ("5", "6", "7", "8")
#: Compiler flags: parameters that are not variants.
_FLAGS = frozenset({"cflags", "cppflags", "cxxflags", "fflags", "ldflags", "ldlibs"})
#: How many unusable entries of one index make one report.
_SKIPPED_GROUP = "entries of the index are not usable specs and were skipped"
#: Entries whose values held characters no page can show (replaced, as in records).
_UNSHOWN_GROUP = (
    "entries of the index hold characters no page can show (control, invisible or "
    "line-separating characters, lone surrogates), each shown as U+FFFD"
)
#: Entries whose spec hash an earlier entry has (as a record's repeated hashes).
_REPEATED_HASH_GROUP = "entries of the index repeat an earlier spec hash and were skipped"
#: JSON's escapes that can stand for a character no page can show: ``\\u`` and the
#: short escapes of control characters (``\\b \\f \\n \\r \\t``).
_ESCAPES = (b"\\u", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t")
#: What a compiler dependency provides (Spack >= 1.0).
_LANGUAGES = frozenset({"c", "cxx", "fortran"})


#: A node as ``(hash, name, body)``: the old shape ``{name: body}`` or the new ``body``.
_Node = tuple[str, str, dict[str, Any]]
#: What a database keeps of a node, for :meth:`Database.dependencies`: ``(version,
#: dependencies)``, the version as the file has it and the dependencies as the JSON of
#: the file's list (or old-shape mapping), encoded again: kept as decoded, each node's
#: dependency mappings (name, hash, parameters, deptypes, virtuals) held about half of
#: what a ref of thirty stacks keeps (``benchmarks/live.py``), and as one ``bytes`` each
#: they cost little to keep and less to make than any other shape tried (tuples of
#: tuples took five times as long); they are decoded when a page asks.
_Kept = tuple[Any, bytes]

#: How many nodes' dependencies a :class:`Database` keeps decoded (then it starts
#: again): the closures of a site's pages, not a whole live stack's (a few hundred MB).
_DECODED_KEPT = 50_000


@dataclass(frozen=True, slots=True)
class Database:
    """The specs of one Spack database that are in it (built or installed)."""

    version: str
    #: package -> its specs, sorted by package name.
    packages: Mapping[str, tuple[Spec, ...]]
    #: Hashes of the specs installed explicitly (an install tree says; a build cache
    #: index does not, and then it is empty).
    explicit: frozenset[str]
    #: Hashes of the root specs: those installed explicitly, where the database says;
    #: else (a build cache) those no spec of the database depends on (``ref_count`` 0).
    roots: frozenset[str]
    #: Entries that could not be read, each a located problem.
    problems: tuple[Problem, ...]
    #: Every node of the file by hash, kept small (:data:`_Kept`; read when dependencies
    #: are asked for).
    nodes: Mapping[str, _Kept]
    #: The dependencies worked out so far, by hash (at most :data:`_DECODED_KEPT`): the
    #: pages of a site ask for the same ones again and again (every package's closure
    #: holds its compiler's runtime, glibc, zlib...), and decoding them anew was a
    #: sixth of a live-scale build's reading (``benchmarks/example.py``).
    _decoded: dict[str, tuple[Dependency, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def dependencies(self, spec_hash: str) -> tuple[Dependency, ...]:
        """The direct dependencies of the spec *spec_hash*, by package name (worked out
        when asked: a page shows a few specs' dependencies, not a whole database's)."""
        found = self._decoded.get(spec_hash)
        if found is not None:
            return found
        node = self.nodes.get(spec_hash)
        found = _dependencies(node[1], self.nodes) if node else ()
        if len(self._decoded) >= _DECODED_KEPT:
            self._decoded.clear()
        self._decoded[spec_hash] = found
        return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the block runs, and what the
    process holds then frozen (:func:`gc.freeze`: left out of every later collection)
    before it runs again, if it ran before.

    Reading a database makes millions of containers, none of them garbage; each
    collection the allocations set off walks every object the process keeps, the
    databases read before too, so that a ref of thirty stack indexes took 2.7 times as
    long to read with the collector running, and every later collection of the build
    (while a page's thousands of rows were sorted and written, say) walked them again:
    seconds in all (``benchmarks/live.py``). Frozen objects are still freed when no
    longer referred to; only cycles among them would never be.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


#: The specs made while the stacks of one snapshot are read (:func:`specs_shared`), by
#: the key of their entry, a spec's DAG hash: ``None`` outside.
_SHARED: ContextVar[dict[str, Spec] | None] = ContextVar("spackcache_shared_specs", default=None)


@contextmanager
def specs_shared() -> Iterator[None]:
    """While the block runs, each spec read from a database is made once: an entry whose
    key (the spec's DAG hash) a database read before in the block had gives that spec,
    in the new database's stack. The stacks of one ref share many binaries (the live
    benchmark's: a quarter of its entries), and a DAG hash names one spec (Spack hashes
    the node to make it); when two stacks' entries of one hash differ anyway, the first
    is shown, as :func:`~.stacked.merge_databases` keeps the first. Only databases with
    no character a page cannot show take part (their specs need no problems of their
    own)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def read_database(raw: bytes, path: str, *, stack: str) -> Database:
    """The specs of the Spack database *raw* (the bytes of *path*), each in *stack*
    (read with the collector paused: :func:`collector_paused`).

    :raises RecordError: when the file is not a Spack database this reader knows.
    """
    with collector_paused():
        return _read_database(raw, path, stack)


def _read_database(raw: bytes, path: str, stack: str) -> Database:
    version, installs = _installs(raw, path)
    problems: list[Problem] = [
        Problem(
            path,
            1,
            f"installs[{excerpt(str(key), 40)!r}] is not an entry; skipped",
            group=_SKIPPED_GROUP,
        )
        for key, entry in installs.items()
        if not isinstance(entry, dict)
    ]
    nodes = {key: _node(entry) for key, entry in installs.items()}
    present = {key for key, entry in installs.items() if _is_present(entry)}
    # the common case: nothing in the file can become a character a page cannot show,
    # so its values need no look
    clean = _is_clean(raw)
    packages: dict[str, list[Spec]] = {}
    seen: dict[str, str] = {}  # spec hash -> the key of the entry that has it
    stacks = (stack,)  # one tuple for every spec of the database
    shared = _SHARED.get() if clean else None
    for key in sorted(present):
        replaced: list[str] = []
        known = shared.get(key) if shared is not None else None
        if known is not None:
            spec = msgspec.structs.replace(known, stacks=stacks)
        else:
            try:
                spec = _spec(
                    nodes[key], key, nodes, stacks, show=_as_is if clean else replaced.append
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                reason = f"it has no {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
                message = f"installs[{excerpt(key, 40)!r}]: {excerpt(reason, 120)}; skipped"
                problems.append(Problem(path, 1, message, group=_SKIPPED_GROUP))
                continue
            if shared is not None:
                shared[key] = spec
        first = seen.setdefault(spec.hash, key)
        if first != key:
            message = (
                f"installs[{excerpt(key, 40)!r}]: spec hash {spec.hash} is also that of "
                f"installs[{excerpt(first, 40)!r}]; skipped"
            )
            problems.append(Problem(path, 1, message, group=_REPEATED_HASH_GROUP))
            continue
        if replaced:
            message = (
                f"installs[{excerpt(key, 40)!r}]: {quoted(replaced[0], 40)} held characters "
                "no page can show; shown with U+FFFD"
            )
            problems.append(Problem(path, 1, message, group=_UNSHOWN_GROUP))
        packages.setdefault(nodes[key][1], []).append(spec)
    explicit, roots = _roots(installs, present)
    return Database(
        version=version,
        packages={name: tuple(specs) for name, specs in sorted(packages.items())},
        explicit=explicit,
        roots=roots,
        problems=collapse(problems),
        nodes=_kept(nodes),
    )


def _is_clean(raw: bytes) -> bool:
    """Whether nothing in the bytes of an index can become a character no page can show:
    no byte beyond ASCII (C1 controls, U+2028, ...), no raw DEL (JSON allows it
    unescaped) and none of :data:`_ESCAPES`. An index that is clean needs no look at its
    values. (Each test is a scan in C, and the escapes are looked for only when the file
    has a backslash at all: together a thousandth of the time one regular expression took
    on a stack's 13 MB, which was a third of reading it.)"""
    if not raw.isascii() or b"\x7f" in raw:
        return False
    return b"\\" not in raw or not any(escape in raw for escape in _ESCAPES)


def _installs(raw: bytes, path: str) -> tuple[str, dict[str, Any]]:
    """The database's version and its ``installs`` mapping.

    :raises RecordError: when the file is not a Spack database this reader knows.
    """
    try:
        document = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        raise RecordError(path, 1, f"not a Spack database: the JSON is broken ({exc})") from None
    database = document.get("database") if isinstance(document, dict) else None
    installs = database.get("installs") if isinstance(database, dict) else None
    if not isinstance(database, dict) or not isinstance(installs, dict):
        raise RecordError(path, 1, "not a Spack database: no database.installs mapping")
    version = str(database.get("version", ""))
    if version not in SUPPORTED_VERSIONS:
        raise RecordError(
            path,
            1,
            f"Spack database version {excerpt(version)!r} is not one of "
            f"{', '.join(SUPPORTED_VERSIONS)}",
        )
    return version, installs


def _roots(installs: dict[str, Any], present: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(explicit, roots): the specs installed explicitly, and the roots, which are those
    where the database says (an install tree), else the specs nothing depends on."""
    explicit = frozenset(key for key in present if installs[key].get("explicit"))
    if any("explicit" in installs[key] for key in present):
        return explicit, explicit
    return explicit, frozenset(key for key in present if installs[key].get("ref_count") == 0)


def _is_present(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if "in_buildcache" in entry:
        return entry["in_buildcache"] is True
    return entry.get("installed") is True


def _kept(nodes: Mapping[str, _Node]) -> dict[str, _Kept]:
    """What :meth:`Database.dependencies` reads of each node: its version and its
    dependencies (the rest, most of the decoded file, is let go)."""
    encode = msgspec.json.encode
    kept: dict[str, _Kept] = {}
    for key, (_, _, body) in nodes.items():
        dependencies = body.get("dependencies")
        try:
            encoded = encode(dependencies) if dependencies else b"[]"
        except (TypeError, ValueError, OverflowError, RecursionError):
            encoded = b"[]"  # not a list of dependencies Spack would write: none shown
        kept[key] = (body.get("version"), encoded)
    return kept


def _node(entry: Any) -> _Node:
    spec = entry.get("spec") if isinstance(entry, dict) else None
    if not isinstance(spec, dict):
        return ("", "", {})
    if "name" in spec:
        return (str(spec.get("hash", "")), str(spec["name"]), spec)
    if len(spec) == 1:
        name, body = next(iter(spec.items()))
        if isinstance(body, dict):
            return (str(body.get("hash", "")), str(name), body)
    return ("", "", {})


def _spec(
    node: _Node,
    key: str,
    nodes: Mapping[str, _Node],
    stacks: tuple[str],
    *,
    show: Callable[[str], object] | None = None,
) -> Spec:
    """The spec of *node*, its values checked as a record's are: scalars only, none
    longer than MAX_VALUE, a Spack hash, and no character a page cannot show (each
    replaced by U+FFFD, and the value given to *show* before; ``_as_is``: the caller
    knows there is none, and nothing is looked at).

    :raises ValueError, TypeError, KeyError: for an entry that is not a usable spec.
    """
    _, name, body = node
    if not is_valid_name(name):
        raise ValueError(f"package name {excerpt(name)!r} is not a Spack package name")
    spec_hash = _showable(_scalar(body.get("hash") or key))
    if not SPACK_HASH.fullmatch(spec_hash):
        raise ValueError(f"hash {excerpt(spec_hash)!r} is not a 32-character Spack hash")
    arch = body["arch"]
    target = arch["target"]
    if isinstance(target, dict):
        target = target["name"]
    if show is _as_is:
        shown: Callable[[str], str] = _as_is
    else:

        def shown(text: str) -> str:
            if UNSHOWABLE.search(text) is None:
                return text
            if show is not None:
                show(text)
            return replace_unshowable(text)

    spec = Spec(
        hash=spec_hash,
        versions=(shown(_scalar(body["version"])),),
        record_compiler=shown(_compiler(body, nodes)),
        os=shown(_scalar(arch["platform_os"])),
        platform=shown(_scalar(arch["platform"])),
        target=shown(_scalar(target)),
        variants=tuple(map(shown, _variants(body.get("parameters") or {}))),
        stacks=stacks,
    )
    # the length and emptiness checks the model declares, as decoding a record makes them
    for text in (spec.hash, *spec.versions, spec.record_compiler, spec.os, spec.platform):
        if not text or len(text) > MAX_VALUE:
            raise ValueError(f"a value is empty or longer than {MAX_VALUE:,} characters")
    if (
        not spec.target
        or len(spec.target) > MAX_VALUE
        or any(len(variant) > MAX_VALUE for variant in spec.variants)
    ):
        raise ValueError(f"a value is empty or longer than {MAX_VALUE:,} characters")
    return spec


def _scalar(value: Any) -> str:
    """A scalar value as text (a mapping or a list is not a value, and is named by its
    kind: its ``repr`` would recurse as deep as it nests, which may be deeper than the
    stack has room for when it is asked, long after the index was read)."""
    if type(value) is str:  # the common case, first
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{value!r} is not a text or a number")
    if not isinstance(value, str | int | float):
        kinds: dict[type, str] = {list: "a list", dict: "a mapping"}
        kind = kinds.get(type(value), type(value).__name__)
        raise TypeError(f"{kind} is not a text or a number")
    return str(value)


def _as_is(text: str) -> str:
    return text


def _showable(text: str) -> str:
    """*text* with the characters no page can show replaced, as in records."""
    return replace_unshowable(text) if UNSHOWABLE.search(text) else text


def _compiler(body: dict[str, Any], nodes: Mapping[str, _Node]) -> str:
    """``name@version`` of the compiler, or ``none``."""
    compiler = body.get("compiler")
    if isinstance(compiler, dict) and compiler.get("name"):
        return f"{compiler['name']}@{compiler.get('version', '')}".rstrip("@")
    annotated = (body.get("annotations") or {}).get("compiler")
    if isinstance(annotated, str) and annotated:
        return annotated.replace("@=", "@", 1)
    for dependency in _dependency_entries(body.get("dependencies")):
        parameters = dependency.get("parameters")
        virtuals_list = parameters.get("virtuals") if isinstance(parameters, dict) else None
        virtuals = set(virtuals_list) if isinstance(virtuals_list, list) else set()
        if virtuals & _LANGUAGES:
            found = nodes.get(str(dependency.get("hash", "")))
            version = found[2].get("version") if found else None
            return f"{dependency['name']}@{version}" if version else str(dependency["name"])
    return "none"


def _variants(parameters: Mapping[str, Any]) -> tuple[str, ...]:
    bools: list[str] = []
    values: list[str] = []
    for key in sorted(parameters):
        value = parameters[key]
        if value is True or value is False:
            bools.append(f"{'+' if value else '~'}{key}")
        elif key in _FLAGS:
            if value:
                flags = " ".join(map(str, value)) if isinstance(value, list) else str(value)
                values.append(f'{key}="{flags}"' if " " in flags else f"{key}={flags}")
        elif isinstance(value, list):
            # Spack prints a patch by the start of its SHA-256 (``variant.py``)
            items = [short_hash(str(item)) if key == "patches" else str(item) for item in value]
            if items:
                values.append(f"{key}:={','.join(items)}")
        else:
            values.append(f"{key}={value}")
    return (*bools, *values)


def _dependency_entries(raw: Any) -> list[dict[str, Any]]:
    """Dependencies as a list of ``{"name", "hash", "parameters"}`` whatever the shape."""
    if isinstance(raw, list):
        return [d for d in raw if isinstance(d, dict) and "name" in d]
    if isinstance(raw, dict):  # the old shape: {name: {"hash": ..., "type": [...]}}
        return [
            {"name": name, "hash": d.get("hash"), "parameters": {"deptypes": d.get("type", [])}}
            for name, d in raw.items()
            if isinstance(d, dict)
        ]
    return []


def _dependencies(encoded: bytes, nodes: Mapping[str, _Kept]) -> tuple[Dependency, ...]:
    """The direct dependencies of a node (*encoded*: as :func:`_kept` keeps them) that
    are well-formed (a package name, a Spack hash; the version, from the dependency's own
    node, checked like a spec's)."""
    try:
        raw = msgspec.json.decode(encoded)
    except (msgspec.DecodeError, RecursionError):
        return ()
    found = []
    for dependency in _dependency_entries(raw):
        name, key = dependency.get("name"), dependency.get("hash")
        if not (isinstance(name, str) and is_valid_name(name)):
            continue
        if not (isinstance(key, str) and SPACK_HASH.fullmatch(key)):
            continue
        node = nodes.get(key)
        try:
            version = _showable(_scalar(node[0] if node[0] is not None else "")) if node else ""
        except TypeError:
            version = ""
        parameters = dependency.get("parameters") or {}
        types = parameters.get("deptypes") if isinstance(parameters, dict) else None
        types = types or dependency.get("type") or ()
        if not isinstance(types, list):
            types = []
        virtuals = parameters.get("virtuals") if isinstance(parameters, dict) else None
        if not isinstance(virtuals, list):
            virtuals = []
        found.append(
            Dependency(
                name=name,
                version=version[:MAX_VALUE],
                hash=key,
                types=tuple(_showable(t[:20]) for t in types if isinstance(t, str)),
                virtuals=tuple(v for v in virtuals if isinstance(v, str) and is_valid_name(v)),
            )
        )
    return tuple(sorted(found, key=lambda d: d.name))
