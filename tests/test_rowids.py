"""Issue 27, part 1: each spec row has an id from its binary's hash (``spec-<hash>``,
unique on its page), dependency names and ``cache-graph``'s nodes link to the row of
their binary (on the same page, else on the package's page), and each row discloses
the whole tree of what its binary brings with it (HTML only; print keeps the counts and
the direct dependencies).

The graph is Spack's own v2 test mirror (tests/mirrors/spack-v2-test); every expected
id, link and tree is worked out here from its index.json (:func:`installs`), by the
test's own code. The root (tests/roots/test-rowids):

* a.rst: libelf, libdwarf, gcc-runtime (``:no-index:``), libelf again (``:no-index:``),
  and libdwarf's graph;
* b.rst: a section titled "spec u5uz3dc..." (whose id is ``spec-u5uz3dc...``), libdwarf
  (``:no-index:``) and the graph of libdwarf u5uz3dc.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from sphinx_spackcache.data.dag import bounded_tree
from sphinx_spackcache.data.model import Dependency
from sphinx_spackcache.render.trees import closure_data, closure_lookup

from .conftest import MIRRORS, RECORDS, Build, resolved, warnings_of
from .test_graph import HREF, SVG, parts, svgs

INDEX = MIRRORS / "spack-v2-test" / "build_cache" / "index.json"
CONF = {
    "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")},
    "spackcache_path": str(RECORDS),
}


def installs(path: Path = INDEX) -> dict[str, dict[str, Any]]:
    """hash -> the spec of each node of a Spack database, read with ``json``."""
    found = json.loads(path.read_text("utf-8"))["database"]["installs"]
    return {key: entry["spec"] for key, entry in found.items()}


def with_pages(build: Build, conf: dict[str, Any], a: str, b: str = "B\n=\n") -> Any:
    """The root built with *conf*, then again with pages a and b replaced by *a*, *b*."""
    app = build("rowids", "html", conf=conf)
    (app.srcdir / "a.rst").write_text(a)
    (app.srcdir / "b.rst").write_text(b)
    return build("rowids", "html", conf=conf)


def derecho_conf(tmp_path: Path) -> dict[str, Any]:
    """CONF with NCAR's derecho install tree as the mirror ``derecho``."""
    mirror = tmp_path / "derecho"
    (mirror / "build_cache").mkdir(parents=True)
    shutil.copy(
        MIRRORS / "derecho-install-tree" / "index.json", mirror / "build_cache" / "index.json"
    )
    return {**CONF, "spackcache_mirrors": {"derecho": str(mirror)}}


NODES = installs()


def of(name: str) -> set[str]:
    return {key for key, spec in NODES.items() if spec["name"] == name}


def installed_edges(key: str, nodes: dict[str, dict[str, Any]] = NODES) -> list[dict[str, Any]]:
    """The link/run dependencies of *key*, by name then hash (as a tree lists them)."""
    found = [
        d
        for d in nodes[key].get("dependencies", [])
        if {"link", "run"} & set(d["parameters"]["deptypes"])
    ]
    return sorted(found, key=lambda d: (d["name"], d["hash"]))


def brings(key: str, nodes: dict[str, dict[str, Any]] = NODES) -> set[str]:
    seen: set[str] = set()
    pending = [key]
    while pending:
        for d in installed_edges(pending.pop(), nodes):
            if d["hash"] not in seen:
                seen.add(d["hash"])
                pending.append(d["hash"])
    return seen


def spelled(d: dict[str, Any]) -> str:
    text = f"{d['name']}@{NODES[d['hash']]['version']}/{d['hash'][:7]}"
    virtuals = d["parameters"].get("virtuals") or []
    return f"%{','.join(virtuals)}={text}" if virtuals else text


def html(app: Any, page: str) -> Any:
    return BeautifulSoup((Path(app.outdir) / f"{page}.html").read_text("utf-8"), "html.parser")


def row_ids(table: Any) -> list[str]:
    return [str(row.get("id")) for row in table.select("tbody > tr")]


def row_of(page: Any, table: int, spec_hash: str) -> Any:
    tables = page.select("table.spackcache-specs")
    for row in tables[table].select("tbody > tr"):
        if row.select_one("td.spackcache-hash code").get_text() == spec_hash:
            return row
    raise AssertionError(spec_hash)


