"""Parse cache.spack.io cache records (``_cache/<tag>/<package>/specs.md``).

A record is YAML front matter between two ``---`` lines and nothing else. cache.spack.io's
generator writes each top-level key on one line, and the large values (``meta``,
``spec_details``) as ``json.dumps`` output. Three readers, fastest first:

1. :func:`_read_generated_layout` recognises that exact layout with one short regular expression and
   two searches, and keeps the two JSON lines as bytes
   (:class:`~sphinx_spackcache.data.model.RawJSON`);
2. :func:`_scan_front_matter` reads any other one-key-per-line front matter line by line;
3. anything else (a hand-written record in block YAML, say) goes to PyYAML, with
   libyaml's ``CSafeLoader`` when it is available. It sees the whole front matter, so
   line numbers in its errors are the file's.

``spec_details`` is decoded by msgspec straight into :class:`~sphinx_spackcache.data.model.Spec`
structs, types checked in C; only when that fails is it read entry by entry, so that one bad entry
is skipped and reported while the others are kept. ``meta`` is decoded only when a page
cross-checks it. Measured on the real develop-2025-04-20 records, loading takes about
1.2x the time of ``json.loads`` on the same JSON (``benchmarks/run.py``).

Whatever its bytes, a record never makes parsing raise anything but :class:`RecordError`
(the record cannot be used at all); everything else is a
:class:`~sphinx_spackcache.data.problems.Problem` with a line, and the rest of the record is used:

* a key given twice (at the top level, or in one spec entry) is reported, and the last
  value is used, as YAML readers and Jekyll do (in one spec entry, on every layout but
  cache.spack.io's own, which ``json.dumps`` writes and so cannot repeat a key: looking
  there would cost half as much again as decoding the specs);
* a spec entry that is not a spec is skipped;
* characters no page can show (control characters, and lone UTF-16 surrogates, which
  JSON's ``\\ud800`` escapes can produce and UTF-8 cannot encode) become U+FFFD;
* a value longer than :data:`~sphinx_spackcache.data.model.MAX_VALUE` (1,024 characters) is cut to
  that length;
* a repeated hash is skipped, a repeated stack kept once, an odd hash reported;
* JSON or YAML nested too deeply to read, numbers too long to convert and dates that do
  not exist are located errors, like any other unreadable front matter.

The same problem in many specs is one report (:func:`~sphinx_spackcache.data.problems.collapse`).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import msgspec
import yaml

from ..data.model import MAX_VALUE, SPACK_HASH, PackageRecord, RawJSON, Spec
from ..data.problems import (
    EXAMPLES,
    UNSHOWABLE,
    Problem,
    RecordError,
    collapse,
    file_location,
    quoted,
    replace_unshowable,
)

#: libyaml's loader when PyYAML was built with it (about ten times faster), else Python's.
_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

__all__ = [
    "Problem",
    "RecordError",
    "file_location",
    "load_record",
    "parse_record",
    "split_front_matter",
]

# A plain YAML scalar that YAML would certainly read as a string.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@+/-]*")
# A flow sequence of such scalars, e.g. ``[package, develop-2025-04-20]``.
_FLOW_SEQ = re.compile(
    r"\[\s*([A-Za-z_][A-Za-z0-9_.@+/-]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_.@+/-]*)*)\s*\]"
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_YAML_WORDS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf", "infinity"}
)
#: What decoding JSON or YAML raises besides its own errors, on input nested too deeply
#: (RecursionError), numbers too long to convert or dates that do not exist (ValueError).
_DECODING_FAILURES = (ValueError, RecursionError, TypeError, OverflowError)


@dataclass(slots=True)
class _FrontMatter:
    """The top-level values of a record, the line of each key, and what was odd."""

    data: dict[str, Any]
    lines: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    #: Whether this is cache.spack.io's own layout, line for line (:func:`_read_generated_layout`).
    exact: bool = False


def split_front_matter(text: str, path: Path | str) -> list[str]:
    """Return the front matter's lines (file line *n* is index *n* - 2).

    The front matter ends at a ``---`` line or, as YAML and Jekyll allow, a ``...`` line.
    A byte-order mark before the first ``---`` is ignored.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].rstrip() != "---":
        raise RecordError(path, 1, "the record does not start with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return lines[1:index]
    raise RecordError(path, len(lines), "the front matter has no closing '---' line")


class _Pairs(dict[str, Any]):
    """A JSON object that gave some key more than once (the last value is kept)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that notes keys given twice."""
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _Pairs(result)
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for key, _ in pairs:
        if key in seen:
            repeated[key] = None
        seen.add(key)
    marked.repeated = tuple(repeated)
    return marked


def _json(text: str | bytes) -> Any:
    """JSON, noting repeated keys (:class:`_Pairs`); raises ValueError or RecursionError."""
    return json.loads(text, object_pairs_hook=_object)


def _fast_value(value: str) -> tuple[bool, Any]:
    """Read a one-line value without YAML, or say that YAML is needed."""
    first = value[:1]
    if first in ("[", "{") and '"' in value:
        # JSON, as cache.spack.io writes meta and spec_details; no copy of the line is made
        try:
            return True, _json(value)
        except _DECODING_FAILURES:
            return False, None
    value = value.strip()
    if value in ("[]", "{}"):
        return True, [] if value == "[]" else {}
    if not value:
        return False, None
    first = value[0]
    if first == "[":  # a flow sequence of plain words, e.g. categories
        match = _FLOW_SEQ.fullmatch(value)
        if match is None:
            return False, None
        items = [item.strip() for item in match.group(1).split(",")]
        if any(item.lower() in _YAML_WORDS for item in items):
            return False, None
        return True, items
    if first == '"':
        try:
            return True, json.loads(value)
        except _DECODING_FAILURES:
            return False, None
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return True, value
    return False, None


#: Keys whose (large) JSON line the fast path keeps as text for a faster decoder.
_LAZY_JSON = frozenset({"meta", "spec_details"})
#: The front matter keys that are read at all.
_USED = frozenset({"title", "categories", "meta", "spec_details"})
_decode_specs = msgspec.json.Decoder(list[Spec]).decode


_GENERATED_HEAD = re.compile(
    rb'---\ntitle: "(?P<title>[A-Za-z0-9_.+-]+)"\nlayout: [a-z]+\n'
    rb"categories: \[package, (?P<tag>[A-Za-z0-9_.+-]+)\]\nmeta: \{"
)


def _read_generated_layout(raw: bytes) -> _FrontMatter | None:
    """The layout cache.spack.io writes, line for line (title, layout, categories, meta,
    spec_details, closing ``---``), checked with one short regular expression and two
    searches; ``None`` for anything else. (No key can be given twice in it.)"""
    head = _GENERATED_HEAD.match(raw)
    if head is None:
        return None
    meta_start = head.end() - 1
    specs_key = raw.find(b"\nspec_details: [", meta_start)
    if specs_key < 0 or raw.find(b"\n", meta_start, specs_key) >= 0:
        return None  # meta is not one line, or spec_details does not follow it
    specs_start = specs_key + 15
    specs_end = raw.find(b"\n", specs_start)
    if specs_end < 0 or raw[specs_end:].rstrip() not in (b"\n---", b"\n..."):
        return None
    data = {
        "title": head["title"].decode("ascii"),
        "categories": ["package", head["tag"].decode("ascii")],
        "meta": RawJSON(raw[meta_start:specs_key]),
        "spec_details": RawJSON(raw[specs_start:specs_end]),
    }
    return _FrontMatter(data, dict(_GENERATED_LINES), exact=True)


_GENERATED_LINES = {"title": 2, "layout": 3, "categories": 4, "meta": 5, "spec_details": 6}


class _Keys:
    """The top-level keys met so far, to report one given twice."""

    __slots__ = ("first", "path", "problems")

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.first: dict[str, int] = {}
        self.problems: list[Problem] = []

    def note(self, key: str, line: int) -> None:
        first = self.first.setdefault(key, line)
        if first != line:
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    f"key {quoted(key)} is given again (first at line {first}); "
                    "the value given last is used",
                )
            )


