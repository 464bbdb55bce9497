"""A copy button that copies runnable commands: the install commands are ``console``
blocks with a ``$`` prompt on each line, which Pygments marks ``.gp``, and
sphinx-copybutton 0.5.2 copies the prompts unless ``copybutton_exclude`` names ``.gp``
(its default is ``.linenos``: "BUG: Don't exclude ``.gp`` class by default. This made
excluding prompts more automatic, but broke the existing pattern-based prompt
exclusion", sphinx-copybutton ``CHANGELOG.md``, v0.5.2).

So at ``config-inited`` (before sphinx-copybutton's own handler, which copies the value
into ``html_context``, whatever the order of ``extensions``), when ``sphinx_copybutton``
is among the extensions, ``.gp`` is added to ``copybutton_exclude``, unless the site
strips prompts by pattern (``copybutton_prompt_text`` set: that pattern already takes the
``$`` away, and the two ways do not mix) or already excludes ``.gp``. Nothing changes
for a site without sphinx-copybutton.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

__all__ = ["PROMPT_CLASS", "exclude_prompts", "setup_copybutton"]

#: The class Pygments gives a prompt (``Generic.Prompt``).
PROMPT_CLASS = ".gp"


def exclude_prompts(exclude: str) -> str:
    """*exclude* (a ``copybutton_exclude`` value: CSS selectors, comma-separated) with
    :data:`PROMPT_CLASS` added when it does not name it yet.

    >>> exclude_prompts(".linenos")
    '.linenos, .gp'
    >>> exclude_prompts(".linenos, .gp")
    '.linenos, .gp'
    """
    selectors = [part.strip() for part in exclude.split(",") if part.strip()]
    if PROMPT_CLASS in selectors:
        return exclude
    return ", ".join([*selectors, PROMPT_CLASS])


def _exclude_prompts(app: Sphinx, config: Config) -> None:
    if "sphinx_copybutton" not in config.extensions:
        return
    if getattr(config, "copybutton_prompt_text", ""):
        return  # the site strips prompts by pattern
    exclude = getattr(config, "copybutton_exclude", None)
    if isinstance(exclude, str):
        config.copybutton_exclude = exclude_prompts(exclude)


def setup_copybutton(app: Sphinx) -> None:
    """Exclude the prompts from what sphinx-copybutton copies, where it is loaded."""
    # before sphinx-copybutton's own config-inited handler (priority 500), which copies
    # copybutton_exclude into html_context, whichever of the two is listed first
    app.connect("config-inited", _exclude_prompts, priority=100)
