"""Hostile records, one class each: parsing never raises anything but RecordError, says
where the problem is, and one problem repeated in many specs is one report.

(tests/test_fuzz.py generates such records at random; these are the classes it is meant
to cover, written out by hand with the results worked out by hand.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sphinx_spackcache.data.checks import check_record, url_problems
from sphinx_spackcache.data.model import is_safe_url
from sphinx_spackcache.data.problems import (
    Problem,
    RecordError,
    SpackCacheWarning,
    collapse,
    printable,
    quoted,
)
from sphinx_spackcache.sources.records import parse_record

PATH = Path("/x/t/pkg/specs.md")


def spec(number: int = 0, **changes: Any) -> dict[str, Any]:
    """A valid spec entry; its hash is 32 characters of Spack's alphabet, unique by *number*."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digits = "".join(alphabet[(number >> (5 * i)) % 32] for i in range(4))
    entry: dict[str, Any] = {
        "hash": "a" * 28 + digits,
        "compiler": "gcc@=11.4.0",
        "versions": ["1.0"],
        "os": "ubuntu22.04",
        "platform": "linux",
        "target": "x86_64_v3",
        "variants": ["+shared"],
        "stacks": ["root"],
        "size": "-",
    }
    entry.update(changes)
    return entry


def generated(entries: list[Any] | str, meta: str = "{}") -> bytes:
    """A record in cache.spack.io's own layout (the fastest reader)."""
    specs = entries if isinstance(entries, str) else json.dumps(entries)
    return (
        f'---\ntitle: "pkg"\nlayout: cache\ncategories: [package, t]\nmeta: {meta}\n'
        f"spec_details: {specs}\n---"
    ).encode()


def parse(raw: bytes | str) -> tuple[Any, tuple[Problem, ...]]:
    return parse_record(raw, PATH, package="pkg", tag="t")


# -- nesting, numbers, dates ---------------------------------------------------------


def test_json_nested_too_deeply_in_a_spec_is_a_located_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    raw = generated(json.dumps([spec()])[:-2] + f', "x": {deep}}}]')
    with pytest.raises(RecordError) as info:
        parse(raw)
    assert info.value.problem.line == 6
    assert "nest" in info.value.problem.message


def test_json_nested_deeply_but_readable_is_fine() -> None:
    # deep enough for msgspec to give up, not for json.loads: the entry is read slowly
    deep = "[" * 900 + "]" * 900
    raw = generated(json.dumps([spec()])[:-2] + f', "x": {deep}}}]')
    record, problems = parse(raw)
    assert len(record.specs) == 1
    assert problems == ()


def test_yaml_nested_too_deeply_is_a_located_error() -> None:
    raw = "---\ntitle: pkg\nspec_details:\n  - " + "[" * 20_000 + "]" * 20_000 + "\n---"
    with pytest.raises(RecordError) as info:
        parse(raw)
    assert info.value.problem.line >= 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * 5000, "cannot convert"),  # Python refuses ints of over 4,300 digits
        ("2024-13-45", "cannot convert"),  # YAML reads it as a date that does not exist
    ],
)
def test_yaml_values_that_cannot_be_converted(value: str, message: str) -> None:
    raw = f"---\ntitle: {value}\nspec_details: []\n---"
    with pytest.raises(RecordError) as info:
        parse(raw)
    assert message in info.value.problem.message
    assert len(info.value.problem.message) < 200


def test_huge_and_non_finite_sizes_are_shown_as_text() -> None:
    raw = "---\nspec_details:\n  - " + json.dumps(spec(size=10**1000)) + "\n---"
    record, problems = parse(raw)
    assert record.specs[0].size == "(a number of 3,322 bits)"
    assert "'size'" in problems[0].message
    # NaN and Infinity are JSON to Python's json (not to msgspec): the line reader
    text = json.dumps([spec(0, size=float("nan")), spec(1, size=float("-inf"))])
    record, problems = parse(generated(text, meta='{"a": 1}'))
    assert [s.size for s in record.specs] == ["nan", "-inf"]
    (problem,) = problems  # one report for the two specs
    assert problem.message.startswith("2 specs hold characters no page can show")
    # and YAML's spelling
    raw = "---\nspec_details:\n  - " + json.dumps(spec(size="SIZE")) + "\n---"
    record, _ = parse(raw.replace('"SIZE"', ".inf"))
    assert record.specs[0].size == "inf"