def _scan_front_matter(raw: bytes, path: Path | str = "") -> _FrontMatter | None:
    """The fast path for generated records: walk the bytes by offsets, keep the ``meta``
    and ``spec_details`` lines as JSON bytes (:class:`RawJSON`, decoded by their users)
    and read the short lines. Returns ``None`` at anything unusual (including text that
    is not UTF-8), and the caller takes the general path, which also reports errors."""
    pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if not raw.startswith(b"---\n", pos):
        return None
    pos += 4
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    keys = _Keys(path)
    number = 2
    size = len(raw)
    while pos < size:
        newline = raw.find(b"\n", pos)
        end = size if newline == -1 else newline
        head = raw[pos : min(end, pos + 100)]
        if end - pos < 100 and head.rstrip() in (b"---", b"..."):
            return _FrontMatter(data, key_lines, keys.problems)
        name, separator, _ = head.partition(b": ")
        if not separator:
            if (end - pos < 100 and head.isspace()) or not head:
                pos, number = end + 1, number + 1
                continue
            return None
        key = name.decode("latin-1")
        if not _KEY.fullmatch(key):
            return None
        keys.note(key, number)
        start = pos + len(name) + 2
        if key not in _USED:
            pos, number = end + 1, number + 1  # e.g. layout: never read
            continue
        ok, value = _scanned_value(key, raw[start:end], quoted=b'"' in head)
        if not ok:
            return None
        data[key] = value
        key_lines[key] = number
        pos, number = end + 1, number + 1
    return None