U5 = next(h for h in of("libdwarf") if h.startswith("u5uz3dc"))
SK2 = next(h for h in of("libdwarf") if h.startswith("sk2gqqz"))
JR3 = next(h for h in of("libelf") if h.startswith("jr3yipy"))
RUNTIME = next(iter(of("gcc-runtime")))


def test_each_row_has_an_id_from_its_hash_unique_on_its_page(build: Build) -> None:
    app = build("rowids", "html", conf=CONF)
    assert warnings_of(app) == []
    a, b = html(app, "a"), html(app, "b")
    tables = a.select("table.spackcache-specs")
    assert [set(row_ids(t)) for t in tables] == [
        {f"spec-{h}" for h in of("libelf")},
        {f"spec-{h}" for h in of("libdwarf")},
        {f"spec-{h}" for h in of("gcc-runtime")},
        # the same binaries again on the page: the next id
        {f"spec-{h}-2" for h in of("libelf")},
    ]
    # every id of the page once (the rows', the sections', the tables')
    for page in (a, b):
        counts = Counter(element["id"] for element in page.select("[id]"))
        assert [key for key, count in counts.items() if count > 1] == []
    # each row's id is its own hash's
    for table in tables:
        for row in table.select("tbody > tr"):
            code = row.select_one("td.spackcache-hash code").get_text()
            assert str(row["id"]).startswith(f"spec-{code}")
    # b: a section took spec-u5uz3dc...: its row takes the next id
    section = f"spec-{U5}"
    assert b.find(id=section).name == "section"
    (table,) = b.select("table.spackcache-specs")
    assert set(row_ids(table)) == {f"spec-{SK2}", f"spec-{U5}-2"}


def test_ids_are_the_same_in_every_build(build: Build, tmp_path: Path) -> None:
    """A second build, from nothing and in two processes (``-j 2``), gives each row the
    same id."""
    app = build("rowids", "html", conf=CONF)
    first = {page: [row_ids(t) for t in html(app, page).select("table")] for page in "ab"}
    again = build("rowids", "html", conf=CONF, freshenv=True, parallel=2)
    assert warnings_of(again) == []
    second = {page: [row_ids(t) for t in html(again, page).select("table")] for page in "ab"}
    assert first == second
    # a: libelf 2, libdwarf 2, gcc-runtime 1, libelf 2 again; b: libdwarf 2
    assert sum(len(ids) for tables in first.values() for ids in tables) == 2 + 2 + 1 + 2 + 2


def test_dependency_names_link_to_the_row_of_their_binary(build: Build) -> None:
    """On the page that shows its row, a dependency links to that row (gcc-runtime too,
    though it has no package page: its row is here); elsewhere to its row on its
    package's page (libelf), or not at all when it has no package page (gcc-runtime,
    shown on a.rst with :no-index: only)."""
    app = build("rowids", "html", conf=CONF)
    a, b = html(app, "a"), html(app, "b")
    direct = sorted(NODES[U5]["dependencies"], key=lambda d: d["name"])

    def links(row: Any) -> dict[str, str | None]:
        listed = row.select_one("td.spackcache-hash > details > p")
        found: dict[str, str | None] = {}
        for span in listed.select("span.spackcache-dependency"):
            link = span.find_parent("a")
            found[span.get_text()] = None if link is None else str(link["href"])
        return found

    rows_here = {"libelf": "#spec-{}", "gcc-runtime": "#spec-{}"}
    assert links(row_of(a, 1, U5)) == {
        spelled(d): rows_here[d["name"]].format(d["hash"]) if d["name"] in rows_here else None
        for d in direct
    }
    rows_there = {"libelf": "a.html#spec-{}"}
    assert links(row_of(b, 0, U5)) == {
        spelled(d): rows_there[d["name"]].format(d["hash"]) if d["name"] in rows_there else None
        for d in direct
    }


