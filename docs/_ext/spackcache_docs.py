"""Reference tables and diagrams of the sphinx-spackcache documentation, generated from
the code.

``spackcache-config-table`` lists :data:`sphinx_spackcache.config.CONFIG_VALUES`,
``spackcache-warnings-table`` lists :class:`sphinx_spackcache.data.problems.SpackCacheWarning`
and ``spackcache-export-fields`` the keys of :data:`sphinx_spackcache.data.export.SPEC_FIELDS`,
so the documentation cannot drift from what the extension declares.

``spackcache-layers`` draws the package's layers and the imports between them, read from
the modules (:mod:`spackcache_layers`), and ``spackcache-data-path`` the path of data
from a record file to a node, each step a function or class that must exist.

Enum members have no ``__doc__`` of their own at run time, so the warning descriptions
are read from the string literal that follows each member in ``problems.py`` (the
attribute docstring), with :mod:`ast`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from spackcache_layers import LAYERS, layer_imports, modules
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinx_spackcache import config as spackcache_config
from sphinx_spackcache.config import CONFIG_VALUES
from sphinx_spackcache.data import export as spackcache_export
from sphinx_spackcache.data import problems as spackcache_problems
from sphinx_spackcache.data.export import GRAPH_FIELDS, SIZE_FIELDS, SPEC_FIELDS
from sphinx_spackcache.data.problems import SpackCacheWarning
from sphinx_spackcache.render.badges import stack_badge
from sphinx_spackcache.site import colours as spackcache_colours
from sphinx_spackcache.site.colours import KNOWN_STACKS

__all__ = ["member_docstrings", "setup"]

_logger = logging.getLogger(__name__)

#: A table cell: plain text (shown as is), or nodes already built.
Cell = str | Sequence[nodes.Node]


def member_docstrings(source: str, class_name: str) -> dict[str, str]:
    """The attribute docstrings of the class *class_name* defined in *source*.

    A member's docstring is the string expression right after its assignment.
    """
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ClassDef) and node.name == class_name):
            continue
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                found[statement.targets[0].id] = inspect.cleandoc(following.value.value)
    return found


def _module_path(module: Any) -> str:
    return str(Path(inspect.getfile(module)).resolve())


class _TableDirective(SphinxDirective):
    """A directive without arguments or content that outputs one generated table."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0

    def rst(self, text: str, source: str) -> list[nodes.Node]:
        """Parse a short piece of reStructuredText into nodes."""
        holder = nodes.Element()
        self.state.nested_parse(StringList(text.splitlines(), source=source), 0, holder)
        return list(holder.children)

    def table(
        self,
        headings: Sequence[str],
        widths: Sequence[int],
        rows: Sequence[Sequence[Cell]],
        classes: Sequence[str],
    ) -> nodes.table:
        """A docutils table with one heading row and the given column widths."""
        table = nodes.table(classes=["colwidths-given", *classes])
        self.set_source_info(table)
        group = nodes.tgroup(cols=len(headings))
        table += group
        for width in widths:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self._row(headings)
        group += head
        body = nodes.tbody()
        for row in rows:
            body += self._row(row)
        group += body
        return table

    @staticmethod
    def _row(cells: Sequence[Cell]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, str):
                entry += nodes.paragraph(cell, cell)
            else:
                entry.extend(cell)
            row += entry
        return row


def _literal(text: str) -> list[nodes.Node]:
    return [nodes.paragraph("", "", nodes.literal(text, text))]


class ConfigTableDirective(_TableDirective):
    """``.. spackcache-config-table::``: the ``spackcache_*`` configuration values."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_module_path(spackcache_config))
        rows: list[list[Cell]] = [
            [
                _literal(value.name),
                _literal(value.type_text),
                _literal(repr(value.default)),
                _literal(value.rebuild) if value.rebuild else "(none)",
                self.rst(value.description, _module_path(spackcache_config)),
            ]
            for value in CONFIG_VALUES
        ]
        return [
            self.table(
                ("Name", "Type", "Default", "Rebuild", "Description"),
                (28, 16, 12, 8, 36),
                rows,
                ["spackcache-docs-config"],
            )
        ]


class WarningsTableDirective(_TableDirective):
    """``.. spackcache-warnings-table::``: the warning subtypes, for ``suppress_warnings``."""

    def run(self) -> list[nodes.Node]:
        path = _module_path(spackcache_problems)
        self.env.note_dependency(path)
        docs = member_docstrings(Path(path).read_text(encoding="utf-8"), "SpackCacheWarning")
        rows: list[list[Cell]] = []
        for member in SpackCacheWarning:
            doc = docs.get(member.name)
            if doc is None:
                _logger.warning(
                    "SpackCacheWarning.%s has no docstring in %s",
                    member.name,
                    path,
                    location=self.get_location(),
                )
                doc = ""
            rows.append([_literal(member.full_name), self.rst(doc, path)])
        return [
            self.table(
                ("suppress_warnings name", "Emitted when"),
                (26, 74),
                rows,
                ["spackcache-docs-warnings"],
            )
        ]


class ExportFieldsDirective(_TableDirective):
    """``.. spackcache-export-fields::``: the keys of a spec in the exports (with the
    argument ``graph``, the JSON-only keys of its dependency graph; ``sizes``, of its
    size)."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = _module_path(spackcache_export)
        self.env.note_dependency(path)
        which = self.arguments[0] if self.arguments else ""
        fields = {"graph": GRAPH_FIELDS, "sizes": SIZE_FIELDS}.get(which, SPEC_FIELDS)
        rows: list[list[Cell]] = [
            [_literal(key), self.rst(meaning[0].upper() + meaning[1:] + ".", path)]
            for key, meaning in fields.items()
        ]
        return [self.table(("Key", "Holds"), (16, 84), rows, ["spackcache-docs-export"])]


