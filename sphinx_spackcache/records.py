"""Parse cache.spack.io cache records (``_cache/<tag>/<package>/specs.md``).

A record is YAML front matter between two ``---`` lines and nothing else. cache.spack.io's
generator writes each top-level key on one line, and the large values (``meta``,
``spec_details``) as ``json.dumps`` output. Three readers, fastest first:

1. :func:`_generated` recognises that exact layout with one short regular expression and
   two searches, and keeps the two JSON lines as bytes (:class:`~.model.RawJSON`);
2. :func:`_scan_front_matter` reads any other one-key-per-line front matter line by line;
3. anything else (a hand-written record in block YAML, say) goes to PyYAML, with
   libyaml's ``CSafeLoader`` when it is available. It sees the whole front matter, so
   line numbers in its errors are the file's.

``spec_details`` is decoded by msgspec straight into :class:`~.model.Spec` structs, types
checked in C; only when that fails is it read entry by entry, so that one bad entry is
skipped and reported while the others are kept. ``meta`` is decoded only when a page
cross-checks it. Measured on the real develop-2025-04-20 records, loading takes about
1.2x the time of ``json.loads`` on the same JSON (``benchmarks/run.py``).

Problems are reported, never raised past this module's callers: :class:`RecordError`
when the record cannot be used at all, and :class:`Problem` entries (with a line) for
parts that were skipped, such as one malformed spec.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import msgspec
import yaml

from .model import PackageRecord, RawJSON, Spec

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


def file_location(path: Path, line: int) -> str:
    """``path:line`` for a warning; line 1 when it is unknown (0).

    Sphinx reads a location without a line as a document name, so there always is one.
    """
    return f"{path}:{max(line, 1)}"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a record that was skipped or is suspicious; the rest is usable."""

    path: Path
    line: int
    message: str

    @property
    def location(self) -> str:
        """``path:line``, for a warning."""
        return file_location(self.path, self.line)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RecordError(ValueError):
    """The record cannot be used at all (unreadable file, no front matter, no specs)."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    @property
    def location(self) -> str:
        """``path:line``, for a warning."""
        return file_location(self.path, self.line)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def split_front_matter(text: str, path: Path) -> list[str]:
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
            return True, json.loads(value)
        except ValueError:
            return False, None
    value = value.strip()
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
        except ValueError:
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


def _generated(raw: bytes) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The layout cache.spack.io writes, line for line (title, layout, categories, meta,
    spec_details, closing ``---``), checked with one short regular expression and two
    searches; ``None`` for anything else."""
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
    return data, _GENERATED_LINES


_GENERATED_LINES = {"title": 2, "layout": 3, "categories": 4, "meta": 5, "spec_details": 6}


def _scan_front_matter(raw: bytes) -> tuple[dict[str, Any], dict[str, int]] | None:
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
    number = 2
    size = len(raw)
    while pos < size:
        newline = raw.find(b"\n", pos)
        end = size if newline == -1 else newline
        head = raw[pos : min(end, pos + 100)]
        if end - pos < 100 and head.rstrip() in (b"---", b"..."):
            return data, key_lines
        name, separator, _ = head.partition(b": ")
        if not separator:
            if (end - pos < 100 and head.isspace()) or not head:
                pos, number = end + 1, number + 1
                continue
            return None
        key = name.decode("latin-1")
        if not _KEY.fullmatch(key):
            return None
        start = pos + len(name) + 2
        value: Any
        if key not in _USED:
            pos, number = end + 1, number + 1  # e.g. layout: never read
            continue
        if raw[start : start + 1] in (b"[", b"{") and b'"' in head:
            if key in _LAZY_JSON:
                value = RawJSON(raw[start:end])
            else:
                try:
                    value = json.loads(raw[start:end])
                except ValueError:
                    return None
        else:
            try:
                ok, value = _fast_value(raw[start:end].decode("utf-8"))
            except UnicodeDecodeError:
                return None
            if not ok:
                return None
        data[key] = value
        key_lines[key] = number
        pos, number = end + 1, number + 1
    return None


