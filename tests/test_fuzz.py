"""Property-based fuzzing: no record, whatever its bytes, makes reading crash, and none
makes a build crash, print a traceback, warn without a location or put markup of its own
into a page.

Records are generated at random (hypothesis): random bytes, random YAML, records in each
layout the readers know with hostile values (lone surrogates, control characters, NUL,
huge integers, NaN and Infinity, deep nesting, long strings, HTML and reStructuredText
markup), keys given twice, and valid records with random bytes written over them.

The runs are derandomised (the same cases on every run) and bounded: about 1,500 records
through the data layer and 10 Sphinx builds (HTML and text) of 6 records each, some 40 s.
``SPACKCACHE_FUZZ=N`` runs N times as many cases, from a new random seed each time.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.cmd.build import build_main

from sphinx_spackcache.data.checks import check_record
from sphinx_spackcache.data.problems import UNSHOWABLE, RecordError
from sphinx_spackcache.data.summary import sort_specs, summarise
from sphinx_spackcache.render.spectable import build_spec_table, pending_spec_table, spec_table
from sphinx_spackcache.sources.records import parse_record
from sphinx_spackcache.sources.store import clear_cache

SCALE = int(os.environ.get("SPACKCACHE_FUZZ", "1"))
FUZZ = settings(
    max_examples=300 * SCALE,
    deadline=None,
    derandomize=SCALE == 1,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BUILDS = settings(FUZZ, max_examples=10 * SCALE)

#: Markup that would show up in a page if a value were ever written unescaped.
MARKUP = [
    "<fz>x</fz>",
    "</td><fz a=1>",
    '" onfz="1',
    "'><fz>",
    "&lt;fz&gt;",
    "&amp;",
    "<!--",
    "]]>",
    "\\",
    "{{ x }}",
    "`x <javascript:alert(1)>`_",
    "*x* **y** |z|",
    "\n.. raw:: html\n\n   <fz>\n",
    ":cache:pkg:`x`",
    "\\begin{document}",
    "\n.sh rm",
    "%",
    "\N{RIGHT-TO-LEFT OVERRIDE}",
]

#: Stand for an integer of 5,000 digits and for JSON lists nested N deep in a record's
#: bytes: json.dumps cannot write either (see :func:`_encode`).
HUGE = "huge-int-placeholder"
DEEP = "deep-placeholder-"
_PLACEHOLDERS = re.compile(rb'"?(huge-int-placeholder|deep-placeholder-(\d+))"?')


def _unplaceholder(match: re.Match[bytes]) -> bytes:
    if match[2] is None:
        return b"1" * 5000
    depth = int(match[2])
    return b"[" * depth + b"]" * depth


# -- values ----------------------------------------------------------------------------

characters = st.one_of(
    st.characters(),
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates
    st.integers(0, 0x1F).map(chr),  # C0 controls, NUL included
    st.integers(0x7F, 0x9F).map(chr),  # DEL and C1 controls
    st.sampled_from("\ufffd\ufeff\u2028\u00a0"),
)
hostile_text = st.one_of(
    st.text(characters, max_size=12),
    st.sampled_from(MARKUP),
    st.integers(100, 200_000).map(lambda n: "x" * n),
    st.lists(st.sampled_from(MARKUP), min_size=2, max_size=4).map("".join),
)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(1, 4200).map(lambda n: 10**n),  # up to Python's limit for text
    st.just(HUGE),  # past it (json.dumps cannot write one: the bytes are put in later)
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    hostile_text,
)
hostile_value = st.one_of(
    scalars,
    st.integers(1, 30).map(lambda n: [[[]]] * n),
    st.integers(100, 30_000).map(lambda n: f"{DEEP}{n}"),  # JSON lists nested n deep
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6),
    st.dictionaries(hostile_text, scalars, max_size=3),
)

VALID = {
    "hash": st.text("abcdefghijklmnopqrstuvwxyz234567", min_size=32, max_size=32),
    "compiler": st.sampled_from(["none", "gcc@=11.4.0", "gcc@11.4.0", "cce@18.0.0"]),
    "versions": st.lists(st.sampled_from(["1.0", "develop", "2024-09-26", "v3.0.0"]), max_size=3),
    "os": st.sampled_from(["ubuntu22.04", "sequoia"]),
    "platform": st.sampled_from(["linux", "darwin"]),
    "target": st.sampled_from(["x86_64_v3", "aarch64"]),
    "variants": st.lists(st.sampled_from(["+x", "~y", "k=v", "p:=a,b"]), max_size=3),
    "stacks": st.lists(st.sampled_from(["root", "e4s", "hep"]), max_size=3),
    "size": st.sampled_from(["-", 12, 1.5]),
    "tarball": st.sampled_from(["https://example.org/x.spack", "ftp://x", "http://[::1"]),
}
STRINGS = ("hash", "compiler", "os", "platform", "target")


@st.composite
def spec_entry(draw: st.DrawFn) -> Any:
    """A spec entry: mostly valid, each value hostile now and then, keys missing or extra."""
    if draw(st.integers(0, 15)) == 0:
        return draw(hostile_value)  # not even a mapping
    entry: dict[str, Any] = {}
    for key, valid in VALID.items():
        roll = draw(st.integers(0, 9))
        if roll == 0 and key not in ("size", "tarball"):
            continue  # missing
        if roll == 1:
            entry[key] = draw(hostile_value)
        elif roll == 2:
            text = draw(hostile_text)
            entry[key] = [text] if key in ("versions", "variants", "stacks") else text
        elif key not in ("size", "tarball") or roll > 6:
            entry[key] = draw(valid)
    if draw(st.integers(0, 9)) == 0:
        entry[draw(hostile_text)] = draw(hostile_value)
    return entry


@st.composite
def front_matter(draw: st.DrawFn, package: str, tag: str) -> dict[str, Any]:
    """The values of a record: title, categories, meta and spec_details."""
    entries = draw(st.lists(spec_entry(), max_size=8))
    data: dict[str, Any] = {
        "title": package if draw(st.booleans()) else draw(hostile_value),
        "layout": "cache",
        "categories": ["package", tag] if draw(st.booleans()) else draw(hostile_value),
        "meta": {} if draw(st.booleans()) else draw(hostile_value),
        "spec_details": entries if draw(st.integers(0, 9)) else draw(hostile_value),
    }
    if draw(st.integers(0, 9)) == 0:
        del data[draw(st.sampled_from(sorted(data)))]
    return data


def _json(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)


def _encode(text: str) -> bytes:
    # lone surrogates become bytes that are not UTF-8 (as a broken file would hold)
    return _PLACEHOLDERS.sub(_unplaceholder, text.encode("utf-8", "surrogatepass"))


def as_lines(data: dict[str, Any], ascii_only: bool, extra: bool) -> bytes:
    """One key a line, JSON values: cache.spack.io's layout, or close to it."""
    lines = ["---"]
    for key, value in data.items():
        lines.append(f"{key}: {_json(value, ascii_only) if key != 'layout' else value}")
        if extra and key == "layout":
            lines.append("permalink: /x/")
    lines.append("---")
    return _encode("\n".join(lines))