# -- characters no page can show -----------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\u0000", "\\u001b", "\\u0085"])
def test_unshowable_characters_become_the_replacement_character(escape: str) -> None:
    # the fast reader (msgspec rejects lone surrogates: then the slow one)
    text = json.dumps([spec(os="u-X", variants=["+a", "bX"])]).replace("X", escape)
    record, problems = parse(generated(text))
    (only,) = record.specs
    assert only.os == "u-\ufffd"
    assert only.variants == ("+a", "b\ufffd")
    (problem,) = problems
    assert problem.line == 6
    assert problem.message.startswith("spec_details[0]: 'os', 'variants' held characters")
    # what the page shows can be written as UTF-8
    "".join([only.os, *only.variants]).encode("utf-8")


def test_a_lone_surrogate_after_a_bad_entry() -> None:
    """The case that crashed the build: msgspec stops at the first (bad) entry, json.loads
    reads the lone surrogate of the second."""
    bad = spec(0)
    del bad["hash"]
    text = json.dumps([bad, spec(1, os="X")]).replace("X", "\\ud800")
    record, problems = parse(generated(text))
    assert [s.os for s in record.specs] == ["\ufffd"]
    assert [p.message.split(" ")[0] for p in problems] == ["spec_details[0]", "spec_details[1]:"]


def test_raw_c1_control_characters_in_utf8() -> None:
    text = json.dumps([spec(target="x\x85y")], ensure_ascii=False)
    record, problems = parse(generated(text))
    assert record.specs[0].target == "x\ufffdy"
    assert len(problems) == 1


def test_text_with_lone_surrogates_is_not_utf8() -> None:
    with pytest.raises(RecordError, match="not UTF-8"):
        parse("---\ntitle: \ud800\nspec_details: []\n---")


# -- keys given twice ----------------------------------------------------------------


def test_a_top_level_key_twice_in_the_line_reader() -> None:
    raw = b"---\ntitle: pkg\ntitle: other\nspec_details: []\n---"
    record, problems = parse(raw)
    assert [(p.line, p.message) for p in problems] == [
        (3, "key 'title' is given again (first at line 2); the value given last is used"),
        (3, "title 'other' is not the package name 'pkg'"),
    ]
    assert record.specs == ()


def test_a_top_level_key_twice_in_block_yaml() -> None:
    entry = "\n".join(f"    {k}: {json.dumps(v)}" for k, v in spec().items())
    raw = f"---\nspec_details: []\ntitle: pkg\nspec_details:\n  -\n{entry}\n---"
    record, problems = parse(raw)
    (problem,) = problems
    assert (problem.line, problem.subtype) == (4, SpackCacheWarning.RECORD)
    assert problem.message == (
        "key 'spec_details' is given again (first at line 2); the value given last is used"
    )
    assert len(record.specs) == 1  # the last value


def test_a_top_level_key_twice_in_the_fast_line_scanner() -> None:
    raw = generated([spec()]).replace(b"layout: cache\n", b"layout: cache\nlayout: page\n")
    _, problems = parse(raw)
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (4, "key 'layout' is given again")
    ]


def test_a_key_twice_in_one_json_spec_entry() -> None:
    text = json.dumps([spec(0), spec(1)])
    # both entries give "os" twice; msgspec alone would keep the last without a word
    text = text.replace('"os": "ubuntu22.04"', '"os": "centos7", "os": "rhel8"', 2)
    # (not cache.spack.io's exact layout, which json.dumps writes: it cannot repeat a key)
    edited = generated(text).replace(b"layout: cache\n", b"layout: cache\npermalink: /x/\n")
    record, problems = parse(edited)
    assert [s.os for s in record.specs] == ["rhel8", "rhel8"]
    (problem,) = problems
    assert problem.message.startswith("2 entries of spec_details give a key more than once")
    assert "spec_details[0] gives 'os' more than once; the last is used" in problem.message


