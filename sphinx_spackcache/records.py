"""Parse cache.spack.io cache records (``_cache/<tag>/<package>/specs.md``).

A record is YAML front matter between two ``---`` lines and nothing else. cache.spack.io's
generator writes each top-level key on one line, and the large values (``meta``,
``spec_details``) as ``json.dumps`` output, so the fast path reads each such line with
:func:`json.loads`, and the few short scalar lines (``title``, ``layout``,
``categories``) with a small matcher. Anything else (a hand-written record in block
YAML, say) falls back to PyYAML, with libyaml's ``CSafeLoader`` when it is available. The
YAML fallback sees the whole front matter, so line numbers in its errors are the file's.

Problems are reported, never raised past this module's callers: :class:`RecordError`
when the record cannot be used at all, and :class:`Problem` entries (with a line) for
parts that were skipped, such as one malformed spec.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .model import PackageRecord, Spec

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


_decode_at = json.JSONDecoder().raw_decode


def _scan_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The fast path for generated records: walk the text by offsets and decode each JSON
    value in place, without copying its (often 50 kB) line. Returns ``None`` at anything
    unusual, and the caller takes the general path, which also reports errors."""
    pos = 1 if text.startswith("\ufeff") else 0
    if not text.startswith("---\n", pos):
        return None
    pos += 4
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    number = 2
    size = len(text)
    while pos < size:
        newline = text.find("\n", pos)
        end = size if newline == -1 else newline
        head = text[pos : min(end, pos + 100)]
        if end - pos < 100 and head.rstrip() in ("---", "..."):
            return data, key_lines
        key, separator, _ = head.partition(": ")
        if not separator or not _KEY.fullmatch(key):
            if (end - pos < 100 and head.isspace()) or not head:
                pos, number = end + 1, number + 1
                continue
            return None
        start = pos + len(key) + 2
        if text.startswith(("[", "{"), start) and '"' in head:
            try:
                value, stop = _decode_at(text, start)
            except ValueError:
                return None
            if text[stop:end].strip():
                return None
        else:
            ok, value = _fast_value(text[start:end])
            if not ok:
                return None
        data[key] = value
        key_lines[key] = number
        pos, number = end + 1, number + 1
    return None


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


def _spec_notes(spec: Spec, raw_stacks: list[str]) -> list[str]:
    """What is odd about a usable spec (it is shown all the same)."""
    notes: list[str] = []
    if not _HASH.fullmatch(spec.hash):
        notes.append(f"hash {spec.hash!r} is not a 32-character Spack hash")
    if len(raw_stacks) != len(spec.stacks):
        repeated = sorted({s for s in raw_stacks if raw_stacks.count(s) > 1})
        notes.append(f"spec {spec.hash} lists stack {', '.join(repeated)} more than once")
    return notes


def _make_spec(entry: Any) -> Spec | str:
    """Build a :class:`Spec`, or return why the entry is unusable.

    This runs once per binary of a snapshot, so the common case, a well-formed entry as
    cache.spack.io writes it, takes a fast path of exact type checks; only an entry that
    fails them goes through :func:`_why_unusable` to say what is wrong.
    """
    try:
        spec_hash = entry["hash"]
        compiler = entry["compiler"]
        os_name = entry["os"]
        platform = entry["platform"]
        target = entry["target"]
        versions = entry["versions"]
        variants = entry["variants"]
        stacks = entry["stacks"]
        size = entry.get("size")
        tarball = entry.get("tarball")
    except (KeyError, TypeError, AttributeError):
        return _why_unusable(entry)
    str_ = str
    if not (
        type(spec_hash) is str_
        and type(compiler) is str_
        and type(os_name) is str_
        and type(platform) is str_
        and type(target) is str_
        and type(versions) is list
        and type(variants) is list
        and type(stacks) is list
        and spec_hash
        and compiler
        and os_name
        and platform
        and target
        and (tarball is None or type(tarball) is str_)
        and not isinstance(size, list | dict)
    ):
        return _why_unusable(entry)
    try:
        "".join(versions)  # every item a str, checked in C
        "".join(variants)
        "".join(stacks)
    except TypeError:
        return _why_unusable(entry)
    if size is not None and (size == "-" or not str_(size).strip()):
        size = None
    return Spec(
        spec_hash,
        tuple(versions),
        None if compiler == "none" else compiler.replace("@=", "@", 1),
        os_name,
        platform,
        target,
        tuple(variants),
        tuple(dict.fromkeys(stacks)) if len(set(stacks)) != len(stacks) else tuple(stacks),
        None if size is None else str_(size),
        tarball or None,
    )


