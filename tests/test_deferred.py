"""The deferred nodes (sphinx_spackcache/render/deferred.py): the data each kind keeps,
through the one serialiser (``encode``/``decoder``) and back unchanged, as a string."""

from __future__ import annotations

from typing import Any

import pytest

from sphinx_spackcache.data.matrix import BY_FIELDS, CoverageMatrix, coverage_matrix
from sphinx_spackcache.data.model import Spec
from sphinx_spackcache.data.summary import PackageSummary, summarise
from sphinx_spackcache.render.deferred import decoder, encode
from sphinx_spackcache.render.listing import PackageRow
from sphinx_spackcache.sources.store import CacheStore

from .conftest import RECORDS

TAG = "develop-2025-04-20"


def _round_trip(value: Any, kind: Any) -> None:
    text = encode(value)
    assert isinstance(text, str)  # what a node attribute pickles compactly
    assert decoder(kind).decode(text) == value


@pytest.mark.parametrize("by", BY_FIELDS)
def test_a_coverage_matrix_goes_through_json_unchanged(by: str) -> None:
    specs = CacheStore(RECORDS).load_snapshot(TAG).specs_by_package()
    matrix = coverage_matrix(specs, by)
    if by == "compiler":  # py-packaging's specs have no compiler: a column of None
        assert None in matrix.columns
    _round_trip(matrix, CoverageMatrix)
    # and a matrix of some stacks, with empty cells
    _round_trip(coverage_matrix(specs, by, lambda stack: stack != "root"), CoverageMatrix)


def test_specs_summaries_rows_and_dependencies_go_through_json_unchanged() -> None:
    snapshot = CacheStore(RECORDS).load_snapshot(TAG)
    specs = [spec for loaded in snapshot.records for spec in loaded.record.specs]
    _round_trip(specs, list[Spec])
    rows = [
        PackageRow(loaded.record.name, TAG, summarise(loaded.record.specs))
        for loaded in snapshot.records
    ]
    _round_trip(rows[0].summary, PackageSummary)
    _round_trip(rows, list[PackageRow])
    # a spec table's dependencies: hash -> [name, version, hash] each
    _round_trip({specs[0].hash: [["zlib", "1.3.1", specs[1].hash]]}, dict[str, list[list[str]]])
