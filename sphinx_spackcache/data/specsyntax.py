"""The part of Spack's spec syntax a reader types to ask "is my spec in the cache?".

A spec string becomes a frozen :class:`Query` (a root :class:`Node`, its ``^``
dependencies, and on each node its ``%`` direct dependencies). The subset read:

* a package name (``hdf5``), or none (an anonymous spec, ``+mpi``);
* ``@`` versions: a version ``@1.14`` (Spack reads it as the range ``1.14:1.14``: every
  version from 1.14 up to, not including, 1.15, so ``1.14.5`` is in it), an exact
  version ``@=1.14.3``, ranges ``@1.14:``, ``@:1.14.3``, ``@1.12:1.14`` (the upper end
  is a prefix too: ``1.14.9`` is in ``:1.14``) and lists of these ``@1.12,1.14:``;
* variants ``+v``, ``~v``, ``-v`` (written after a space, as ``-`` may be part of a
  name), ``v=x``, ``v=x,y`` and ``v:=x`` (exactly these values);
* ``platform=``, ``os=``, ``target=`` (a name, or ranges of archspec's
  microarchitectures such as ``x86_64_v3:`` or ``:zen3``) and ``arch=platform-os-target``;
* ``%name@versions``: a direct dependency, Spack 1.0's meaning of ``%gcc@11`` (the
  compiler providing c, cxx or fortran is one); legacy compiler names become the
  packages' (``%clang`` is ``%llvm``, ``%oneapi`` is ``%intel-oneapi-compilers``), as
  Spack's parser does. As in Spack 1.0, the options written after ``%gcc@11`` belong to
  ``gcc``, not to the root;
* ``^name@versions ...``: a dependency anywhere in the graph.

Left out, each an error that says so: git versions, propagated variants (``++v``,
``v==x``), compiler flags (``cflags=...``), namespaces (``builtin.hdf5``), ``%%``,
edge attributes (``^[virtuals=mpi]``), virtual assignments (``%c=gcc``), hashes
(``/abc``) and spec files.

The grammar and the tokens follow Spack's parser (spack/spack
``lib/spack/spack/spec_parser.py``, commit 04826fc2ef12a88cf892369ca8ae0f79db725095: its
``SpecTokens`` regular expressions and ``SpecNodeParser``); versions follow
``lib/spack/spack/version/version_types.py`` (``from_string``: ``=`` makes a version
exact, ``a:b`` is ``ClosedOpenRange.from_version_range``, which ends before
``_next_version(b)``), ordered by :func:`~sphinx_spackcache.data.versions.version_key`.

A string that does not parse raises :class:`SpecSyntaxError` with the 0-based column of
the character at fault. Nothing here imports Sphinx or docutils.

>>> q = parse_spec("hdf5@1.14:+mpi target=x86_64_v3: %gcc@11")
>>> q.root.name, str(q.root.versions), q.root.direct[0].name
('hdf5', '1.14:', 'gcc')
>>> str(q)
'hdf5@1.14:+mpi target=x86_64_v3: %gcc@11'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .versions import INFINITY_VERSIONS, VersionKey, version_key

__all__ = [
    "ARCH_FIELDS",
    "COMPILER_FLAGS",
    "LEGACY_COMPILER_TO_BUILTIN",
    "ExactVersion",
    "Node",
    "Query",
    "SpecSyntaxError",
    "Variant",
    "VersionList",
    "VersionRange",
    "parse_spec",
    "version_in_range",
]

#: Spack's legacy compiler names and the packages that are those compilers from Spack
#: 1.0 on (spack/spack ``lib/spack/spack/aliases.py``); the parser renames a ``%`` node
#: so named, and records still name compilers the old way (``oneapi@=2024.1.0``).
LEGACY_COMPILER_TO_BUILTIN = {
    "clang": "llvm",
    "oneapi": "intel-oneapi-compilers",
    "rocmcc": "llvm-amdgpu",
    "intel": "intel-oneapi-compiler-classic",
    "arm": "acfl",
}

#: The key=value pairs that set a node's architecture.
ARCH_FIELDS = ("platform", "os", "target")

#: Compiler flags Spack reads as key=value pairs; caches do not record them.
COMPILER_FLAGS = frozenset({"cflags", "cxxflags", "fflags", "cppflags", "ldflags", "ldlibs"})


class SpecSyntaxError(ValueError):
    """A spec string that is not in the subset read here.

    ``column`` is the 0-based column of the first character at fault in ``text``,
    ``message`` says what is wrong.
    """

    def __init__(self, message: str, text: str, column: int) -> None:
        self.message = message
        self.text = text
        self.column = column
        super().__init__(f"{message} (column {column + 1} of {text!r})")


# --- versions ---------------------------------------------------------------------

_VALID_VERSION = re.compile(r"[A-Za-z0-9_.-]+")  # version_types.VALID_VERSION, no "="


def _next_key(key: VersionKey) -> VersionKey | None:
    """The key of Spack's ``_next_version`` of a version (``1.14`` -> ``1.15``,
    ``1.0rc1`` -> ``1.0rc2``, ``1.2a`` -> ``1.2b``, ``master`` -> ``main``): the first
    version after every version that has this one as prefix. ``None`` when it cannot be
    worked out (a number too long to read as one), and a range then ends at the
    version itself.
    """
    release, prerelease = key
    if prerelease[0] != 3:  # alpha/beta/rc: the next pre-release number
        number = prerelease[2] if len(prerelease) > 2 else -1
        if not isinstance(number, int):
            return None
        return release, (prerelease[0], 1, number + 1)
    if not release:
        return ((0, "A"),), prerelease
    kind, value = release[-1]
    if kind == 1 and isinstance(value, int):  # a number
        return (*release[:-1], (1, value + 1)), prerelease
    if kind == 3 and isinstance(value, int):  # an "infinity" word: the next one
        return (*release[:-1], (3, value + 1)), prerelease
    if kind == 0 and isinstance(value, str):  # letters: the next string not a word
        text = value
        while True:
            text = (
                text + "A"
                if not text or text[-1] == "z"
                else text[:-1] + ("a" if text[-1] == "Z" else chr(ord(text[-1]) + 1))
            )
            if text not in INFINITY_VERSIONS:
                return (*release[:-1], (0, text)), prerelease
    return None


def version_in_range(version: str, lo: str | None, hi: str | None) -> bool:
    """Whether *version* is in Spack's range ``lo:hi`` (``None``: open at that end),
    whose upper end is a prefix: ``1.14.5`` is in ``:1.14``, ``1.15`` is not."""
    key = version_key(version)
    if lo is not None and key < version_key(lo):
        return False
    if hi is None:
        return True
    upper = _next_key(version_key(hi))
    return key <= version_key(hi) if upper is None else key < upper


@dataclass(frozen=True, slots=True)
class ExactVersion:
    """``@=1.14.3``: this version only (Spack's ``StandardVersion``)."""

    version: str

    def contains(self, version: str) -> bool:
        """Whether the concrete *version* is this one (``1.0`` and ``1-0`` are)."""
        return version_key(version) == version_key(self.version)

    def bounds(self) -> tuple[str | None, str | None]:
        """The lowest and highest version (``None``: open)."""
        return self.version, self.version

    def __str__(self) -> str:
        return f"={self.version}"


@dataclass(frozen=True, slots=True)
class VersionRange:
    """``@lo:hi``, ``@lo:``, ``@:hi``; ``@1.14`` is ``VersionRange("1.14", "1.14")``
    (Spack's ``ClosedOpenRange``)."""

    lo: str | None
    hi: str | None

    def contains(self, version: str) -> bool:
        """Whether the concrete *version* is in the range."""
        return version_in_range(version, self.lo, self.hi)

    def bounds(self) -> tuple[str | None, str | None]:
        """The lowest and highest version (``None``: open)."""
        return self.lo, self.hi

    def __str__(self) -> str:
        if self.lo is not None and self.lo == self.hi:
            return self.lo
        return f"{self.lo or ''}:{self.hi or ''}"


@dataclass(frozen=True, slots=True)
class VersionList:
    """What follows ``@``: one or more versions and ranges, any of which will do."""

    items: tuple[ExactVersion | VersionRange, ...]

    def contains(self, version: str) -> bool:
        """Whether the concrete *version* is in one of the items."""
        return any(item.contains(version) for item in self.items)

    def __str__(self) -> str:
        return ",".join(str(item) for item in self.items)


# --- variants and nodes -----------------------------------------------------------

_NO_QUOTES_NEEDED = re.compile(r"[a-zA-Z0-9,/_.\-\[\]]+")  # spec_parser.NO_QUOTES_NEEDED


@dataclass(frozen=True, slots=True)
class Variant:
    """A variant a query asks for: ``+mpi`` (``values=("true",)``, ``boolean``),
    ``~mpi`` and ``-mpi`` (``("false",)``), ``cxxstd=17``, ``libs=shared,static`` (at
    least these values) or ``libs:=shared`` (``exact``: these values and no other)."""

    name: str
    values: tuple[str, ...]
    boolean: bool = False
    exact: bool = False

    def __str__(self) -> str:
        if self.boolean:
            return ("+" if self.values == ("true",) else "~") + self.name
        value = ",".join(self.values)
        if not _NO_QUOTES_NEEDED.fullmatch(value):
            value = f"'{value}'" if "'" not in value else f'"{value}"'
        return f"{self.name}{':=' if self.exact else '='}{value}"


@dataclass(frozen=True, slots=True)
class Node:
    """One node of a query: the root, a ``^`` dependency or a ``%`` direct dependency."""

    name: str | None = None
    versions: VersionList | None = None
    variants: tuple[Variant, ...] = ()
    platform: str | None = None
    os: str | None = None
    #: ``target=``'s comma-separated items, each a name or a range ``lo:hi``.
    targets: tuple[str, ...] = ()
    #: The ``%`` direct dependencies (the compiler, in Spack 1.0's reading).
    direct: tuple[Node, ...] = ()

    def options(self) -> str:
        """The node written out without its name and direct dependencies, variants in
        the order given (a ``+v`` after ``k=x`` takes a space: ``k=x+v`` is one value)."""
        text = f"@{self.versions}" if self.versions else ""
        after_pair = False
        for variant in self.variants:
            if variant.boolean and not after_pair:
                text += str(variant)
            else:
                text += f" {variant}"
            after_pair = not variant.boolean
        pairs = [f"{k}={getattr(self, k)}" for k in ("platform", "os") if getattr(self, k)]
        if self.targets:
            pairs.append("target=" + ",".join(self.targets))
        return " ".join(filter(None, [text.strip(), *pairs]))

    def __str__(self) -> str:
        options = self.options()
        glue = "" if options[:1] in ("", "@", "+", "~") else " "
        head = (self.name or "") + glue + options if self.name else options
        return " ".join(filter(None, [head, *(f"%{d}" for d in self.direct)]))


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed spec: the root node and its ``^`` dependencies, in the order written."""

    root: Node
    dependencies: tuple[Node, ...] = ()

    @property
    def name(self) -> str | None:
        """The package asked for (``None`` for an anonymous spec)."""
        return self.root.name

    def __str__(self) -> str:
        return " ".join([str(self.root), *(f"^{d}" for d in self.dependencies)]).strip()


# --- the tokenizer (spec_parser.SpecTokens, the subset's kinds and the ones refused) --

_IDENTIFIER = r"(?:[a-zA-Z_0-9][a-zA-Z_0-9\-]*)"
_DOTTED = rf"(?:{_IDENTIFIER}(?:\.{_IDENTIFIER})+)"
_NAME = r"[a-zA-Z_0-9][a-zA-Z_0-9\-.]*"
_VALUE = r"(?:[a-zA-Z_0-9\-+\*.,:=%^\~\/\\]+)"
_QUOTED = r"(?:'(?:[^']|(?<=\\)')*'|\"(?:[^\"]|(?<=\\)\")*\")"
_VERSION = r"=?(?:[a-zA-Z0-9_][a-zA-Z_0-9\-\.]*\b)"
_VERSION_RANGE = rf"(?:(?:{_VERSION})?:(?:{_VERSION}(?!\s*=))?)"
_VERSION_LIST = rf"(?:{_VERSION_RANGE}|{_VERSION})(?:\s*,\s*(?:{_VERSION_RANGE}|{_VERSION}))*"
_VIRTUAL_ASSIGNMENT = rf"(?:{_IDENTIFIER}(?:,{_IDENTIFIER})*=(?:{_DOTTED}|{_IDENTIFIER}))"
_GIT = r"(?:(?:git\.[a-zA-Z_0-9][a-zA-Z_0-9./\-]*)|(?:[A-Fa-f0-9]{40}))"

_TOKENS = (
    ("EDGE_PROPERTIES", r"(?:(?:\^|%%|%)\[)"),
    ("DEPENDENCY", rf"(?:(?:\^|%%|%)(?:\s*{_VIRTUAL_ASSIGNMENT})?)"),
    ("GIT_VERSION", rf"(?:@{_GIT}(?:={_VERSION})?)"),
    ("VERSION", rf"(?:@\s*(?:{_VERSION_LIST}))"),
    ("PROPAGATED_BOOL_VARIANT", rf"(?:(?:\+\+|~~|--)\s*{_NAME})"),
    ("BOOL_VARIANT", rf"(?:[~+-]\s*{_NAME})"),
    ("PROPAGATED_KEY_VALUE_PAIR", rf"(?:{_NAME}:?==(?:{_VALUE}|{_QUOTED}))"),
    ("KEY_VALUE_PAIR", rf"(?:{_NAME}:?=(?:{_VALUE}|{_QUOTED}))"),
    ("FILENAME", r"(?:(?:\.|\/|[a-zA-Z0-9-_]*\/)(?:[a-zA-Z0-9-_\.\/]*)(?:\.json|\.yaml))"),
    ("FULLY_QUALIFIED_PACKAGE_NAME", _DOTTED),
    ("PACKAGE_NAME", rf"(?:{_IDENTIFIER}|\*)"),
    ("DAG_HASH", r"(?:/(?:[a-zA-Z_0-9]+))"),
    ("WS", r"(?:\s+)"),
    ("UNEXPECTED", r"(?:.)"),
)
_TOKENIZER = re.compile("|".join(f"(?P<{kind}>{regex})" for kind, regex in _TOKENS), re.DOTALL)

#: What each refused kind of token is, for the error.
_REFUSED = {
    "EDGE_PROPERTIES": "edge attributes ([...]) are not supported here",
    "GIT_VERSION": "git versions are not supported here",
    "PROPAGATED_BOOL_VARIANT": "propagated variants (++v, ~~v, --v) are not supported here",
    "PROPAGATED_KEY_VALUE_PAIR": "propagated variants (v==x) are not supported here",
    "FILENAME": "spec files are not supported here",
    "FULLY_QUALIFIED_PACKAGE_NAME": "namespaces (builtin.hdf5) are not supported here",
    "DAG_HASH": "hashes (/abc...) are not supported here",
}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    value: str
    start: int


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKENIZER.finditer(text):
        kind = match.lastgroup or "UNEXPECTED"
        if kind != "WS":  # an unexpected character is reported when the parser meets it
            tokens.append(_Token(kind, match.group(), match.start()))
    return tokens


# --- the parser -------------------------------------------------------------------


@dataclass
class _Building:
    """A node while it is being read (frozen into a :class:`Node` at the end)."""

    name: str | None = None
    versions: VersionList | None = None
    variants: dict[str, Variant] = field(default_factory=dict)
    arch: dict[str, Any] = field(default_factory=dict)
    direct: list[_Building] = field(default_factory=list)

    def freeze(self) -> Node:
        return Node(
            name=self.name,
            versions=self.versions,
            variants=tuple(self.variants.values()),
            platform=self.arch.get("platform"),
            os=self.arch.get("os"),
            targets=self.arch.get("target", ()),
            direct=tuple(d.freeze() for d in self.direct),
        )

    def empty(self) -> bool:
        return self.name is None and self.versions is None and not self.variants and not self.arch


def _strip_quotes(value: str) -> str:
    """``'a b'`` -> ``a b`` (spec_parser.strip_quotes_and_unescape)."""
    match = re.fullmatch(r"(['\"])(.*)\1", value, re.DOTALL)
    if not match:
        return value
    quote, inner = match.groups()
    return inner.replace(f"\\{quote}", quote)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    def error(self, message: str, column: int) -> SpecSyntaxError:
        return SpecSyntaxError(message, self.text, column)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Query:
        if not self.tokens:
            raise self.error("empty spec", 0)
        root = self.node(root=True)
        current = root
        dependencies: list[_Building] = []
        while (token := self.peek()) is not None and token.kind == "DEPENDENCY":
            self.take()
            if token.value.startswith("%%"):
                raise self.error(
                    "%% (propagated direct dependencies) is not supported here", token.start
                )
            if token.value != token.value[0]:
                raise self.error(
                    "virtual assignments (%c=gcc) are not supported here", token.start + 1
                )
            node = self.node(root=False)
            if node.name is None:
                raise self.error(
                    f"{token.value} must be followed by a package name", token.start + 1
                )
            if token.value == "%":
                node.name = LEGACY_COMPILER_TO_BUILTIN.get(node.name, node.name)
                current.direct.append(node)
            else:
                dependencies.append(node)
                current = node
        if (token := self.peek()) is not None:
            self.refuse(token)
            if token.kind == "PACKAGE_NAME":
                raise self.error(
                    f"a second package name {token.value!r}: one spec at a time", token.start
                )
            raise self.error(f"unexpected {token.value!r}", token.start)
        if root.empty() and not root.direct and not dependencies:
            raise self.error("a spec needs a package name or a constraint", 0)
        return Query(root.freeze(), tuple(d.freeze() for d in dependencies))

    def node(self, root: bool) -> _Building:
        node = _Building()
        token = self.peek()
        if token is not None:
            self.refuse(token)
        if token is not None and token.kind == "PACKAGE_NAME":
            self.take()
            node.name = None if token.value == "*" else token.value
        while (token := self.peek()) is not None:
            self.refuse(token)
            if token.kind == "VERSION":
                self.take()
                if node.versions is not None:
                    raise self.error("a spec has one version constraint", token.start)
                node.versions = self.versions(token)
            elif token.kind == "BOOL_VARIANT":
                self.take()
                name = token.value[1:].strip()
                self.add_variant(
                    node,
                    Variant(name, ("true" if token.value[0] == "+" else "false",), boolean=True),
                    token,
                )
            elif token.kind == "KEY_VALUE_PAIR":
                self.take()
                self.key_value(node, token)
            else:
                break
        return node

    def refuse(self, token: _Token) -> None:
        """Raise the error of a token outside the subset, if it is one."""
        if token.kind == "UNEXPECTED":
            raise self.error(f"unexpected character {token.value!r}", token.start)
        if token.kind in _REFUSED:
            raise self.error(_REFUSED[token.kind], token.start)

    def add_variant(self, node: _Building, variant: Variant, token: _Token) -> None:
        if variant.name in node.variants:
            raise self.error(f"variant {variant.name!r} given twice", token.start)
        node.variants[variant.name] = variant

    def key_value(self, node: _Building, token: _Token) -> None:
        name, value = token.value.split("=", 1)
        exact = name.endswith(":")
        name = name.rstrip(":")
        value = _strip_quotes(value)
        value_column = token.start + len(token.value) - len(token.value.split("=", 1)[1])
        if name in COMPILER_FLAGS:
            raise self.error(
                f"compiler flags ({name}=...) are not supported here: caches do not record them",
                token.start,
            )
        if name == "arch":
            parts = value.split("-")
            if len(parts) != 3 or not all(parts):
                raise self.error("arch= takes platform-os-target", value_column)
            offset = value_column
            for key, part in zip(ARCH_FIELDS, parts, strict=True):
                self.set_arch(node, key, part, token, offset)
                offset += len(part) + 1
        elif name in ARCH_FIELDS:
            self.set_arch(node, name, value, token, value_column)
        else:
            values = tuple(value.split(","))
            if not all(values):
                raise self.error(f"an empty value of variant {name!r}", value_column)
            self.add_variant(node, Variant(name, values, exact=exact), token)

    def set_arch(self, node: _Building, key: str, value: str, token: _Token, column: int) -> None:
        if key in node.arch:
            raise self.error(f"{key} given twice", token.start)
        if key == "target":
            items = tuple(value.split(","))
            offset = column
            for item in items:
                ends = item.split(":")
                if (
                    len(ends) > 2
                    or not any(ends)
                    or not all(re.fullmatch(r"[a-zA-Z0-9_]*", end) for end in ends)
                ):
                    raise self.error(f"a bad target {item!r}", offset)
                offset += len(item) + 1
            node.arch[key] = items
        else:
            if not re.fullmatch(r"[a-zA-Z0-9_.]+", value):
                raise self.error(f"a bad {key} {value!r}", column)
            node.arch[key] = value

    def versions(self, token: _Token) -> VersionList:
        body = token.value[1:]
        column = token.start + 1
        items: list[ExactVersion | VersionRange] = []
        for raw in body.split(","):
            item = raw.strip()
            item_column = column + (len(raw) - len(raw.lstrip()))
            column += len(raw) + 1
            if item.startswith("="):
                if not _VALID_VERSION.fullmatch(item[1:]):
                    raise self.error(f"a bad exact version {item!r}", item_column)
                items.append(ExactVersion(item[1:]))
                continue
            if ":" in item:
                lo, hi = (end.strip() or None for end in item.split(":", 1))
            else:
                lo = hi = item
            for end in (lo, hi):
                if end is not None and not _VALID_VERSION.fullmatch(end):
                    raise self.error(f"a bad version {end!r}", item_column)
            if lo is not None and hi is not None and not version_in_range(lo, None, hi):
                raise self.error(f"{lo}:{hi} is an empty range", item_column)
            items.append(VersionRange(lo, hi))
        return VersionList(tuple(items))


def parse_spec(text: str) -> Query:
    """Parse *text*, a spec in the subset of Spack's syntax this module reads.

    Raises :class:`SpecSyntaxError` (with the column at fault) when it is not one.
    """
    return _Parser(text).parse()
