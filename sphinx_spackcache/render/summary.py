"""The summary of a package: its totals as a field list, and ``summary_data``, the node
``cache-package`` leaves in the doctree until the page is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..data.summary import PackageSummary
from .badges import stack_badges, stack_label
from .deferred import decoder, deferred, encode
from .labels import compiler_label
from .names import ROOT_CLASS

__all__ = ["pending_summary", "summary_data", "summary_fields", "summary_words"]


def _field(name: str, *body: nodes.Node) -> nodes.field:
    paragraph = nodes.paragraph()
    paragraph.extend(body)
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))


def _summary_texts(summary: PackageSummary) -> list[tuple[str, Sequence[str]]]:
    """The fields :func:`summary_fields` shows, in order: each one's name and the texts
    of its values (the last, Stacks, as its badges read)."""
    values = (
        ("Versions", summary.versions),
        ("Compilers", [compiler_label(c) for c in summary.compilers]),
        ("Operating systems", summary.oss),
        ("Platforms", summary.platforms),
        ("Targets", summary.targets),
        ("Stacks", [stack_label(stack, count) for stack, count in summary.stacks]),
    )
    return [
        ("Specs", (str(summary.num_specs),)),
        *((f"{name} ({len(texts)})", texts) for name, texts in values),
    ]


def summary_fields(summary: PackageSummary) -> nodes.field_list:
    """The totals of a package: specs, versions, compilers, OSs, platforms, targets, stacks."""
    fields = nodes.field_list(classes=[f"{ROOT_CLASS}-summary"])
    *plain, (stacks, _) = _summary_texts(summary)
    for name, texts in plain:
        fields += _field(name, nodes.Text(", ".join(texts)))
    fields += _field(stacks, *stack_badges(summary.stacks))
    return fields


def summary_words(summary: PackageSummary) -> list[str]:
    """Every text :func:`summary_fields` shows, each once: what it adds to a search index."""
    words = dict.fromkeys(
        text for name, texts in _summary_texts(summary) for text in (name, *texts)
    )
    return list(words)


_SUMMARY_DECODER = decoder(PackageSummary)


class summary_data(deferred):  # noqa: N801 (docutils node naming)
    """A package's summary before it is built (see :mod:`.deferred`): attribute
    ``summary`` (JSON); child, an ``inline`` of its words for search."""

    def build(self) -> list[nodes.Element]:
        return [summary_fields(_SUMMARY_DECODER.decode(self["summary"]))]


def pending_summary(summary: PackageSummary) -> summary_data:
    """The node that becomes the field list of *summary* when the page is written."""
    return summary_data.pending(
        summary_words(summary),
        summary=encode(summary),
        stacks=[stack for stack, _ in summary.stacks],
    )
