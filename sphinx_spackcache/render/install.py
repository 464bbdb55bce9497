"""Install instructions: the Spack commands of :mod:`~sphinx_spackcache.data.install` as a
sentence, a standard ``literal_block`` in the ``console`` lexer (so that every builder
prints them; in HTML, sphinx-copybutton copies them without the ``$`` prompts, see
:mod:`~sphinx_spackcache.site.copybutton`), and a sentence on trust: the fingerprints
of the mirror's signing keys where the mirror shows them, or why nothing is trusted."""

from __future__ import annotations

from docutils import nodes

from ..data.install import InstallCommands
from ..sources.urls import is_oci
from .names import ROOT_CLASS

__all__ = ["INSTALL_CLASS", "install_nodes"]

#: The block of install commands (its container, of ``cache-install``, is ``-install``).
INSTALL_CLASS = f"{ROOT_CLASS}-commands"


def _trust(commands: InstallCommands) -> nodes.paragraph | None:
    """What the reader trusts: the keys' fingerprints, or why no key is trusted."""
    classes = [f"{INSTALL_CLASS}-trust"]
    if is_oci(commands.url):
        text = "Build caches in OCI registries are not signed: no key is trusted."
        return nodes.paragraph(text, text, classes=classes)
    if not commands.signed or not commands.fingerprints:
        return None
    paragraph = nodes.paragraph(classes=classes)
    many = len(commands.fingerprints) > 1
    paragraph += nodes.Text(
        f"The mirror's signing key{'s' if many else ''}, which "
        "spack buildcache keys --install --trust trusts, "
        f"{'have the fingerprints' if many else 'has the fingerprint'} "
    )
    for number, fingerprint in enumerate(commands.fingerprints):
        if number:
            paragraph += nodes.Text(", ")
        paragraph += nodes.literal(fingerprint, fingerprint)
    paragraph += nodes.Text(" (spack gpg list shows those you trust).")
    return paragraph


def install_nodes(commands: InstallCommands, spec: str | None = None) -> list[nodes.Element]:
    """A sentence saying what the commands do, and the commands (``$`` prompts): pin the
    package repository (where the snapshot has a spack-packages ref), add the snapshot's
    build cache as a mirror, trust its keys (signed binaries), and install *spec* from it
    (when one is given); then the keys' fingerprints, where known."""
    signed = "signed" if commands.signed else "unsigned"
    what = f"install {spec} from" if spec else "use"
    lead = f"To {what} the build cache of {commands.name} ({signed} binaries) with Spack:"
    text = "\n".join(f"$ {line}" for line in commands.commands(spec))
    block = nodes.literal_block(text, text, language="console", classes=[INSTALL_CLASS])
    result: list[nodes.Element] = [
        nodes.paragraph(lead, lead, classes=[f"{INSTALL_CLASS}-lead"]),
        block,
    ]
    trust = _trust(commands)
    if trust is not None:
        result.append(trust)
    return result