def _why_unusable(entry: Any) -> str:
    """Why *entry* cannot be a spec (the slow path of :func:`_make_spec`)."""
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
    return "has a malformed " + ", ".join(repr(key) for key in bad)


def parse_record(
    text: str, path: Path, *, package: str, tag: str
) -> tuple[PackageRecord, tuple[Problem, ...]]:
    """Parse the text of one record.

    :raises RecordError: when there are no usable specs at all.
    """
    scanned = _scan_front_matter(text)
    if scanned is None:
        scanned = _parse_front_matter(split_front_matter(text, path), path)
    data, key_lines = scanned
    problems: list[Problem] = []

    specs_line = key_lines.get("spec_details", 0)
    entries = data.get("spec_details")
    if not isinstance(entries, list):
        what = (
            "the record has no 'spec_details'"
            if entries is None
            else "'spec_details' is not a list"
        )
        raise RecordError(path, specs_line or 2, what)
    specs: list[Spec] = []
    seen: set[str] = set()
    fullmatch = _HASH.fullmatch
    for index, entry in enumerate(entries):
        spec = _make_spec(entry)
        if isinstance(spec, str):
            problems.append(Problem(path, specs_line, f"spec_details[{index}] {spec}; skipped"))
            continue
        spec_hash = spec.hash
        if spec_hash in seen:
            message = f"spec_details[{index}] repeats hash {spec_hash}; skipped"
            problems.append(Problem(path, specs_line, message))
            continue
        seen.add(spec_hash)
        specs.append(spec)
        if len(spec.stacks) != len(entry["stacks"]) or not fullmatch(spec_hash):
            problems.extend(
                Problem(path, specs_line, f"spec_details[{index}]: {note}")
                for note in _spec_notes(spec, entry["stacks"])
            )
    if entries and not specs:
        reasons = "; ".join(problem.message for problem in problems[:3])
        raise RecordError(path, specs_line, f"no entry of 'spec_details' is usable: {reasons}")

    meta_line = key_lines.get("meta", 0)
    meta = data.get("meta")

    title = data.get("title")
    if title is not None and str(title) != package:
        problems.append(
            Problem(
                path,
                key_lines.get("title", 2),
                f"title {title!r} is not the package name {package!r}",
            )
        )
    categories = data.get("categories")
    if isinstance(categories, list) and len(categories) == 2 and str(categories[1]) != tag:
        problems.append(
            Problem(
                path,
                key_lines.get("categories", 2),
                f"categories name tag {categories[1]!r}, but the record is under {tag!r}",
            )
        )

    record = PackageRecord(
        name=package,
        tag=tag,
        path=path,
        specs=tuple(specs),
        meta_source=MappingProxyType(meta) if isinstance(meta, dict) else meta,
        specs_line=specs_line,
        meta_line=meta_line,
    )
    return record, tuple(problems)


def load_record(path: Path, *, package: str, tag: str) -> tuple[PackageRecord, tuple[Problem, ...]]:
    """Read and parse one record file.

    :raises RecordError: when the file cannot be read or used.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordError(path, 0, f"cannot read the record: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordError(path, line, "the record is not UTF-8 text") from None
    return parse_record(text, path, package=package, tag=tag)