def test_a_key_twice_in_one_yaml_spec_entry() -> None:
    raw = (
        "---\nspec_details:\n  - hash: " + "b" * 32 + "\n    compiler: none\n"
        "    versions: ['1']\n    os: a\n    os: b\n    platform: linux\n    target: x\n"
        "    variants: []\n    stacks: [root]\n---"
    )
    record, problems = parse(raw)
    assert record.specs[0].os == "b"
    assert [(p.line, p.message) for p in problems] == [
        (7, "spec_details[0] gives 'os' again (first at line 6); the value given last is used")
    ]


# -- one report for many -------------------------------------------------------------


def test_a_hundred_thousand_bad_specs_are_one_warning() -> None:
    good = [spec(0)]
    bad = [dict(spec(0), hash=5)] * 100_000
    record, problems = parse(generated(good + bad))
    assert len(record.specs) == 1
    (problem,) = problems
    assert problem.message.startswith(
        "100,000 entries of spec_details are unusable and were skipped: "
        "spec_details[1] has a malformed 'hash'"
    )
    assert problem.message.endswith("; and 99,997 more")
    assert problem.message.count("spec_details[") == 3


def test_repeated_hashes_and_odd_hashes_are_one_report_each() -> None:
    entries = [spec(0), spec(0), spec(0), spec(1, hash="short"), spec(2, hash="also-short")]
    record, problems = parse(generated(entries))
    assert len(record.specs) == 3
    assert [p.message for p in problems] == [
        "2 entries of spec_details repeat an earlier hash and were skipped: "
        f"spec_details[1] repeats hash {spec(0)['hash']!r}; skipped; "
        f"spec_details[2] repeats hash {spec(0)['hash']!r}; skipped",
        "2 specs have a hash that is not a 32-character Spack hash: "
        "spec_details[3]: hash 'short' is not a 32-character Spack hash; "
        "spec_details[4]: hash 'also-short' is not a 32-character Spack hash",
    ]


def test_bad_tarball_urls_are_one_report() -> None:
    entries = [spec(i, tarball=f"ftp://h/{i}") for i in range(5)]
    entries.append(spec(9, tarball="http://[::1"))  # urlsplit raises on this one
    record, problems = parse(generated(entries))
    assert problems == ()
    (problem,) = url_problems(record)
    assert problem.subtype is SpackCacheWarning.URL
    assert problem.message.startswith("6 specs have a tarball that is not an http(s) URL")
    assert problem.message.endswith("; and 3 more")
    meta, url = check_record(record)  # meta is {} here
    assert (meta.message, url) == (
        "'meta' has no 'num_specs_by_stack'; it is not cross-checked",
        problem,
    )
    assert not is_safe_url("http://[::1")


def test_collapse_keeps_order_and_single_problems() -> None:
    def problem(message: str, group: str = "", line: int = 1) -> Problem:
        return Problem(PATH, line, message, group=group)

    given = [
        problem("a1", "as"),
        problem("x"),
        problem("a2", "as"),
        problem("b1", "bs"),
        problem("a3", "as", line=2),
    ]
    assert [p.message for p in collapse(given)] == ["2 as: a1; a2", "x", "b1", "a3"]


def test_long_values_are_cut() -> None:
    """A value of a million characters is cut to 1,024 (Sphinx's text writer would take
    hours over it), and messages quote it cut further, with its length."""
    raw = generated([spec(hash="x" * 1_000_000, variants=["+a", "y" * 2000])])
    record, problems = parse(raw)
    (only,) = record.specs
    assert only.hash == "x" * 1023 + "\N{HORIZONTAL ELLIPSIS}"
    assert only.variants == ("+a", "y" * 1023 + "\N{HORIZONTAL ELLIPSIS}")
    cut, odd = problems
    assert cut.message == "spec_details[0]: 'hash', 'variants' longer than 1,024 characters; cut"
    assert len(odd.message) < 200
    assert "(1,024 characters) is not a 32-character Spack hash" in odd.message
    assert quoted("x" * 1_000_000).endswith("…' (1,000,000 characters)")
    assert quoted("\x00\ud800") == "'\\x00\\ud800'"


# -- hostile YAML ----------------------------------------------------------------------


def test_yaml_tags_are_not_objects() -> None:
    raw = "---\ntitle: !!python/object/apply:os.system ['true']\nspec_details: []\n---"
    with pytest.raises(RecordError, match="not valid YAML"):
        parse(raw)


