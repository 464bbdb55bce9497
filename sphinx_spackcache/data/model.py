"""The immutable data model of a Spack build-cache snapshot.

One :class:`PackageRecord` per ``_cache/<tag>/<package>/specs.md`` file, holding one
:class:`Spec` per binary. Values are normalised once, when a record is parsed:

* ``compiler`` is ``None`` for cache.spack.io's ``"none"`` (packages built without a
  compiler, such as pure-Python ones), and Spack's concrete-version spelling
  ``gcc@=11.4.0`` (v0.23 snapshots) becomes ``gcc@11.4.0`` (2025 snapshots), so that the
  same compiler reads the same in every snapshot;
* ``size`` is ``None`` for the placeholder ``"-"`` (or a missing or empty size), and
  text otherwise;
* a stack listed twice in one spec is kept once (and reported);
* ``tarball`` is ``None`` where the record has no URL (only v0.23 snapshots carry one).

Nothing here imports Sphinx or docutils. Specs are msgspec structs (see :class:`Spec`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import msgspec

__all__ = [
    "MAX_VALUE",
    "NO_COMPILER",
    "SHORT_HASH_LENGTH",
    "SPACK_HASH",
    "DeclaredMeta",
    "Dependency",
    "PackageRecord",
    "RawJSON",
    "Spec",
    "is_safe_url",
    "normalise_compiler",
    "short_hash",
]


#: How cache.spack.io's records spell a spec built without a compiler (``None`` in the
#: model), and how filters name it.
NO_COMPILER = "none"


def normalise_compiler(value: str) -> str | None:
    """``"none"`` → ``None``; ``"gcc@=11.4.0"`` → ``"gcc@11.4.0"``; anything else unchanged."""
    if value == NO_COMPILER:
        return None
    return value.replace("@=", "@", 1)


def is_safe_url(url: str) -> bool:
    """Whether *url* may become a link: an absolute ``http(s)`` URL."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1": not a URL at all
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


#: The longest value a spec may hold: four times the longest of the real records (a
#: 220-character URL), and short enough for every writer (Sphinx's text writer takes
#: time in the square of a word's length: 28 s for one of 32,000 characters). The
#: parser cuts longer values, and says so.
MAX_VALUE = 1024

#: A Spack hash: 32 characters of base32 in lower case. Spack's ``b32_hash``
#: (``lib/spack/spack/util/hash.py``) is ``base64.b32encode`` of a SHA-1 digest (20 bytes:
#: 32 characters, no padding), lowered; RFC 4648's base32 alphabet is ``A-Z`` and
#: ``2-7``, so no ``0``, ``1``, ``8`` or ``9``. (The HTML's script checks the same,
#: ``SPACK_HASH`` in ``scripts/copy.js``.)
SPACK_HASH = re.compile(r"[a-z2-7]{32}")

#: How many characters of a hash Spack shows where it shortens one, and so every short
#: hash of this package: a dependency in a spec table (``libelf@0.8.13/rqh2vuf``), a
#: hash cell in HTML (the stylesheet's ``7ch``, checked against this by
#: ``tests/test_short_hashes.py``), a patch's SHA-256 in a variant (``patches:=1bcdb0e``).
#: Spack: ``spack buildcache`` names specs with ``{/hash:7}`` (``_format_spec`` in
#: ``lib/spack/spack/cmd/buildcache.py``, commit 00517a726172bec1b411c1e0a0ba45aa2b6e2bfb);
#: ``spack find -l`` prints ``hlen = 7`` characters (``display_specs`` in
#: ``lib/spack/spack/cmd/__init__.py``); a ``patches`` variant prints ``str(x)[:7]`` of each
#: value (``MultiValuedVariant.__str__`` in ``lib/spack/spack/variant.py``).
SHORT_HASH_LENGTH = 7


def short_hash(value: str) -> str:
    """The first :data:`SHORT_HASH_LENGTH` characters of *value*, as Spack shortens a
    hash (``4d5nijk2lmqd3qeq3qmc2lchfapyteqy`` -> ``4d5nijk``)."""
    return value[:SHORT_HASH_LENGTH]


#: A string that is not empty and not too long (checked by msgspec while decoding).
NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_VALUE)]
#: A string that is not too long.
Value = Annotated[str, msgspec.Meta(max_length=MAX_VALUE)]


