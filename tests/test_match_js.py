"""The spec matcher of the page (``scripts/match.js``) through the same shared vectors as
the Python one (``tests/match_vectors.json``, run through data/specsyntax.py and
data/match.py by tests/test_match.py), in Node.js: the page's script, not a copy, after
the CPU data a build writes (``window.SPACKCACHE_CPUS``, from which the script reads
which targets run on which CPU). Every case: the same answer, the same "differs in"
texts in the same order, the same unknowns, the same printing back, the same parse
errors at the same columns; and the same ranking of :func:`nearest` on a real record.

A case's ``dependencies`` (a mirror's direct dependencies by hash) go to the script in
the JSON shape of the vectors, the shape the box makes of what a mirror's page carries
(``div.spackcache-graph``; tests/test_browser_match.py checks it on derecho's cmake, with
the cases of the vectors that come from that graph); a page of cache.spack.io records
has none, and ``^dep`` is unknown there as it is in the directive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.match import nearest
from sphinx_spackcache.sources.records import load_record

from .test_filter_rules import NODE, in_node

HERE = Path(__file__).parent
VECTORS: dict[str, Any] = json.loads((HERE / "match_vectors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js")


def _in_node(function: str, data: Any) -> Any:
    """What the JavaScript *function* returns for *data*, in Node.js, after the page's
    CPU data and ``scripts/match.js`` (tests/test_filter_rules.py's runner)."""
    return in_node("match.js", function, data)


#: Each case of the vectors through the script: what it answers (or what it throws).
RUN_VECTORS = """vectors => {
  const match = window.spackcache.match;
  const satisfies = vectors.satisfies.map(c => {
    try {
      const options = {package: c.package || null, dependencies: c.dependencies || null,
                       runsOn: c.runs_on || null};
      const result = match.check(c.binary, c.spec, options);
      return {satisfies: result.satisfied, reasons: result.reasons.map(match.reasonText),
              yes: match.satisfies(c.binary, c.spec, options)};
    } catch (error) { return {threw: String(error)}; }
  });
  const parse = vectors.parse.map(c => {
    try {
      const printed = match.format(match.parse(c.spec));
      return {printed: printed, again: match.format(match.parse(printed))};
    } catch (error) { return {threw: String(error)}; }
  });
  const errors = vectors.errors.map(c => {
    try { match.parse(c.spec); return {column: null}; }
    catch (error) {
      return error instanceof match.SpecSyntaxError
        ? {column: error.column, text: error.text, message: error.message}
        : {threw: String(error)};
    }
  });
  return {satisfies, parse, errors};
}"""

_RESULTS: dict[str, Any] = {}


def _results() -> dict[str, Any]:
    """The script's answers to every vector (one Node.js run for them all)."""
    if not _RESULTS:
        _RESULTS.update(_in_node(RUN_VECTORS, VECTORS))
    return _RESULTS


def _id(case: dict[str, Any]) -> str:
    return str(case["spec"]) or "(empty)"


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(VECTORS["satisfies"])),
    ids=lambda x: x if isinstance(x, int) else _id(x),
)
def test_satisfies_vectors_in_the_page_script(index: int, case: dict[str, Any]) -> None:
    got = _results()["satisfies"][index]
    assert got == {
        "satisfies": case["satisfies"],
        "reasons": case["reasons"],
        "yes": case["satisfies"],
    }, case["source"]


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(VECTORS["parse"])),
    ids=lambda x: x if isinstance(x, int) else _id(x),
)
def test_parse_vectors_in_the_page_script(index: int, case: dict[str, Any]) -> None:
    got = _results()["parse"][index]
    assert got == {"printed": case["printed"], "again": case["printed"]}, case["source"]


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(VECTORS["errors"])),
    ids=lambda x: x if isinstance(x, int) else _id(x),
)
def test_error_vectors_in_the_page_script(index: int, case: dict[str, Any]) -> None:
    got = _results()["errors"][index]
    assert got.get("column") == case["column"], (case["source"], got)
    assert got["text"] == case["spec"]


