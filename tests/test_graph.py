"""``cache-graph`` (issue 27, part 3): a binary's dependency graph as a Graphviz figure in
HTML (SVG, nodes linked to package pages) and LaTeX, as a tree in text and man, and as
the tree with one located warning where ``dot`` is missing.

The graph is Spack's own v2 test mirror (tests/mirrors/spack-v2-test), read off its
index.json by hand:

* libdwarf u5uz3dc: compiler-wrapper qeehcxy (build), gcc vd7v4ss (build; provides c,
  cxx), gcc-runtime izgzpze (link), libelf jr3yipy (build, link);
* libdwarf sk2gqqz: libelf rqh2vuf (build, link);
* libelf jr3yipy: compiler-wrapper (build), gcc (build; provides c), gcc-runtime (link);
* gcc-runtime izgzpze: gcc (build). compiler-wrapper, gcc and libelf rqh2vuf: none.

So the graph of both libdwarf binaries has 7 binaries and 9 edges, 5 of them build-only
(dashed); u5uz3dc brings 2 binaries with it (gcc-runtime, libelf jr3yipy).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sphinx_spackcache.data.dag import Subgraph, subgraph
from sphinx_spackcache.data.model import Dependency
from sphinx_spackcache.render.graph import dot_source

from .conftest import MIRRORS, RECORDS, Build, resolved, warnings_of
from .test_myst import our_nodes

CONF = {
    "spackcache_mirrors": {"spack-test": str(MIRRORS / "spack-v2-test")},
    "spackcache_path": str(RECORDS),
}
#: The full hashes of the mirror's binaries, from its index.json by hand.
FULL = {
    "u5uz3dc": "u5uz3dcch5if4eve4sef67o2rf2lbfgh",
    "sk2gqqz": "sk2gqqz4n5njmvktycnd25wq25jxiqkr",
    "jr3yipy": "jr3yipyxyjulcdvckwwwjrrumis7glpa",
    "rqh2vuf": "rqh2vuf6fqwkmipzgi2wjx352mq7y7ez",
    "izgzpze": "izgzpzeljwairalfjm3k6fntbb64nt6n",
    "vd7v4ss": "vd7v4ssgnoqdplgxyig3orum67n4vmhq",
    "qeehcxy": "qeehcxyvluwnihsc2qxstmpomtxo3lrc",
}
TREE_U5 = """\
libdwarf@20130729 /u5uz3dc
    compiler-wrapper@1.0 /qeehcxy [build]
    %c,cxx=gcc@10.2.1 /vd7v4ss [build]
    gcc-runtime@10.2.1 /izgzpze
        gcc@10.2.1 /vd7v4ss [build]
    libelf@0.8.13 /jr3yipy
        compiler-wrapper@1.0 /qeehcxy [build]
        %c=gcc@10.2.1 /vd7v4ss [build]
        gcc-runtime@10.2.1 /izgzpze (dependencies above)"""
TREE_SK = """\
libdwarf@20130729 /sk2gqqz
    libelf@0.8.13 /rqh2vuf"""


SVG = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
HREF = "{http://www.w3.org/1999/xlink}href"


def svgs(app: object, page: str) -> list[ET.Element]:
    """The SVG files of the figures of *page*, parsed, in page order."""
    outdir = Path(app.outdir)  # type: ignore[attr-defined]
    html = BeautifulSoup((outdir / f"{page}.html").read_text("utf-8"), "html.parser")
    found = []
    for element in html.select(".spackcache-graph object, .spackcache-graph img"):
        source = str(element.get("data") or element.get("src"))
        found.append(ET.parse(outdir / source).getroot())
    return found


def parts(svg: ET.Element, kind: str) -> list[ET.Element]:
    return svg.findall(f".//svg:g[@class='{kind}']", SVG)


def dashed(svg: ET.Element) -> int:
    return sum(
        1
        for edge in parts(svg, "edge")
        for path in edge.findall("svg:path", SVG)
        if path.get("stroke-dasharray")
    )


def test_html_draws_each_binary_once_linked_to_its_package_page(build: Build) -> None:
    app = build("graph", "html", conf=CONF)
    warnings = warnings_of(app)
    assert len(warnings) == 1  # the records page: below
    both, installed = svgs(app, "graph")

    assert len(parts(both, "node")) == 7
    assert len(parts(both, "edge")) == 9
    assert dashed(both) == 5
    labels = sorted(
        t.text or "" for e in parts(both, "edge") for t in e.iter(f"{{{SVG['svg']}}}text")
    )
    assert labels == ["c", "c,cxx"]
    links = {}
    for node in parts(both, "node"):
        for a in node.iter(f"{{{SVG['svg']}}}a"):
            texts = [t.text or "" for t in a.iter(f"{{{SVG['svg']}}}text")]
            if a.get(HREF):  # (a tooltip alone makes an <a> too)
                links[" ".join(texts)] = a.get(HREF)
    # libdwarf's and libelf's binaries link to their rows on the package page (the
    # SVG sits in _images/, so the link goes up a folder); gcc & co. have no page
    assert sorted(links) == [
        "libdwarf@20130729 /sk2gqqz",
        "libdwarf@20130729 /u5uz3dc",
        "libelf@0.8.13 /jr3yipy",
        "libelf@0.8.13 /rqh2vuf",
    ]
    page = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    for name, href in links.items():
        assert href is not None
        path, anchor = href.split("#")
        assert path == "../package.html"
        target = page.find(id=anchor)
        assert target is not None, name
        # the row of that binary (its id: "spec-" and the full hash, from index.json)
        short = name.split("/")[1]
        assert anchor == f"spec-{FULL[short]}"
        assert target.name == "tr"
        code = target.select_one("code.spackcache-hash")
        assert code is not None
        assert code.get_text() == FULL[short]

    # :installed: and :hash: u5uz3dc: what the binary brings with it
    assert len(parts(installed, "node")) == 3
    assert len(parts(installed, "edge")) == 3
    assert dashed(installed) == 0

    html = BeautifulSoup((app.outdir / "graph.html").read_text("utf-8"), "html.parser")
    captions = [p.get_text() for p in html.select(".spackcache-graph > p")]
    assert captions[1] == (
        "libdwarf@20130729 /u5uz3dc brings 2 binaries with it; the graph shows all 3."
    )
    assert captions[0] == (
        "2 binaries of libdwarf; the graph shows all 7. Dashed edges are needed only to build."
    )


def test_text_shows_the_tree_as_spack_find_d(build: Build) -> None:
    app = build("graph", "text", conf=CONF)
    text = (app.outdir / "graph.txt").read_text("utf-8")
    body = "\n".join(line[3:] if line.startswith("   ") else line for line in text.splitlines())
    assert TREE_U5 in body
    assert TREE_SK in body
    # the second graph: link and run edges only
    assert "libdwarf@20130729 /u5uz3dc\n    gcc-runtime@10.2.1 /izgzpze\n    libelf" in body


def test_man_shows_the_tree_too(build: Build) -> None:
    app = build("graph", "man", conf=CONF)
    (page,) = app.outdir.glob("*.1")
    text = page.read_text("utf-8").replace("\\-", "-").replace("\\%", "%")
    assert "libdwarf@20130729 /u5uz3dc" in text
    assert "gcc-runtime@10.2.1 /izgzpze (dependencies above)" in text


def test_latex_draws_a_pdf_figure(build: Build) -> None:
    app = build("graph", "latex", conf=CONF)
    tex = next(app.outdir.glob("*.tex")).read_text("utf-8")
    figures = re.findall(r"\\sphinxincludegraphics\[\]\{(graphviz-[0-9a-f]+)\.pdf\}", tex)
    assert len(figures) == 2
    for name in figures:
        assert (app.outdir / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def test_without_dot_each_graph_is_a_tree_with_a_located_warning(build: Build) -> None:
    app = build("graph", "html", conf={**CONF, "graphviz_dot": "/nonexistent/dot"})
    warnings = [w for w in warnings_of(app) if "spackcache.graph" in w]
    lines = sorted(
        w.split(": WARNING")[0].rsplit(":", 1)[1] for w in warnings if "dot program" in w
    )
    assert lines == ["4", "7"]
    assert all("graph.rst" in w for w in warnings if "dot program" in w)
    html = BeautifulSoup((app.outdir / "graph.html").read_text("utf-8"), "html.parser")
    blocks = [pre.get_text() for pre in html.select(".spackcache-graph pre")]
    assert len(blocks) == 2
    assert TREE_U5 in blocks[0]
    assert not html.select(".spackcache-graph object, .spackcache-graph img")


def test_records_have_no_dependencies_to_draw(build: Build) -> None:
    app = build("graph", "html", conf=CONF)
    (warning,) = [w for w in warnings_of(app) if "records.rst" in w]
    assert "records.rst:4: WARNING: cache-graph: snapshot 'develop-2025-04-20' does not say" in (
        warning
    )
    assert warning.endswith("[spackcache.graph]")


@pytest.mark.parametrize("option", [":depth: 0", ":depth: x", ":max-nodes: -1"])
def test_a_bad_count_is_reported_at_the_option(build: Build, option: str) -> None:
    app = build("graph", "html", conf=CONF)
    source = app.srcdir / "graph.rst"
    source.write_text(
        source.read_text("utf-8") + f"\n.. cache-graph:: libelf\n   :tag: spack-test\n   {option}\n"
    )
    app = build("graph", "html", conf=CONF)
    assert any("graph.rst:12" in w and option.split(":")[1] in w for w in warnings_of(app)), (
        warnings_of(app)
    )


def test_myst_gives_the_same_doctree(build: Build) -> None:
    """graphmd.md holds graph.rst's two graphs in MyST."""
    conf = {
        **CONF,
        "extensions": ["sphinx_spackcache", "myst_parser"],
        "source_suffix": {".rst": "restructuredtext", ".md": "markdown"},
    }
    app = build("graph", "pseudoxml", conf=conf)
    assert len(warnings_of(app)) == 1  # the records page's
    rst, markdown = (our_nodes(resolved(app, page)) for page in ("graph", "graphmd"))
    assert len(rst) == 2
    assert rst == markdown
    assert "<cache_graph" in rst[0]


