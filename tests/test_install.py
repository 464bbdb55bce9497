"""Install instructions: ``cache-install`` and ``cache-package :install:``, the commands
spelled for the snapshot's Spack, the URL from ``spackcache_mirror_url`` or the mirror,
and the per-row install command's spelling. Expected commands are written out by hand
from Spack's documentation (see sphinx_spackcache/data/install.py for the releases)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from sphinx_spackcache.data.install import install_commands, spack_release
from sphinx_spackcache.render.spectable import install_classes
from sphinx_spackcache.sources.urls import mirror_url

from .conftest import MIRRORS, Build, resolved, warnings_of

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
