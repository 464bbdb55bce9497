"""The rules of the filter options through the directives' implementation
(:mod:`sphinx_spackcache.data.query`), with the cases of ``tests/filter_rules.json``;
``tests/test_browser.py`` runs the same cases through the page's script
(``scripts/filters.js``), so that the two cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.query import FILTER_FIELDS, FieldFilter, split_patterns

#: The cases, shared with the browser test.
RULES: dict[str, Any] = json.loads((Path(__file__).parent / "filter_rules.json").read_text("utf-8"))


@pytest.mark.parametrize("case", RULES["split"], ids=lambda case: case["option"])
def test_an_option_splits_at_unescaped_commas(case: dict[str, Any]) -> None:
    assert list(split_patterns(case["option"])) == case["patterns"]


@pytest.mark.parametrize(
    "case", RULES["match"], ids=lambda case: f"{case['field']}={case['option']}"
)
def test_a_filter_keeps_the_values_its_patterns_match(case: dict[str, Any]) -> None:
    field_filter = FieldFilter(case["field"], split_patterns(case["option"]))
    assert [value for value in case["keeps"] if not field_filter.keeps(value)] == []
    assert [value for value in case["drops"] if field_filter.keeps(value)] == []


def test_the_cases_cover_every_filter_option() -> None:
    assert {case["field"] for case in RULES["match"]} == set(FILTER_FIELDS)