def test_the_script_orders_versions_as_spack_does() -> None:
    """Spack's order (data/versions.py's docstring, worked out by hand there), sorted by
    the script: numbers above letters (1.a < 1.0rc1), infinity words above numbers,
    pre-releases before the release, a prefix first."""
    versions = ["develop", "1.10", "main", "1.0rc1", "v3.0.0", "1.9", "1.0", "1.a", "1.2.1", "1.2"]
    got = _in_node("vs => vs.slice().sort(window.spackcache.match.compareVersions)", versions)
    assert got == [
        "v3.0.0",
        "1.a",
        "1.0rc1",
        "1.0",
        "1.2",
        "1.2.1",
        "1.9",
        "1.10",
        "main",
        "develop",
    ]


def test_nearest_ranks_as_the_directive_does_on_a_real_record() -> None:
    """cmake in develop-2025-04-20 (36 binaries), the query of tests/test_match.py: the
    same 3 binaries satisfy it (dwl2lrk, f4dcqin, ptms75j, read in the record), and the
    script ranks all the 33 others in the same order, with the same reasons."""
    path = HERE / "records/_cache/develop-2025-04-20/cmake/specs.md"
    record, _ = load_record(path, package="cmake", tag="develop-2025-04-20")
    query = "cmake@3.25.3 os=ubuntu22.04 ~doc"
    binaries = [
        {
            "hash": s.hash,
            "versions": list(s.versions),
            "compiler": s.record_compiler,
            "os": s.os,
            "platform": s.platform,
            "target": s.target,
            "variants": list(s.variants),
        }
        for s in record.specs
    ]
    got = _in_node(
        """d => {
          const m = window.spackcache.match;
          return {
            hits: d.binaries.filter(b => m.satisfies(b, d.query, {package: 'cmake'}))
              .map(b => b.hash.slice(0, 7)).sort(),
            ranked: m.nearest(d.binaries, d.query, 100, {package: 'cmake'})
              .map(r => [r.binary.hash, r.reasons.map(m.reasonText)]),
          };
        }""",
        {"binaries": binaries, "query": query},
    )
    assert got["hits"] == ["dwl2lrk", "f4dcqin", "ptms75j"]
    expected = [
        [m.spec.hash, [str(r) for r in m.reasons]]
        for m in nearest(record.specs, query, 100, package="cmake")
    ]
    assert len(got["ranked"]) == 36 - 3
    assert got["ranked"] == expected


def _as_json(spec: Any) -> dict[str, Any]:
    """A record's spec as the script reads it (the record's own fields)."""
    return {
        "hash": spec.hash,
        "versions": list(spec.versions),
        "compiler": spec.record_compiler,
        "os": spec.os,
        "platform": spec.platform,
        "target": spec.target,
        "variants": list(spec.variants),
    }


#: Queries tried on every record of tests/records/_cache (``{v}``: a version of it).
_QUERIES = (
    "{p}@{v}",
    "{p}@:{v}",
    "@{v}: os=ubuntu22.04",
    "~doc",
    "+shared build_type=Release",
    "target=x86_64_v3:",
    "target=:zen3 %gcc@11",
    "%gcc@12: platform=linux",
    "other",
)


def test_the_script_ranks_every_real_record_as_the_directive_does() -> None:
    """Every record of tests/records/_cache (13, 3 tags), each with the queries above and
    with and without a host CPU: the script finds the same binaries satisfying the spec
    and ranks all the others in the same order, with the same reasons, as data/match.py."""
    cases = []
    for path in sorted((HERE / "records" / "_cache").glob("*/*/specs.md")):
        package = path.parent.name
        record, _ = load_record(path, package=package, tag=path.parent.parent.name)
        version = sorted({v for s in record.specs for v in s.versions})[0]
        for template in _QUERIES:
            query = template.format(p=package, v=version)
            for cpu in (None, "zen3"):
                ranked = nearest(record.specs, query, 10_000, package=package, runs_on_cpu=cpu)
                cases.append(
                    {
                        "binaries": [_as_json(s) for s in record.specs],
                        "query": query,
                        "package": package,
                        "cpu": cpu,
                        "expected": [[m.spec.hash, [str(r) for r in m.reasons]] for m in ranked],
                    }
                )
    got = _in_node(
        """cases => cases.map(c => {
          const m = window.spackcache.match;
          return m.nearest(c.binaries, c.query, 10000, {package: c.package, runsOn: c.cpu})
            .map(r => [r.binary.hash, r.reasons.map(m.reasonText)]);
        })""",
        cases,
    )
    wrong = [
        (c["query"], c["package"]) for c, g in zip(cases, got, strict=True) if g != c["expected"]
    ]
    assert len(cases) == 13 * len(_QUERIES) * 2
    assert wrong == []
