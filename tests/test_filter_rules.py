"""The rules of the filter options through the directives' implementation
(:mod:`sphinx_spackcache.data.query`), with the cases of ``tests/filter_rules.json``;
``tests/test_browser.py`` runs the same cases through the page's script
(``scripts/filters.js``) in Chromium, and this file in Node.js when there is one (a test
that takes a second, not a browser), so that the two cannot drift apart."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.query import FILTER_FIELDS, FieldFilter, split_patterns
from sphinx_spackcache.writers.assets import SCRIPTS_DIR, cpu_data_script

#: The cases, shared with the browser test.
RULES: dict[str, Any] = json.loads((Path(__file__).parent / "filter_rules.json").read_text("utf-8"))

#: JavaScript: the cases of tests/filter_rules.json through scripts/filters.js, with the
#: CPU data a build writes (``window.SPACKCACHE_CPUS``); what disagrees with the expected
#: answer, and what throws.
RUN_RULES = """rules => {
  const filters = window.spackcache.filters;
  const runs = window.SPACKCACHE_CPUS.runs;
  const wrong = [];
  for (const c of rules.split) {
    const got = filters.splitPatterns(c.option);
    if (JSON.stringify(got) !== JSON.stringify(c.patterns)) wrong.push(['split', c.option, got]);
  }
  for (const c of rules.match) {
    try {
      const f = new filters.Filter(c.field, c.option, runs);
      for (const v of c.keeps) if (!f.matches([v])) wrong.push([c.field, c.option, 'drops', v]);
      for (const v of c.drops) if (f.matches([v])) wrong.push([c.field, c.option, 'keeps', v]);
    } catch (error) {
      wrong.push([c.field, c.option, 'throws', String(error)]);
    }
  }
  return wrong;
}"""

NODE = shutil.which("node") or shutil.which("nodejs")


def _ids(case: dict[str, Any]) -> str:
    return f"{case['option']!a}"


@pytest.mark.parametrize("case", RULES["split"], ids=_ids)
def test_an_option_splits_at_unescaped_commas(case: dict[str, Any]) -> None:
    if not case["patterns"]:
        # a directive's option with no pattern is an error (the page keeps no row)
        with pytest.raises(ValueError, match="at least one value"):
            split_patterns(case["option"])
        return
    assert list(split_patterns(case["option"])) == case["patterns"]


@pytest.mark.parametrize(
    "case", RULES["match"], ids=lambda case: f"{case['field']}={case['option']!a}"
)
def test_a_filter_keeps_the_values_its_patterns_match(case: dict[str, Any]) -> None:
    field_filter = FieldFilter(case["field"], split_patterns(case["option"]))
    assert [value for value in case["keeps"] if not field_filter.keeps(value)] == []
    assert [value for value in case["drops"] if field_filter.keeps(value)] == []


def test_the_cases_cover_every_filter_option() -> None:
    assert {case["field"] for case in RULES["match"]} == set(FILTER_FIELDS)


def _in_node(function: str, data: Any) -> Any:
    """:func:`in_node` after ``scripts/filters.js``."""
    return in_node("filters.js", function, data)


def in_node(script: str, function: str, data: Any) -> Any:
    """What the JavaScript *function* returns for *data* (JSON both ways), in Node.js,
    after the page's CPU data and ``scripts/<script>`` (with ``window`` the global
    object): the page's script, not a copy of it."""
    assert NODE is not None
    program = "\n".join(
        [
            "globalThis.window = globalThis;",
            cpu_data_script().decode(),
            (SCRIPTS_DIR / script).read_text("utf-8"),
            "const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));",
            f"process.stdout.write(JSON.stringify(({function})(data)));",
        ]
    )
    done = subprocess.run(
        [NODE, "-e", program],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None, reason="needs Node.js (tests/test_browser.py runs the same)")
def test_the_page_script_passes_the_same_cases() -> None:
    """The cases above through ``scripts/filters.js``, in Node.js."""
    assert _in_node(RUN_RULES, RULES) == []


#: The characters of the generated globs and values: those special in globs, in regular
#: expressions or to Python's str.strip, and some beyond U+FFFF, U+E000 and lone surrogates.
GLOB_CHARACTERS = (
    "[]!^-\\*?aAzZ.+($|{}&~/, \t\n\x0b\x1c\x85\xa0\u2028\u3000\ufeff"
    "\xe9\xc9\xdf\u0130\u0301\ue000\uffff\U0001f600\U0001f601\U0010ffff\ud800\udc00"
)


def _random_globs(count: int, seed: int) -> list[tuple[str, list[str]]]:
    """*count* options and values to try them on, drawn from :data:`GLOB_CHARACTERS`;
    none with a surrogate pair, which JavaScript cannot tell from the character it
    encodes."""
    rng = random.Random(seed)
    pair = re.compile("[\ud800-\udbff][\udc00-\udfff]")

    def text(longest: int) -> str:
        while True:
            drawn = "".join(rng.choice(GLOB_CHARACTERS) for _ in range(rng.randint(0, longest)))
            if not pair.search(drawn):
                return drawn

    return [(text(9), [text(4) for _ in range(12)]) for _ in range(count)]


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_the_page_script_agrees_on_random_globs() -> None:
    """Beyond the cases written by hand: 3,000 random options, each on 12 random values,
    through query.py and scripts/filters.js (what split_patterns rejects, the page keeps
    no value for). A glob that throws in JavaScript counts as a disagreement."""
    cases = _random_globs(3000, seed=22)
    run = """cases => cases.map(([option, values]) => {
      try {
        const filter = new window.spackcache.filters.Filter('stack', option, {});
        return values.map(value => filter.matches([value]));
      } catch (error) { return String(error); }
    })"""
    wrong = []
    for (option, values), got in zip(cases, _in_node(run, cases), strict=True):
        try:
            keeps = FieldFilter("stack", split_patterns(option)).keeps
        except ValueError:
            expected = [False] * len(values)
        else:
            expected = [keeps(value) for value in values]
        if got != expected:
            wrong.append((option, got))
    assert wrong == []