def test_an_incremental_build_follows_a_row_that_moved(build: Build) -> None:
    """a.rst gains a section whose id is that of libelf jr3yipy's row: the row takes
    ``-2``, and b.html, not read again, is written again with its link to it."""
    app = build("rowids", "html", conf=CONF)
    link = f"a.html#spec-{JR3}"
    assert link in {str(a["href"]) for a in html(app, "b").select("a[href]")}
    page = app.srcdir / "a.rst"
    text = page.read_text("utf-8")
    title = f"spec {JR3}"
    page.write_text(text.replace("\n\n", f"\n\n{title}\n{'-' * len(title)}\n\n", 1))
    app = build("rowids", "html", conf=CONF)
    assert warnings_of(app) == []
    a, b = html(app, "a"), html(app, "b")
    assert a.find(id=f"spec-{JR3}").name == "section"
    assert a.find(id=f"spec-{JR3}-2").name == "tr"
    hrefs = {str(a["href"]) for a in b.select("a[href]")}
    assert f"{link}-2" in hrefs
    assert link not in hrefs


def test_graph_nodes_link_to_rows(build: Build) -> None:
    """cache-graph's boxes go to the row of their binary: on the graph's page when it
    has one, else on the package's page (the SVG sits in _images/: one folder up)."""
    app = build("rowids", "html", conf=CONF)

    def links(svg: ET.Element) -> dict[str, str]:
        found = {}
        for node in parts(svg, "node"):
            title = node.find("svg:title", SVG)
            for a in node.iter(f"{{{SVG['svg']}}}a"):
                if a.get(HREF) and title is not None and title.text:
                    found[title.text] = str(a.get(HREF))
        return found

    (graph_a,) = svgs(app, "a")
    on_a = {*of("libdwarf"), *of("libelf"), *of("gcc-runtime")}  # rows of a.rst
    assert links(graph_a) == {key: f"../a.html#spec-{key}" for key in on_a}
    (graph_b,) = svgs(app, "b")
    # u5uz3dc's row is on b (its id taken by the section's); libelf's page is a; the
    # rest of what u5uz3dc reaches has no page
    assert links(graph_b) == {U5: f"../b.html#spec-{U5}-2", JR3: f"../a.html#spec-{JR3}"}


def _tree(
    key: str,
    seen: set[str],
    nodes: dict[str, dict[str, Any]] = NODES,
    depth: int = 1,
    deepest: int | None = None,
) -> list[tuple[str, list[Any]]]:
    """The tree of what *key* brings, as the test spells it: (line, children) each, a
    node met again listed without its children (and "(dependencies above)" when it has
    some), one at *deepest* without them ("(more below, not shown)")."""
    lines: list[tuple[str, list[Any]]] = []
    for d in installed_edges(key, nodes):
        text = f"{d['name']}@{nodes[d['hash']]['version']}/{d['hash'][:7]}"
        virtuals = d["parameters"].get("virtuals") or []
        text = f"%{','.join(virtuals)}={text}" if virtuals else text
        below = installed_edges(d["hash"], nodes)
        if d["hash"] in seen:
            lines.append((text + (" (dependencies above)" if below else ""), []))
        elif deepest is not None and depth >= deepest:
            lines.append((text + (" (more below, not shown)" if below else ""), []))
        else:
            seen.add(d["hash"])
            lines.append((text, _tree(d["hash"], seen, nodes, depth + 1, deepest)))
    return lines


def _flat(tree: list[tuple[str, list[Any]]]) -> list[str]:
    return [line for text, children in tree for line in (text, *_flat(children))]


def _shown(items: Any) -> list[tuple[str, list[Any]]]:
    found = []
    for item in items.find_all("li", recursive=False):
        inner = item.find("ul", recursive=False)
        found.append((item.find("p").get_text(), [] if inner is None else _shown(inner)))
    return found