def _read_general(raw: bytes, path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Any front matter: line by line when it can, else with PyYAML; errors are located."""
    return _parse_front_matter(split_front_matter(_text(raw, path), path), path)


def _text(raw: bytes, path: Path) -> str:
    """*raw* as text, or a located error when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordError(path, line, "the record is not UTF-8 text") from None


def _parse_front_matter(lines: list[str], path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Return the front matter mapping and the 1-based line of each top-level key."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        if not line or line.isspace():
            continue
        key, separator, value = line.partition(": ")
        ok, parsed = _fast_value(value) if separator and _KEY.fullmatch(key) else (False, None)
        if not ok:
            return _parse_yaml(lines, path)
        data[key] = parsed
        key_lines[key] = number
    return data, key_lines


def _parse_yaml(lines: list[str], path: Path) -> tuple[dict[str, Any], dict[str, int]]:
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
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise RecordError(path, 2, "front matter is not a YAML mapping")
    key_lines = {
        str(key.value): key.start_mark.line + 2
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    return data, key_lines


def _str_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


_SPEC_STR_KEYS = ("hash", "compiler", "os", "platform", "target")
_SPEC_LIST_KEYS = ("versions", "variants", "stacks")


_HASH = re.compile(r"[a-z2-7]{32}")


def _spec_notes(spec: Spec) -> list[str]:
    """What is odd about a usable spec (it is shown all the same)."""
    notes: list[str] = []
    if not _HASH.fullmatch(spec.hash):
        notes.append(f"hash {spec.hash!r} is not a 32-character Spack hash")
    stacks = spec.stacks
    if len(set(stacks)) != len(stacks):
        repeated = sorted({s for s in stacks if stacks.count(s) > 1})
        notes.append(f"spec {spec.hash} lists stack {', '.join(repeated)} more than once")
    return notes


def _make_spec(entry: Any) -> Spec | str:
    """Build a :class:`Spec` from one decoded entry, or say why it is unusable (the slow
    path, taken only for records whose ``spec_details`` msgspec could not decode whole)."""
    try:
        return msgspec.convert(entry, Spec)
    except msgspec.ValidationError as exc:
        return _why_unusable(entry) or f"is malformed ({exc})"


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


def _checked(
    specs: list[Spec], indexes: list[int] | None, location: str, line: int, problems: list[Problem]
) -> list[Spec]:
    """Drop repeated hashes, keep each stack once per spec, and report odd hashes, all of
    it only when a quick look (C-level maps over all specs) finds something, which it
    almost never does. *indexes* are the specs' places in ``spec_details`` (``None``:
    0, 1, 2, ...)."""
    hashes = set(map(_hash_of, specs))
    stacks = list(map(_stacks_of, specs))
    if (
        len(hashes) == len(specs)
        and all(map(_HASH.fullmatch, hashes))
        and sum(map(len, map(frozenset, stacks))) == sum(map(len, stacks))
    ):
        return specs
    path = Path(location)
    kept: list[Spec] = []
    seen: set[str] = set()
    for index, spec in zip(indexes or range(len(specs)), specs, strict=True):
        if spec.hash in seen:
            message = f"spec_details[{index}] repeats hash {spec.hash}; skipped"
            problems.append(Problem(path, line, message))
            continue
        seen.add(spec.hash)
        notes = _spec_notes(spec)
        if len(set(spec.stacks)) != len(spec.stacks):
            spec = msgspec.structs.replace(spec, stacks=tuple(dict.fromkeys(spec.stacks)))
        problems.extend(Problem(path, line, f"spec_details[{index}]: {note}") for note in notes)
        kept.append(spec)
    return kept


_hash_of = attrgetter("hash")
_stacks_of = attrgetter("stacks")


def parse_record(
    source: str | bytes, path: Path | str, *, package: str, tag: str
) -> tuple[PackageRecord, tuple[Problem, ...]]:
    """Parse one record, given as its bytes (as read from the file) or its text; *path*
    is the file it came from.

    :raises RecordError: when the record cannot be read, or none of its entries is usable
        (an empty ``spec_details`` is a record of no specs, not an error).
    """
    raw = source.encode("utf-8") if isinstance(source, str) else source
    location = os.fspath(path)  # made a Path again only to report a problem
    data, key_lines = (
        _generated(raw) or _scan_front_matter(raw) or _read_general(raw, Path(location))
    )
    problems: list[Problem] = []

    specs_line = key_lines.get("spec_details", 0)
    entries = data.get("spec_details")
    decoded: list[Spec] | None = None
    indexes: list[int] | None = None
    if isinstance(entries, RawJSON):
        try:
            decoded = _decode_specs(entries.text)
        except msgspec.ValidationError:
            try:  # valid JSON, but some entry is not a spec: find out entry by entry below
                entries = json.loads(entries.text)
            except ValueError:
                entries = None
        except (msgspec.DecodeError, ValueError):  # not JSON, or not UTF-8
            entries = None
        if decoded is None and entries is None:
            # the general path reads the front matter, or says where and why it cannot
            data, key_lines = _read_general(raw, Path(location))
            specs_line = key_lines.get("spec_details", 0)
            entries = data.get("spec_details")
    if decoded is None:
        if not isinstance(entries, list):
            what = (
                "the record has no 'spec_details'"
                if "spec_details" not in data
                else "'spec_details' is not a list"
            )
            raise RecordError(Path(location), specs_line or 2, what)
        decoded, indexes = [], []
        for index, entry in enumerate(entries):
            spec = _make_spec(entry)
            if isinstance(spec, str):
                message = f"spec_details[{index}] {spec}; skipped"
                problems.append(Problem(Path(location), specs_line, message))
            else:
                decoded.append(spec)
                indexes.append(index)
        if entries and not decoded:
            reasons = "; ".join(problem.message for problem in problems[:3])
            message = f"no entry of 'spec_details' is usable: {reasons}"
            raise RecordError(Path(location), specs_line, message)
    specs = _checked(decoded, indexes, location, specs_line, problems)

    meta_line = key_lines.get("meta", 0)
    meta = data.get("meta")

    title = data.get("title")
    if title is not None and str(title) != package:
        problems.append(
            Problem(
                Path(location),
                key_lines.get("title", 2),
                f"title {title!r} is not the package name {package!r}",
            )
        )
    categories = data.get("categories")
    if isinstance(categories, list) and len(categories) == 2 and str(categories[1]) != tag:
        problems.append(
            Problem(
                Path(location),
                key_lines.get("categories", 2),
                f"categories name tag {categories[1]!r}, but the record is under {tag!r}",
            )
        )

    record = PackageRecord(
        name=package,
        tag=tag,
        location=location,
        specs=tuple(specs),
        meta_source=MappingProxyType(meta) if isinstance(meta, dict) else meta,
        specs_line=specs_line,
        meta_line=meta_line,
    )
    return record, tuple(problems)


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
