"""Keys given more than once in a record, the one detector of them all.

YAML readers, Jekyll and ``json.loads`` keep the value given last without a word; a
record's reader reports each repeat and keeps the last too. Where a repeat is looked for:

* the top-level keys of the front matter, whichever reader found them
  (:class:`TopLevelKeys`);
* the keys of one entry of ``spec_details``: in JSON, noted while decoding
  (:func:`loads_json` marks each object that repeats a key, a :class:`RepeatingObject`,
  reported by :func:`json_entry_repeats`); in block YAML, from PyYAML's nodes
  (:func:`yaml_entry_repeats`). :func:`entries_may_repeat_keys` and
  :func:`specs_may_repeat_keys` tell cheaply when JSON cannot repeat one.

Each of them asks :class:`FirstSeen` whether a key was met before, and where.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from operator import attrgetter
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from ..data.model import Spec
from ..data.problems import Problem, quoted

__all__ = [
    "FirstSeen",
    "RepeatingObject",
    "TopLevelKeys",
    "entries_may_repeat_keys",
    "json_entry_repeats",
    "loads_json",
    "specs_may_repeat_keys",
    "yaml_entry_repeats",
]

_Where = TypeVar("_Where", bound=Hashable)


class FirstSeen(Generic[_Where]):
    """The keys met so far, each with where it was first met (a line, a position)."""

    __slots__ = ("first",)

    def __init__(self) -> None:
        self.first: dict[str, _Where] = {}

    def again(self, key: str, where: _Where) -> _Where | None:
        """Where *key* was first met, when that was somewhere else than *where* (a key
        given twice on one line is not told apart); ``None`` for a key met first here."""
        first = self.first.setdefault(key, where)
        return first if first != where else None


class TopLevelKeys:
    """The top-level keys met so far, to report one given twice."""

    __slots__ = ("path", "problems", "seen")

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.seen: FirstSeen[int] = FirstSeen()
        self.problems: list[Problem] = []

    def note(self, key: str, line: int) -> None:
        """Note *key* at *line*, reporting it when it was given before."""
        first = self.seen.again(key, line)
        if first is not None:
            self.problems.append(
                Problem(
                    self.path,
                    line,
                    f"key {quoted(key)} is given again (first at line {first}); "
                    "the value given last is used",
                )
            )


class RepeatingObject(dict[str, Any]):
    """A JSON object that gave some key more than once (the last value is kept)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that notes keys given twice."""
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = RepeatingObject(result)
    seen: FirstSeen[int] = FirstSeen()
    repeated = (key for place, (key, _) in enumerate(pairs) if seen.again(key, place) is not None)
    marked.repeated = tuple(dict.fromkeys(repeated))
    return marked


def loads_json(text: str | bytes) -> Any:
    """JSON, noting repeated keys (:class:`RepeatingObject`); raises ValueError or
    RecursionError."""
    return json.loads(text, object_pairs_hook=_object)


_REPEATED_KEY_GROUP = "entries of spec_details give a key more than once (the last is used)"


def yaml_entry_repeats(entries: yaml.SequenceNode, path: Path | str) -> list[Problem]:
    """Keys given twice in one entry of ``spec_details`` (block YAML)."""
    found: list[Problem] = []
    for index, entry in enumerate(entries.value):
        if not isinstance(entry, yaml.MappingNode):
            continue
        seen: FirstSeen[int] = FirstSeen()
        for key, _ in entry.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 2
            earlier = seen.again(str(key.value), line)
            if earlier is not None:
                message = (
                    f"spec_details[{index}] gives {quoted(key.value)} again "
                    f"(first at line {earlier}); the value given last is used"
                )
                found.append(Problem(path, line, message, group=_REPEATED_KEY_GROUP))
    return found


def json_entry_repeats(entries: Iterable[Any], path: Path | str, line: int) -> list[Problem]:
    """Keys given twice in one entry of ``spec_details`` (JSON, as :func:`loads_json`
    read it)."""
    found = []
    for index, entry in enumerate(entries):
        if isinstance(entry, RepeatingObject):
            keys = ", ".join(map(quoted, entry.repeated))
            message = f"spec_details[{index}] gives {keys} more than once; the last is used"
            found.append(Problem(path, line, message, group=_REPEATED_KEY_GROUP))
    return found


def entries_may_repeat_keys(text: bytes, entries: list[Any]) -> bool:
    """Whether the JSON *text* of *entries* may give a key twice in an object: it has more
    ``":`` than the entries have keys (json.loads keeps the last without a word)."""
    return text.count(b'":') > sum(len(entry) for entry in entries if isinstance(entry, dict))


def specs_may_repeat_keys(text: bytes, specs: list[Spec]) -> bool:
    """Whether the JSON *text* that msgspec decoded into *specs* may give a key twice in
    an entry (msgspec keeps the last without a word): it has more ``":`` than the specs
    have keys. Almost never true; then the entries are read again to find out."""
    count = len(specs)
    unset = list(map(_size_of, specs)).count(None) + list(map(_tarball_of, specs)).count(None)
    return text.count(b'":') > 10 * count - unset  # 8 keys, and size and tarball if set


_size_of = attrgetter("record_size")
_tarball_of = attrgetter("record_tarball")