class StackColoursDirective(_TableDirective):
    """``.. spackcache-stack-colours::``: Spack's stacks with fixed colours, each as its
    badge (coloured as on every page) and its place in the palette (0 to 35)."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_module_path(spackcache_colours))
        rows: list[list[Cell]] = [
            [[nodes.paragraph("", "", stack_badge(stack))], str(hue)]
            for stack, hue in sorted(KNOWN_STACKS.items(), key=lambda item: item[1])
        ]
        table = self.table(("Stack", "Colour"), (80, 20), rows, ["spackcache-docs-colours"])
        # (in the extension's own container: the page links its stylesheet)
        return [nodes.container("", table, classes=["spackcache"])]


class LayersDirective(SphinxDirective):
    """``.. spackcache-layers::``: the layers, top to bottom, each with its modules and the
    layers it imports (from the real imports), as a diagram in a literal block."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        for _, path in modules():
            self.env.note_dependency(str(path))
        edges = layer_imports()
        by_layer: dict[str, list[str]] = {layer.name: [] for layer in LAYERS}
        for module, _ in modules():
            layer = next(layer for layer in LAYERS if module.split(".")[0] in layer.parts)
            name = module.removesuffix(".__init__")
            if name != layer.name:
                by_layer[layer.name].append(name.removeprefix(f"{layer.name}."))
        lines: list[str] = []
        rule = "+" + "-" * 72 + "+"
        order = [layer.name for layer in LAYERS]
        for layer in LAYERS:
            below = sorted(edges[layer.name], key=order.index)
            lines.append(rule)
            lines.append(f"| {layer.name.upper():<12}{layer.role:<59}|")
            for chunk in _wrapped(" ".join(by_layer[layer.name]), 59):
                lines.append(f"| {'':<12}{chunk:<59}|")
            lines.append(f"|   {'imports':<10}{(', '.join(below) or '-'):<59}|")
        lines.append(rule)
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, classes=["spackcache-docs-layers"])
        block["language"] = "text"
        self.set_source_info(block)
        return [block]


def _wrapped(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


class DataPathDirective(SphinxDirective):
    """``.. spackcache-data-path::`` with ``:start:`` and lines ``object -> result``:
    the path of data as a diagram; each *object* (relative to ``sphinx_spackcache``)
    must exist, or the build warns."""

    has_content = True
    option_spec = {"start": directives.unchanged_required}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        lines = [f"[ {self.options['start']} ]"]
        for offset, line in enumerate(self.content):
            steps, _, result = line.partition(" -> ")
            shown = []
            for number, step in enumerate(steps.split(" or ")):
                dotted, _, note = step.strip().partition(" ")
                self._exists(dotted, self.content_offset + offset + 1)
                shown.append(f"      |  {'or ' if number else ''}{dotted} {note}".rstrip())
            lines += ["      |", *shown, "      v", f"[ {result.strip()} ]"]
        text = "\n".join(lines)
        block = nodes.literal_block(text, text, classes=["spackcache-docs-path"])
        block["language"] = "text"
        self.set_source_info(block)
        return [block]

    def _exists(self, dotted: str, line: int) -> bool:
        parts = dotted.split(".")
        for split in range(len(parts), 0, -1):
            try:
                found: Any = importlib.import_module("sphinx_spackcache." + ".".join(parts[:split]))
            except ImportError:
                continue
            try:
                for attribute in parts[split:]:
                    found = getattr(found, attribute)
            except AttributeError:
                break
            module = inspect.getmodule(found)
            if module is not None:  # a class or function (a constant has no module)
                self.env.note_dependency(_module_path(module))
            return True
        _logger.warning(
            "spackcache-data-path: %s is not in sphinx_spackcache",
            dotted,
            location=(self.env.docname, line),
        )
        return False


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the table and diagram directives."""
    app.add_directive("spackcache-config-table", ConfigTableDirective)
    app.add_directive("spackcache-warnings-table", WarningsTableDirective)
    app.add_directive("spackcache-export-fields", ExportFieldsDirective)
    app.add_directive("spackcache-layers", LayersDirective)
    app.add_directive("spackcache-stack-colours", StackColoursDirective)
    app.add_directive("spackcache-data-path", DataPathDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
