"""Bad input: every problem is a located warning with type ``spackcache`` and a subtype;
the build goes on, and ``-W`` turns the warnings into a failed build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main

from sphinx_spackcache.warnings_ import SpackCacheWarning

from .conftest import ROOTS, Build, warnings_of

# (location suffix, subtype, text in the message), in document order; worked out by hand
# from tests/roots/test-bad/index.rst and the records under its _cache/broken.
EXPECTED = [
    ("index.rst:6", "package", "no package 'good-pk' in tag 'broken'"),
    ("index.rst:8", "tag", "unknown tag 'nope'"),
    ("no-front-matter/specs.md:1", "record", "does not start with a '---' line"),
    ("unclosed/specs.md:3", "record", "no closing '---' line"),
    ("bad-yaml/specs.md:5", "record", "front matter is not valid YAML"),
    ("bad-spec/specs.md:6", "record", "spec_details[0] has no 'hash'; skipped"),
    ("meta-mismatch/specs.md:5", "meta", "num_specs is 5, but spec_details has 1"),
    ("meta-mismatch/specs.md:5", "meta", "num_specs_by_stack differs: e4s 3 (specs say 1)"),
    ("bad-url/specs.md:5", "url", "tarball 'javascript:alert(1)' is not an http(s) URL"),
    ("html-inject/specs.md:5", "record", "is not a 32-character Spack hash"),
    ("no-specs-key/specs.md:2", "record", "the record has no 'spec_details'"),
    ("wrong-title/specs.md:2", "record", "title 'something-else' is not the package name"),
    ("not-utf8/specs.md:3", "record", "not UTF-8"),
    ("index.rst:33", "package", "'../../etc' is not a valid package name"),
    ("index.rst:35", "tag", "'../broken' is not a valid tag name"),
    (
        "cat-mismatch/specs.md:4",
        "record",
        "categories name tag 'other-tag', but the record is under",
    ),
    ("bad-meta/specs.md:5", "record", "'meta' is not a mapping; it is not cross-checked"),
    (
        "repeated-hash/specs.md:5",
        "record",
        "spec_details[1] repeats hash '" + "g" * 32 + "'; skipped",
    ),
    ("specs-not-list/specs.md:5", "record", "'spec_details' is not a list"),
    ("entry-not-mapping/specs.md:5", "record", "spec_details[0] is a int, not a mapping"),
    (
        "odd-spec/specs.md:5",
        "record",
        "spec_details[0]: hash 'xyz' is not a 32-character Spack hash",
    ),
    ("odd-spec/specs.md:5", "record", "spec_details[0] lists stack 'root' more than once"),
    (
        "unshowable/specs.md:5",
        "record",
        "spec_details[0]: 'os', 'variants', 'stacks' held characters no page can show",
    ),
]
LINE = re.compile(r"^(?P<location>\S+): WARNING: (?P<message>.*) \[spackcache\.(?P<subtype>\w+)\]$")


def test_every_bad_input_is_a_located_warning(build: Build) -> None:
    app = build("bad", "html")
    lines = warnings_of(app)
    assert len(lines) == len(EXPECTED), "\n".join(lines)
    for line, (where, subtype, text) in zip(lines, EXPECTED, strict=True):
        match = LINE.match(line)
        assert match, line
        assert match["location"].endswith(where), line
        assert Path(match["location"].rsplit(":", 1)[0]).is_absolute()
        assert match["subtype"] == subtype
        assert text in match["message"]
        # warnings about record files also say which directive needed the record
        if "specs.md" in where:
            assert "(used at " in match["message"]


def test_unknown_names_come_with_suggestions(build: Build) -> None:
    lines = warnings_of(build("bad", "html"))
    assert any("did you mean good-pkg?" in line for line in lines)
    assert any("available tags: broken, other" in line for line in lines)


def test_the_build_goes_on_and_output_is_escaped(build: Build) -> None:
    app = build("bad", "html")
    html = (app.outdir / "index.html").read_text("utf-8")
    page = BeautifulSoup(html, "html.parser")
    tables = page.select("table.spackcache-specs")
    # good-pkg, bad-spec (1 of 2 specs), meta-mismatch, bad-url, html-inject, wrong-title,
    # cat-mismatch, bad-meta, repeated-hash (1 of 2), odd-spec, bom-dots, unshowable
    assert len(tables) == 12
    # empty-specs: a summary saying 0 and no table
    assert "0" in [dd.get_text().strip() for dd in page.select("dl.spackcache-summary dd")]
    # record data never becomes markup
    for output in page.select("div.spackcache"):
        assert output.select("script, img, b, i") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html
    # the quote in a variant value is kept as it is (no smart quotes)
    assert 'y="&gt;&lt;script&gt;alert(2)&lt;/script&gt;' in html.replace("&quot;", '"')
    # NUL, ESC, a C1 control and a lone surrogate: each shown as U+FFFD
    (row,) = next(t for t in tables if "unshowable" in t.get_text()).select("tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert "linux ubuntu\ufffd\ufffd[31m22.04 x86_64_v3" in cells  # the architecture
    assert "+shared\ufffd" in cells
    assert "root e4s\ufffd" in cells
    links = [a["href"] for a in page.select("td.spackcache-hash a")]
    assert links == ['https://example.org/a"onclick="alert(3)']


@pytest.mark.parametrize("builder", ["text", "latex", "man"])
def test_bad_input_does_not_break_other_builders(build: Build, builder: str) -> None:
    app = build("bad", builder)
    assert len(warnings_of(app)) == len(EXPECTED)


def test_suppress_warnings_by_subtype(build: Build) -> None:
    app = build("bad", "html", conf={"suppress_warnings": ["spackcache.record", "spackcache.meta"]})
    subtypes = {LINE.match(line)["subtype"] for line in warnings_of(app)}  # type: ignore[index]
    assert subtypes == {"package", "tag", "url"}
    app = build("bad", "html", conf={"suppress_warnings": ["spackcache"]}, freshenv=True)
    assert warnings_of(app) == []


def test_dash_w_fails_the_build(tmp_path: Path) -> None:
    src = tmp_path / "bad"
    shutil.copytree(ROOTS / "test-bad", src)
    args = ["-q", "-b", "html", str(src), str(tmp_path / "out")]
    assert build_main(args) == 0
    assert build_main(["-W", "-E", *args]) != 0


def test_missing_cache_folder(build: Build) -> None:
    app = build("nocache", "html")
    (line,) = warnings_of(app)
    assert line.endswith("[spackcache.cache_path]")
    assert "index.rst:4" in line
    assert "does-not-exist" in line


def test_no_default_tag_with_several_tags(build: Build) -> None:
    app = build("basic", "html", conf={"spackcache_default_tag": None})
    lines = warnings_of(app)
    assert lines
    assert all(line.endswith("[spackcache.tag]") for line in lines)
    assert "available tags: develop-2025-04-13, develop-2025-04-20, v0.23.1" in lines[0]
    assert "py-packaging.rst:4" in "\n".join(lines)


def test_wrong_config_type_is_reported_and_ignored(build: Build) -> None:
    app = build("basic", "html", conf={"spackcache_default_tag": 5})
    config_lines = [line for line in warnings_of(app) if "spackcache.config" in line]
    assert len(config_lines) == 1
    assert "conf.py" in config_lines[0]
    assert "spackcache_default_tag must be str | None, not int" in config_lines[0]


def test_subtypes_are_one_enum() -> None:
    # __members__ includes aliases, so a repeated value would show up here
    values = [member.value for member in SpackCacheWarning.__members__.values()]
    assert len(values) == len(set(values))
    assert {subtype for _, subtype, _ in EXPECTED} <= set(values)


def test_odd_but_usable_specs_are_shown(build: Build) -> None:
    app = build("bad", "html")
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    (table,) = [t for t in page.select("table.spackcache-specs") if "odd-spec" in t.get_text()]
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headings[-1] == "Size"  # shown because a size is given
    (row,) = table.select("tbody tr")
    cells = {
        # (a compiler's version is an element of its own, so that it can wrap)
        td["class"][0].removeprefix("spackcache-"): td.get_text(" ", strip=True).replace(" @", "@")
        for td in row.select("td")
        if td["class"][0]
        in ("spackcache-size", "spackcache-version", "spackcache-stacks", "spackcache-compiler")
    }
    assert cells == {
        "size": "1.5",
        "version": "develop 2.0 1.0",  # newest first, as in the summary
        "stacks": "root e4s",  # the repeated stack once, in record order
        "compiler": "gcc@9.4.0",
    }
    (bom,) = [t for t in page.select("table.spackcache-specs") if "bom-dots" in t.get_text()]
    assert len(bom.select("tbody tr")) == 1


def test_empty_default_tag_and_wrong_path_type(build: Build) -> None:
    app = build("basic", "html", conf={"spackcache_default_tag": "  ", "spackcache_path": 5})
    config_lines = [line for line in warnings_of(app) if "spackcache.config" in line]
    assert len(config_lines) == 2
    assert any(
        "spackcache_path must be str | os.PathLike, not int" in line for line in config_lines
    )
    assert any("spackcache_default_tag is empty; using None" in line for line in config_lines)


def test_single_snapshot_needs_no_tag_and_a_second_one_is_noticed(build: Build) -> None:
    app = build("bad", "html", conf={"spackcache_default_tag": None})
    (app.srcdir / "_cache" / "other" / ".gitkeep").unlink()
    (app.srcdir / "_cache" / "other").rmdir()
    (app.srcdir / "index.rst").write_text("Bad\n===\n\n.. cache-package:: good-pkg\n", "utf-8")
    app = build("bad", "html", conf={"spackcache_default_tag": None})
    assert warnings_of(app) == []  # the only tag, 'broken', is used
    assert "abcdefghijklmnopqrstuvwxyz234567" in (app.outdir / "index.html").read_text("utf-8")
    # a second snapshot appears: the page must be read again, and now needs a tag
    (app.srcdir / "_cache" / "other" / "good-pkg").mkdir(parents=True)
    shutil.copy(
        app.srcdir / "_cache" / "broken" / "good-pkg" / "specs.md",
        app.srcdir / "_cache" / "other" / "good-pkg",
    )
    app = build("bad", "html", conf={"spackcache_default_tag": None})
    (line,) = warnings_of(app)
    assert "no :tag: given and spackcache_default_tag is not set" in line


def test_record_warnings_repeat_on_a_no_op_rebuild(build: Build) -> None:
    app = build("bad", "html")
    first = len(warnings_of(app))
    app = build("bad", "html")
    assert len(warnings_of(app)) == first == len(EXPECTED)