def as_yaml(data: dict[str, Any]) -> bytes:
    try:
        text = yaml.safe_dump(data, allow_unicode=True, width=60)
    except (yaml.YAMLError, RecursionError, ValueError):
        return as_lines(data, True, False)
    return _encode(f"---\n{text}---\n")


def with_repeated_key(raw: bytes, key: bytes) -> bytes:
    """The first ``"key": `` of the JSON given twice, or a top-level line twice."""
    if b'"' + key + b'": ' in raw:
        return raw.replace(b'"' + key + b'": ', b'"' + key + b'": "twice", "' + key + b'": ', 1)
    return raw.replace(b"\ntitle: ", b"\ntitle: again\ntitle: ", 1)


@st.composite
def record_bytes(draw: st.DrawFn, package: str = "pkg", tag: str = "t") -> bytes:
    """The bytes of one record file, of any of the kinds in the module docstring."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind == 1:
        body = draw(st.binary(max_size=300))
        return b"---\n" + body + b"\n---"
    if kind == 2:
        value = draw(
            st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=20)
        )
        return as_yaml({"spec_details": value, "title": package})
    data = draw(front_matter(package, tag))
    layout = draw(st.integers(0, 3))
    if layout == 0:
        raw = as_lines(data, draw(st.booleans()), False)
    elif layout == 1:
        raw = as_lines(data, draw(st.booleans()), True)
    elif layout == 2:
        raw = as_yaml(data)
    else:
        raw = as_lines(data, True, False).replace(b"\n", b"\r\n")
    if draw(st.integers(0, 4)) == 0:
        raw = with_repeated_key(raw, draw(st.sampled_from([b"os", b"hash", b"stacks", b"x"])))
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at + 1 :]
    if draw(st.integers(0, 9)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    return raw


# -- the data layer ----------------------------------------------------------------------


def check_error(error: RecordError) -> None:
    """A located error of one line, of reasonable length."""
    assert error.problem.line >= 0
    assert str(error).startswith(f"/x/t/pkg/specs.md:{max(error.problem.line, 1)}: ")
    assert "\n" not in error.problem.message
    assert len(error.problem.message) < 2000


def _no_unshowable(text: str) -> None:
    assert not UNSHOWABLE.search(text), repr(text)
    text.encode("utf-8")


@pytest.mark.slow
@FUZZ
@given(record_bytes())
def test_reading_any_record_gives_a_record_or_a_located_error(raw: bytes) -> None:
    try:
        record, problems = parse_record(raw, "/x/t/pkg/specs.md", package="pkg", tag="t")
    except RecordError as error:
        check_error(error)
        return
    for problem in problems:
        assert problem.line >= 0
        assert "\n" not in problem.message  # one warning, one line
        assert len(problem.message) < 2000  # cut, however long the values
    # what the pages do with a record: nothing raises, and all text can be written
    for spec in record.specs:
        for text in (spec.hash, spec.os, spec.platform, spec.target, *spec.versions):
            _no_unshowable(text)
        for text in (*spec.variants, *spec.stacks, spec.compiler or "", spec.size or ""):
            _no_unshowable(text)
    summary = summarise(record.specs)
    assert summary.num_specs == len(record.specs)
    for problem in check_record(record):
        assert "\n" not in problem.message
    specs = sort_specs(record.specs)
    if specs:
        node = pending_spec_table(specs, title="t")
        *shared, scroll = build_spec_table(node)
        assert scroll.astext() == spec_table(specs, title="t").astext()
        msgspec.json.encode(list(specs))
        for element in (*shared, scroll):
            element.astext().encode("utf-8")


@pytest.mark.slow
def test_the_fuzzer_makes_what_it_says() -> None:
    """The strategies reach every kind of record the module docstring names (a fuzzer
    that only ever made empty files would pass everything)."""
    seen: dict[str, int] = {}

    def note(what: str, condition: bool) -> None:
        seen[what] = seen.get(what, 0) + int(condition)

    @settings(FUZZ, max_examples=300)
    @given(record_bytes())
    def collect(raw: bytes) -> None:
        note("surrogate escape", rb"\ud8" in raw or rb"\udc" in raw or rb"\udf" in raw)
        note("not UTF-8", not _is_utf8(raw))
        note("NUL", b"\\u0000" in raw or b"\x00" in raw)
        note("markup", b"<fz>" in raw)
        note("deep nesting", b"[[[[[[[[[[[[[[[[[[[[" in raw)
        note("NaN", b"NaN" in raw or b"Infinity" in raw)
        note("long string", b"x" * 1000 in raw)
        note("huge integer", re.search(rb"[1-9]0{400}|1{5000}", raw) is not None)
        note("repeated key", b'": "twice", "' in raw or b"title: again" in raw)
        note("generated layout", raw.startswith(b'---\ntitle: "pkg"\nlayout: cache\n'))
        note("block YAML", b"\n- " in raw or b"\n  - " in raw)
        try:
            parse_record(raw, "f", package="pkg", tag="t")
            note("usable", True)
        except RecordError:
            note("unusable", True)

    collect()
    assert all(count >= 3 for count in seen.values()), str(sorted(seen.items()))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- whole builds --------------------------------------------------------------------------

LOCATED = re.compile(r"^/\S.*?:\d+: (WARNING|ERROR): ")
CONF = (
    'extensions = ["sphinx_spackcache"]\nspackcache_path = "_cache"\nspackcache_default_tag = "t"\n'
)


def build(src: Path, builder: str) -> tuple[int, str, str]:
    """(exit status, warnings, everything else on stderr) of one in-process build."""
    out, log = src.parent / f"out-{builder}", src.parent / f"{builder}.log"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = build_main(["-q", "-b", builder, "-w", str(log), str(src), str(out)])
    return code, log.read_text("utf-8"), stderr.getvalue()


def build_cleanly(src: Path, builder: str) -> None:
    """Build *src* with *builder*: exit status 0, no traceback, every warning located,
    none that asks for a bug report."""
    code, warnings, stderr = build(src, builder)
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert "Exception occurred" not in stderr, stderr
    for line in warnings.splitlines():
        if line.strip():
            assert LOCATED.match(line), line
    assert "bug in sphinx-spackcache" not in warnings


def check_html(out: Path) -> None:
    for page in out.rglob("*.html"):
        html = page.read_text("utf-8")
        assert "<fz" not in html.lower(), page
        assert '" onfz="' not in html, page
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all("fz")
        assert not [tag for tag in soup.find_all(True) if "onfz" in tag.attrs]
        assert not any("javascript:" in (a.get("href") or "") for a in soup.find_all("a"))


def build_records(records: list[bytes]) -> None:
    """Build a page of one ``cache-package`` per record, a snapshot index, coverage and a
    stack listing, as HTML and text, and check what the module docstring promises."""
    clear_cache()
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "src"
        body = ["Fuzz\n====\n"]
        for number, raw in enumerate(records):
            (src / "_cache" / "t" / f"pkg{number}").mkdir(parents=True)
            (src / "_cache" / "t" / f"pkg{number}" / "specs.md").write_bytes(raw)
            body.append(f".. cache-package:: pkg{number}\n")
        body += [".. cache-index::\n", ".. cache-coverage::\n", ".. cache-coverage:: pkg0\n"]
        body.append(".. cache-stack:: root\n")
        (src / "index.rst").write_text("\n".join(body), "utf-8")
        (src / "conf.py").write_text(CONF, "utf-8")
        for builder in ("html", "text"):
            build_cleanly(src, builder)
        check_html(Path(folder) / "out-html")
        (Path(folder) / "out-text" / "index.txt").read_text("utf-8")


@st.composite
def shown_record(draw: st.DrawFn) -> bytes:
    """A usable record whose text values are hostile: what reaches the writers."""
    entries = []
    for number in range(draw(st.integers(1, 4))):
        entry = {key: draw(valid) for key, valid in VALID.items()}
        entry["hash"] = "a" * 31 + "abcd"[number]
        for key in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=4)):
            text = draw(hostile_text)
            entry[key] = [text] if key in ("versions", "variants", "stacks") else text
        entries.append(entry)
    data = {"title": "pkg", "layout": "cache", "categories": ["package", "t"]}
    return as_lines(data | {"meta": {}, "spec_details": entries}, draw(st.booleans()), False)


@pytest.mark.slow
@BUILDS
@given(st.lists(st.one_of(record_bytes(), shown_record()), min_size=1, max_size=6))
def test_no_record_breaks_a_build(records: list[bytes]) -> None:
    build_records(records)


def spec(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"hash": "a" * 32, "compiler": "none", "versions": ["1"]}
    entry |= {"os": "o", "platform": "p", "target": "t", "variants": [], "stacks": ["root"]}
    return entry | changes


def record(entries: list[Any]) -> dict[str, Any]:
    data = {"title": "pkg", "layout": "cache", "categories": ["package", "t"]}
    return data | {"meta": {}, "spec_details": entries}


@pytest.mark.parametrize(
    "value",
    [float("nan"), "\ud800", "\x00", "<fz>x</fz>", f"{DEEP}5000", HUGE, "x" * 300_000],
    ids=["nan", "surrogate", "nul", "markup", "deep", "huge-int", "long"],
)
def test_each_hostile_value_in_each_field_builds(value: Any) -> None:
    """The classes the issue names, one at a time, in every field of a spec (the random
    runs may miss a combination; this does not), in the generated layout and as YAML."""
    records = []
    for key in [*VALID, "extra"]:
        entry = spec(**{key: [value] if key in ("versions", "variants", "stacks") else value})
        records.append(as_lines(record([entry]), True, False))
    records.append(as_yaml(record([spec(os=value, hash="b" * 32)])))
    build_records(records)