def test_used_by_lists_the_binaries_that_depend_on_each_row(build: Build) -> None:
    """``cache-package :used-by:`` (package.rst's gcc-runtime and libelf): by hand from
    the index, gcc-runtime izgzpze is used by libelf jr3yipy and libdwarf u5uz3dc
    directly (2; u5uz3dc is also libelf's user, so 2 in all); libelf rqh2vuf by libdwarf
    sk2gqqz, libelf jr3yipy by libdwarf u5uz3dc."""
    app = build("graph", "html", conf=CONF)
    page = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    tables = page.select("table.spackcache-specs")
    assert len(tables) == 4
    found = {}
    for table in tables[2:]:
        for row in table.select("tbody tr"):
            code = row.select_one("td.spackcache-hash code")
            summary = row.select_one("td.spackcache-hash details > summary")
            assert code is not None
            assert summary is not None
            listed = row.select_one("td.spackcache-hash details > p")
            assert listed is not None
            users = listed.get_text().split("used by: ")[1].split(", ")
            found[code.get_text()[:7]] = (summary.get_text(), users)
    assert found == {
        "izgzpze": (
            "1 direct · 0 installed with it · used by 2 (2 in all)",
            ["libdwarf@20130729/u5uz3dc", "libelf@0.8.13/jr3yipy"],
        ),
        "rqh2vuf": (
            "0 direct · 0 installed with it · used by 1 (1 in all)",
            ["libdwarf@20130729/sk2gqqz"],
        ),
        "jr3yipy": (
            "3 direct · 1 installed with it · used by 1 (1 in all)",
            ["libdwarf@20130729/u5uz3dc"],
        ),
    }
    # without :used-by: (the first two tables), no row says what uses it
    assert "used by" not in " ".join(t.get_text() for t in tables[:2])


