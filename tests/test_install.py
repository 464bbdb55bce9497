"""Install instructions: ``cache-install`` and ``cache-package :install:``, the commands
spelled for the snapshot's Spack, the URL from ``spackcache_mirror_url`` or the mirror,
and the per-row install command's spelling. Expected commands are written out by hand
from Spack's documentation (see sphinx_spackcache/data/install.py for the releases)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from sphinx_spackcache.data.install import install_commands, spack_needs, spack_release
from sphinx_spackcache.render.install import install_nodes
from sphinx_spackcache.render.spectable import install_classes
from sphinx_spackcache.site.copybutton import _exclude_prompts, exclude_prompts
from sphinx_spackcache.sources.keys import fingerprint, keys_fingerprint, mirror_keys
from sphinx_spackcache.sources.urls import mirror_url, ref_mirror, stack_mirror, tarball_mirror

from .conftest import MIRRORS, RECORDS, Build, resolved, warnings_of

DEVELOP = "develop-2025-04-20"


def test_text_output_holds_the_commands(build: Build) -> None:
    app = build("install", "text")
    assert warnings_of(app) == []
    text = (app.outdir / "index.txt").read_text("utf-8")
    assert (
        "   $ spack mirror add --signed develop-2025-04-20 "
        "https://binaries.spack.io/develop-2025-04-20\n"
        "   $ spack buildcache keys --install --trust\n\n"
    ) in text
    assert (
        "   $ spack mirror add --signed v0.23.1 https://binaries.spack.io/v0.23.1\n"
        "   $ spack buildcache keys --install --trust\n"
        "   $ spack install --use-buildcache only cmake\n"
    ) in text
    # unsigned: no keys to trust
    assert (
        "   $ spack mirror add --unsigned develop-2025-04-20 "
        "https://binaries.spack.io/develop-2025-04-20\n"
        "   $ spack install --use-buildcache only cmake\n"
    ) in text
    assert "To install py-packaging from the build cache of develop-2025-04-20" in text


def test_commands_are_console_literal_blocks(build: Build) -> None:
    app = build("install", "pseudoxml")
    doctree = resolved(app, "index")
    blocks = [
        b for b in doctree.findall(nodes.literal_block) if "spackcache-commands" in b["classes"]
    ]
    assert len(blocks) == 4
    assert {b["language"] for b in blocks} == {"console"}
    assert all(line.startswith("$ spack ") for b in blocks for line in b.astext().splitlines())


def test_html_highlights_the_prompt_for_copybutton(build: Build) -> None:
    app = build("install", "html")
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    blocks = page.select("div.spackcache-commands")
    assert len(blocks) == 4
    # Pygments marks each prompt, which sphinx-copybutton leaves out by default (.gp)
    assert all(block.select("span.gp") for block in blocks)


def test_a_missing_package_is_a_located_warning(build: Build) -> None:
    app = build("install", "html")
    (app.srcdir / "index.rst").write_text("Install\n=======\n\n.. cache-install:: cmak\n", "utf-8")
    app = build("install", "html")
    warnings = warnings_of(app)
    assert any(
        "index.rst:4" in w and "no package 'cmak'" in w and "cmake" in w for w in warnings
    ), warnings


@pytest.mark.parametrize(
    ("tag", "release"),
    [
        ("v0.23.1", (0, 23, 1)),
        ("v0.18", (0, 18, 0)),
        ("v1.0.2", (1, 0, 2)),
        (DEVELOP, None),
        ("site-mirror", None),
        ("v0.23.1-rc", None),
        # every release tag of the order of snapshots (data/snapshots.py) is a release
        ("v1", (1, 0, 0)),
        ("v0.10", (0, 10, 0)),
        ("v0.18.1.2", (0, 18, 1)),
        ("v0.23.x", None),
    ],
)
def test_spack_release_of_a_tag(tag: str, release: tuple[int, int, int] | None) -> None:
    assert spack_release(tag) == release


@pytest.mark.parametrize(
    ("tag", "signed", "lines"),
    [
        # Spack 0.18: --cache-only, and no --signed/--unsigned on mirror add
        (
            "v0.18.1",
            True,
            [
                "spack mirror add v0.18.1 URL",
                "spack buildcache keys --install --trust",
                "spack install --cache-only zlib",
            ],
        ),
        # Spack 0.21: --use-buildcache, but unsigned binaries need --no-check-signature
        (
            "v0.21.2",
            False,
            [
                "spack mirror add v0.21.2 URL",
                "spack install --use-buildcache only --no-check-signature zlib",
            ],
        ),
        # Spack 0.22 and later: the mirror says whether it is signed
        (
            "v0.22.0",
            False,
            ["spack mirror add --unsigned v0.22.0 URL", "spack install --use-buildcache only zlib"],
        ),
        (
            DEVELOP,
            True,
            [
                f"spack mirror add --signed {DEVELOP} URL",
                "spack buildcache keys --install --trust",
                "spack install --use-buildcache only zlib",
            ],
        ),
    ],
)
def test_commands_follow_the_spack_release(tag: str, signed: bool, lines: list[str]) -> None:
    assert install_commands(tag, "URL", signed=signed).commands("zlib") == lines


def test_the_older_options_and_the_classes_that_tell_the_script() -> None:
    old = install_commands("v0.18.1", "URL")
    assert old.older_options() == ("--cache-only",)
    assert install_classes(old.older_options()) == ["spackcache-install-cache-only"]
    legacy = install_commands("v0.21.0", "URL", signed=False)
    assert legacy.older_options() == ("--no-check-signature",)
    assert install_classes(legacy.older_options()) == ["spackcache-install-no-check-signature"]
    assert install_commands(DEVELOP, "URL").older_options() == ()


def test_a_url_that_is_not_one_word_is_quoted() -> None:
    commands = install_commands("site", "/srv/build caches/site; rm -rf ~", signed=False)
    assert (
        commands.commands()[0]
        == "spack mirror add --unsigned site '/srv/build caches/site; rm -rf ~'"
    )


def test_mirror_url_from_the_template_the_dict_or_the_mirror() -> None:
    default = "https://binaries.spack.io/{tag}"
    assert mirror_url("v0.23.1", default, {}) == "https://binaries.spack.io/v0.23.1"
    assert mirror_url("t", "s3://c/{tag}/x", {}) == "s3://c/t/x"
    by_name = {"*": "https://b.example/{tag}", "site": "https://site.example"}
    mirrors = {"site": "_mirrors/site", "web": "https://web.example/cache"}
    assert mirror_url("site", by_name, mirrors) == "https://site.example"  # the dict names it
    assert mirror_url("web", by_name, mirrors) == "https://web.example/cache"  # the mirror's own
    assert mirror_url("v0.23.1", by_name, mirrors) == "https://b.example/v0.23.1"  # the template
    assert mirror_url("t", {}, {}) == "https://binaries.spack.io/t"


def test_a_template_that_cannot_be_filled_warns_and_falls_back(build: Build) -> None:
    app = build(
        "install",
        "text",
        conf={"spackcache_mirror_url": "https://x.example/{snapshot}", "spackcache_package_url": 3},
    )
    warnings = warnings_of(app)
    assert any(
        "spackcache_mirror_url: 'https://x.example/{snapshot}' has {snapshot}; the only "
        "placeholder is {tag}; using the default"
        in w
        and "[spackcache.config]" in w
        for w in warnings
    ), warnings
    assert any("spackcache_package_url must be str" in w for w in warnings), warnings
    text = (app.outdir / "index.txt").read_text("utf-8")
    assert "https://binaries.spack.io/v0.23.1" in text


def test_mirrors_are_installed_from_their_own_url_or_the_one_named(build: Build) -> None:
    conf = {
        "spackcache_mirrors": {
            "spack-test": str(MIRRORS / "spack-v2-test"),
            "clingo": str(MIRRORS / "clingo-bootstrap"),
        },
        "spackcache_mirror_url": {"clingo": "https://mirror.example.org/clingo"},
    }
    app = build("mirrors", "text", conf=conf)
    (app.srcdir / "install.rst").write_text(
        ":orphan:\n\nInstall\n=======\n\n"
        ".. cache-install:: libelf\n   :tag: spack-test\n   :unsigned:\n\n"
        ".. cache-install:: zlib\n   :tag: clingo\n",
        "utf-8",
    )
    app = build("mirrors", "text", conf=conf)
    # the folder mirror's commands name a path of this machine: said once, where used
    (warning,) = warnings_of(app)
    assert "install.rst:6: WARNING: cache-install: mirror 'spack-test' is a local folder" in warning
    assert warning.endswith("[spackcache.install]")
    text = (app.outdir / "install.txt").read_text("utf-8")
    # a folder mirror: the folder, as conf.py names it; a mirror the dict names: that URL
    assert (
        f"   $ spack mirror add --unsigned spack-test {MIRRORS / 'spack-v2-test'}\n"
        "   $ spack install --use-buildcache only libelf\n"
    ) in text
    assert (
        "   $ spack mirror add --signed clingo https://mirror.example.org/clingo\n"
        "   $ spack buildcache keys --install --trust\n"
        "   $ spack install --use-buildcache only zlib\n"
    ) in text


@pytest.mark.parametrize(
    "template", ["https://x/{tag.x}", "https://x/{tag[a]}", "https://x/{tag[3]}", "{"]
)
def test_a_template_that_would_run_code_or_fail_later_is_dropped(
    build: Build, template: str
) -> None:
    conf = {"spackcache_mirror_url": {"*": "https://b.example/{tag}", "v0.23.1": template}}
    app = build("install", "text", conf=conf)
    warnings = warnings_of(app)
    assert any(
        "spackcache_mirror_url['v0.23.1']: " in w and "it is left out" in w for w in warnings
    ), warnings
    text = (app.outdir / "index.txt").read_text("utf-8")
    # the bad entry is gone, the rest of the dict stays
    assert "https://b.example/v0.23.1" in text
    assert "https://b.example/develop-2025-04-20" in text


def test_recipe_links_quote_the_package_name() -> None:
    from sphinx_spackcache.sources.urls import DEFAULT_PACKAGE_URL, package_url

    assert (
        package_url(DEFAULT_PACKAGE_URL, "gtkplus+x")
        == "https://packages.spack.io/package.html?name=gtkplus%2Bx"
    )
    assert package_url("", "x") is None


# -- issue 24: recipes for every kind of snapshot ----------------------------------------

KEYS = Path(__file__).parent / "keys"
#: The fingerprint GnuPG printed for the test key (tests/keys/README.md).
KEY = "39929CFE67E8E15E2944C2EE9E05943D29B4D58B"

#: spack/cache.spack.io ``_cache/v0.19/adept-utils/specs.md`` (commit 2bf99ddf), verbatim:
#: a snapshot cache.spack.io calls v0.19, whose binaries are on the release *branch*.
V019_ADEPT_UTILS = (
    '---\ntitle: "adept-utils"\nlayout: cache\ncategories: [package, v0.19]\n'
    'meta: {"versions": ["1.0.1"], "compilers": ["gcc@=7.5.0"], "oss": ["ubuntu18.04"], '
    '"platforms": ["linux"], "targets": ["x86_64"], "stacks": ["tutorial"], "num_specs": 1, '
    '"num_specs_by_stack": {"tutorial": 1}}\n'
    'spec_details: [{"hash": "omsa5yd2ho7enw3rc5lfgpvsqcvwspgu", "compiler": "gcc@=7.5.0", '
    '"versions": ["1.0.1"], "os": "ubuntu18.04", "platform": "linux", "target": "x86_64", '
    '"variants": ["build_system=cmake", "build_type=RelWithDebInfo", "~ipo"], "stacks": '
    '["tutorial"], "size": "-", "tarball": "https://binaries.spack.io/releases/v0.19/'
    "build_cache/linux-ubuntu18.04-x86_64/gcc-7.5.0/adept-utils-1.0.1/linux-ubuntu18.04-"
    'x86_64-gcc-7.5.0-adept-utils-1.0.1-omsa5yd2ho7enw3rc5lfgpvsqcvwspgu.spack"}]\n---'
)


def _tarball_prefixes(record: Path) -> set[str]:
    """The part before ``/build_cache/`` of each tarball URL of *record* (the test's own
    reading, apart from the code's)."""
    urls = re.findall(r'"tarball": "([^"]+)"', record.read_text("utf-8"))
    return {url.split("/build_cache/")[0] for url in urls}


def test_each_kind_of_ref_has_its_mirror() -> None:
    # a point-release tag is its own folder: the records' tarballs say so
    (v0231,) = _tarball_prefixes(RECORDS / "v0.23.1" / "cmake" / "specs.md")
    assert ref_mirror("v0.23.1") == v0231 == "https://binaries.spack.io/v0.23.1"
    # cache.spack.io's v0.19 is the branch releases/v0.19 (its record's tarball)
    (v019,) = re.findall(r'"tarball": "([^"]+)/build_cache/', V019_ADEPT_UTILS)
    assert ref_mirror("v0.19") == v019 == "https://binaries.spack.io/releases/v0.19"
    assert ref_mirror("v0.18") == "https://binaries.spack.io/releases/v0.18"
    assert ref_mirror("v0.20") == "https://binaries.spack.io/releases/v0.20"
    # develop and its snapshots: s3://spack-binaries/${CI_COMMIT_REF_NAME}
    assert ref_mirror("develop") == "https://binaries.spack.io/develop"
    assert ref_mirror(DEVELOP) == f"https://binaries.spack.io/{DEVELOP}"
    # spack-packages release tags and branches follow the same CI rule
    assert ref_mirror("v2025.07.0") == "https://binaries.spack.io/v2025.07.0"
    assert ref_mirror("v2025.07") == "https://binaries.spack.io/releases/v2025.07"


def test_the_mirror_a_tarball_names_and_a_stacks_mirror() -> None:
    record = V019_ADEPT_UTILS.split('"tarball": "')[1].split('"')[0]
    assert tarball_mirror(record) == "https://binaries.spack.io/releases/v0.19"
    v3 = "https://cache.example.org/e4s/blobs/sha256/ab/" + "ab" * 32
    assert tarball_mirror(v3) == "https://cache.example.org/e4s"
    assert tarball_mirror("https://x.example/a.spack") is None
    assert tarball_mirror("file:///srv/build_cache/a.spack") is None
    # a stack is a folder of its ref; root is the ref itself: there is no <ref>/root
    assert stack_mirror("https://binaries.spack.io/develop", "e4s") == (
        "https://binaries.spack.io/develop/e4s"
    )
    assert stack_mirror("https://binaries.spack.io/develop", "root") == (
        "https://binaries.spack.io/develop"
    )


@pytest.mark.parametrize(
    ("tag", "release", "packages"),
    [
        # spack-packages releases are not Spack versions: Spack >= 1.0, recipes pinned
        ("v2025.07.0", None, ("--tag", "v2025.07.0")),
        ("v2026.02.0", None, ("--tag", "v2026.02.0")),
        ("v2025.07", None, ("--branch", "releases/v2025.07")),
        # develop snapshots: the newest release published by their day
        ("develop-2022-11-10", (0, 18, 0), None),
        ("develop-2023-05-14", (0, 19, 0), None),  # the oldest in cache.spack.io's tags
        ("develop-2024-03-17", (0, 19, 0), None),  # #41507 unconfirmed merge: older spelling
        ("develop-2024-05-11", (0, 19, 0), None),
        ("develop-2024-05-12", None, None),  # v0.22.0's day
        (DEVELOP, None, None),
        ("develop-2025-07-20", None, ("--tag", "develop-2025-07-20")),  # v1.0.0's day
        ("develop-2025-13-45", None, None),  # no day: a current Spack
        ("v0.19", (0, 19, 0), None),
        ("v1.0.2", (1, 0, 2), None),
    ],
)
def test_the_spack_a_snapshot_needs(
    tag: str, release: tuple[int, int, int] | None, packages: tuple[str, str] | None
) -> None:
    needs = spack_needs(tag)
    assert (needs.release, needs.packages) == (release, packages)


@pytest.mark.parametrize(
    ("tag", "signed", "lines"),
    [
        # a develop snapshot older than --signed (and than v0.22.0): neither option
        (
            "develop-2024-03-17",
            True,
            [
                "spack mirror add develop-2024-03-17 URL",
                "spack buildcache keys --install --trust",
                "spack install --use-buildcache only zlib",
            ],
        ),
        (
            "develop-2024-03-17",
            False,
            [
                "spack mirror add develop-2024-03-17 URL",
                "spack install --use-buildcache only --no-check-signature zlib",
            ],
        ),
        # a spack-packages release: pin the recipes, then today's spelling
        (
            "v2025.07.0",
            True,
            [
                "spack repo update builtin --tag v2025.07.0",
                "spack mirror add --signed v2025.07.0 URL",
                "spack buildcache keys --install --trust",
                "spack install --use-buildcache only zlib",
            ],
        ),
    ],
)
def test_commands_for_develop_dates_and_package_releases(
    tag: str, signed: bool, lines: list[str]
) -> None:
    assert install_commands(tag, "URL", signed=signed).commands("zlib") == lines


def _records_with(tmp_path: Path, tag: str, package: str, text: str) -> Path:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    (records / tag / package).mkdir(parents=True)
    (records / tag / package / "specs.md").write_text(text, "utf-8")
    return records


def _page(app: Any, text: str) -> None:
    """Write the page ``recipes.rst`` (orphan: the root's toctree stays as it is)."""
    (app.srcdir / "recipes.rst").write_text(":orphan:\n\nRecipes\n=======\n\n" + text, "utf-8")


def test_an_old_snapshot_is_installed_from_its_release_branch(build: Build, tmp_path: Path) -> None:
    records = _records_with(tmp_path, "v0.19", "adept-utils", V019_ADEPT_UTILS)
    conf = {"spackcache_path": str(records)}
    app = build("install", "text", conf=conf)
    _page(app, ".. cache-install:: adept-utils\n   :tag: v0.19\n")
    app = build("install", "text", conf=conf)
    assert warnings_of(app) == []
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert (
        "   $ spack mirror add v0.19 https://binaries.spack.io/releases/v0.19\n"
        "   $ spack buildcache keys --install --trust\n"
        "   $ spack install --use-buildcache only adept-utils\n"
    ) in text


def test_the_records_tarball_names_the_mirror_unless_conf_py_does(
    build: Build, tmp_path: Path
) -> None:
    moved = V019_ADEPT_UTILS.replace(
        "https://binaries.spack.io/releases/v0.19/", "https://mirror.example.org/spack/"
    ).replace("v0.19", "site-2025")
    records = _records_with(tmp_path, "site-2025", "adept-utils", moved)
    conf: dict[str, object] = {"spackcache_path": str(records)}
    app = build("install", "text", conf=conf)
    _page(app, ".. cache-install:: adept-utils\n   :tag: site-2025\n")
    app = build("install", "text", conf=conf)
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert "$ spack mirror add --signed site-2025 https://mirror.example.org/spack\n" in text
    # a template of conf.py is a site's own choice: it wins over the records
    conf["spackcache_mirror_url"] = "https://copy.example.org/{tag}"
    app = build("install", "text", conf=conf)
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert "$ spack mirror add --signed site-2025 https://copy.example.org/site-2025\n" in text


def test_a_stacks_mirror(build: Build) -> None:
    app = build("install", "text")
    _page(
        app,
        ".. cache-install:: cmake\n   :tag: v0.23.1\n   :stack: e4s\n\n"
        ".. cache-install:: cmake\n   :tag: v0.23.1\n   :stack: root\n\n"
        ".. cache-install:: cmake\n   :tag: v0.23.1\n   :stack: e4z\n\n"
        ".. cache-package:: cmake\n   :tag: v0.23.1\n   :install: tutorial\n",
    )
    app = build("install", "text")
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert (
        "   $ spack mirror add --signed v0.23.1-e4s https://binaries.spack.io/v0.23.1/e4s\n"
    ) in text
    assert (
        "   $ spack mirror add --signed v0.23.1-tutorial "
        "https://binaries.spack.io/v0.23.1/tutorial\n"
    ) in text
    assert "/root" not in text
    # root, and a stack no binary is in (after a warning), are the top-level mirror
    assert (
        text.count("$ spack mirror add --signed v0.23.1 https://binaries.spack.io/v0.23.1\n") == 2
    )
    (warning,) = warnings_of(app)
    assert "recipes.rst:14" in warning
    assert "no binary here is in stack 'e4z'" in warning
    assert "e4s" in warning
    assert warning.endswith("[spackcache.stack]")


def _mirror_with_keys(tmp_path: Path, name: str, keys: dict[str, bytes]) -> Path:
    folder = tmp_path / name
    shutil.copytree(MIRRORS / "spack-v2-test", folder)
    pgp = folder / "build_cache" / "_pgp"
    pgp.mkdir()
    for file, raw in keys.items():
        (pgp / file).write_bytes(raw)
    return folder


def test_a_mirror_folders_keys_are_shown_and_bad_ones_warned(build: Build, tmp_path: Path) -> None:
    key = (KEYS / f"{KEY}.pub").read_bytes()
    folder = _mirror_with_keys(
        tmp_path,
        "signed",
        {
            f"{KEY}.pub": key,
            "broken.pub": b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n",
            f"{'0' * 40}.pub": key,  # a name that is not its key
        },
    )
    conf = {
        "spackcache_mirrors": {"signed": str(folder)},
        "spackcache_mirror_url": {"signed": "https://cache.example.org/signed"},
    }
    app = build("mirrors", "text", conf=conf)
    (app.srcdir / "install.rst").write_text(
        ":orphan:\n\nInstall\n=======\n\n.. cache-install:: libelf\n   :tag: signed\n", "utf-8"
    )
    app = build("mirrors", "text", conf=conf)
    text = " ".join((app.outdir / "install.txt").read_text("utf-8").split())
    assert f'has the fingerprint "{KEY}"' in text
    assert "0" * 40 not in text
    warnings = [w for w in warnings_of(app) if "[spackcache.install]" in w]
    assert any(
        f"{folder / 'build_cache' / '_pgp' / 'broken.pub'}:1" in w
        and "not a usable signing key" in w
        and w.endswith("[spackcache.install]")
        for w in warnings
    ), warnings
    assert any(
        f"the key's fingerprint is {KEY}, not the {'0' * 40} its name says" in w for w in warnings
    ), warnings
    assert len(warnings) == 2, warnings


def test_v3_key_manifests(tmp_path: Path) -> None:
    import hashlib
    import json

    folder = tmp_path / "v3"
    shutil.copytree(MIRRORS / "spack-v3-test", folder)
    key = (KEYS / f"{KEY}.pub").read_bytes()
    checksum = hashlib.sha256(key).hexdigest()
    blob = folder / "blobs" / "sha256" / checksum[:2] / checksum
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(key)
    manifests = folder / "v3" / "manifests" / "key"
    manifests.mkdir(parents=True)
    entry = {"mediaType": "application/pgp-keys", "checksumAlgorithm": "sha256"}
    (manifests / f"{KEY}.key.manifest.json").write_text(
        json.dumps({"version": 3, "data": [{**entry, "checksum": checksum}]}), "utf-8"
    )
    (manifests / f"{'A' * 40}.key.manifest.json").write_text(
        json.dumps({"version": 3, "data": [{**entry, "checksum": "f" * 64}]}), "utf-8"
    )
    # a blob whose bytes are not its checksum's: the same key, under another name
    other = "e" * 64
    (folder / "blobs" / "sha256" / "ee").mkdir(parents=True, exist_ok=True)
    (folder / "blobs" / "sha256" / "ee" / other).write_bytes(key)
    (manifests / f"{'B' * 40}.key.manifest.json").write_text(
        json.dumps({"version": 3, "data": [{**entry, "checksum": other}]}), "utf-8"
    )
    prints, problems, read = mirror_keys(folder)
    assert prints == (KEY,)
    missing, altered = problems
    assert missing.path == manifests / f"{'A' * 40}.key.manifest.json"
    assert "signing key not read" in missing.message
    assert altered.path == manifests / f"{'B' * 40}.key.manifest.json"
    assert "does not match its checksum" in altered.message
    assert blob in read
    # files only (a folder or a missing file as a dependency would have Sphinx read the
    # page again on every build); added key files are seen by keys_fingerprint
    assert manifests not in read
    assert all(path.is_file() for path in read)
    assert manifests / f"{'A' * 40}.key.manifest.json" in read
    before = keys_fingerprint(folder)
    (manifests / f"{'C' * 40}.key.manifest.json").write_text("{}", "utf-8")
    assert keys_fingerprint(folder) != before


def test_fingerprints_of_binary_and_armored_keys() -> None:
    armored = (KEYS / f"{KEY}.pub").read_bytes()
    assert fingerprint(armored) == KEY
    body = b"".join(
        line
        for line in armored.split(b"\n\n", 1)[1].splitlines()
        if line and not line.startswith((b"=", b"-----"))
    )
    import base64

    assert fingerprint(base64.b64decode(body)) == KEY
    for bad in (b"", b"hello", b"\x99\x00", base64.b64decode(body)[:40]):
        with pytest.raises(ValueError, match=r"packet|PGP PUBLIC KEY"):
            fingerprint(bad)


def test_oci_mirrors_say_they_are_unsigned() -> None:
    commands = install_commands("ci", "oci://ghcr.io/example/cache", signed=False)
    texts = [node.astext() for node in install_nodes(commands, "zlib")]
    assert texts[-1] == "Build caches in OCI registries are not signed: no key is trusted."
    assert "keys --install" not in texts[1]


def test_copybutton_leaves_out_the_prompts() -> None:
    assert exclude_prompts(".linenos") == ".linenos, .gp"
    assert exclude_prompts(".linenos, .gp, .go") == ".linenos, .gp, .go"
    loaded = SimpleNamespace(
        extensions=["sphinx_copybutton"], copybutton_exclude=".linenos", copybutton_prompt_text=""
    )
    _exclude_prompts(None, loaded)  # type: ignore[arg-type]
    assert loaded.copybutton_exclude == ".linenos, .gp"
    # a site that strips prompts by pattern, or without sphinx-copybutton: unchanged
    pattern = SimpleNamespace(
        extensions=["sphinx_copybutton"], copybutton_exclude=".linenos", copybutton_prompt_text="$ "
    )
    _exclude_prompts(None, pattern)  # type: ignore[arg-type]
    assert pattern.copybutton_exclude == ".linenos"
    absent = SimpleNamespace(extensions=[], copybutton_exclude=".linenos")
    _exclude_prompts(None, absent)  # type: ignore[arg-type]
    assert absent.copybutton_exclude == ".linenos"


def test_a_stack_of_a_snapshot_of_one_mirror_per_stack(build: Build) -> None:
    """``:stack:`` of a snapshot of one mirror per stack: the stack's own mirror (a folder
    is said once), or, when spackcache_mirror_url names the snapshot, that URL's stack."""
    stacked = {"site": {"e4s": str(MIRRORS / "spack-v2-test")}}
    page = ".. cache-install:: libelf\n   :tag: site\n   :stack: e4s\n   :unsigned:\n"
    app = build("mirrors", "text", conf={"spackcache_mirrors": stacked})
    _page(app, page)
    app = build("mirrors", "text", conf={"spackcache_mirrors": stacked})
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert f"$ spack mirror add --unsigned site-e4s {MIRRORS / 'spack-v2-test'}\n" in text
    (warning,) = [w for w in warnings_of(app) if "recipes.rst" in w]
    assert "recipes.rst:6" in warning
    assert "stack 'e4s' of 'site' is a local folder" in warning
    conf = {
        "spackcache_mirrors": stacked,
        "spackcache_mirror_url": {"site": "https://cache.example.org/site"},
    }
    app = build("mirrors", "text", conf=conf)
    text = (app.outdir / "recipes.txt").read_text("utf-8")
    assert "$ spack mirror add --unsigned site-e4s https://cache.example.org/site/e4s\n" in text
    assert [w for w in warnings_of(app) if "recipes.rst" in w] == []


def test_a_key_added_to_the_mirror_reaches_the_page(build: Build, tmp_path: Path) -> None:
    """Incremental builds: the page depends on the mirror's key folders."""
    folder = tmp_path / "later"
    shutil.copytree(MIRRORS / "spack-v2-test", folder)
    conf = {
        "spackcache_mirrors": {"later": str(folder)},
        "spackcache_mirror_url": {"later": "https://cache.example.org/later"},
    }
    app = build("mirrors", "text", conf=conf)
    _page(app, ".. cache-install:: libelf\n   :tag: later\n")
    app = build("mirrors", "text", conf=conf)
    assert KEY not in (app.outdir / "recipes.txt").read_text("utf-8")
    (folder / "build_cache" / "_pgp").mkdir()
    shutil.copy(KEYS / f"{KEY}.pub", folder / "build_cache" / "_pgp")
    app = build("mirrors", "text", conf=conf)
    assert KEY in (app.outdir / "recipes.txt").read_text("utf-8")


def test_key_files_are_bounded_in_number_and_size(tmp_path: Path) -> None:
    from sphinx_spackcache.sources.keys import MAX_KEY_BYTES, MAX_KEYS

    pgp = tmp_path / "build_cache" / "_pgp"
    pgp.mkdir(parents=True)
    key = (KEYS / f"{KEY}.pub").read_bytes()
    (pgp / f"{KEY}.pub").write_bytes(key)
    (pgp / "big.pub").write_bytes(key + b"\n" * MAX_KEY_BYTES)
    for number in range(MAX_KEYS):
        (pgp / f"z{number:02}.pub").write_bytes(b"not a key")
    prints, problems, _ = mirror_keys(tmp_path)
    assert prints == (KEY,)
    assert problems[0].message == f"{MAX_KEYS + 2} key files; only the first {MAX_KEYS} are read"
    assert problems[1].path == pgp / "big.pub"
    assert problems[1].message.startswith("signing key not read")
    # 16 read: the key, big.pub and 14 of the others
    assert len(problems) == 2 + MAX_KEYS - 2
