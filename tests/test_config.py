"""The settings every module reads: one frozen, typed :class:`SpackCacheConfig` per build,
with a field for each declared ``spackcache_*`` value, read after the values were checked,
and kept out of the pickled environment; and the record folders they name that must not
be read as pages."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from sphinx_spackcache.config import CONFIG_VALUES, SpackCacheConfig, spackcache_config
from sphinx_spackcache.sources.locations import folders_to_exclude
from sphinx_spackcache.sources.urls import Mirrors

from .conftest import RECORDS, Build


def test_a_field_for_each_declared_value() -> None:
    fields = [field.name for field in dataclasses.fields(SpackCacheConfig)]
    assert [f"spackcache_{name}" for name in fields] == [value.name for value in CONFIG_VALUES]


def test_the_values_of_a_build_read_once_and_frozen(build: Build) -> None:
    conf = {
        "spackcache_fetch_timeout": 3,
        "spackcache_mirror_url": {"*": "https://b.example/{tag}"},
        "spackcache_export": False,
    }
    app = build("basic", "text", conf=conf)
    settings = spackcache_config(app)
    assert settings == SpackCacheConfig(
        path=str(RECORDS),
        default_tag="develop-2025-04-20",  # tests/roots/test-basic/conf.py
        mirrors={},
        snapshot_index=None,
        snapshot_refs=("develop",),
        buckets={"spack-binaries": "https://binaries.spack.io/"},
        fetch_cache=None,
        fetch_timeout=3.0,
        fetch_max_age=600.0,
        fetch_sizes=True,
        mirror_url={"*": "https://b.example/{tag}"},
        package_url="https://packages.spack.io/package.html?name={package}",
        export=False,
        history=False,
        also_in=False,
        generate=True,
    )
    assert isinstance(settings.fetch_timeout, float)
    assert spackcache_config(app.env) is settings  # the application's or its environment's
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.export = True  # type: ignore[misc]
    # a copy: changing the configuration's dict afterwards changes nothing here
    app.config.spackcache_mirror_url["*"] = "changed"
    assert settings.mirror_url == {"*": "https://b.example/{tag}"}
    # not in the environment, which is pickled between builds and for -j
    assert SpackCacheConfig.__name__.encode() not in pickle.dumps(app.env)


def test_the_values_are_read_after_they_were_checked(build: Build) -> None:
    conf = {"spackcache_fetch_timeout": "soon", "spackcache_default_tag": "  "}
    settings = spackcache_config(build("basic", "text", conf=conf))
    assert settings.fetch_timeout == 10.0  # the default, after a warning
    assert settings.default_tag is None


def test_record_folders_in_the_source_folder_are_excluded(tmp_path: Path) -> None:
    """Worked out by hand: the source folder is ``docs``, ``conf.py`` is in ``conf``."""
    src, base = tmp_path / "docs", tmp_path / "conf"
    (src / "mirrors" / "site").mkdir(parents=True)
    base.mkdir()
    (src / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "outside").mkdir()
    mirrors: Mirrors = {
        "site": "../docs/mirrors/site",  # in the source folder
        "web": "https://example.org/docs/mirror",  # fetched: nothing to exclude
        "far": str(tmp_path / "far"),  # outside the source folder
        "link": "../docs/linked",  # a link in the source folder, to a folder outside
        # a snapshot of one mirror per stack: its folders in the source folder too
        "stacked": {"e4s": "../docs/mirrors/e4s", "ml": "https://example.org/ml"},
    }
    assert folders_to_exclude(src, base, "../docs/_cache", mirrors) == [
        "_cache",
        "mirrors/site",
        "linked",
        "mirrors/e4s",
    ]
    assert folders_to_exclude(src, base, "../docs", {}) == []  # the source folder itself
