"""The spec matcher (data/specsyntax.py, data/match.py) driven by the shared vectors of
tests/match_vectors.json (a JavaScript implementation reads the same file), plus
properties (Hypothesis) and the ranking of :func:`nearest` on a real record."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_spackcache.data.match import check, nearest, satisfies
from sphinx_spackcache.data.model import Dependency, Spec
from sphinx_spackcache.data.specsyntax import SpecSyntaxError, parse_spec
from sphinx_spackcache.sources.records import load_record

HERE = Path(__file__).parent
VECTORS: dict[str, Any] = json.loads((HERE / "match_vectors.json").read_text(encoding="utf-8"))


def _binary(fields: Mapping[str, Any]) -> Spec:
    return msgspec.convert(dict(fields), Spec)


def _lookup(graph: Mapping[str, Sequence[Mapping[str, Any]]] | None) -> Any:
    if graph is None:
        return None

    def dependencies(spec_hash: str) -> tuple[Dependency, ...]:
        return tuple(
            Dependency(d["name"], d["version"], d["hash"], tuple(d["types"]))
            for d in graph.get(spec_hash, ())
        )

    return dependencies


def _id(case: Mapping[str, Any]) -> str:
    return str(case["spec"]) or "(empty)"


@pytest.mark.parametrize("case", VECTORS["satisfies"], ids=_id)
def test_satisfies_vectors(case: dict[str, Any]) -> None:
    spec = _binary(case["binary"])
    options = {
        "package": case.get("package"),
        "dependencies": _lookup(case.get("dependencies")),
        "runs_on_cpu": case.get("runs_on"),
    }
    result = check(spec, case["spec"], **options)
    assert [str(r) for r in result.reasons] == case["reasons"], case["source"]
    assert result.satisfied is case["satisfies"]
    assert satisfies(spec, case["spec"], **options) is case["satisfies"]


@pytest.mark.parametrize("case", VECTORS["parse"], ids=_id)
def test_parse_vectors(case: dict[str, Any]) -> None:
    query = parse_spec(case["spec"])
    assert str(query) == case["printed"], case["source"]
    assert parse_spec(str(query)) == query


@pytest.mark.parametrize("case", VECTORS["errors"], ids=_id)
def test_error_vectors(case: dict[str, Any]) -> None:
    with pytest.raises(SpecSyntaxError) as caught:
        parse_spec(case["spec"])
    assert caught.value.column == case["column"], (case["source"], caught.value.message)
    assert caught.value.text == case["spec"]


def test_the_vectors_cover_every_field_and_both_answers() -> None:
    """The file is not thinned out unnoticed: every field fails somewhere, and there are
    yeses, noes and unknowns."""
    reasons = [r for case in VECTORS["satisfies"] for r in case["reasons"]]
    for start in ("version ", "compiler ", "no compiler", "platform ", "os ", "target ",
                  "dependency ", "no dependency", "package ", "unknown: "):  # fmt: skip
        assert any(r.startswith(start) for r in reasons), start
    assert any("wanted" in r and "built" in r for r in reasons)
    answers = [case["satisfies"] for case in VECTORS["satisfies"]]
    assert answers.count(True) >= 30
    assert answers.count(False) >= 30
    assert all(case["source"] for key in ("satisfies", "parse", "errors") for case in VECTORS[key])


# --- properties ------------------------------------------------------------------

_REAL_SPECS = [
    spec
    for path in sorted((HERE / "records" / "_cache").glob("*/*/specs.md"))
    for spec in load_record(path, package=path.parent.name, tag=path.parent.parent.name)[0].specs
]


def _printed(spec: Spec, package: str) -> str:
    """A spec written from the binary's own fields: exact version, its variants, its
    architecture, and its compiler last (Spack 1.0 gives what follows %gcc to gcc)."""
    text = f"{package}@={spec.versions[0]} " + " ".join(
        v if v[0] in "+~" else v.replace(":=", "=") for v in spec.variants
    )
    text += f" arch={spec.arch}"
    if spec.compiler is not None:
        name, _, version = spec.compiler.partition("@")
        text += f" %{name}@={version}"
    return text


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_REAL_SPECS))
def test_a_spec_printed_from_a_binary_is_satisfied_by_it(spec: Spec) -> None:
    query = _printed(spec, "pkg")
    assert check(spec, query, package="pkg").reasons == ()


_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
_versions = st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,2}){0,2}", fullmatch=True)
_version_items = st.one_of(
    _versions,
    _versions.map(lambda v: "=" + v),
    st.tuples(_versions, st.sampled_from(["", ":"])).map("".join),
    _versions.map(lambda v: ":" + v),
)
#: Variant names: any name but the keys Spack reads as the architecture (``os=a,a`` is a
#: bad os, not a variant).
_variant_names = _names.filter(lambda n: n not in {"arch", "os", "platform", "target"})
_variants = st.one_of(
    _variant_names.map(lambda n: "+" + n),
    _variant_names.map(lambda n: "~" + n),
    st.tuples(_variant_names, st.lists(_names, min_size=1, max_size=3)).map(
        lambda t: f"{t[0]}={','.join(t[1])}"
    ),
)


@st.composite
def _spec_strings(draw: st.DrawFn) -> str:
    name = draw(_names)
    text = name
    if draw(st.booleans()):
        text += "@" + ",".join(draw(st.lists(_version_items, min_size=1, max_size=3)))
    variants = draw(
        st.lists(_variants, max_size=4, unique_by=lambda v: v.lstrip("+~").split("=")[0])
    )
    text += " " + " ".join(variants)
    if draw(st.booleans()):
        text += " target=" + draw(st.sampled_from(["zen3", "x86_64_v3:", ":zen4", "aarch64:"]))
    if draw(st.booleans()):
        text += " %" + draw(st.sampled_from(["gcc", "gcc@11", "clang@17:", "oneapi@2024"]))
    if draw(st.booleans()):
        text += " ^" + draw(_names) + "@" + draw(_versions)
    return text


@settings(max_examples=300, deadline=None)
@given(_spec_strings())
def test_printing_and_parsing_again_gives_the_same_query(text: str) -> None:
    try:
        query = parse_spec(text)
    except SpecSyntaxError as error:  # an empty range drawn, such as 3:1
        message = error.message
    else:
        assert parse_spec(str(query)) == query
        return
    assert "empty range" in message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_parses_or_fails_at_a_column_inside_it(text: str) -> None:
    column = 0
    try:
        parse_spec(text)
    except SpecSyntaxError as error:
        column = error.column
    assert 0 <= column <= len(text)


# --- nearest, on a real record -----------------------------------------------------


def test_nearest_ranks_by_failing_fields_then_version_distance() -> None:
    """cmake in develop-2025-04-20 (36 binaries): ``cmake@3.25.3 os=ubuntu22.04 ~doc``
    holds of 3 of them (dwl2lrk, f4dcqin, ptms75j: 3.25.3 on ubuntu22.04; read in the
    record). Of the rest, the one with 3.25.3 on another os fails one field (vt2towl,
    rhel8) with no version distance; the 3.31.6 ones on ubuntu22.04 fail one field (the
    version, segment 1, distance 6); the 3.31.6 ones elsewhere fail two."""
    path = HERE / "records/_cache/develop-2025-04-20/cmake/specs.md"
    record, _ = load_record(path, package="cmake", tag="develop-2025-04-20")
    query = "cmake@3.25.3 os=ubuntu22.04 ~doc"
    hits = sorted(s.hash[:7] for s in record.specs if satisfies(s, query, package="cmake"))
    assert hits == ["dwl2lrk", "f4dcqin", "ptms75j"]
    ranked = nearest(record.specs, query, 5, package="cmake")
    assert [m.spec.hash[:7] for m in ranked[:1]] == ["vt2towl"]
    assert [str(r) for r in ranked[0].reasons] == ["os rhel8, not ubuntu22.04"]
    assert all(m.failing_fields == ("version",) for m in ranked[1:5])
    assert all(m.distance == (1, -1, 6) for m in ranked[1:5])
    everything = nearest(record.specs, query, 100, package="cmake")
    assert len(everything) == 36 - 3
    assert [len(m.failing_fields) for m in everything] == sorted(
        len(m.failing_fields) for m in everything
    )
    assert nearest(record.specs, query, 0) == []
