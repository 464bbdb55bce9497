"""The data layer: parsing records, the store and its per-process cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from sphinx_spackcache.data.model import DeclaredMeta, normalise_compiler
from sphinx_spackcache.sources import frontmatter
from sphinx_spackcache.sources import records as records_module
from sphinx_spackcache.sources.base import Source
from sphinx_spackcache.sources.records import RecordError, load_record, parse_record
from sphinx_spackcache.sources.store import CacheStore

from . import records as expected
from .conftest import RECORDS, ROOTS

ALL_RECORDS = sorted(
    (path.parent.parent.name, path.parent.name) for path in RECORDS.glob("*/*/specs.md")
)
BROKEN = ROOTS / "test-bad" / "_cache" / "broken"


@pytest.mark.parametrize(("tag", "package"), ALL_RECORDS)
def test_real_records_parse_to_what_yaml_reads(tag: str, package: str) -> None:
    path = RECORDS / tag / package / "specs.md"
    record, problems = load_record(path, package=package, tag=tag)
    assert problems == ()
    plain = expected.specs(tag, package)
    assert len(record.specs) == len(plain)
    by_hash = {spec["hash"]: spec for spec in plain}
    for spec in record.specs:
        raw = by_hash[spec.hash]
        assert spec.versions == tuple(raw["versions"])
        assert spec.os == raw["os"]
        assert spec.platform == raw["platform"]
        assert spec.target == raw["target"]
        assert spec.variants == tuple(raw["variants"])
        assert spec.stacks == tuple(raw["stacks"])
        assert spec.tarball == raw.get("tarball")
        assert spec.size is None  # every real record says "-"
        if raw["compiler"] == "none":
            assert spec.compiler is None
        else:
            assert spec.compiler == raw["compiler"].replace("@=", "@")


def test_fast_path_and_yaml_fallback_agree(tmp_path: Path) -> None:
    """The same record written as block YAML (no JSON lines) parses to the same specs."""
    source = RECORDS / "v0.23.1" / "cmake" / "specs.md"
    fast, _ = load_record(source, package="cmake", tag="v0.23.1")
    data = expected.front_matter("v0.23.1", "cmake")
    block = tmp_path / "specs.md"
    block.write_text("---\n" + yaml.safe_dump(data, default_flow_style=False) + "---", "utf-8")
    slow, problems = load_record(block, package="cmake", tag="v0.23.1")
    assert problems == ()
    assert slow.specs == fast.specs
    assert slow.declared_meta() == fast.declared_meta()
    assert fast.specs_line == 6
    assert slow.specs_line > 6  # block YAML: spec_details comes after the meta lines


def test_fast_path_does_not_call_yaml_for_generated_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("YAML used for a generated record")

    monkeypatch.setattr(frontmatter, "_parse_yaml", fail)
    record, _ = load_record(
        RECORDS / "develop-2025-04-20" / "py-packaging" / "specs.md",
        package="py-packaging",
        tag="develop-2025-04-20",
    )
    assert len(record.specs) == 27


def test_fast_path_leaves_yaml_specials_to_yaml() -> None:
    """YAML reads a bare ``yes`` as true: a package named "yes" has a title mismatch."""
    text = "---\ntitle: yes\nlayout: cache\ncategories: [package, t]\nspec_details: []\n---"
    record, problems = parse_record(text, Path("f.md"), package="yes", tag="t")
    assert record.specs == ()
    assert [p.message for p in problems] == ["title True is not the package name 'yes'"]


@pytest.mark.parametrize(
    ("package", "line", "message"),
    [
        ("no-front-matter", 1, "does not start with a '---' line"),
        ("unclosed", 3, "no closing '---' line"),
        ("bad-yaml", 5, "not valid YAML"),
        ("no-specs-key", 2, "has no 'spec_details'"),
        ("specs-not-list", 5, "'spec_details' is not a list"),
        ("entry-not-mapping", 5, "no entry of 'spec_details' is usable"),
        ("not-utf8", 3, "not UTF-8"),
    ],
)
def test_unusable_records_say_where(package: str, line: int, message: str) -> None:
    path = BROKEN / package / "specs.md"
    with pytest.raises(RecordError) as info:
        load_record(path, package=package, tag="broken")
    assert info.value.problem.line == line
    assert message in info.value.problem.message
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_a_bad_spec_is_skipped_and_reported() -> None:
    record, problems = load_record(
        BROKEN / "bad-spec" / "specs.md", package="bad-spec", tag="broken"
    )
    assert [spec.hash for spec in record.specs] == ["b" * 32]
    assert [(p.line, p.message) for p in problems] == [
        (6, "spec_details[0] has no 'hash'; skipped")
    ]


def test_hand_written_yaml_record() -> None:
    record, problems = load_record(
        BROKEN / "good-pkg" / "specs.md", package="good-pkg", tag="broken"
    )
    assert problems == ()
    (spec,) = record.specs
    assert spec.compiler == "gcc@12.3.0"
    assert spec.variants == ("+shared", "~static", "build_system=cmake", "patches:=aaa,bbb")
    meta = record.declared_meta()
    assert isinstance(meta, DeclaredMeta)
    assert meta.num_specs == 1
    assert record.specs_line == 16


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="cannot read"):
        load_record(tmp_path / "missing.md", package="x", tag="t")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("none", None),
        ("gcc@=11.4.0", "gcc@11.4.0"),
        ("gcc@11.4.0", "gcc@11.4.0"),
        ("oneapi@=2024.1.0", "oneapi@2024.1.0"),
    ],
)
def test_compiler_normalisation(raw: str, shown: str | None) -> None:
    assert normalise_compiler(raw) == shown


def test_store_lists_tags_and_packages() -> None:
    store = CacheStore(RECORDS)
    assert store.tags() == ("develop-2025-04-13", "develop-2025-04-20", "v0.23.1")
    assert store.packages("v0.23.1") == ("adiak", "cmake", "dsfmt", "py-packaging")
    assert store.packages("nope") == ()
    assert store.close_packages("develop-2025-04-20", "py-packagng") == ["py-packaging"]


@pytest.mark.parametrize("name", ["..", "../x", "a/b", "", ".hidden", "x y"])
def test_store_refuses_names_that_are_paths(name: str) -> None:
    store = CacheStore(RECORDS)
    assert not store.has_tag(name)
    assert not store.has_record("v0.23.1", name)
    with pytest.raises(ValueError, match="not a valid"):
        store.record_path("v0.23.1", name)


def test_a_record_is_parsed_once_per_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t" / "pkg"
    target.mkdir(parents=True)
    source = (RECORDS / "v0.23.1" / "dsfmt" / "specs.md").read_text("utf-8")
    (target / "specs.md").write_text(source.replace("dsfmt", "pkg"), "utf-8")
    calls: list[Path] = []
    real = records_module.load_record

    def counting(path: Path, **kwargs: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr("sphinx_spackcache.sources.store.load_record", counting)
    store = CacheStore(tmp_path)
    first = store.load("t", "pkg")
    assert CacheStore(tmp_path).load("t", "pkg") is first
    assert len(calls) == 1
    # an edited record (new size and mtime) is parsed again
    path = target / "specs.md"
    path.write_text(source.replace("dsfmt", "pkg").replace('"-"', '"12 MB"'), "utf-8")
    os.utime(path, ns=(1, 10**18))
    second = store.load("t", "pkg")
    assert len(calls) == 2
    assert second.record.specs[0].size == "12 MB"


def test_a_record_replaced_by_another_of_the_same_size_and_time_is_parsed_again(
    tmp_path: Path,
) -> None:
    """A new file (a new inode) is a new version even with the size and modification time
    of the old one: the cache is keyed on the file's identity."""
    target = tmp_path / "t" / "pkg"
    target.mkdir(parents=True)
    source = (RECORDS / "v0.23.1" / "dsfmt" / "specs.md").read_text("utf-8")
    source = source.replace("dsfmt", "pkg")
    path = target / "specs.md"
    path.write_text(source, "utf-8")
    os.utime(path, ns=(1, 10**18))
    assert CacheStore(tmp_path).load("t", "pkg").record.specs[0].size is None  # "-"
    replacement = target / "new.md"
    replacement.write_text(source.replace('"size": "-"', '"size": "7"'), "utf-8")
    assert replacement.stat().st_size == path.stat().st_size
    os.utime(replacement, ns=(1, 10**18))
    os.replace(replacement, path)
    assert CacheStore(tmp_path).load("t", "pkg").record.specs[0].size == "7"


