"""How directives get their data: the snapshot (``:tag:`` or the default), one record or
a whole snapshot, each noted as a dependency of the document (so that incremental builds
read it again when a record changes, appears or disappears), and every problem found on
the way as a located warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import cached_property

from sphinx.util.docutils import SphinxDirective

from ..config import spackcache_config
from ..data.checks import meta_problems
from ..data.model import Spec
from ..data.problems import Problem, RecordError
from ..data.suggest import did_you_mean, first_few
from ..data.summary import PackageSummary, summarise
from ..site.manifests import with_sizes
from ..site.sources import build_sources
from ..site.tracking import SnapshotCollector
from ..sources.base import LoadedRecord, SnapshotRecords
from ..sources.combined import Sources
from ..sources.store import is_valid_name, safe_is_file
from ..warnings_ import SpackCacheWarning, warn

__all__ = ["LoadingDirective"]

#: The key of ``env.temp_data`` (the page being read) naming the snapshots whose reason
#: to be unreadable the page has said.
_UNREADABLE_SAID = "spackcache_unreadable_said"


class LoadingDirective(SphinxDirective):
    """A directive that shows build-cache data: finds it, loads it, and warns."""

    #: Whether ``:roots:`` was reported as unknown for this directive already.
    _warned_roots = False

    @cached_property
    def sources(self) -> Sources:
        """The snapshots of this build (made once for the directive)."""
        return build_sources(self.env)

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

    def report(self, problems: Iterable[Problem]) -> None:
        """Warn about each problem of a record, located in the record."""
        for problem in problems:
            self.warn(problem.message, problem.subtype, problem.location)

    def sources_exist(self) -> bool:
        """Whether there is anything to read: the record folder or a mirror (else warn)."""
        if self.sources.exists():
            return True
        self.warn(
            f"spackcache_path {str(self.sources.root)!r} is not a readable folder",
            SpackCacheWarning.CACHE_PATH,
        )
        return False

    def resolve_tag(self) -> str | None:
        """The snapshot to use (``:tag:`` or the default), or ``None`` after a warning."""
        sources = self.sources
        if not self.sources_exist():
            return None
        asked, default = self.options.get("tag"), spackcache_config(self.env).default_tag
        if not (asked or default):
            # a second snapshot would make this ambiguous
            SnapshotCollector.note(self.env, sources, None)
        tag = sources.choose_tag(asked, default)
        if tag is None:
            self.warn(
                "no :tag: given and spackcache_default_tag is not set; "
                f"available tags: {first_few(sources.tags())}",
                SpackCacheWarning.TAG,
            )
            return None
        return tag if self._is_known_tag(tag) else None

    def _is_known_tag(self, tag: str) -> bool:
        """Whether *tag* names a snapshot (else warn)."""
        if not is_valid_name(tag):
            self.warn(
                f"{tag!r} is not a valid tag name (letters, digits and _.+- only)",
                SpackCacheWarning.TAG,
            )
            return False
        if not self.sources.has_tag(tag):
            self.warn(
                f"unknown tag {tag!r} in {str(self.sources.root)!r}; "
                f"available tags: {first_few(self.sources.tags())}",
                SpackCacheWarning.TAG,
            )
            return False
        return True

    def is_valid_package(self, package: str) -> bool:
        """Whether *package* is a valid package name (else warn)."""
        if is_valid_name(package):
            return True
        self.warn(
            f"{package!r} is not a valid package name (letters, digits and _.+- only)",
            SpackCacheWarning.PACKAGE,
        )
        return False

    def close_packages_hint(self, package: str, tags: Iterable[str]) -> str:
        """ "; did you mean ...?" naming the packages of *tags* that look like *package*
        (sorted; ``""`` for none)."""
        sources = self.sources
        close = {name for tag in tags for name in sources.close_packages(tag, package)}
        return did_you_mean(sorted(close - {package}))

    def unreadable(self, tag: str, *, again: bool = True) -> str | None:
        """Why snapshot *tag* cannot be read (see
        :meth:`~sphinx_spackcache.sources.combined.Sources.problem`), or ``None``: the
        reason the first time a page asks, then a pointer to it (``again=False``:
        ``None``), so that a page says it once."""
        problem = self.sources.problem(tag)
        if problem is None:
            return None
        said: set[str] = self.env.temp_data.get(_UNREADABLE_SAID) or set()
        self.env.temp_data[_UNREADABLE_SAID] = said
        if tag in said:
            if not again:
                return None
            return f"snapshot {tag!r} cannot be read (an earlier warning of this page says why)"
        said.add(tag)
        return f"snapshot {tag!r} cannot be read: {problem}"

    def read_record(self, tag: str, package: str) -> LoadedRecord | None:
        """Read the record of *package* in *tag*, which exists, reporting its problems
        (``None`` when it cannot be used)."""
        try:
            loaded = self.sources.load(tag, package)
        except RecordError as exc:
            self.report([exc.problem])
            return None
        self.report(loaded.problems)
        return loaded

    def load_record(self, tag: str, package: str) -> LoadedRecord | None:
        """Load *package* of *tag*, noting the dependency and warning about any problem."""
        sources = self.sources
        if not self.is_valid_package(package):
            return None
        path = sources.record_path(tag, package)
        for dependency in sources.record_paths(tag, package):
            self.env.note_dependency(dependency)
        if not sources.has_record(tag, package):
            unreadable = self.unreadable(tag)
            if unreadable is not None:
                message = f"no package {package!r} in tag {tag!r}: {unreadable}"
            else:
                hint = did_you_mean(sources.close_packages(tag, package))
                where = f"{path} does not exist" if not safe_is_file(path) else f"not in {path}"
                message = f"no package {package!r} in tag {tag!r} ({where}){hint}"
            self.warn(message, SpackCacheWarning.PACKAGE)
            return None
        loaded = self.read_record(tag, package)
        if loaded is None:
            return None
        roots = self._roots_only(loaded)
        if not roots.record.specs and loaded.record.specs:
            self.warn(
                f":roots: leaves none of the {len(loaded.record.specs)} specs of {package} "
                "(each is a dependency of another spec)",
                SpackCacheWarning.FILTER,
            )
        return roots

    def package_specs(self, tag: str, package: str, *, roots: bool = True) -> tuple[Spec, ...]:
        """The specs of *package* in *tag* (none when it is not there; with ``:roots:``
        and *roots*, its roots), its problems reported. Its record is noted as a dependency of the
        page; where there is none, the snapshot's package list is (a missing file would
        make Sphinx read the page again on every build), so that a record that appears
        is picked up."""
        sources = self.sources
        if not sources.has_record(tag, package):
            SnapshotCollector.note(self.env, sources, tag)
            unreadable = self.unreadable(tag, again=False)
            if unreadable is not None:
                self.warn(f"{unreadable}; it is left out", SpackCacheWarning.TAG)
            return ()
        for path in sources.record_paths(tag, package):
            self.env.note_dependency(path)
        loaded = self.read_record(tag, package)
        if loaded is None:
            return ()
        return (self._roots_only(loaded) if roots else loaded).record.specs

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Load every record of *tag*, noting each as a dependency and the package list
        as a fingerprint, so that edited, added and removed records are all picked up."""
        sources = self.sources
        snapshot = sources.load_snapshot(tag)
        SnapshotCollector.note(self.env, sources, tag)
        if not (snapshot.records or snapshot.errors):
            unreadable = self.unreadable(tag, again=False)
            if unreadable is not None:
                self.warn(unreadable, SpackCacheWarning.TAG)
        if snapshot.records:  # a snapshot of one mirror per stack: every stack's index
            for path in sources.record_paths(tag, snapshot.records[0].record.name):
                self.env.note_dependency(path)
        for loaded in snapshot.records:
            self.env.note_dependency(loaded.record.path)
            self.report(loaded.problems)
        for error in snapshot.errors:
            self.env.note_dependency(error.problem.path)
            self.report([error.problem])
        if "roots" not in self.options:
            return snapshot
        records = (self._roots_only(loaded) for loaded in snapshot.records)
        kept = tuple(loaded for loaded in records if loaded.record.specs)
        return dataclasses.replace(snapshot, records=kept)

    def _roots_only(self, loaded: LoadedRecord) -> LoadedRecord:
        """With ``:roots:``, *loaded* with its root specs only (where the source knows
        which they are; else all, after a warning, once)."""
        if "roots" not in self.options:
            return loaded
        if loaded.roots is None:
            if not self._warned_roots:
                self._warned_roots = True
                self.warn(
                    f":roots: snapshot {loaded.record.tag!r} does not say which specs are "
                    "roots (cache.spack.io's records do not; Spack mirrors do); all are shown",
                    SpackCacheWarning.FILTER,
                )
            return loaded
        specs = tuple(spec for spec in loaded.record.specs if spec.hash in loaded.roots)
        return dataclasses.replace(loaded, record=dataclasses.replace(loaded.record, specs=specs))

    def sized(self, tag: str, loaded: LoadedRecord) -> LoadedRecord:
        """*loaded* with each spec's size, SHA-256 and size with dependencies (from an
        http(s) mirror's spec manifests where its copy has none,
        :func:`~sphinx_spackcache.site.manifests.with_sizes`), warning about the
        manifests that cannot be used (one warning: the count and the first few)."""
        record = loaded.record
        specs, problems = with_sizes(
            self.env, self.sources, tag, record.name, record.specs, loaded.dependencies
        )
        if problems:
            what = "binary has" if len(problems) == 1 else "binaries have"
            self.warn(
                f"{len(problems)} {what} no size, their spec manifests cannot be used: "
                + "; ".join(problems[:3])
                + (f"; and {len(problems) - 3} more" if len(problems) > 3 else ""),
                SpackCacheWarning.RECORD,
            )
        return dataclasses.replace(loaded, record=dataclasses.replace(record, specs=specs))

    def summarise_checked(self, loaded: LoadedRecord) -> PackageSummary:
        """Sum up a record's specs, warning where its ``meta`` disagrees."""
        summary = summarise(loaded.record.specs)
        self.report(meta_problems(loaded.record, summary))
        return summary
