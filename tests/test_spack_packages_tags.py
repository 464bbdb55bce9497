"""A tag of spack/spack-packages (``v2025.07.0``, the package repository Spack 1.0 reads
its recipes from; spack/spack#50798 points Spack 1.0.0 at ``v2025.07``, and
spack/spack-packages#947 backports to ``v2025.07.2``) looks like a release tag but names
no Spack release (issue 24). docs/install.rst: it needs Spack 1.0 or later, whose
options it gets, and its commands first pin the package repository to the tag
(``spack repo update builtin --tag TAG``, as the Spack tutorial's setup for Spack 1.0
does). Expected commands written by hand."""

from __future__ import annotations

import pytest

from sphinx_spackcache.data.install import install_commands

URL = "https://binaries.example.org/cache"


@pytest.mark.parametrize("tag", ["v2025.07.0", "v2025.07.2"])
@pytest.mark.parametrize("signed", [True, False])
def test_a_spack_packages_tag_gets_spack_1_and_a_pinned_repository(tag: str, signed: bool) -> None:
    commands = install_commands(tag, URL, signed=signed).commands("zlib")
    expected = [
        f"spack repo update builtin --tag {tag}",
        f"spack mirror add --{'signed' if signed else 'unsigned'} {tag} {URL}",
        *(["spack buildcache keys --install --trust"] if signed else []),
        "spack install --use-buildcache only zlib",
    ]
    assert commands == expected