def test_the_three_readers_agree(tmp_path: Path) -> None:
    """The exact cache.spack.io layout, a line-by-line scan (one extra key), and YAML
    (block style) all give the same specs."""
    source = RECORDS / "develop-2025-04-20" / "cmake" / "specs.md"
    raw = source.read_bytes()
    assert frontmatter.read_generated_layout(raw) is not None
    exact, _ = parse_record(raw, source, package="cmake", tag="develop-2025-04-20")
    shifted = raw.replace(b"layout: cache\n", b"layout: cache\npermalink: /cmake/\n")
    assert frontmatter.read_generated_layout(shifted) is None
    assert frontmatter.scan_front_matter(shifted) is not None
    scanned, _ = parse_record(shifted, source, package="cmake", tag="develop-2025-04-20")
    data = expected.front_matter("develop-2025-04-20", "cmake")
    block = ("---\n" + yaml.safe_dump(data, default_flow_style=False) + "---").encode()
    assert frontmatter.read_generated_layout(block) is None
    assert frontmatter.scan_front_matter(block) is None
    slow, _ = parse_record(block, source, package="cmake", tag="develop-2025-04-20")
    assert exact.specs == scanned.specs == slow.specs
    assert len(exact.specs) == 36
    assert (exact.specs_line, scanned.specs_line) == (6, 7)