def _scanned_value(key: str, text: bytes, *, quoted: bool) -> tuple[bool, Any]:
    """``(True, value)`` of one line's value, as the fast path reads it: a JSON list or
    mapping (kept as bytes for ``meta`` and ``spec_details``), or a plain scalar;
    ``(False, None)`` for anything else."""
    if text[:1] in (b"[", b"{") and quoted:
        if key in _LAZY_JSON:
            return True, RawJSON(text)
        try:
            return True, _json(text)
        except _DECODING_FAILURES:
            return False, None
    try:
        return _fast_value(text.decode("utf-8"))
    except UnicodeDecodeError:
        return False, None


def _read_general(raw: bytes, path: Path | str) -> _FrontMatter:
    """Any front matter: line by line when it can, else with PyYAML; errors are located."""
    return _parse_front_matter(split_front_matter(_decode_utf8(raw, path), path), path)


def _decode_utf8(raw: bytes, path: Path | str) -> str:
    """*raw* as text, or a located error when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordError(path, line, "the record is not UTF-8 text") from None


def _parse_front_matter(lines: list[str], path: Path | str) -> _FrontMatter:
    """The front matter mapping, the 1-based line of each top-level key, and keys given
    twice."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    keys = _Keys(path)
    for number, line in enumerate(lines, start=2):
        if not line or line.isspace():
            continue
        key, separator, value = line.partition(": ")
        ok, parsed = _fast_value(value) if separator and _KEY.fullmatch(key) else (False, None)
        if not ok:
            return _parse_yaml(lines, path)
        keys.note(key, number)
        data[key] = parsed
        key_lines[key] = number
    return _FrontMatter(data, key_lines, keys.problems)


