"""Every source of a build as one: the record snapshots of ``spackcache_path``, the
Spack mirrors of ``spackcache_mirrors``, each mirror one more snapshot, and the
snapshots made of one mirror per stack (:class:`~.stacked.StackedSource`: a
``spackcache_mirrors`` entry ``{stack: mirror}``, or a ref of the snapshot index).

Directives, generated pages and incremental builds hold a :class:`Sources` and ask it
for a tag; it hands the question to the source that has the tag. Nothing else in the
package knows there is more than one kind of source.

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..data.model import Spec
from ..data.problems import RecordError
from .base import LoadedRecord, SnapshotRecords, fingerprint_of
from .mirror import INDEX_V3, MirrorSource
from .stacked import StackedSource
from .store import CacheStore

__all__ = ["Sources"]


class Sources:
    """The record folder and the mirrors of one build."""

    def __init__(
        self,
        records: CacheStore,
        mirrors: Mapping[str, MirrorSource | StackedSource] | None = None,
    ):
        #: The record snapshots of ``spackcache_path``.
        self.records = records
        #: The mirrors (one, or one per stack) by snapshot name.
        self.mirrors = dict(mirrors or {})
        #: The http(s) URL each copy of a mirror was fetched from, by snapshot name and
        #: stack (a mirror's stack is its snapshot's name): where its spec manifests are.
        self.remotes: dict[str, dict[str, str]] = {}

    @classmethod
    def of_folders(
        cls,
        root: Path,
        mirrors: Mapping[str, str],
        verdicts: Path | None = None,
        stacked: Mapping[str, Mapping[str, str]] | None = None,
        remotes: Mapping[str, Mapping[str, str]] | None = None,
        *,
        settled: bool = False,
    ) -> Sources:
        """The sources of record folder *root*, of the mirror folders *mirrors*
        (name -> folder) and of the snapshots *stacked* of one mirror folder per stack
        (name -> stack -> folder; a name of *mirrors* wins); *verdicts*: where the
        mirrors keep the verdicts on blobs too large to inflate (see
        :class:`~.mirror.MirrorSource`); *remotes*: the URL each copy of a mirror was
        fetched from (name -> stack -> URL, :attr:`remotes`); *settled*: the folders do
        not change while these sources are used (see :class:`~.mirror.MirrorSource`)."""
        sources: dict[str, MirrorSource | StackedSource] = {
            name: StackedSource(
                name, {label: Path(f) for label, f in stacks.items()}, verdicts, settled=settled
            )
            for name, stacks in (stacked or {}).items()
        }
        sources.update(
            (name, MirrorSource(name, Path(folder), verdicts, settled=settled))
            for name, folder in mirrors.items()
        )
        made = cls(CacheStore(root), sources)
        made.remotes = {name: dict(by) for name, by in (remotes or {}).items()}
        return made

    @property
    def root(self) -> Path:
        """The record folder (``spackcache_path``)."""
        return self.records.root

    def _source(self, tag: str) -> CacheStore | MirrorSource | StackedSource:
        return self.mirrors.get(tag) or self.records

    def exists(self) -> bool:
        """Whether there is anything to read: the record folder, or a mirror."""
        return bool(self.mirrors) or self.records.exists()

    def tags(self) -> tuple[str, ...]:
        """Every snapshot: the record folder's and the mirrors', sorted by name."""
        return tuple(sorted({*self.records.tags(), *self.mirrors}))

    def choose_tag(self, asked: str | None, default: str | None) -> str | None:
        """The snapshot a directive or a generated page uses: the one *asked* for, else
        *default*, else the only snapshot there is (``None`` when none of these applies;
        not checked)."""
        if asked or default:
            return asked or default
        tags = self.tags()
        return tags[0] if len(tags) == 1 else None

    def has_tag(self, tag: str) -> bool:
        """Whether *tag* is a snapshot here."""
        return tag in self.mirrors or self.records.has_tag(tag)

    def problem(self, tag: str) -> str | None:
        """Why snapshot *tag* cannot be read at all (a mirror's index that cannot be used,
        a record folder that cannot be listed), or ``None``: said where a directive finds
        no package there, since that is the reason."""
        return self._source(tag).problem(tag)

    def packages(self, tag: str) -> tuple[str, ...]:
        """The packages of snapshot *tag*, sorted by name."""
        return self._source(tag).packages(tag)

    def record_path(self, tag: str, package: str) -> Path:
        """The file *package* of *tag* is read from (for a mirror, its index; for one of
        a mirror per stack, the first stack's): where a problem of it is located."""
        mirror = self.mirrors.get(tag)
        return mirror.index_path if mirror is not None else self.records.record_path(tag, package)

    def record_paths(self, tag: str, package: str) -> tuple[Path, ...]:
        """The files *package* of *tag* is read from (a record, a mirror's index, or
        each stack's index): what a page that shows it depends on."""
        mirror = self.mirrors.get(tag)
        if isinstance(mirror, StackedSource):
            return mirror.index_paths
        return (self.record_path(tag, package),)

    def has_record(self, tag: str, package: str) -> bool:
        """Whether *package* has specs in *tag*."""
        return self._source(tag).has_record(tag, package)

    def close_packages(self, tag: str, package: str, limit: int = 5) -> list[str]:
        """Names in *tag* that look like *package*, best first."""
        return self._source(tag).close_packages(tag, package, limit)

    def load(self, tag: str, package: str) -> LoadedRecord:
        """The record of *package* in *tag*.

        :raises RecordError: when it is missing, unreadable or unusable.
        """
        return self._source(tag).load(tag, package)

    def load_snapshot(self, tag: str) -> SnapshotRecords:
        """Every record of *tag* that can be loaded, and the errors of the others."""
        return self._source(tag).load_snapshot(tag)

    def fingerprint(self, tag: str | None = None) -> str:
        """A short fingerprint of the packages of *tag*, or (``None``) of the snapshots."""
        if tag is not None:
            return self._source(tag).fingerprint(tag)
        return fingerprint_of(self.tags())

    def manifest_mirrors(self, tag: str) -> dict[str, str]:
        """The http(s) mirror of each stack of *tag* whose copy is of a v3 mirror (whose
        spec manifests give sizes: :mod:`.manifests`), by stack; empty for a snapshot
        read from local folders only."""
        remotes = self.remotes.get(tag)
        source = self.mirrors.get(tag)
        if not remotes or source is None:
            return {}
        stacks = source.stacks if isinstance(source, StackedSource) else {tag: source}
        return {
            label: remotes[label]
            for label, stack in stacks.items()
            if label in remotes and stack.index_path == stack.root / INDEX_V3
        }

    def spec_of(self, tag: str, package: str, spec_hash: str) -> Spec | None:
        """The spec *spec_hash* of *package* in *tag* (``None`` when it is not there)."""
        source = self.mirrors.get(tag)
        if source is None:
            return None
        try:
            specs = source.database().packages.get(package, ())
        except RecordError:
            return None
        return next((spec for spec in specs if spec.hash == spec_hash), None)
