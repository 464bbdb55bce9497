"""Find and read the front matter of a cache.spack.io record: the YAML between two
``---`` lines, which is the whole record.

cache.spack.io's generator writes each top-level key on one line, and the large values
(``meta``, ``spec_details``) as ``json.dumps`` output. :func:`read_front_matter` tries
three readers, fastest first:

1. :func:`read_generated_layout` recognises that exact layout with one short regular
   expression and two searches, and keeps the two JSON lines as bytes
   (:class:`~sphinx_spackcache.data.model.RawJSON`);
2. :func:`scan_front_matter` reads any other one-key-per-line front matter line by line;
3. anything else (a hand-written record in block YAML, say) goes to :func:`read_general`:
   line by line when it can, else PyYAML, with libyaml's ``CSafeLoader`` when it is
   available. It sees the whole front matter, so line numbers in its errors are the
   file's, and it is the one reader that raises: a record it cannot read is a located
   :class:`~sphinx_spackcache.data.problems.RecordError`.

Top-level keys given twice are reported by each reader (:mod:`.repeated`).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..data.model import RawJSON
from ..data.problems import Problem, RecordError, quoted
from .repeated import TopLevelKeys, loads_json, yaml_entry_repeats

__all__ = [
    "DECODING_FAILURES",
    "FrontMatter",
    "read_front_matter",
    "read_general",
    "read_generated_layout",
    "scan_front_matter",
    "split_front_matter",
]

#: libyaml's loader when PyYAML was built with it (about ten times faster), else Python's.
_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


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
DECODING_FAILURES = (ValueError, RecursionError, TypeError, OverflowError)


@dataclass(slots=True)
class FrontMatter:
    """The top-level values of a record, the line of each key, and what was odd."""

    data: dict[str, Any]
    lines: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    #: Whether this is cache.spack.io's own layout, line for line (:func:`read_generated_layout`).
    exact: bool = False


def read_front_matter(raw: bytes, path: Path | str) -> FrontMatter:
    """The front matter of the record *raw*, read from *path*, by the fastest reader
    that can read it.

    :raises RecordError: when none can.
    """
    return read_generated_layout(raw) or scan_front_matter(raw, path) or read_general(raw, path)


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


def _fast_value(value: str) -> tuple[bool, Any]:
    """Read a one-line value without YAML, or say that YAML is needed."""
    first = value[:1]
    if first in ("[", "{") and '"' in value:
        # JSON, as cache.spack.io writes meta and spec_details; no copy of the line is made
        try:
            return True, loads_json(value)
        except DECODING_FAILURES:
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
        except DECODING_FAILURES:
            return False, None
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return True, value
    return False, None


#: Keys whose (large) JSON line the fast path keeps as text for a faster decoder.
_LAZY_JSON = frozenset({"meta", "spec_details"})
#: The front matter keys that are read at all.
_USED = frozenset({"title", "categories", "meta", "spec_details"})


_GENERATED_HEAD = re.compile(
    rb'---\ntitle: "(?P<title>[A-Za-z0-9_.+-]+)"\nlayout: [a-z]+\n'
    rb"categories: \[package, (?P<tag>[A-Za-z0-9_.+-]+)\]\nmeta: \{"
)


def read_generated_layout(raw: bytes) -> FrontMatter | None:
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
    return FrontMatter(data, dict(_GENERATED_LINES), exact=True)


_GENERATED_LINES = {"title": 2, "layout": 3, "categories": 4, "meta": 5, "spec_details": 6}


def scan_front_matter(raw: bytes, path: Path | str = "") -> FrontMatter | None:
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
    keys = TopLevelKeys(path)
    number = 2
    size = len(raw)
    while pos < size:
        newline = raw.find(b"\n", pos)
        end = size if newline == -1 else newline
        head = raw[pos : min(end, pos + 100)]
        if end - pos < 100 and head.rstrip() in (b"---", b"..."):
            return FrontMatter(data, key_lines, keys.problems)
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
            return True, loads_json(text)
        except DECODING_FAILURES:
            return False, None
    try:
        return _fast_value(text.decode("utf-8"))
    except UnicodeDecodeError:
        return False, None


def read_general(raw: bytes, path: Path | str) -> FrontMatter:
    """Any front matter: line by line when it can, else with PyYAML; errors are located."""
    return _parse_front_matter(split_front_matter(_decode_utf8(raw, path), path), path)


def _decode_utf8(raw: bytes, path: Path | str) -> str:
    """*raw* as text, or a located error when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordError(path, line, "the record is not UTF-8 text") from None


def _parse_front_matter(lines: list[str], path: Path | str) -> FrontMatter:
    """The front matter mapping, the 1-based line of each top-level key, and keys given
    twice."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    keys = TopLevelKeys(path)
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
    return FrontMatter(data, key_lines, keys.problems)


def _parse_yaml(lines: list[str], path: Path | str) -> FrontMatter:
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
    keys = TopLevelKeys(path)
    key_lines: dict[str, int] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        line = key.start_mark.line + 2
        keys.note(str(key.value), line)
        key_lines[str(key.value)] = line
        if key.value == "spec_details" and isinstance(value, yaml.SequenceNode):
            keys.problems.extend(yaml_entry_repeats(value, path))
    return FrontMatter(data, key_lines, keys.problems)
