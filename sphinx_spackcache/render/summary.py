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

__all__ = [
    "decode_summary",
    "field_list",
    "pending_summary",
    "summary_data",
    "summary_fields",
    "summary_texts",
    "summary_words",
]


def _field(name: str, *body: nodes.Node) -> nodes.field:
    paragraph = nodes.paragraph()
    paragraph.extend(body)
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", paragraph))


def summary_texts(summary: PackageSummary) -> list[tuple[str, Sequence[str]]]:
    """The fields :func:`summary_fields` shows, in order: each one's name and the texts
    of its values (the last, Stacks, as its badges read). Its search words are made of
    them too (:func:`summary_words`)."""
    values = (
        ("Versions", summary.versions),
        ("Compilers", [compiler_label(c) for c in summary.compilers]),
        ("Operating systems", summary.oss),
        ("Platforms", summary.platforms),
        ("Targets", summary.targets),
        ("Stacks", [stack_label(stack, count) for stack, count in summary.stacks]),
    )
    size = summary.size.phrase()
    return [
        ("Specs", (str(summary.num_specs),)),
        *([("Size", (size,))] if size else []),
        *((f"{name} ({len(texts)})", texts) for name, texts in values),
    ]


def summary_fields(summary: PackageSummary) -> nodes.field_list:
    """The totals of a package: specs, versions, compilers, OSs, platforms, targets, stacks."""
    return field_list(summary_texts(summary), stack_badges(summary.stacks))


def field_list(
    texts: Sequence[tuple[str, Sequence[str]]], stacks: Sequence[nodes.Node]
) -> nodes.field_list:
    """The summary's field list: a field a ``(name, values)`` of *texts* (the values
    joined by commas), the last holding the *stacks* badges instead of its values."""
    fields = nodes.field_list(classes=[f"{ROOT_CLASS}-summary"])
    *plain, (name, _) = texts
    for field_name, values in plain:
        fields += _field(field_name, nodes.Text(", ".join(values)))
    fields += _field(name, *stacks)
    return fields


def summary_words(summary: PackageSummary) -> list[str]:
    """Every text :func:`summary_fields` shows, each once: what it adds to a search index."""
    words = dict.fromkeys(text for name, texts in summary_texts(summary) for text in (name, *texts))
    return list(words)


_SUMMARY_DECODER = decoder(PackageSummary)


class summary_data(deferred):  # noqa: N801 (docutils node naming)
    """A package's summary before it is built (see :mod:`.deferred`): attribute
    ``summary`` (JSON); child, an ``inline`` of its words for search."""

    def build(self) -> list[nodes.Element]:
        return [summary_fields(decode_summary(self))]


def decode_summary(node: summary_data) -> PackageSummary:
    """The summary *node* holds."""
    return _SUMMARY_DECODER.decode(node["summary"])


def pending_summary(summary: PackageSummary) -> summary_data:
    """The node that becomes the field list of *summary* when the page is written."""
    return summary_data.pending(
        summary_words(summary),
        summary=encode(summary),
        stacks=[stack for stack, _ in summary.stacks],
    )
