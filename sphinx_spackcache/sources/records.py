"""Parse cache.spack.io cache records (``_cache/<tag>/<package>/specs.md``): the public
API (:func:`parse_record`, :func:`load_record`) and the decoding of ``spec_details``.

A record is YAML front matter between two ``---`` lines and nothing else; finding and
reading it is :mod:`.frontmatter`'s job (three readers, fastest first), and reporting a
key given twice is :mod:`.repeated`'s.

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
from collections.abc import Mapping
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import msgspec

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
from .files import read_regular
from .frontmatter import (
    DECODING_FAILURES,
    FrontMatter,
    read_front_matter,
    read_general,
    split_front_matter,
)
from .repeated import (
    entries_may_repeat_keys,
    json_entry_repeats,
    loads_json,
    specs_may_repeat_keys,
)

__all__ = [
    "Problem",
    "RecordError",
    "file_location",
    "load_record",
    "parse_record",
    "split_front_matter",
]

_decode_specs = msgspec.json.Decoder(list[Spec]).decode


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
    if spec.record_bytes is not None or spec.record_sha256 or spec.record_bytes_with_deps:
        # only a mirror's spec manifests give these (a record that names them is not
        # believed, and nothing is said: they are not cache.spack.io's keys)
        spec = msgspec.structs.replace(
            spec, record_bytes=None, record_sha256=None, record_bytes_with_deps=None
        )
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


def _entries_of(raw: bytes, front: FrontMatter, path: Path | str) -> tuple[FrontMatter, Any]:
    """``spec_details`` decoded as plain JSON or YAML (the slow path): from the JSON line
    when it is JSON, else from the general reader, which says where the record is broken."""
    value = front.data.get("spec_details")
    if isinstance(value, RawJSON):
        try:
            entries = json.loads(value.raw)
            if isinstance(entries, list) and entries_may_repeat_keys(value.raw, entries):
                entries = loads_json(value.raw)  # again, noting keys given twice
        except DECODING_FAILURES:
            front = read_general(raw, path)
            value = front.data.get("spec_details")
        else:
            return front, entries
    return front, value


def _decode_spec_details(
    raw: bytes, front: FrontMatter, path: Path | str, problems: list[Problem]
) -> tuple[FrontMatter, list[Spec], list[int] | None]:
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
    problems.extend(json_entry_repeats(entries, path, line))
    specs, indexes = _decode_entry_by_entry(entries, path, line, problems)
    return front, _make_showable(specs, indexes, path, line, problems), indexes


def _decode_all_at_once(
    value: RawJSON, front: FrontMatter, path: Path | str, problems: list[Problem]
) -> list[Spec] | None:
    """The specs of a ``spec_details`` line of JSON, decoded by msgspec in one go (types
    checked in C); ``None`` when some entry is not a spec, or the JSON is beyond msgspec
    (a lone surrogate, NaN, deep nesting), to be read entry by entry."""
    try:
        specs = _decode_specs(value.raw)
    except (msgspec.ValidationError, msgspec.DecodeError, *DECODING_FAILURES):
        return None
    line = front.lines.get("spec_details", 0)
    # json.dumps, which wrote cache.spack.io's own layout, cannot give a key twice
    if not front.exact and specs_may_repeat_keys(value.raw, specs):
        try:
            entries = loads_json(value.raw)
        except DECODING_FAILURES:
            entries = []
        problems.extend(json_entry_repeats(entries, path, line))
    if _may_hold_unshowable(value.raw) or b"spackcache_" in value.raw:
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
    front = read_front_matter(raw, location)
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
    front: FrontMatter, path: Path | str, package: str, tag: str
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
        raw = read_regular(path)  # a FIFO or a device is refused, not waited on
    except OSError as exc:
        message = f"cannot read the record: {exc.strerror or exc}"
        raise RecordError(Path(path), 0, message) from None
    return parse_record(raw, path, package=package, tag=tag)
