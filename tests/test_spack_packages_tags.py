"""A tag of spack/spack-packages (``v2025.07.0``, the package repository Spack 1.0 reads
its recipes from; spack/spack#50798 points Spack 1.0.0 at ``v2025.07``, and
spack/spack-packages#947 backports to ``v2025.07.2``) looks like a release tag but names
no Spack release. docs/install.rst says it gets the current spelling, as a develop
snapshot does (issue 24): the commands are the develop snapshot's, with the name
swapped. Expected commands written by hand."""

from __future__ import annotations

import pytest

from sphinx_spackcache.data.install import install_commands

URL = "https://binaries.example.org/cache"


@pytest.mark.parametrize("tag", ["v2025.07.0", "v2025.07.2"])
@pytest.mark.parametrize("signed", [True, False])
def test_a_spack_packages_tag_gets_the_current_spelling(tag: str, signed: bool) -> None:
    commands = install_commands(tag, URL, signed=signed).commands("zlib")
    develop = install_commands("develop-2025-07-13", URL, signed=signed).commands("zlib")
    assert commands == [line.replace("develop-2025-07-13", tag) for line in develop]
    # the options of Spack 0.22 and later, which older releases do not have
    assert commands[0] == f"spack mirror add --{'signed' if signed else 'unsigned'} {tag} {URL}"
    assert commands[-1] == "spack install --use-buildcache only zlib"