def test_used_by_counts_users_through_others(build: Build, tmp_path: Path) -> None:
    """NCAR's derecho install tree (1,256 nodes, database 7), served as a mirror: each
    zlib build is used directly by some binaries and, through them, by many more; both
    counts worked out here from the raw index (installed entries, any dependency type)
    by a recursion of the test's own."""
    source = MIRRORS / "derecho-install-tree" / "index.json"
    installs = json.loads(source.read_text("utf-8"))["database"]["installs"]
    direct: dict[str, set[str]] = {}
    for key, entry in installs.items():
        if entry.get("installed"):
            for dependency in entry["spec"].get("dependencies", []):
                direct.setdefault(dependency["hash"], set()).add(key)
    memo: dict[str, set[str]] = {}

    def everyone(key: str) -> set[str]:
        if key not in memo:
            found = set(direct.get(key, ()))
            for user in list(found):
                found |= everyone(user)
            memo[key] = found
        return memo[key]

    zlib = sorted(
        k for k, e in installs.items() if e["spec"]["name"] == "zlib" and e.get("installed")
    )
    expected = {k[:7]: (len(direct.get(k, ())), len(everyone(k))) for k in zlib}
    assert all(a < b for a, b in expected.values())  # users through others, every one
    mirror = tmp_path / "derecho"
    (mirror / "build_cache").mkdir(parents=True)
    shutil.copy(source, mirror / "build_cache" / "index.json")
    conf = {**CONF, "spackcache_mirrors": {"derecho": str(mirror)}}
    app = build("graph", "html", conf=conf)
    (app.srcdir / "package.rst").write_text(
        "Packages\n========\n\n.. cache-package:: zlib\n   :tag: derecho\n   :used-by:\n"
    )
    app = build("graph", "html", conf=conf)
    page = BeautifulSoup((app.outdir / "package.html").read_text("utf-8"), "html.parser")
    found = {}
    for row in page.select("table.spackcache-specs tbody tr"):
        code = row.select_one("td.spackcache-hash code")
        summary = row.select_one("td.spackcache-hash details > summary")
        assert code is not None
        assert summary is not None
        numbers = re.search(r"used by (\d+) \((\d+) in all\)", summary.get_text())
        assert numbers is not None
        found[code.get_text()[:7]] = (int(numbers[1]), int(numbers[2]))
    assert found == expected