class Spec(msgspec.Struct, frozen=True, gc=False):
    """One binary in a build cache: a concrete spec of one package.

    A msgspec ``Struct``: records decode straight into specs, types checked in C, about
    twice as fast as ``json.loads`` into dicts alone; a snapshot holds ~12,000 of them.
    The fields keep what the record says; the properties :attr:`compiler`, :attr:`size`
    and :attr:`tarball` give the normalised values.
    """

    hash: NonEmpty
    versions: tuple[Value, ...]
    record_compiler: NonEmpty = msgspec.field(name="compiler")
    os: NonEmpty
    platform: NonEmpty
    target: NonEmpty
    variants: tuple[Value, ...]
    stacks: tuple[Value, ...]
    record_size: Value | int | float | None = msgspec.field(default=None, name="size")
    record_tarball: str | None = msgspec.field(default=None, name="tarball")
    # What a v3 mirror's spec manifest says of the binary (:mod:`..sources.manifests`),
    # never what a record says: :func:`~..sources.records.parse_record` drops these.
    #: The binary's compressed size in bytes (its tarball's ``contentLength``).
    record_bytes: int | None = msgspec.field(default=None, name="spackcache_bytes")
    #: The SHA-256 of the binary's tarball.
    record_sha256: str | None = msgspec.field(default=None, name="spackcache_sha256")
    #: The bytes of the binary and of every binary it brings with it, each once
    #: (:func:`~sphinx_spackcache.data.sizes.with_dependencies`; ``None``: one has no size).
    record_bytes_with_deps: int | None = msgspec.field(
        default=None, name="spackcache_bytes_with_deps"
    )

    @property
    def compiler(self) -> str | None:
        """The compiler, normalised (:func:`normalise_compiler`); ``None`` for none."""
        return normalise_compiler(self.record_compiler)

    @property
    def size(self) -> str | None:
        """The size as text, or ``None`` for the placeholder ``"-"`` or no size."""
        raw = self.record_size
        if raw is None:
            return None
        text = str(raw)
        return None if text.strip() in ("-", "") else text

    @property
    def tarball(self) -> str | None:
        """The URL of the binary, if the record gives one."""
        return self.record_tarball or None

    @property
    def arch(self) -> str:
        """Spack's architecture triple, ``platform-os-target``."""
        return f"{self.platform}-{self.os}-{self.target}"


@dataclass(frozen=True, slots=True)
class DeclaredMeta:
    """The ``meta`` summary a record declares about itself (normalised like :class:`Spec`).

    It is only ever cross-checked: every figure shown is derived from the specs.
    """

    @classmethod
    def parse(cls, value: object) -> DeclaredMeta | str:
        """The meta of a record's ``meta`` value, or why it cannot be read."""
        if not isinstance(value, Mapping):
            return "'meta' is not a mapping"
        try:
            by_stack = value["num_specs_by_stack"]
            num_specs = value["num_specs"]
            lists = {
                key: value[key]
                for key in ("compilers", "oss", "platforms", "stacks", "targets", "versions")
            }
        except KeyError as exc:
            return f"'meta' has no {exc.args[0]!r}"
        if not isinstance(by_stack, Mapping) or not all(
            isinstance(count, int) for count in by_stack.values()
        ):
            return "'meta.num_specs_by_stack' is not a mapping of counts"
        for key, items in lists.items():
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                return f"'meta.{key}' is not a list of strings"
        if not isinstance(num_specs, int):
            return "'meta.num_specs' is not a number"
        return cls(
            num_specs=num_specs,
            compilers=frozenset(normalise_compiler(c) for c in lists["compilers"]),
            num_specs_by_stack=tuple(sorted((str(k), v) for k, v in by_stack.items())),
            oss=frozenset(lists["oss"]),
            platforms=frozenset(lists["platforms"]),
            stacks=frozenset(lists["stacks"]),
            targets=frozenset(lists["targets"]),
            versions=frozenset(lists["versions"]),
        )

    num_specs: int
    compilers: frozenset[str | None]
    num_specs_by_stack: tuple[tuple[str, int], ...]
    oss: frozenset[str]
    platforms: frozenset[str]
    stacks: frozenset[str]
    targets: frozenset[str]
    versions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Dependency:
    """A direct dependency of a spec: its package, version and hash, how it is needed
    (``build``, ``link``, ``run``, ``test``) and which virtuals it provides. Spack
    mirrors know them;
    cache.spack.io's records do not."""

    name: str
    version: str
    hash: str
    types: tuple[str, ...]
    #: The virtual packages it provides to the spec (``mpi``; ``c``, ``cxx`` for a
    #: compiler from Spack 1.0), where the source says.
    virtuals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PackageRecord:
    """The cache record of one package in one snapshot."""

    name: str
    tag: str
    #: The record file, as a string (a ``Path`` costs a share of loading a record).
    location: str
    specs: tuple[Spec, ...]
    #: The record's ``meta`` value as read (a read-only mapping when it is one); see
    #: :meth:`declared_meta`. Left unread until needed: views of a whole snapshot never
    #: need it, and reading it is a large share of loading a record.
    meta_source: object = None
    #: 1-based line of ``spec_details`` in the file (for warnings), 0 when unknown.
    specs_line: int = 0
    #: 1-based line of ``meta`` in the file (for warnings), 0 when unknown.
    meta_line: int = 0

    @property
    def path(self) -> Path:
        """The record file."""
        return Path(self.location)

    def declared_meta(self) -> DeclaredMeta | str | None:
        """The record's ``meta`` (``None`` when it has none, text when it is unreadable).

        A generated record's ``meta`` line is kept as JSON text until it is needed here.
        """
        source = self.meta_source
        if source is None:
            return None
        if isinstance(source, RawJSON):
            try:
                source = json.loads(source.raw)
            except ValueError as exc:  # not JSON, or not UTF-8
                return f"'meta' is not valid JSON ({exc})"
            except RecursionError:
                return "'meta' is nested too deeply to read"
        return DeclaredMeta.parse(source)


@dataclass(frozen=True, slots=True)
class RawJSON:
    """JSON from a record (its bytes), decoded only when needed."""

    raw: bytes
