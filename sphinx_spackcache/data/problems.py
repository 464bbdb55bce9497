"""What can be wrong with the input, and where: the subtypes of every warning (one Enum),
located problems, and how many problems of one kind become one report.

The build (:mod:`!sphinx_spackcache.warnings_` logs these as Sphinx warnings) and the
record checker (``sphinx-spackcache check``) report the same problems in the same words,
from this one place.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

__all__ = [
    "UNSHOWABLE",
    "WARNING_TYPE",
    "Problem",
    "RecordError",
    "SpackCacheWarning",
    "collapse",
    "excerpt",
    "file_location",
    "printable",
    "quoted",
    "replace_unshowable",
]

#: The ``type`` of every warning this extension emits.
WARNING_TYPE = "spackcache"


class SpackCacheWarning(Enum):
    """The subtypes of sphinx-spackcache's warnings."""

    CONFIG = "config"
    """A ``spackcache_*`` configuration value has the wrong type or an unusable value."""

    CACHE_PATH = "cache_path"
    """``spackcache_path`` does not exist, is not a folder, or cannot be read."""

    TAG = "tag"
    """The requested snapshot tag is not a folder of ``spackcache_path`` (the warning
    lists the tags there), or no tag was given and there is no single default; or a
    snapshot cannot be read at all (a folder that cannot be listed, a mirror whose index
    cannot be used), and a listing or history leaves it out (the warning says why)."""

    PACKAGE = "package"
    """The package has no record in the snapshot (the warning suggests close names)."""

    RECORD = "record"
    """A record file is unreadable or malformed (the warning gives its file and line), or
    part of it was skipped or changed, such as one spec entry with a missing key, a key
    given twice, or a value holding characters no page can show. The same for a Spack
    mirror's index, its views and its spec manifests. The same problem in many specs of
    one record or index is one warning, with the count and the first few cases."""

    META = "meta"
    """A record's ``meta`` summary disagrees with its ``spec_details``; what is shown is
    computed from ``spec_details``."""

    URL = "url"
    """A spec's ``tarball`` is not an ``http(s)`` URL, so it is shown without a link."""

    STACK = "stack"
    """``cache-stack`` names a stack that holds no spec of the snapshot (the warning
    lists the stacks there), or ``cache-install :stack:`` (``cache-package :install:``)
    a stack that none of the package's binaries is in (the commands then use the
    snapshot's top-level mirror)."""

    OPTION = "option"
    """A directive option has a value it does not accept, such as ``:by: colour``, an
    unknown column in ``:columns:`` (the warning lists the accepted values), a filter
    of commas only (``:os: ,``, left out), or a ``:toctree:`` folder outside the source
    folder."""

    FILTER = "filter"
    """A filter pattern (``:os:``, ``:compiler:``, ...) matches no value of that field in
    what the directive shows (the warning lists the values there), or the filters leave
    nothing to show."""

    INSTALL = "install"
    """Install commands (``cache-install``, ``cache-package :install:``) name a mirror of
    ``spackcache_mirrors`` that is a local folder, with no URL for it in
    ``spackcache_mirror_url``: the commands show the folder as ``conf.py`` names it, which
    a reader elsewhere cannot use. Or a signing key file of a mirror folder
    (``build_cache/_pgp/*.pub``, ``v3/manifests/key/*.key.manifest.json``) is not a
    public key, is too large, or is not the key its name says: its fingerprint is not
    shown."""

    STUB = "stub"
    """``cache-index :toctree:`` would write a package page over a file it did not
    generate (left alone), or a page it should list does not exist."""

    DUPLICATE = "duplicate"
    """The same package of the same snapshot is documented by ``cache-package`` twice;
    cross-references go to the first (by document name, then line), and every other is
    reported, whichever order the documents were read in (``-j`` included)."""

    GRAPH = "graph"
    """``cache-graph`` has nothing to draw with: the snapshot's source does not say what
    its binaries depend on (cache.spack.io's records), or the ``dot`` program of
    Graphviz is missing (the graph is then shown as a tree)."""

    SPEC = "spec"
    """``cache-match`` was given a spec it cannot read: not in the subset of Spack's spec
    syntax it reads (the warning points at the character at fault), or without a
    package name."""

    @property
    def full_name(self) -> str:
        """The name to use in ``suppress_warnings``."""
        return f"{WARNING_TYPE}.{self.value}"