def test_yaml_aliases_do_not_blow_up() -> None:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]"
              for i in range(8)]  # fmt: skip
    lines += ["title: *i", "spec_details: *i", "---"]
    with pytest.raises(RecordError, match="no entry of 'spec_details' is usable"):
        parse("\n".join(lines))


# -- what the fuzzer found (tests/test_fuzz.py), kept as plain cases -------------------


def test_an_entry_or_key_that_is_a_lone_surrogate() -> None:
    """msgspec.convert raised UnicodeEncodeError on these (it crashed the build)."""
    text = json.dumps(["X", {**spec(0), "X": 1}]).replace("X", "\\udc80")
    record, problems = parse(generated(text))
    assert len(record.specs) == 1  # the unknown key is ignored, like any other
    (problem,) = problems
    assert problem.message == "spec_details[0] is a str, not a mapping; skipped"


@pytest.mark.parametrize("escape", ["\\n", "\\t", "\\r", "\\b", "\\f"])
def test_short_json_escapes_of_control_characters(escape: str) -> None:
    """The fast reader missed these (only \\u escapes were looked for)."""
    text = json.dumps([spec(os="a" + "X" + ".sh rm")]).replace("X", escape)
    record, problems = parse(generated(text))
    assert record.specs[0].os == "a\ufffd.sh rm"
    assert len(problems) == 1


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\u202e", "\u200b", "\ufeff"])
def test_line_separators_and_invisible_characters(character: str) -> None:
    """A hash holding U+2028 made a warning two lines; a bidirectional override or a
    zero-width space can make one hash look like another."""
    text = json.dumps([spec(hash="a" * 16 + character + "a" * 15)], ensure_ascii=False)
    record, problems = parse(generated(text))
    assert record.specs[0].hash == "a" * 16 + "\ufffd" + "a" * 15
    assert all(len(problem.message.splitlines()) == 1 for problem in problems)


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ('!!int ""', "IndexError"),
        ("!!bool x", "KeyError"),
        ("!!timestamp x", "AttributeError"),
        ("2001-12-14t21:59:43.10+25:00", "ValueError"),
    ],
)
def test_yaml_constructors_that_raise_what_they_meet(title: str, error: str) -> None:
    """PyYAML's constructors raise more than YAMLError on these (found by fuzzing)."""
    with pytest.raises(RecordError) as info:
        parse(f"---\ntitle: {title}\nspec_details: []\n---\n")
    assert info.value.problem.message.startswith("front matter has a value YAML cannot convert: ")


def test_a_stack_repeated_among_many_is_quick() -> None:
    """Finding the repeated stack among 20,000 was quadratic (half a minute)."""
    stacks = [f"s{i}" for i in range(20_000)] + ["s7"]
    record, problems = parse(generated([spec(stacks=stacks)]))
    assert len(record.specs[0].stacks) == 20_000
    assert problems[0].message == "spec_details[0] lists stack 's7' more than once"


def test_billion_laughs_in_the_title_is_quick_and_short() -> None:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(7):
        name, previous = chr(98 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    lines += ["title: *h", "categories: [package, *h]", "spec_details: []", "---"]
    _, problems = parse("\n".join(lines))
    assert [len(problem.message) < 200 for problem in problems] == [True, True]
    assert problems[0].message.startswith("title [[[[...], [...], ")


def test_record_text_cannot_forge_a_warning_line() -> None:
    """A meta value with a newline and a terminal escape: the message stays one line,
    the escape is shown, not sent to the terminal."""
    meta = {"num_specs": 1, "num_specs_by_stack": {"root": 1}, "compilers": ["none"]}
    meta |= {"oss": ["x\n/etc/passwd:1: WARNING: forged\x1b[2J"], "platforms": ["linux"]}
    meta |= {"stacks": ["root"], "targets": ["x86_64_v3"], "versions": ["1.0"]}
    entry = spec(0, compiler="none")
    record, problems = parse(generated([entry], meta=json.dumps(meta)))
    assert problems == ()
    (problem,) = check_record(record)
    assert problem.message == (
        "meta disagrees with spec_details: oss lists x\\x0a/etc/passwd:1: WARNING: "
        "forged\\x1b[2J not in the specs and misses ubuntu22.04; showing what the specs say"
    )
    assert printable("a\nb\ud800\u2028") == "a\\x0ab\\ud800\\u2028"
