"""Where readers find what the pages show: a snapshot's binaries (for the install
commands) and a package's recipe, from the URL templates of ``spackcache_mirror_url``
and ``spackcache_package_url``.

A template has one placeholder (``{tag}``, ``{package}``) and is filled by replacing it,
nothing else: no attributes, indexes or formats, which ``str.format`` would evaluate
(:func:`template_problem` says why a template is not one; the configuration checks use
it at start-up, so that :func:`fill` meets only good ones). Nothing here imports Sphinx.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from urllib.parse import quote

from ..data.problems import UNSHOWABLE, quoted
from ..data.snapshots import release_numbers

__all__ = [
    "DEFAULT_MIRROR_URL",
    "DEFAULT_PACKAGE_URL",
    "OCI_SCHEMES",
    "fill",
    "is_local_mirror",
    "is_oci",
    "is_url",
    "location_problem",
    "mirror_url",
    "package_url",
    "redact",
    "ref_mirror",
    "stack_mirror",
    "tarball_mirror",
    "template_problem",
]

#: Where cache.spack.io's snapshots are (``{tag}``: the snapshot; :func:`ref_mirror`
#: says which folder of it a snapshot is).
DEFAULT_MIRROR_URL = "https://binaries.spack.io/{tag}"
#: Spack's public build cache: the bucket ``s3://spack-binaries`` over https.
BINARIES = "https://binaries.spack.io"
#: A package's page on packages.spack.io (``{package}``: its name).
DEFAULT_PACKAGE_URL = "https://packages.spack.io/package.html?name={package}"

#: A mirror's folder or URL.
Location = str | os.PathLike[str]
#: ``spackcache_mirrors``: snapshot name -> the mirror's folder or URL, or (a snapshot
#: of one mirror per stack) stack -> the stack mirror's folder or URL.
Mirrors = Mapping[str, Location | Mapping[str, Location]]


#: The user information of a URL (``user:password@``, ``token@``): from the scheme's
#: ``//`` to the last ``@`` before the path, query or fragment (a careless password may
#: hold an ``@`` of its own; ``urllib`` too takes the host after the last one).
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


#: The schemes of an OCI registry's URL, as ``spack mirror add`` takes them (spack/spack
#: ``lib/spack/spack/oci/image.py``, ``ImageReference.from_url``): ``oci://`` (https),
#: ``oci+http://`` (plain http, for a registry on this machine).
OCI_SCHEMES = ("oci://", "oci+http://")


def is_url(location: str) -> bool:
    """Whether a mirror's location is a URL, http(s) or an OCI registry's (else it is a
    folder)."""
    return location.startswith(("http://", "https://", *OCI_SCHEMES))


def is_oci(location: str) -> bool:
    """Whether a mirror's location is an OCI registry (``oci://``, ``oci+http://``): its
    binaries are unsigned, and its index is read by :mod:`.oci`."""
    return location.startswith(OCI_SCHEMES)


def redact(text: str) -> str:
    """*text* with the user and password of every URL in it replaced by ``***``
    (``https://***@host/path``): every warning and line of output goes through this, so
    that a mirror URL with credentials in ``conf.py`` is never printed whole.

    >>> redact("cannot fetch https://me:secret@cache.example.org/2025.04: 404")
    'cannot fetch https://***@cache.example.org/2025.04: 404'
    """
    return _CREDENTIALS.sub(r"\1***@", text) if "@" in text else text


def location_problem(location: object) -> str | None:
    """Why *location* (a mirror's folder or URL in ``conf.py``) cannot be used as one:
    a character no page can show, such as a line break, which would draw a line of its
    own (a fake ``$`` prompt) in the install commands (``None`` when it can)."""
    text = os.fspath(location) if isinstance(location, str | os.PathLike) else None
    if isinstance(text, str) and UNSHOWABLE.search(text):
        return f"{quoted(redact(text))} holds a control or invisible character"
    return None


def template_problem(template: object, field: str) -> str | None:
    """Why *template* is not a template of plain ``{field}`` placeholders (``None`` when
    it is)."""
    if not isinstance(template, str):
        return f"{template!r} is not a str"
    problem = location_problem(template)
    if problem is not None:
        return problem
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"{template!r} cannot be read ({exc})"
    for _, name, spec, conversion in parts:
        if name is not None and (name != field or spec or conversion):
            written = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            return f"{template!r} has {written}; the only placeholder is {{{field}}}"
    return None


def fill(template: str, field: str, value: str) -> str:
    """*template* (checked by :func:`template_problem`) with ``{field}`` replaced by
    *value* and ``{{``/``}}`` read as braces."""
    return "".join(
        literal + (value if name is not None else "")
        for literal, name, _, _ in string.Formatter().parse(template)
    )


def is_local_mirror(tag: str, setting: str | Mapping[str, str], mirrors: Mirrors) -> bool:
    """Whether the install commands of *tag* name a folder of this machine: a mirror of
    *mirrors* given as a folder, with no URL for it in *setting*
    (``spackcache_mirror_url``)."""
    mirror = mirrors.get(tag)
    named = isinstance(setting, Mapping) and tag in setting
    if mirror is None or named or isinstance(mirror, Mapping):
        return False
    return not is_url(os.fspath(mirror))


def mirror_url(
    tag: str,
    setting: str | Mapping[str, str],
    mirrors: Mirrors,
    recorded: str | None = None,
) -> str:
    """Where the binaries of snapshot *tag* are, for the install commands, first of:

    * the URL *setting* (``spackcache_mirror_url``) names for it (a dict's entry);
    * the mirror's own folder or URL (*mirrors*);
    * a template of *setting* that is not the default, filled with *tag* (a site's
      deliberate choice beats what records say);
    * *recorded*, the mirror the snapshot's records name in their ``tarball`` URLs
      (:func:`tarball_mirror`);
    * the ref's folder of Spack's public build cache (:func:`ref_mirror`).

    A snapshot of one mirror per stack gets the template too: the stacks are several
    mirrors, and the install commands name one (``:stack:`` picks a stack's).
    """
    if isinstance(setting, Mapping) and tag in setting:
        return fill(str(setting[tag]), "tag", tag)
    mirror = mirrors.get(tag)
    if mirror is not None and not isinstance(mirror, Mapping):
        return str(os.fspath(mirror))
    template = setting.get("*", DEFAULT_MIRROR_URL) if isinstance(setting, Mapping) else setting
    if template != DEFAULT_MIRROR_URL:
        return fill(str(template), "tag", tag)
    return recorded or ref_mirror(tag)


def ref_mirror(tag: str) -> str:
    """The top-level mirror of snapshot *tag* in Spack's public build cache.

    Spack's CI writes each protected ref's binaries to ``s3://spack-binaries/<ref>``
    (spack/spack ``share/spack/gitlab/cloud_pipelines/.gitlab-ci.yml``,
    ``SPACK_COPY_BUILDCACHE: "s3://spack-binaries/${CI_COMMIT_REF_NAME}"``; the same in
    spack/spack-packages ``.ci/gitlab/.gitlab-ci.yml``), and
    spack/spack-infrastructure ``images/protected-publish/README.md`` lists the refs:
    ``develop``, ``develop-YYYY-MM-DD``, ``releases/vX.Y`` and ``vX.Y.Z``. A point-release
    tag and a develop snapshot are their own folder; cache.spack.io's old snapshots named
    ``vX.Y`` (v0.18, v0.19, v0.20) are the release *branches*: their records' tarballs
    are under ``https://binaries.spack.io/releases/v0.19/build_cache/``
    (spack/cache.spack.io ``_cache/v0.19/adept-utils/specs.md``).

    >>> ref_mirror("v0.23.1"), ref_mirror("v0.19")
    ('https://binaries.spack.io/v0.23.1', 'https://binaries.spack.io/releases/v0.19')
    """
    numbers = release_numbers(tag)
    if numbers is not None and len(numbers) == 2:
        return f"{BINARIES}/releases/{tag}"
    return f"{BINARIES}/{tag}"


#: Where a tarball's mirror ends: a v2 mirror's ``build_cache/`` or a v3 mirror's
#: content-addressed ``blobs/sha256/``.
_TARBALL_MIRROR = re.compile(r"(?P<mirror>https?://[^?#]+?)/(?:build_cache|blobs/sha256)/")


def tarball_mirror(tarball: str) -> str | None:
    """The mirror a record's *tarball* URL is in (``None``: it does not say).

    >>> tarball_mirror("https://binaries.spack.io/releases/v0.19/build_cache/a/b.spack")
    'https://binaries.spack.io/releases/v0.19'
    """
    found = _TARBALL_MIRROR.match(tarball)
    if found is None or location_problem(tarball) is not None:
        return None
    return found["mirror"]


def stack_mirror(url: str, stack: str | None) -> str:
    """The mirror of one *stack* of the ref whose top-level mirror is *url*:
    ``<url>/<stack>`` (spack-infrastructure ``images/protected-publish/README.md``:
    "Looking inside the develop prefix, we can see the top level mirror ... along with
    all the stack-specific mirrors"). ``root``, the label of the top-level mirror in the
    snapshot index and the stack every cache.spack.io spec lists, is *url* itself:
    there is no ``<ref>/root``."""
    if not stack or stack == "root":
        return url
    return url.rstrip("/") + "/" + stack


def package_url(template: str, package: str) -> str | None:
    """The page of *package*'s recipe from *template* (``spackcache_package_url``;
    ``None`` when it is empty); the name is URL-quoted (``+`` is a space in a query
    string)."""
    return fill(template, "package", quote(package, safe="")) if template else None