def file_location(path: Path | str, line: int) -> str:
    """``path:line`` for a warning; line 1 when it is unknown (0).

    Sphinx reads a location without a line as a document name, so there always is one.
    A character of the path no log can show (a folder named with a terminal escape, say)
    is escaped, as in a message (:func:`printable`).
    """
    return printable(f"{path}:{max(line, 1)}")


def quoted(value: object, limit: int = 60) -> str:
    """A value from a record, for a message: its ``repr`` (control characters and lone
    surrogates escaped), cut to about *limit* characters, with the length of long text.
    Lists and mappings are shown a few items and levels deep (a YAML "billion laughs"
    value of ten million items is not written out first)."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        text = repr(value[:limit])
        return f"{text[:-1]}\N{HORIZONTAL ELLIPSIS}{text[-1]} ({len(value):,} characters)"
    try:
        text = _SHORT_REPR.repr(value)
    except (RecursionError, ValueError):  # an int too long for text
        return f"(a {type(value).__name__} too large to show)"
    return text if len(text) <= limit else f"{text[: limit - 1]}\N{HORIZONTAL ELLIPSIS}"


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = 60


#: Characters no page or log can show as they are: C0 and C1 control characters (no value
#: of a real record holds one, not even a tab), the Unicode line and paragraph separators
#: (which break a message into lines), invisible format characters that can disguise
#: text (zero-width characters, bidirectional overrides and isolates, the byte-order
#: mark) and lone UTF-16 surrogates (which JSON's ``\\ud800`` escapes can produce and
#: UTF-8 cannot encode).
UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def replace_unshowable(text: str) -> str:
    """*text* with each :data:`UNSHOWABLE` character replaced by U+FFFD (what a page
    shows of a record value that held one)."""
    return UNSHOWABLE.sub("\N{REPLACEMENT CHARACTER}", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def excerpt(text: str, limit: int = 60) -> str:
    """Text from a record, for a message without quotes: :data:`UNSHOWABLE` characters
    escaped, cut to *limit* characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return UNSHOWABLE.sub(_escape, text)


def printable(message: str) -> str:
    """*message* as one line that any log or terminal can take: :data:`UNSHOWABLE`
    characters (line breaks, terminal escapes, lone surrogates, ...) escaped. Messages
    quote record values with :func:`quoted` or :func:`excerpt` already; this is the net
    under them, applied to every warning and every line of the record checker."""
    return UNSHOWABLE.sub(_escape, message)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a record that was skipped, changed or is suspicious; the rest is
    usable."""

    #: The record file (as given: text is as good as a ``Path`` here, and cheaper).
    path: Path | str
    line: int
    message: str
    subtype: SpackCacheWarning = SpackCacheWarning.RECORD
    #: Problems of one file and line with the same *group* are one report when there are
    #: several (:func:`collapse`): the group names them in the plural, e.g. "entries of
    #: spec_details are unusable and were skipped".
    group: str = ""

    @property
    def location(self) -> str:
        """``path:line``, for a warning."""
        return file_location(self.path, self.line)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RecordError(ValueError):
    """The record cannot be used at all (unreadable file, no front matter, no specs):
    raised with the :class:`Problem` that says where and why (``.problem``)."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(path, line, message)

    def __str__(self) -> str:
        return str(self.problem)


#: How many cases a collapsed report shows.
EXAMPLES = 3


def collapse(problems: Iterable[Problem], examples: int = EXAMPLES) -> tuple[Problem, ...]:
    """Make the problems of one group (same file, line, subtype and group) one report: the
    count, the first *examples* cases, and how many more, in the place of the first.

    A record of 100,000 bad specs is one warning, not 100,000. A group of one is left as
    it is.
    """
    order: list[Problem | tuple[Path | str, int, SpackCacheWarning, str]] = []
    groups: dict[tuple[Path | str, int, SpackCacheWarning, str], list[Problem]] = {}
    for problem in problems:
        if not problem.group:
            order.append(problem)
            continue
        key = (problem.path, problem.line, problem.subtype, problem.group)
        members = groups.get(key)
        if members is None:
            groups[key] = [problem]
            order.append(key)
        else:
            members.append(problem)
    result: list[Problem] = []
    for item in order:
        if isinstance(item, Problem):
            result.append(item)
            continue
        members = groups[item]
        first = members[0]
        if len(members) == 1:
            result.append(first)
            continue
        shown = "; ".join(member.message for member in members[:examples])
        more = len(members) - examples
        rest = f"; and {more:,} more" if more > 0 else ""
        message = f"{len(members):,} {first.group}: {shown}{rest}"
        result.append(replace(first, message=message))
    return tuple(result)