def test_a_row_discloses_its_whole_tree_in_html_only(build: Build) -> None:
    app = build("rowids", "html", conf=CONF)
    a = html(app, "a")
    for key in (*of("libdwarf"), *of("libelf"), *of("gcc-runtime")):
        tree = row_of(a, 1 if key in of("libdwarf") else 0 if key in of("libelf") else 2, key)
        found = tree.select("details.spackcache-tree")
        expected = _tree(key, {key})
        # a tree only where it shows more than the direct dependencies
        if not any(children for _, children in expected):
            assert found == [], key
            continue
        (details,) = found
        assert details.find("summary").get_text() == f"whole tree ({len(brings(key))} binaries)"
        assert _shown(details.find("ul", recursive=False)) == expected
    # only u5uz3dc brings a binary that brings another (libelf jr3yipy: gcc-runtime)
    assert len(a.select("details.spackcache-tree")) == 1
    links = {
        link.get_text(): link["href"]
        for link in a.select("details.spackcache-tree a")  # each to its row, here
    }
    assert links == {
        f"gcc-runtime@10.2.1/{RUNTIME[:7]}": f"#spec-{RUNTIME}",
        f"libelf@0.8.13/{JR3[:7]}": f"#spec-{JR3}",
    }
    # print: the counts and the direct list, no tree (no list in any table)
    label = f"{len(NODES[U5]['dependencies'])} direct · {len(brings(U5))} installed with it"
    for builder in ("text", "latex"):
        printed = build("rowids", builder, conf=CONF, freshenv=True)
        doctree = resolved(printed, "a")
        tables = list(doctree.findall(nodes.table))
        assert len(tables) == 4
        assert [t for t in tables if any(t.findall(nodes.bullet_list))] == []
        assert label in doctree.astext()
    page = (Path(printed.outdir).parent / "text" / "a.txt").read_text("utf-8")
    assert "whole tree" not in page
    assert label in " ".join(page.split())


def test_a_large_tree_stops_at_a_depth_said_in_words(build: Build, tmp_path: Path) -> None:
    """NCAR's derecho install tree served as a mirror: gnuplot brings 110 binaries, and
    the tree of them (each shared subtree once) is one line for each link/run edge among
    them, 315: past the 100 lines a row shows, it stops two edges deep (82 lines). qt's
    tree is 115 lines even two edges deep: its first 100 are shown. Trees, counts and
    lines are worked out here from the raw index, by the test's own recursion."""
    source = MIRRORS / "derecho-install-tree" / "index.json"
    nodes = installs(source)
    (gnuplot,) = [key for key, spec in nodes.items() if spec["name"] == "gnuplot"]
    (qt,) = [key for key, spec in nodes.items() if spec["name"] == "qt"]
    everything = brings(gnuplot, nodes)
    lines = sum(len(installed_edges(key, nodes)) for key in {gnuplot, *everything})
    assert (len(everything), lines) == (110, 315)
    assert len(_flat(_tree(gnuplot, {gnuplot}, nodes))) == 315
    two_deep = _tree(gnuplot, {gnuplot}, nodes, deepest=2)
    assert len(_flat(two_deep)) == 82
    assert len(_flat(_tree(gnuplot, {gnuplot}, nodes, deepest=3))) > 100
    qt_two_deep = _flat(_tree(qt, {qt}, nodes, deepest=2))
    assert len(qt_two_deep) == 115
    app = with_pages(
        build,
        derecho_conf(tmp_path),
        "A\n=\n\n.. cache-package:: gnuplot\n   :tag: derecho\n\n"
        ".. cache-package:: qt\n   :tag: derecho\n",
    )
    first, second = html(app, "a").select("details.spackcache-tree")
    assert first.find("summary").get_text() == "whole tree (110 binaries)"
    assert _shown(first.find("ul", recursive=False)) == two_deep
    shown = {line.split(" ")[0].split("/")[1] for line in _flat(two_deep)}
    assert first.find("p", recursive=False).get_text() == (
        f"Shown to 2 edges deep: {len(shown)} of the 110 binaries it brings."
    )
    assert second.find("summary").get_text() == f"whole tree ({len(brings(qt, nodes))} binaries)"
    assert _flat(_shown(second.find("ul", recursive=False))) == qt_two_deep[:100]
    shown = {line.split(" ")[0].split("/")[1] for line in qt_two_deep[:100]}
    assert second.find("p", recursive=False).get_text() == (
        f"Shown to 2 edges deep, its first 100 lines (15 more not shown): {len(shown)} of the "
        f"{len(brings(qt, nodes))} binaries it brings."
    )


def test_a_tree_too_long_even_two_edges_deep_keeps_its_first_lines() -> None:
    """A binary with 70 direct dependencies, each bringing one more (140 lines, two
    edges deep): in 60 lines, the first 60 of them, and 80 counted as left off; one edge
    deep is never chosen (it would say no more than the direct dependencies)."""
    edges = {
        "root": [Dependency(f"d{n:02}", "1", f"d{n:02}", ("link",)) for n in range(70)],
        **{f"d{n:02}": [Dependency(f"e{n:02}", "1", f"e{n:02}", ("run",))] for n in range(70)},
    }
    cut = bounded_tree("root", lambda key: edges.get(key, ()), limit=60)
    assert (len(cut.branches), cut.depth, cut.dropped) == (60, 2, 80)
    assert [b.dependency.name for b in cut.branches[:4]] == ["d00", "e00", "d01", "e01"]
    whole = bounded_tree("root", lambda key: edges.get(key, ()), limit=140)
    assert (len(whole.branches), whole.depth, whole.dropped) == (140, None, 0)


