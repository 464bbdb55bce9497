"""What every directive of the extension shares: finding the snapshot, loading records
with their dependencies noted, located warnings, and reusable option validators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .config import cache_store
from .records import RecordError, file_location
from .store import CacheStore, LoadedRecord, is_valid_name
from .summary import PackageSummary, meta_mismatches, summarise
from .warnings import SpackCacheWarning, warn

__all__ = ["SpackCacheDirective", "text_option"]


def text_option(argument: str | None) -> str:
    """Option validator: a non-empty value, stripped.

    Values are checked further by the directive, so that a bad one is reported as a
    ``spackcache`` warning (which ``suppress_warnings`` understands) rather than as a
    docutils option error.
    """
    if argument is None or not argument.strip():
        raise ValueError("argument required but none supplied")
    return argument.strip()


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
            warn(message, subtype, self.get_location())
        else:
            warn(f"{message} (used at {self.get_location()})", subtype, location)

    def resolve_tag(self) -> str | None:
        """The snapshot to use (``:tag:`` or the default), or ``None`` after a warning."""
        store = self.store
        if not store.exists():
            self.warn(
                f"{self.name}: spackcache_path {str(store.root)!r} is not a readable folder",
                SpackCacheWarning.CACHE_PATH,
            )
            return None
        tags = store.tags()
        tag: str | None = self.options.get("tag") or self.config.spackcache_default_tag
        if tag is None:
            if len(tags) == 1:
                return tags[0]
            self.warn(
                f"{self.name}: no :tag: given and spackcache_default_tag is not set; "
                f"available tags: {_listing(tags)}",
                SpackCacheWarning.TAG,
            )
            return None
        if not is_valid_name(tag):
            self.warn(
                f"{self.name}: {tag!r} is not a valid tag name (letters, digits and _.+- only)",
                SpackCacheWarning.TAG,
            )
            return None
        if not store.has_tag(tag):
            self.warn(
                f"{self.name}: unknown tag {tag!r} in {str(store.root)!r}; available tags: "
                f"{_listing(tags)}",
                SpackCacheWarning.TAG,
            )
            return None
        return tag

    def load_record(self, tag: str, package: str) -> LoadedRecord | None:
        """Load *package* of *tag*, noting the dependency and warning about any problem."""
        store = self.store
        if not is_valid_name(package):
            self.warn(
                f"{self.name}: {package!r} is not a valid package name", SpackCacheWarning.PACKAGE
            )
            return None
        path = store.record_path(tag, package)
        self.env.note_dependency(path)
        if not path.is_file():
            close = store.close_packages(tag, package)
            hint = f"; did you mean {_listing(close)}?" if close else ""
            self.warn(
                f"{self.name}: no package {package!r} in tag {tag!r} ({path} does not exist){hint}",
                SpackCacheWarning.PACKAGE,
            )
            return None
        try:
            loaded = store.load(tag, package)
        except RecordError as exc:
            warn(
                f"{exc.message} (used at {self.get_location()})",
                SpackCacheWarning.RECORD,
                exc.location,
            )
            return None
        for problem in loaded.problems:
            warn(
                f"{problem.message} (used at {self.get_location()})",
                SpackCacheWarning.RECORD,
                problem.location,
            )
        return loaded

    def summarise(self, loaded: LoadedRecord) -> PackageSummary:
        """Sum up a record's specs, warning where its ``meta`` disagrees."""
        record = loaded.record
        summary = summarise(record.specs)
        if record.meta is not None:
            for mismatch in meta_mismatches(summary, record.meta):
                self.warn(
                    f"meta disagrees with spec_details: {mismatch}; showing what the specs say",
                    SpackCacheWarning.META,
                    file_location(record.path, record.meta_line),
                )
        return summary


def _listing(names: tuple[str, ...] | list[str], limit: int = 10) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")
