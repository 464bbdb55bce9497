"""The ``cache-match`` directive (issue 26): "will my spec come from the cache, and if not,
why not?". Its argument is a spec in Spack's syntax (:mod:`~sphinx_spackcache.data.specsyntax`);
it shows the binaries of one snapshot that satisfy it, with Spack's semantics
(:mod:`~sphinx_spackcache.data.match`), and, when fewer than ``:nearest:`` do, the
nearest others, each with what it differs in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx

from ..data.dag import brought_counts
from ..data.match import check, nearest
from ..data.specsyntax import SpecSyntaxError, parse_spec
from ..data.suggest import did_you_mean
from ..data.summary import spec_sort_key
from ..data.targets import close_cpus, is_known_cpu
from ..render.match import MATCH_KIND, match_sentence, nearest_table
from ..render.spectable import pending_spec_table
from ..warnings_ import SpackCacheWarning
from .base import SpackCacheDirective
from .options import text_option

__all__ = ["CacheMatchDirective", "setup_match"]


class CacheMatchDirective(SpackCacheDirective):
    """``.. cache-match:: SPEC``: the binaries of a snapshot that satisfy *SPEC* (a spec
    table), and the ``:nearest:`` others (5) with what each differs in, when fewer
    satisfy it; ``:runs-on: CPU`` adds that the binary runs on that host CPU."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **SpackCacheDirective.option_spec,
        "runs-on": text_option,
        "nearest": text_option,
    }

    def run(self) -> list[nodes.Node]:
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
            )
        if len(found) < wanted:
            others = nearest(
                specs, query, wanted, package=package, dependencies=known, runs_on_cpu=host
            )
            if others:
                container += nearest_table(others, shown)
        return [container]


def setup_match(app: Sphinx) -> None:
    """Register ``cache-match``."""
    app.add_directive("cache-match", CacheMatchDirective)
