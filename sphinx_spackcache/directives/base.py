"""What every directive of the extension shares: the ``:tag:`` and ``:class:`` options,
checked option values, filters, and the container of its output (loading and warnings
come from :class:`.loading.LoadingDirective`).

Option values are checked here rather than by docutils wherever possible, so that a bad
value is a ``spackcache`` warning (which ``suppress_warnings`` understands) and the
build goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes

from ..config import spackcache_config
from ..data.install import InstallCommands, install_commands
from ..data.model import Spec
from ..data.problems import quoted
from ..data.query import FILTER_FIELDS, RUNS_ON_FIELD, SpecQuery
from ..data.suggest import close_names, did_you_mean, first_few
from ..data.targets import close_cpus
from ..render.names import ROOT_CLASS
from ..site.sources import install_mirrors, local_mirror_folder
from ..site.stubs import stub_folder
from ..site.tracking import KeyCollector
from ..sources.keys import mirror_keys
from ..sources.snapshot_index import ROOT
from ..sources.store import is_valid_name
from ..sources.urls import (
    is_local_mirror,
    is_oci,
    is_url,
    mirror_url,
    stack_mirror,
    tarball_mirror,
)
from ..warnings_ import SpackCacheWarning
from .loading import LoadingDirective
from .options import text_option

__all__ = ["SpackCacheDirective"]


class SpackCacheDirective(LoadingDirective):
    """Base of the extension's directives."""

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "tag": text_option,
        "class": directives.class_option,
    }

    def output_container(self, kind: str) -> nodes.container:
        """The container of the directive's output: classes ``spackcache``,
        ``spackcache-<kind>`` and those of ``:class:``; record data in it is shown as it
        is (no smart quotes or dashes in variants and names)."""
        container = nodes.container(
            classes=[ROOT_CLASS, f"{ROOT_CLASS}-{kind}", *self.options.get("class", [])]
        )
        self.set_source_info(container)
        container["support_smartquotes"] = False
        return container

    def generated_pages(self, docnames: Sequence[str], what: str) -> list[str]:
        """The pages of *docnames* (generated in ``:toctree:``'s folder) that exist; one
        warning when some do not (*what*: ``package``, ``snapshot``)."""
        missing = [d for d in docnames if d not in self.env.found_docs]
        if missing:
            folder = stub_folder(self.env.docname, self.options["toctree"])
            self.warn(
                f":toctree: {len(missing)} {what} pages are missing in {folder!r} "
                f"(first: {missing[0]}); is spackcache_generate off?",
                SpackCacheWarning.STUB,
            )
        return [d for d in docnames if d not in missing]

    def toctree_node(
        self, docnames: Sequence[str], *, hidden: bool, maxdepth: int, caption: str | None
    ) -> nodes.Node:
        """A toctree of the pages *docnames*, in that order, as ``.. toctree::`` makes one."""
        tocnode = addnodes.toctree()
        tocnode["parent"] = self.env.docname
        tocnode["entries"] = [(None, d) for d in docnames]
        tocnode["includefiles"] = list(docnames)
        tocnode["maxdepth"] = maxdepth
        tocnode["glob"] = False
        tocnode["hidden"] = hidden
        tocnode["caption"] = caption
        tocnode["numbered"] = 0
        tocnode["titlesonly"] = False
        tocnode["rawentries"] = []
        self.set_source_info(tocnode)
        return nodes.compound("", tocnode, classes=["toctree-wrapper"])

    def install_commands_for(
        self,
        tag: str,
        *,
        show: bool,
        specs: Sequence[Spec] = (),
        stack: str | None = None,
    ) -> InstallCommands:
        """The install commands of snapshot *tag* (``:unsigned:`` as given, and always for
        an OCI registry, whose binaries are unsigned), from the mirror the *specs*' tarball
        URLs name when they agree (:func:`.urls.mirror_url` says which URL wins), or from
        the mirror of one *stack* of it. When they are to be shown (*show*) and name a
        folder of this machine, a warning says so."""
        settings = spackcache_config(self.env)
        # a ref of the snapshot index is installed from its root mirror
        mirrors = {**install_mirrors(self.env), **settings.mirrors}
        if show and is_local_mirror(tag, settings.mirror_url, mirrors):
            self.warn(
                f"mirror {tag!r} is a local folder: the install commands name its path; "
                f"set spackcache_mirror_url = {{{tag!r}: URL}} to give readers its URL",
                SpackCacheWarning.INSTALL,
            )
        recorded = {tarball_mirror(s.tarball) for s in specs if s.tarball}
        recorded.discard(None)
        url = mirror_url(
            tag, settings.mirror_url, mirrors, recorded.pop() if len(recorded) == 1 else None
        )
        name = tag
        stacks = settings.mirrors.get(tag)
        named = isinstance(settings.mirror_url, Mapping) and tag in settings.mirror_url
        if stack is not None and isinstance(stacks, Mapping) and stack in stacks and not named:
            # a snapshot of one mirror per stack: that stack's own mirror
            url, name = str(os.fspath(stacks[stack])), f"{tag}-{stack}"
            if show and not is_url(url):
                self.warn(
                    f"stack {stack!r} of {tag!r} is a local folder: the install commands "
                    f"name its path; set spackcache_mirror_url = {{{tag!r}: URL}} to give "
                    "readers the URL its stacks are under",
                    SpackCacheWarning.INSTALL,
                )
        elif stack is not None and stack != ROOT:
            url, name = stack_mirror(url, stack), f"{tag}-{stack}"
        # an OCI registry's binaries are never signed (sources/oci.py)
        signed = "unsigned" not in self.options and not is_oci(url)
        prints: tuple[str, ...] = ()
        folder = local_mirror_folder(self.env, tag) if signed and stack is None else None
        if folder is not None:
            prints, problems, read = mirror_keys(folder)
            for path in read:
                self.env.note_dependency(str(path))
            KeyCollector.note(self.env, str(folder))
            if show:
                self.report(problems)
        return install_commands(tag, url, signed=signed, name=name, fingerprints=prints)

    def install_stack(self, option: str, specs: Sequence[Spec] = ()) -> str | None:
        """The stack whose mirror *option* names (``None``: the top-level mirror, also
        after a warning for a name that is not one, or a stack none of *specs* is in)."""
        stack: str | None = self.options.get(option) or None
        if stack is None:
            return None
        if not is_valid_name(stack):
            self.warn(
                f":{option}: {stack!r} is not a stack name (letters, digits and _.+- only); "
                "the commands use the top-level mirror",
                SpackCacheWarning.OPTION,
            )
            return None
        known = sorted({name for spec in specs for name in spec.stacks})
        if specs and stack not in known:
            hint = did_you_mean(close_names(stack, known))
            self.warn(
                f":{option}: no binary here is in stack {stack!r}{hint}; the commands use "
                "the top-level mirror",
                SpackCacheWarning.STACK,
            )
            return None
        return stack

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

    def count(self, option: str, default: int) -> int | None:
        """The value of *option* as a whole number of at least 1 (else warn and return
        None)."""
        value: str = self.options.get(option, str(default))
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            self.warn(
                f":{option}: {value!r} is not a whole number of at least 1",
                SpackCacheWarning.OPTION,
            )
            return None
        return int(value)

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
        nothing in *specs* (what the directive could show). A filter option with no
        pattern (``:os: ,``) is left out, with a warning."""
        options = dict(self.options)
        for field in FILTER_FIELDS:
            if options.get(field) == ():
                del options[field]
                self.warn(
                    f":{field}: holds no pattern (only commas); the option is left out",
                    SpackCacheWarning.OPTION,
                )
        query = SpecQuery.from_options(options)
        for field, name in query.unknown():
            hint = did_you_mean(close_cpus(name))
            self.warn(
                f":{field}: {name!r} is not a CPU archspec knows{hint}", SpackCacheWarning.FILTER
            )
        for miss in query.unmatched(specs):
            existing = first_few([quoted(v) for v in miss.existing])
            if miss.field == RUNS_ON_FIELD:
                message = f"no spec here runs on {miss.pattern!r}; the targets there are"
            else:
                message = f"{miss.pattern!r} matches no {miss.field} here; the values there are"
            self.warn(f":{miss.field}: {message} {existing}", SpackCacheWarning.FILTER)
        return query