def _parse_yaml(lines: list[str], path: Path | str) -> _FrontMatter:
    text = "\n".join(lines)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RecordError(path, line, f"front matter is not valid YAML: {problem}") from None
    except RecursionError:
        raise RecordError(path, 2, "front matter is nested too deeply to read") from None
    except MemoryError:
        raise
    except Exception as exc:
        # PyYAML's constructors raise what they meet: ValueError for a number too long
        # to convert or a date that does not exist (2024-13-45), IndexError for
        # `!!int ""`, KeyError for `!!bool x`, AttributeError for `!!timestamp x`
        message = f"front matter has a value YAML cannot convert: {quoted(str(exc), 100)}"
        raise RecordError(path, 2, message) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise RecordError(path, 2, "front matter is not a YAML mapping")
    keys = _Keys(path)
    key_lines: dict[str, int] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + 2
        keys.note(str(key.value), line)
        key_lines[str(key.value)] = line
        if key.value == "spec_details" and isinstance(value, yaml.SequenceNode):
            keys.problems.extend(_repeated_entry_keys(value, path))
    return _FrontMatter(data, key_lines, keys.problems)


def _repeated_entry_keys(entries: yaml.SequenceNode, path: Path | str) -> list[Problem]:
    """Keys given twice in one entry of ``spec_details`` (block YAML)."""
    found: list[Problem] = []
    for index, entry in enumerate(entries.value):
        if not isinstance(entry, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key, _ in entry.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 2
            earlier = first.setdefault(str(key.value), line)
            if earlier != line:
                message = (
                    f"spec_details[{index}] gives {quoted(key.value)} again "
                    f"(first at line {earlier}); the value given last is used"
                )
                found.append(Problem(path, line, message, group=_REPEATED_KEY_GROUP))
    return found


_REPEATED_KEY_GROUP = "entries of spec_details give a key more than once (the last is used)"


def _str_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


_SPEC_STR_KEYS = ("hash", "compiler", "os", "platform", "target")
_SPEC_LIST_KEYS = ("versions", "variants", "stacks")


def _make_spec(entry: Any, explain: bool = True) -> Spec | str:
    """Build a :class:`Spec` from one decoded entry, or say why it is unusable (the slow
    path, taken only for records whose ``spec_details`` msgspec could not decode whole).
    With *explain* false, the reason is not worked out (it would not be shown)."""
    if isinstance(entry, dict) and any(_odd_key(key) for key in entry):
        # no spec key: ignored like any unknown key (msgspec cannot take a lone surrogate)
        entry = {key: value for key, value in entry.items() if not _odd_key(key)}
    try:
        return msgspec.convert(entry, Spec)
    except (msgspec.ValidationError, UnicodeError) as exc:
        if not explain:
            return "is malformed"
        return _why_unusable(entry) or f"is malformed ({quoted(str(exc), 100)})"
    except RecursionError:
        return "is nested too deeply to read"


_LONG_GROUP = f"specs hold values longer than {MAX_VALUE:,} characters (cut)"


def _cut_long_values(entry: Any) -> tuple[Any, list[str]]:
    """*entry* with each text of a spec key longer than
    :data:`~sphinx_spackcache.data.model.MAX_VALUE` cut to that length (its last character an
    ellipsis), and the keys that were cut."""
    if not isinstance(entry, dict):
        return entry, []
    cut: dict[str, Any] = {}
    for key in (*_SPEC_STR_KEYS, "size"):
        value = entry.get(key)
        if isinstance(value, str) and len(value) > MAX_VALUE:
            cut[key] = _cut(value)
    for key in _SPEC_LIST_KEYS:
        values = entry.get(key)
        if isinstance(values, list) and any(_too_long(value) for value in values):
            cut[key] = [_cut(value) if _too_long(value) else value for value in values]
    return ({**entry, **cut}, list(cut)) if cut else (entry, [])


def _too_long(value: object) -> bool:
    return isinstance(value, str) and len(value) > MAX_VALUE


def _cut(value: str) -> str:
    return value[: MAX_VALUE - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _odd_key(key: object) -> bool:
    return not isinstance(key, str) or bool(UNSHOWABLE.search(key))


def _why_unusable(entry: Any) -> str:
    """Why *entry* cannot be a spec, in the record's terms ("" if no reason is found)."""
    if not isinstance(entry, Mapping):
        return f"is a {type(entry).__name__}, not a mapping"
    missing = [key for key in (*_SPEC_STR_KEYS, *_SPEC_LIST_KEYS) if key not in entry]
    if missing:
        return "has no " + ", ".join(repr(key) for key in missing)
    bad = [key for key in _SPEC_STR_KEYS if not isinstance(entry[key], str) or not entry[key]]
    bad += [key for key in _SPEC_LIST_KEYS if _str_list(entry[key]) is None]
    if isinstance(entry.get("size"), list | dict):
        bad.append("size")
    if entry.get("tarball") is not None and not isinstance(entry["tarball"], str):
        bad.append("tarball")
    return "has a malformed " + ", ".join(repr(key) for key in bad) if bad else ""


# -- characters no page can show -----------------------------------------------------

#: In JSON bytes, the only ways to such a character: an escape (``\\u0000``,
#: ``\\ud800``, ``\\n``, ``\\t``, ...), DEL, or the UTF-8 of a C1 control (``\\xc2``
#: and a byte), of U+200B to U+206F (``\\xe2\\x80`` or ``\\xe2\\x81`` and a byte) or of
#: U+FEFF. Raw C0 controls are not valid JSON.
_MAY_BE_UNSHOWABLE = re.compile(rb"\\[ubfnrt]|\x7f|\xc2[\x80-\x9f]|\xe2\x80|\xe2\x81|\xef\xbb\xbf")


def _may_hold_unshowable(text: bytes) -> bool:
    """Whether JSON *text* may decode to a character no page can show. Three scans for
    one byte each rule out almost every record (ASCII, no backslash, no DEL: what
    ``json.dumps`` writes), far faster than the regular expression that decides."""
    if b"\\" not in text and b"\x7f" not in text and text.isascii():
        return False
    return _MAY_BE_UNSHOWABLE.search(text) is not None


_STR_FIELDS = {"hash": "hash", "record_compiler": "compiler", "os": "os"}
_STR_FIELDS |= {"platform": "platform", "target": "target"}
_OPTIONAL_FIELDS = {"record_size": "size", "record_tarball": "tarball"}
#: A size given as an integer of more bits than this is not a size (and Python would
#: refuse to turn one of over 4,300 digits into text).
_SIZE_BITS = 128


def _showable(spec: Spec) -> tuple[Spec, list[str]]:
    """*spec* with every character no page can show replaced by U+FFFD, and a size that
    cannot be shown as a number (infinite, not a number, absurdly long) as text; and the
    record keys that were changed."""
    changes: dict[str, Any] = {}
    for name in _STR_FIELDS:
        value: Any = getattr(spec, name)
        if UNSHOWABLE.search(value):
            changes[name] = replace_unshowable(value)
    for name in _SPEC_LIST_KEYS:
        values: tuple[str, ...] = getattr(spec, name)
        if any(map(UNSHOWABLE.search, values)):
            changes[name] = tuple(map(replace_unshowable, values))
    for name in _OPTIONAL_FIELDS:
        value = getattr(spec, name)
        if isinstance(value, str) and UNSHOWABLE.search(value):
            changes[name] = replace_unshowable(value)
    size = spec.record_size
    if isinstance(size, float) and not math.isfinite(size):
        changes["record_size"] = str(size)
    elif isinstance(size, int) and size.bit_length() > _SIZE_BITS:
        changes["record_size"] = f"(a number of {size.bit_length():,} bits)"
    if not changes:
        return spec, []
    keys = [_STR_FIELDS.get(name) or _OPTIONAL_FIELDS.get(name) or name for name in changes]
    return msgspec.structs.replace(spec, **changes), keys


_UNSHOWN_GROUP = (
    "specs hold characters no page can show (control, invisible or line-separating "
    "characters, lone surrogates), each shown as U+FFFD, or a size that is not a number"
)


def _make_showable(
    specs: list[Spec],
    indexes: list[int] | None,
    path: Path | str,
    line: int,
    problems: list[Problem],
) -> list[Spec]:
    shown: list[Spec] = []
    for index, spec in zip(indexes or range(len(specs)), specs, strict=True):
        spec, changed = _showable(spec)
        if changed:
            keys = ", ".join(repr(key) for key in changed)
            message = (
                f"spec_details[{index}]: {keys} held characters no page can show, or a "
                "size that is not a number; shown as U+FFFD (or as text)"
            )
            problems.append(Problem(path, line, message, group=_UNSHOWN_GROUP))
        shown.append(spec)
    return shown


# -- checks of usable specs ----------------------------------------------------------

_SKIPPED_GROUP = "entries of spec_details are unusable and were skipped"
_REPEATED_HASH_GROUP = "entries of spec_details repeat an earlier hash and were skipped"
_ODD_HASH_GROUP = "specs have a hash that is not a 32-character Spack hash"
_REPEATED_STACK_GROUP = "specs list a stack more than once (it is kept once)"


def _without_repeats(
    specs: list[Spec],
    indexes: list[int] | None,
    path: Path | str,
    line: int,
    problems: list[Problem],
) -> list[Spec]:
    """Drop repeated hashes, keep each stack once per spec, and report odd hashes, all of
    it only when a quick look (C-level maps over all specs) finds something, which it
    almost never does. *indexes* are the specs' places in ``spec_details`` (``None``:
    0, 1, 2, ...)."""
    hashes = set(map(_hash_of, specs))
    stacks = list(map(_stacks_of, specs))
    if (
        len(hashes) == len(specs)
        and all(map(SPACK_HASH.fullmatch, hashes))
        and sum(map(len, map(frozenset, stacks))) == sum(map(len, stacks))
    ):
        return specs
    kept: list[Spec] = []
    seen: set[str] = set()
    for index, spec in zip(indexes or range(len(specs)), specs, strict=True):
        where = f"spec_details[{index}]"
        if spec.hash in seen:
            message = f"{where} repeats hash {quoted(spec.hash)}; skipped"
            problems.append(Problem(path, line, message, group=_REPEATED_HASH_GROUP))
            continue
        seen.add(spec.hash)
        if not SPACK_HASH.fullmatch(spec.hash):
            message = f"{where}: hash {quoted(spec.hash)} is not a 32-character Spack hash"
            problems.append(Problem(path, line, message, group=_ODD_HASH_GROUP))
        if len(set(spec.stacks)) != len(spec.stacks):
            repeated = sorted(s for s, n in Counter(spec.stacks).items() if n > 1)
            message = f"{where} lists stack {', '.join(map(quoted, repeated))} more than once"
            problems.append(Problem(path, line, message, group=_REPEATED_STACK_GROUP))
            spec = msgspec.structs.replace(spec, stacks=tuple(dict.fromkeys(spec.stacks)))
        kept.append(spec)
    return kept


_hash_of = attrgetter("hash")
_stacks_of = attrgetter("stacks")


# -- spec_details --------------------------------------------------------------------


def _entries_of(raw: bytes, front: _FrontMatter, path: Path | str) -> tuple[_FrontMatter, Any]:
    """``spec_details`` decoded as plain JSON or YAML (the slow path): from the JSON line
    when it is JSON, else from the general reader, which says where the record is broken."""
    value = front.data.get("spec_details")
    if isinstance(value, RawJSON):
        try:
            entries = json.loads(value.raw)
            if isinstance(entries, list) and _entries_may_repeat_keys(value.raw, entries):
                entries = _json(value.raw)  # again, noting keys given twice
        except _DECODING_FAILURES:
            front = _read_general(raw, path)
            value = front.data.get("spec_details")
        else:
            return front, entries
    return front, value


def _entries_may_repeat_keys(text: bytes, entries: list[Any]) -> bool:
    """Whether the JSON *text* of *entries* may give a key twice in an object: it has more
    ``":`` than the entries have keys (json.loads keeps the last without a word)."""
    return text.count(b'":') > sum(len(entry) for entry in entries if isinstance(entry, dict))


def _repeated_keys(entries: Iterable[Any], path: Path | str, line: int) -> list[Problem]:
    """Keys given twice in one entry of ``spec_details`` (JSON, as :func:`_json` read it)."""
    found = []
    for index, entry in enumerate(entries):
        if isinstance(entry, _Pairs):
            keys = ", ".join(map(quoted, entry.repeated))
            message = f"spec_details[{index}] gives {keys} more than once; the last is used"
            found.append(Problem(path, line, message, group=_REPEATED_KEY_GROUP))
    return found


def _specs_may_repeat_keys(text: bytes, specs: list[Spec]) -> bool:
    """Whether the JSON *text* that msgspec decoded into *specs* may give a key twice in
    an entry (msgspec keeps the last without a word): it has more ``":`` than the specs
    have keys. Almost never true; then the entries are read again to find out."""
    count = len(specs)
    unset = list(map(_size_of, specs)).count(None) + list(map(_tarball_of, specs)).count(None)
    return text.count(b'":') > 10 * count - unset  # 8 keys, and size and tarball if set


_size_of = attrgetter("record_size")
_tarball_of = attrgetter("record_tarball")


def _decode_spec_details(
    raw: bytes, front: _FrontMatter, path: Path | str, problems: list[Problem]
) -> tuple[_FrontMatter, list[Spec], list[int] | None]:
    """The specs of ``spec_details``, their places in it (``None``: all of them, in
    order), and the front matter they came from (read again by the general reader when
    the fast one could not)."""
    value = front.data.get("spec_details")
    if isinstance(value, RawJSON):
        fast = _decode_all_at_once(value, front, path, problems)
        if fast is not None:
            return front, fast, None
    front, entries = _entries_of(raw, front, path)
    line = front.lines.get("spec_details", 0)
    if not isinstance(entries, list):
        what = (
            "the record has no 'spec_details'"
            if "spec_details" not in front.data
            else "'spec_details' is not a list"
        )
        raise RecordError(path, line or 2, what)
    problems.extend(_repeated_keys(entries, path, line))
    specs, indexes = _decode_entry_by_entry(entries, path, line, problems)
    return front, _make_showable(specs, indexes, path, line, problems), indexes


def _decode_all_at_once(
    value: RawJSON, front: _FrontMatter, path: Path | str, problems: list[Problem]
) -> list[Spec] | None:
    """The specs of a ``spec_details`` line of JSON, decoded by msgspec in one go (types
    checked in C); ``None`` when some entry is not a spec, or the JSON is beyond msgspec
    (a lone surrogate, NaN, deep nesting), to be read entry by entry."""
    try:
        specs = _decode_specs(value.raw)
    except (msgspec.ValidationError, msgspec.DecodeError, *_DECODING_FAILURES):
        return None
    line = front.lines.get("spec_details", 0)
    # json.dumps, which wrote cache.spack.io's own layout, cannot give a key twice
    if not front.exact and _specs_may_repeat_keys(value.raw, specs):
        try:
            entries = _json(value.raw)
        except _DECODING_FAILURES:
            entries = []
        problems.extend(_repeated_keys(entries, path, line))
    if _may_hold_unshowable(value.raw):
        specs = _make_showable(specs, None, path, line, problems)
    return specs


def _decode_entry_by_entry(
    entries: list[Any], path: Path | str, line: int, problems: list[Problem]
) -> tuple[list[Spec], list[int]]:
    """The usable entries as specs, and their places; each unusable one skipped and
    reported (a record none of whose entries is usable raises :class:`RecordError`)."""
    specs: list[Spec] = []
    indexes: list[int] = []
    skipped: list[Problem] = []
    for index, entry in enumerate(entries):
        entry, cut = _cut_long_values(entry)
        if cut:
            keys = ", ".join(map(repr, cut))
            message = f"spec_details[{index}]: {keys} longer than {MAX_VALUE:,} characters; cut"
            problems.append(Problem(path, line, message, group=_LONG_GROUP))
        # a report shows the first few entries skipped (collapse), so only their reasons
        # are worked out: a record of 100,000 bad entries is read in a second or two
        spec = _make_spec(entry, explain=len(skipped) < EXAMPLES)
        if isinstance(spec, str):
            message = f"spec_details[{index}] {spec}; skipped"
            skipped.append(Problem(path, line, message, group=_SKIPPED_GROUP))
        else:
            specs.append(spec)
            indexes.append(index)
    if entries and not specs:
        reasons = "; ".join(problem.message for problem in skipped[:3])
        more = f"; and {len(skipped) - 3:,} more" if len(skipped) > 3 else ""
        message = f"no entry of 'spec_details' is usable: {reasons}{more}"
        raise RecordError(path, line, message)
    problems.extend(skipped)
    return specs, indexes


def parse_record(
    source: str | bytes, path: Path | str, *, package: str, tag: str
) -> tuple[PackageRecord, tuple[Problem, ...]]:
    """Parse one record, given as its bytes (as read from the file) or its text; *path*
    is the file it came from.

    :raises RecordError: when the record cannot be read, or none of its entries is usable
        (an empty ``spec_details`` is a record of no specs, not an error).
    """
    # text that holds lone surrogates becomes bytes that are not UTF-8, and is reported so
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    location = os.fspath(path)  # a Path per record is a share of the time to load one
    front = _read_generated_layout(raw) or _scan_front_matter(raw, location)
    if front is None:
        front = _read_general(raw, location)
    problems: list[Problem] = []
    front, decoded, indexes = _decode_spec_details(raw, front, location, problems)
    specs_line = front.lines.get("spec_details", 0)
    specs = _without_repeats(decoded, indexes, location, specs_line, problems)
    problems[:0] = front.problems  # keys given twice come first, in line order
    problems.extend(_title_and_tag_problems(front, location, package, tag))

    meta = front.data.get("meta")
    record = PackageRecord(
        name=package,
        tag=tag,
        location=location,
        specs=tuple(specs),
        meta_source=MappingProxyType(meta) if isinstance(meta, dict) else meta,
        specs_line=specs_line,
        meta_line=front.lines.get("meta", 0),
    )
    return record, collapse(problems)


def _title_and_tag_problems(
    front: _FrontMatter, path: Path | str, package: str, tag: str
) -> list[Problem]:
    """The record's title and categories against the folders it is in."""
    found = []
    title = front.data.get("title")
    if title is not None and _scalar_text(title) != package:
        found.append(
            Problem(
                path,
                front.lines.get("title", 2),
                f"title {quoted(title)} is not the package name {package!r}",
            )
        )
    categories = front.data.get("categories")
    if isinstance(categories, list) and len(categories) == 2 and _scalar_text(categories[1]) != tag:
        found.append(
            Problem(
                path,
                front.lines.get("categories", 2),
                f"categories name tag {quoted(categories[1])}, but the record is under {tag!r}",
            )
        )
    return found


def _scalar_text(value: object) -> str | None:
    """A scalar YAML value as text (``None`` for a list, a mapping or ``null``)."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) else None


def load_record(
    path: Path | str, *, package: str, tag: str
) -> tuple[PackageRecord, tuple[Problem, ...]]:
    """Read and parse one record file.

    :raises RecordError: when the file cannot be read or used.
    """
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as exc:
        message = f"cannot read the record: {exc.strerror or exc}"
        raise RecordError(Path(path), 0, message) from None
    return parse_record(raw, path, package=package, tag=tag)
