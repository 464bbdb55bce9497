"""What every directive of the extension shares: finding the snapshot, loading records
with their dependencies noted, filters, located warnings, and reusable option validators.

Option values are checked here rather than by docutils wherever possible, so that a bad
value is a ``spackcache`` warning (which ``suppress_warnings`` understands) and the
build goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..config import cache_store
from ..data.checks import meta_problems
from ..data.model import Spec
from ..data.problems import Problem, RecordError, quoted
from ..data.query import FILTER_FIELDS, SpecQuery, split_patterns
from ..data.summary import PackageSummary, summarise
from ..site.tracking import SnapshotCollector
from ..sources.base import LoadedRecord, SnapshotRecords
from ..sources.store import CacheStore, is_valid_name
from ..warnings import SpackCacheWarning, warn

__all__ = [
    "FILTER_OPTIONS",
    "SpackCacheDirective",
    "first_few",
    "patterns_option",
    "text_option",
    "words_option",
]


def text_option(argument: str | None) -> str:
    """Option validator: a non-empty value, stripped (checked further by the directive)."""
    if argument is None or not argument.strip():
        raise ValueError("argument required but none supplied")
    return argument.strip()


def patterns_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma-separated patterns (``\\,`` for a literal comma)."""
    return split_patterns(text_option(argument))


def words_option(argument: str | None) -> tuple[str, ...]:
    """Option validator: comma- or space-separated words."""
    return tuple(text_option(argument).replace(",", " ").split())


#: The filter options every listing directive takes.
FILTER_OPTIONS: dict[str, Callable[[str], Any]] = dict.fromkeys(FILTER_FIELDS, patterns_option)


def first_few(names: Iterable[str], limit: int = 12) -> str:
    """The first *limit* of *names* for a message, and how many there are in all."""
    names = list(names)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


class SpackCacheDirective(SphinxDirective):
    """Base of the extension's directives."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "tag": text_option,
        "class": directives.class_option,
    }

    @property
    def store(self) -> CacheStore:
        """The snapshots of this build."""
        return cache_store(self.env)

    def warn(self, message: str, subtype: SpackCacheWarning, location: str | None = None) -> None:
        """Warn, located at this directive unless told otherwise.

        The document is also marked to be read again on the next build, so that the
        warning is repeated (and ``-W`` fails) until the problem is fixed, and so that a
        record or folder that appears later is picked up.
        """
        self.env.note_reread()
        if location is None:
            warn(f"{self.name}: {message}", subtype, self.get_location())
        else:
            warn(f"{message} (used at {self.get_location()})", subtype, location)

    # -- options ---------------------------------------------------------------------

    def choice(self, option: str, allowed: Sequence[str], default: str) -> str | None:
        """The value of *option* if it is one of *allowed* (else warn and return None)."""
        value: str = self.options.get(option, default)
        if value not in allowed:
            self.warn(
                f":{option}: {value!r} is not one of {', '.join(allowed)}",
                SpackCacheWarning.OPTION,
            )
            return None
        return value

    def columns(self, allowed: Sequence[str], default: Sequence[str]) -> tuple[str, ...] | None:
        """The ``:columns:`` asked for, in the order given (else warn and return None)."""
        asked: tuple[str, ...] = self.options.get("columns", tuple(default))
        unknown = [c for c in asked if c not in allowed]
        if unknown:
            self.warn(
                f":columns: {', '.join(unknown)} not known; choose from {', '.join(allowed)}",
                SpackCacheWarning.OPTION,
            )
            return None
        return tuple(dict.fromkeys(asked))

    def query(self, specs: Iterable[Spec]) -> SpecQuery:
        """The filters given as options, after warning about each pattern that matches
        nothing in *specs* (what the directive could show)."""
        query = SpecQuery.from_options(self.options)
        for miss in query.unmatched(specs):
            self.warn(
                f":{miss.field}: {miss.pattern!r} matches no {miss.field} here; "
                f"the values there are {first_few([quoted(v) for v in miss.existing])}",
                SpackCacheWarning.FILTER,
            )
        return query

    # -- snapshots and records -------------------------------------------------------

    def resolve_tag(self) -> str | None:
        """The snapshot to use (``:tag:`` or the default), or ``None`` after a warning."""
        store = self.store
        if not store.exists():
            self.warn(
                f"spackcache_path {str(store.root)!r} is not a readable folder",
                SpackCacheWarning.CACHE_PATH,
            )
            return None
        tags = store.tags()
        asked, default = self.options.get("tag"), self.config.spackcache_default_tag
        if not (asked or default):
            # a second snapshot would make this ambiguous
            SnapshotCollector.note(self.env, store, None)
        tag = store.choose_tag(asked, default)
        if tag is None:
            self.warn(
                "no :tag: given and spackcache_default_tag is not set; "
                f"available tags: {first_few(tags)}",
                SpackCacheWarning.TAG,
            )
            return None
        if not is_valid_name(tag):
            self.warn(
                f"{tag!r} is not a valid tag name (letters, digits and _.+- only)",
                SpackCacheWarning.TAG,
            )
            return None
        if not store.has_tag(tag):
            self.warn(
                f"unknown tag {tag!r} in {str(store.root)!r}; available tags: {first_few(tags)}",
                SpackCacheWarning.TAG,
            )
            return None
        return tag

    def load_record(self, tag: str, package: str) -> LoadedRecord | None:
        """Load *package* of *tag*, noting the dependency and warning about any problem."""
        store = self.store
        if not is_valid_name(package):
            self.warn(
                f"{package!r} is not a valid package name (letters, digits and _.+- only)",
                SpackCacheWarning.PACKAGE,
            )
            return None
        path = store.record_path(tag, package)
        self.env.note_dependency(path)
        if not path.is_file():
            close = store.close_packages(tag, package)
            hint = f"; did you mean {first_few(close)}?" if close else ""
            self.warn(
                f"no package {package!r} in tag {tag!r} ({path} does not exist){hint}",
                SpackCacheWarning.PACKAGE,
            )
            return None
        try:
            loaded = store.load(tag, package)
        except RecordError as exc:
            self.report([exc.problem])
            return None
        self.report(loaded.problems)
        return loaded

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Load every record of *tag*, noting each as a dependency and the package list
        as a fingerprint, so that edited, added and removed records are all picked up."""
        store = self.store
        snapshot = store.load_snapshot(tag)
        SnapshotCollector.note(self.env, store, tag)
        for loaded in snapshot.records:
            self.env.note_dependency(loaded.record.path)
            self.report(loaded.problems)
        for error in snapshot.errors:
            self.env.note_dependency(error.problem.path)
            self.report([error.problem])
        return snapshot

    def report(self, problems: Iterable[Problem]) -> None:
        """Warn about each problem of a record, located in the record."""
        for problem in problems:
            self.warn(problem.message, problem.subtype, problem.location)

    def summarise(self, loaded: LoadedRecord) -> PackageSummary:
        """Sum up a record's specs, warning where its ``meta`` disagrees."""
        summary = summarise(loaded.record.specs)
        self.report(meta_problems(loaded.record, summary))
        return summary