def test_html_writes_trees_as_their_nodes_would_be_written(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTML writers write a row's dependencies and tree themselves
    (``writers.html._write_dependencies``: templates for the disclosure and each shape
    of tree, each link resolved once a page), not from nodes; the page is the very same
    as when the nodes are written. derecho's gnuplot and qt (trees cut two edges deep,
    lines shown before), python, cmake and libxml2 (whole trees), on one page and, with
    their trees again, a second."""
    conf = derecho_conf(tmp_path)
    packages = ("gnuplot", "qt", "python", "cmake", "libxml2")
    page = "A\n=\n\n" + "".join(f".. cache-package:: {p}\n   :tag: derecho\n\n" for p in packages)
    second = page.replace("A\n=", "B\n=").replace(
        ":tag: derecho\n", ":tag: derecho\n   :no-index:\n"
    )
    app = with_pages(build, conf, page, second)
    assert warnings_of(app) == []
    direct = {name: (Path(app.outdir) / f"{name}.html").read_bytes() for name in ("a", "b")}
    trees = BeautifulSoup(direct["a"], "html.parser").select("details.spackcache-tree")
    assert len(trees) == len(packages)  # one binary each in derecho, each bringing more
    assert any("dependencies above" in tree.get_text() for tree in trees)
    assert any(tree.find("p", recursive=False) for tree in trees)  # "Shown to ..."

    monkeypatch.setattr("sphinx_spackcache.writers.html.DIRECT_OUTPUT", False)  # as nodes
    again = build("rowids", "html", conf=conf, freshenv=True)
    for name in ("a", "b"):
        assert (Path(again.outdir) / f"{name}.html").read_bytes() == direct[name], name


def test_a_table_in_a_compact_list_is_written_as_its_nodes(
    build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spec table in a list item and a field's body (where a translator writes
    paragraphs compact, but not in a table's cells: the writer's templates do not ask):
    the same page as when every node is written."""
    app = with_pages(
        build,
        CONF,
        "A\n=\n\n* .. cache-package:: libdwarf\n     :tag: spack-test\n\n"
        ":Field:\n   .. cache-package:: libelf\n      :tag: spack-test\n",
    )
    assert warnings_of(app) == []
    direct = (Path(app.outdir) / "a.html").read_bytes()
    assert b"spackcache-tree" in direct
    monkeypatch.setattr("sphinx_spackcache.writers.html.DIRECT_OUTPUT", False)
    again = build("rowids", "html", conf=CONF, freshenv=True)
    assert (Path(again.outdir) / "a.html").read_bytes() == direct


def test_a_table_keeps_each_binary_of_its_trees_once() -> None:
    """What a table keeps of its trees (``closure_data``) gives back every edge of the
    closure (``closure_lookup``), each binary's name, version and hash written once:
    derecho's 1,186 built binaries, every link/run edge, read from the raw index here."""
    nodes = installs(MIRRORS / "derecho-install-tree" / "index.json")
    closure = {
        key: tuple(
            Dependency(
                nodes[edge["hash"]]["name"],
                nodes[edge["hash"]]["version"],
                edge["hash"],
                tuple(edge["parameters"]["deptypes"]),
                tuple(edge["parameters"].get("virtuals", ())),
            )
            for edge in spec.get("dependencies", ())
            if {"link", "run"} & set(edge["parameters"]["deptypes"]) and edge["hash"] in nodes
        )
        for key, spec in nodes.items()
    }
    kept = closure_data(closure)
    lookup = closure_lookup(json.loads(json.dumps(kept)))  # as a doctree keeps it
    for key, edges in closure.items():
        assert tuple(lookup(key)) == edges, key
    assert lookup("no-such-hash") == ()
    # each hash once in the nodes
    hashes = [spec_hash for _, _, spec_hash in kept[0]]
    assert len(hashes) == len(set(hashes))
