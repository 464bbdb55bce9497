"""Install instructions: the Spack commands of :mod:`~sphinx_spackcache.data.install` as a
sentence and a standard ``literal_block`` in the ``console`` lexer, so that every builder
prints them and sphinx-copybutton (which leaves out the ``$`` prompts) copies them."""

from __future__ import annotations

from docutils import nodes

from ..data.install import InstallCommands
from .names import ROOT_CLASS

__all__ = ["INSTALL_CLASS", "install_nodes"]

#: The block of install commands (its container, of ``cache-install``, is ``-install``).
INSTALL_CLASS = f"{ROOT_CLASS}-commands"


def install_nodes(commands: InstallCommands, spec: str | None = None) -> list[nodes.Element]:
    """A sentence saying what the commands do, and the commands (``$`` prompts): add the
    snapshot's build cache as a mirror, trust its keys (signed binaries), and install
    *spec* from it (when one is given)."""
    signed = "signed" if commands.signed else "unsigned"
    what = f"install {spec} from" if spec else "use"
    lead = f"To {what} the build cache of {commands.name} ({signed} binaries) with Spack:"
    text = "\n".join(f"$ {line}" for line in commands.commands(spec))
    block = nodes.literal_block(text, text, language="console", classes=[INSTALL_CLASS])
    return [nodes.paragraph(lead, lead, classes=[f"{INSTALL_CLASS}-lead"]), block]
