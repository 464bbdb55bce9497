"""The checks of a parsed record that only a page showing it needs: its ``meta`` against
its specs, and its tarball URLs.

``cache-package`` and the record checker (``sphinx-spackcache check``) both call these,
so a problem reads the same in a build and in the checker. (Parsing itself reports what
is wrong with the file: :func:`!sphinx_spackcache.sources.records.parse_record`.)

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

from .model import PackageRecord, is_safe_url
from .problems import Problem, SpackCacheWarning, collapse, excerpt, quoted
from .summary import PackageSummary, meta_mismatches, summarise

__all__ = ["check_record", "meta_problems", "url_problems"]

_URL_GROUP = "specs have a tarball that is not an http(s) URL (shown without a link)"


def meta_problems(record: PackageRecord, summary: PackageSummary | None = None) -> list[Problem]:
    """Where the record's ``meta`` disagrees with its specs (*summary*, the sum of all its
    specs, when already known), or why ``meta`` cannot be read."""
    meta = record.declared_meta()
    if meta is None:
        return []
    if isinstance(meta, str):
        return [Problem(record.path, record.meta_line, f"{meta}; it is not cross-checked")]
    return [
        Problem(
            record.path,
            record.meta_line,
            f"meta disagrees with spec_details: {mismatch}; showing what the specs say",
            SpackCacheWarning.META,
        )
        for mismatch in meta_mismatches(summary or summarise(record.specs), meta)
    ]


def url_problems(record: PackageRecord) -> tuple[Problem, ...]:
    """Each tarball URL that cannot be a link (all of them as one problem when there are
    several)."""
    return collapse(
        Problem(
            record.path,
            record.specs_line,
            f"spec {excerpt(spec.hash, 40)}: tarball {quoted(spec.tarball)} is not an http(s) "
            "URL; shown without a link",
            SpackCacheWarning.URL,
            group=_URL_GROUP,
        )
        for spec in record.specs
        if spec.tarball and not is_safe_url(spec.tarball)
    )


def check_record(record: PackageRecord) -> tuple[Problem, ...]:
    """Every problem a page showing the whole of *record* reports, besides those of
    parsing: :func:`meta_problems` and :func:`url_problems`."""
    return (*meta_problems(record), *url_problems(record))