def zlib_record() -> bytes:
    return (RECORDS / "develop-2025-04-20" / "zlib-ng" / "specs.md").read_bytes()


def test_bad_entry_then_broken_json_goes_to_the_general_reader(tmp_path: Path) -> None:
    """msgspec gives up at the bad first entry, json.loads at the broken JSON; YAML reads
    ``{"x": }`` as a mapping, so both odd entries are skipped and reported."""
    broken = zlib_record().replace(b'"hash": "', b'"hash": 5, "h": "', 1)
    broken = broken.replace(b"]}, {", b']}, {"x": }, {', 1)
    path = tmp_path / "specs.md"
    path.write_bytes(broken)
    record, problems = load_record(path, package="zlib-ng", tag="develop-2025-04-20")
    # one report for the two skipped entries (the same problem, on the same line)
    (problem,) = problems
    assert problem.message.startswith("2 entries of spec_details are unusable and were skipped: ")
    assert "spec_details[0] has a malformed 'hash'; skipped" in problem.message
    assert "spec_details[1] has no 'hash'" in problem.message
    assert len(record.specs) == len(expected.specs("develop-2025-04-20", "zlib-ng")) - 1


def test_specs_that_are_not_utf8_are_a_located_error(tmp_path: Path) -> None:
    raw = zlib_record()
    at = raw.index(b"spec_details")
    broken = raw[:at] + raw[at:].replace(b'"root"', b'"ro\xffot"', 1)
    path = tmp_path / "specs.md"
    path.write_bytes(broken)
    with pytest.raises(RecordError) as info:
        load_record(path, package="zlib-ng", tag="develop-2025-04-20")
    assert (info.value.problem.line, info.value.problem.message) == (
        6,
        "the record is not UTF-8 text",
    )


def test_meta_that_is_not_utf8_is_reported() -> None:
    broken = zlib_record().replace(b'"root"', b'"ro\xffot"', 1)  # the first is in meta
    assert broken.index(b"ro\xffot") < broken.index(b"spec_details")
    record, _ = parse_record(broken, Path("f.md"), package="zlib-ng", tag="develop-2025-04-20")
    meta = record.declared_meta()
    assert isinstance(meta, str)
    assert meta.startswith("'meta' is not valid JSON")


def test_the_store_is_a_source_whose_fingerprints_follow_its_folders(tmp_path: Path) -> None:
    """CacheStore gives what every source gives (sources.base.Source); its fingerprints
    change when a record or a snapshot is added, and only the one that should."""
    shutil.copytree(RECORDS, tmp_path / "cache")
    source: Source = CacheStore(tmp_path / "cache")
    assert isinstance(source, Source)
    tag = "develop-2025-04-20"
    assert source.packages(tag)[:2] == ("boost", "cmake")
    before = {None: source.fingerprint(), tag: source.fingerprint(tag)}
    other = "v0.23.1"
    other_before = source.fingerprint(other)

    (tmp_path / "cache" / tag / "zlib-ng-copy").mkdir()
    shutil.copy(
        tmp_path / "cache" / tag / "zlib-ng" / "specs.md", tmp_path / "cache" / tag / "zlib-ng-copy"
    )
    assert source.fingerprint(tag) != before[tag]
    assert source.fingerprint() == before[None]
    assert source.fingerprint(other) == other_before

    (tmp_path / "cache" / "v9.9.9").mkdir()
    assert source.fingerprint() != before[None]
    assert source.load_snapshot(tag).tag == tag