def test_used_by_on_records_is_a_located_warning(build: Build) -> None:
    app = build("graph", "html", conf=CONF)
    (app.srcdir / "records.rst").write_text(
        "Records\n=======\n\n.. cache-package:: py-packaging\n   :tag: develop-2025-04-20\n"
        "   :used-by:\n"
    )
    app = build("graph", "html", conf=CONF)
    (warning,) = [w for w in warnings_of(app) if "records.rst" in w]
    assert "records.rst:4: WARNING: cache-package: :used-by: snapshot 'develop-2025-04-20'" in (
        warning
    )
    assert warning.endswith("[spackcache.graph]")
    page = BeautifulSoup((app.outdir / "records.html").read_text("utf-8"), "html.parser")
    assert len(page.select("table.spackcache-specs tbody tr")) == 27  # the table is there


def test_a_wide_graph_runs_left_to_right_with_one_line_labels() -> None:
    """Seven binaries one edge from the root (more than WIDEST_RANK, 6): the figure runs
    from left to right, each box one line; three stay top down."""
    root = ("r" * 32, "root", "1")

    def graph(width: int) -> Subgraph:
        edges = tuple(
            ("r" * 32, Dependency(f"dep{i}", "1", chr(97 + i) * 32, ("link",)))
            for i in range(width)
        )
        return subgraph([root], lambda key: [e for k, e in edges if k == key])

    wide, narrow = dot_source(graph(7), title="wide"), dot_source(graph(3), title="narrow")
    assert "rankdir=LR" in wide
    assert "rankdir=TB" in narrow
    assert 'label="dep0@1 /aaaaaaa"' in wide
    assert 'label="dep0@1\\n/aaaaaaa"' in narrow
