"""The ``cache-match`` directive (issue 26): "will my spec come from the cache, and if not,
why not?". Its argument is a spec in Spack's syntax (:mod:`~sphinx_spackcache.data.specsyntax`);
it shows the binaries of one snapshot that satisfy it, with Spack's semantics
(:mod:`~sphinx_spackcache.data.match`), and, when fewer than ``:nearest:`` do, the
nearest others, each with what it differs in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from ..data.dag import brought_counts, closure, installed_closure
from ..data.lockfile import LockfileError, LockNode, load_lockfile
from ..data.match import Match, Reason, check, nearest
from ..data.specsyntax import SpecSyntaxError, parse_spec
from ..data.suggest import did_you_mean
from ..data.summary import spec_sort_key
from ..data.targets import close_cpus, is_known_cpu
from ..render.match import (
    EXTERNAL,
    IN_CACHE,
    MATCH_KIND,
    WILL_BUILD,
    NodeAnswer,
    environment_sentence,
    environment_table,
    match_sentence,
    nearest_table,
)
from ..render.spectable import pending_spec_table
from ..sources.base import LoadedRecord
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import text_option

__all__ = ["CacheMatchDirective", "setup_match"]


class CacheMatchDirective(SpackCacheDirective):
    """``.. cache-match:: SPEC``: the binaries of a snapshot that satisfy *SPEC* (a spec
    table), and the ``:nearest:`` others (5) with what each differs in, when fewer
    satisfy it; ``:runs-on: CPU`` adds that the binary runs on that host CPU."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        "runs-on": text_option,
        "nearest": text_option,
        "lockfile": text_option,
    }

    def run(self) -> list[nodes.Node]:
        if "lockfile" in self.options:
            if self.arguments:
                self.warn(
                    "give a spec or :lockfile:, not both (the spec is left out)",
                    SpackCacheWarning.OPTION,
                )
            return self._environment(self.options["lockfile"])
        if not self.arguments:
            self.warn(
                "give a spec (cache-match:: hdf5@1.14 +mpi) or :lockfile:", SpackCacheWarning.SPEC
            )
            return []
        text = " ".join(self.arguments[0].split())
        try:
            query = parse_spec(text)
        except SpecSyntaxError as exc:
            self.warn(
                f"{text!r} is not a spec this reads: {exc.message} at character "
                f"{exc.column + 1} ({text[: exc.column]}\u25b8{text[exc.column :]})",
                SpackCacheWarning.SPEC,
            )
            return []
        package = query.name
        if package is None:
            self.warn(
                f"{text!r} names no package; write the package first (hdf5+mpi)",
                SpackCacheWarning.SPEC,
            )
            return []
        wanted = self.count("nearest", 5)
        host = self.options.get("runs-on")
        if host is not None and not is_known_cpu(host):
            hint = did_you_mean(close_cpus(host))
            self.warn(
                f":runs-on: {host!r} is not a CPU archspec knows{hint}", SpackCacheWarning.OPTION
            )
            return []
        tag = self.resolve_tag()
        loaded = None if tag is None or wanted is None else self.load_record(tag, package)
        if tag is None or wanted is None or loaded is None:
            return []
        specs = loaded.record.specs
        known = loaded.dependencies
        checked = [
            check(s, query, package=package, dependencies=known, runs_on_cpu=host) for s in specs
        ]
        found = sorted((m.spec for m in checked if m.satisfied), key=spec_sort_key)
        maybe = sum(1 for m in checked if not m.satisfied and not m.failing)
        shown = str(query)

        container = self.output_container(MATCH_KIND)
        container += match_sentence(shown, package, tag, len(found), len(specs), maybe)
        if found:
            container += pending_spec_table(
                found,
                title=f"Binaries of {package} in {tag} that satisfy {shown}",
                dependencies={s.hash: known(s.hash) for s in found} if known else None,
                brings=brought_counts((s.hash for s in found), known) if known else None,
                tag=tag,
                package=package,
                closure=closure([s.hash for s in found], known) if known else None,
                installed=installed_closure((s.hash for s in found), known) if known else None,
            )
        if len(found) < wanted:
            others = nearest(
                specs, query, wanted, package=package, dependencies=known, runs_on_cpu=host
            )
            if others:
                container += nearest_table(others, shown)
        return [container]

    # -- :lockfile: -------------------------------------------------------------------

    def _lockfile_path(self, given: str) -> Path | None:
        """The file *given* names, relative to the page (or, starting with ``/``, to the
        source folder, as Sphinx reads paths), when it stays inside the source folder
        (else ``None``, after a warning)."""
        relative, absolute = self.env.relfn2path(given, self.env.docname)
        source = Path(self.env.srcdir).resolve()
        path = Path(absolute)
        if not path.resolve().is_relative_to(source):
            self.warn(
                f":lockfile: {given!r} is outside the source folder", SpackCacheWarning.OPTION
            )
            return None
        self.env.note_dependency(relative)
        return path

    @staticmethod
    def _nearest(node: LockNode, loaded: LoadedRecord, host: str | None) -> Match | None:
        """The binary of *node*'s package nearest to it: one with the very same fields
        (built against other dependencies: another hash), else the nearest that differs
        (:func:`~sphinx_spackcache.data.match.nearest`)."""
        query = node.query()
        known = loaded.dependencies
        for spec in sorted(loaded.record.specs, key=spec_sort_key):
            if check(
                spec, query, package=node.name, dependencies=known, runs_on_cpu=host
            ).satisfied:
                reason = Reason("hash", "the same spec, built against other dependencies")
                return Match(spec, (reason,))
        found = nearest(
            loaded.record.specs, query, 1, package=node.name, dependencies=known, runs_on_cpu=host
        )
        return found[0] if found else None

    def _environment(self, given: str) -> list[nodes.Node]:
        """Every node of the environment *given* against the snapshot: in it by DAG
        hash, external, or to be built, with the nearest binary of its package."""
        path = self._lockfile_path(given)
        if path is None:
            return []
        try:
            lockfile = load_lockfile(path)
        except LockfileError as exc:
            self.warn(f"{given}: {exc.message}", SpackCacheWarning.SPEC, f"{path}:{exc.line or 1}")
            return []
        except OSError as exc:
            self.warn(
                f":lockfile: {given!r} cannot be read ({exc.strerror or exc})",
                SpackCacheWarning.OPTION,
            )
            return []
        tag = self.resolve_tag()
        if tag is None:
            return []
        snapshot = self.load_snapshot(tag)
        by_package = {loaded.record.name: loaded for loaded in snapshot.records}
        held = {spec.hash for loaded in snapshot.records for spec in loaded.record.specs}
        roots = {key for key, _ in lockfile.roots}
        host = self.options.get("runs-on")
        answers = []
        for node in lockfile.nodes.values():
            if node.external:
                status, near = EXTERNAL, None
            elif node.hash in held:
                status, near = IN_CACHE, None
            else:
                status = WILL_BUILD
                loaded = by_package.get(node.name)
                near = None if loaded is None else self._nearest(node, loaded, host)
            answers.append(
                NodeAnswer(node.name, node.version, node.hash, node.hash in roots, status, near)
            )
        container = self.output_container(MATCH_KIND)
        container += environment_sentence(given, tag, answers)
        container += environment_table(answers, tag)
        return [container]


def setup_match(app: Sphinx) -> None:
    """Register ``cache-match``."""
    app.add_directive("cache-match", CacheMatchDirective)
