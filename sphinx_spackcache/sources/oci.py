"""A Spack build cache in an OCI registry (``oci://ghcr.io/<owner>/<name>``), read the
way Spack reads it, into a local copy that :class:`~.mirror.MirrorSource` reads like a
v2 mirror.

How Spack lays out a build cache in a registry (spack/spack):

* ``lib/spack/spack/oci/image.py``: ``ImageReference.from_url`` takes ``oci://<host>/
  <name>`` (https) and ``oci+http://<host>/<name>`` (plain http), the name in lower
  case; ``manifest_url`` is ``<scheme>://<host>/v2/<name>/manifests/<tag>`` and
  ``blob_url`` ``<scheme>://<host>/v2/<name>/blobs/sha256:<hex>``; ``default_index_tag``
  is ``index.spack``; ``default_tag(spec)`` (:func:`spec_tag`) is
  ``<name>-<version>-<hash>.spack``, each binary an image of its own;
* ``lib/spack/spack/binary_distribution.py``: ``_oci_update_index`` pushes the database
  (the ``index.json`` of a v2 mirror) as the only layer of an image manifest
  (``application/vnd.oci.image.manifest.v1+json``, an empty ``{}`` config) tagged
  ``index.spack``; ``OCIIndexFetcher`` reads it back: the manifest, then the blob its
  first layer's digest names, whose SHA-256 must be that digest;
* ``lib/spack/spack/oci/opener.py``: ``OCIAuthHandler`` answers a 401 whose
  ``WWW-Authenticate`` is ``Bearer realm=…,service=…,scope=…`` by asking the realm for a
  token (``?service=…&scope=…``; the answer's ``token`` or ``access_token``) and
  asking again with ``Authorization: Bearer <token>`` (public images on ghcr.io need
  this anonymous handshake); credentials go to the realm as HTTP basic authentication,
  over https only.

:func:`fetch_oci` does the same within one deadline (``spackcache_fetch_timeout``, the
opener of :mod:`.fetch`: connecting, every read and the token request), and keeps the
copy as :mod:`.fetch` keeps a v2 mirror's, in the folder of :func:`~.fetch.cache_folder`:
the database in ``build_cache/index.json``, the layer's digest beside it in
``index.json.hash``. Within ``spackcache_fetch_max_age`` nothing is asked; after that the
manifest (a few hundred bytes) is, and the blob only when its digest is not the copy's.

Credentials, for a private registry, come from the environment, never from ``conf.py``:
:data:`USERNAME_VARIABLE` and :data:`PASSWORD_VARIABLE` (on ghcr.io a user and a token
with ``read:packages``). They are sent over https only, to the token service the
registry names (or to the registry itself when it asks for basic authentication).

A build cache in a registry is unsigned (Spack signs the spec files of a mirror of files;
the images of a registry have none): the install commands say ``--unsigned``. Nothing
here imports Sphinx or docutils.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

from .fetch import (
    CHECKED,
    SMALL_BYTES,
    Deadline,
    FetchResult,
    UnusableIndexError,
    file_age,
    intact_v2,
    opener,
    remember_checksum,
    unreachable,
)
from .files import write_atomically
from .mirror import INDEX, INDEX_HASH, MAX_INDEX
from .urls import OCI_SCHEMES, redact

__all__ = [
    "INDEX_TAG",
    "PASSWORD_VARIABLE",
    "USERNAME_VARIABLE",
    "Registry",
    "fetch_oci",
    "parse_challenge",
    "spec_tag",
]

#: The tag of the image whose layer is the build cache's index.
INDEX_TAG = "index.spack"
#: The environment variable with the user name for a private registry.
USERNAME_VARIABLE = "SPACKCACHE_OCI_USERNAME"
#: The environment variable with the password (or token) for a private registry.
PASSWORD_VARIABLE = "SPACKCACHE_OCI_PASSWORD"

#: The media type of the image manifest Spack pushes.
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
#: The media types of a manifest read (Docker's image manifest has the same fields).
_MANIFESTS = (OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json")
#: Lists of manifests (asked for too, so that a registry that has one says so).
_LISTS = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_ACCEPT = ", ".join((*_MANIFESTS, *_LISTS))
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")

# The parts of a reference, after spack/spack lib/spack/spack/oci/image.py.
_COMPONENT = r"[a-zA-Z0-9]+(?:(?:[._]|__|-+)[a-zA-Z0-9]+)*"
_HOST = (
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
)
_REFERENCE = re.compile(
    rf"(?P<host>{_HOST}(?::[0-9]+)?)/(?P<name>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::[\w][\w.-]{0,127})?"
)


@dataclass(frozen=True, slots=True)
class Registry:
    """Where a build cache in a registry is: ``<scheme>://<host>/v2/<name>/``."""

    scheme: str
    host: str
    name: str

    @classmethod
    def parse(cls, url: str) -> Registry:
        """The registry of *url* (``oci://<host>/<name>``, ``oci+http://<host>/<name>``;
        a tag after the name is ignored, as Spack ignores it for the index).

        >>> Registry.parse("oci://ghcr.io/Spack/Cache")
        Registry(scheme='https', host='ghcr.io', name='spack/cache')

        :raises ValueError: when it is not one (Docker Hub's short names included: the
            host must be given).
        """
        scheme = "http" if url.startswith("oci+http://") else "https"
        rest = url.removeprefix(OCI_SCHEMES[1] if scheme == "http" else OCI_SCHEMES[0])
        match = _REFERENCE.fullmatch(rest.rstrip("/"))
        if not url.startswith(OCI_SCHEMES) or match is None:
            raise ValueError("not oci://<host>/<name> (a registry's host, then the image)")
        return cls(scheme, match["host"].lower(), match["name"].lower())

    def manifest_url(self, tag: str) -> str:
        """The URL of the manifest tagged *tag*."""
        return f"{self.scheme}://{self.host}/v2/{self.name}/manifests/{tag}"

    def blob_url(self, digest: str) -> str:
        """The URL of the blob *digest* (``sha256:<hex>``)."""
        return f"{self.scheme}://{self.host}/v2/{self.name}/blobs/{digest}"


def spec_tag(name: str, version: str, spec_hash: str) -> str:
    """The tag of a binary's image (Spack's ``default_tag``: characters a tag cannot
    hold become ``_``, and a tag longer than 128 keeps its first and last 64).

    >>> spec_tag("zlib", "1.3.1", "abcdefgh")
    'zlib-1.3.1-abcdefgh.spack'
    """
    tag = re.sub(r"[^\w.-]", "_", f"{name}-{version}-{spec_hash}.spack")
    return tag[:64] + tag[-64:] if len(tag) > 128 else tag


def fetch_oci(url: str, cache: Path, *, timeout: float, max_age: float) -> FetchResult:
    """Bring the copy of the index of the build cache in the registry at *url* in *cache*
    up to date (see the module's description), in at most *timeout* seconds."""
    try:
        registry = Registry.parse(url)
    except ValueError as exc:
        return FetchResult(None, f"{redact(url)} is {exc}; the mirror is left out", 0)
    intact = intact_v2(cache)
    copy = cache / INDEX if intact is not None else None
    if copy is not None and max_age > 0 and file_age(cache / CHECKED) < max_age:
        return FetchResult(cache, "", 0)
    deadline = Deadline(timeout)
    client = _Client(opener(deadline), url.startswith(OCI_SCHEMES[0]))
    try:
        result = _fetch_index(registry, cache, client, intact)
    except urllib.error.HTTPError as exc:
        exc.close()
        answered = f"{redact(exc.url)} answered {exc.code} {exc.reason}"
        if exc.code in (401, 403):
            answered += f" (a private registry: set {USERNAME_VARIABLE} and {PASSWORD_VARIABLE})"
        return unreachable(url, cache, copy, answered, deadline, client.requests)
    except (
        UnusableIndexError,
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
    ) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return unreachable(url, cache, copy, reason, deadline, client.requests)
    (cache / CHECKED).touch()
    return replace(result, requests=client.requests)


def _fetch_index(
    registry: Registry, cache: Path, client: _Client, intact: str | None
) -> FetchResult:
    """The index of *registry*: its manifest, then its blob when the manifest names
    another than the copy's (*intact*: the digest of the intact copy, or ``None``)."""
    manifest_url = registry.manifest_url(INDEX_TAG)
    answer = client.get(manifest_url, SMALL_BYTES)
    if answer is None:
        raise UnusableIndexError(
            f"{redact(manifest_url)} does not exist (404): no image tagged {INDEX_TAG} "
            "(no build cache there, or its index was never pushed: spack buildcache "
            "update-index)"
        )
    digest = _index_digest(*answer, manifest_url)
    if digest == intact:
        return FetchResult(cache, "", 0)
    blob_url = registry.blob_url(f"sha256:{digest}")
    blob = client.get(blob_url, MAX_INDEX)
    if blob is None:
        raise UnusableIndexError(f"{redact(blob_url)} does not exist (404)")
    actual = hashlib.sha256(blob[0]).hexdigest()
    if actual != digest:
        raise UnusableIndexError(
            f"{redact(blob_url)} does not match its digest (its SHA-256 is {actual[:12]}...)"
        )
    cache.mkdir(parents=True, exist_ok=True)
    write_atomically(cache / INDEX, blob[0])
    write_atomically(cache / INDEX_HASH, digest.encode("ascii"))
    remember_checksum(cache, INDEX, digest)
    return FetchResult(cache, "", 0, fetched=True)


def _index_digest(body: bytes, content_type: str, url: str) -> str:
    """The hex SHA-256 of the index blob the manifest *body* names (its first layer).

    :raises UnusableIndexError: when it is not the JSON of an image manifest with one.
    """
    shown = redact(url)
    try:
        manifest = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        raise UnusableIndexError(f"{shown} is not JSON, so not an image manifest") from None
    if not isinstance(manifest, dict):
        raise UnusableIndexError(f"{shown} is not an image manifest (not a JSON object)")
    media_type = manifest.get("mediaType") or content_type.split(";")[0].strip()
    if media_type in _LISTS:
        raise UnusableIndexError(
            f"{shown} is a list of manifests ({media_type}), not the image manifest "
            f"Spack pushes ({OCI_MANIFEST})"
        )
    if media_type not in _MANIFESTS:
        raise UnusableIndexError(
            f"{shown} has media type {str(media_type)[:100]!r}, not {OCI_MANIFEST!r}"
        )
    layers = manifest.get("layers")
    first = layers[0] if isinstance(layers, list) and layers else None
    digest = first.get("digest") if isinstance(first, dict) else None
    match = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
    if match is None:
        raise UnusableIndexError(f"{shown} names no layer with a sha256 digest")
    return match[1]


class _Client:
    """GET requests to a registry, with the bearer-token handshake; *secure*: whether
    credentials may be sent (the registry is reached over https)."""

    def __init__(self, opener: urllib.request.OpenerDirector, secure: bool) -> None:
        self.opener = opener
        self.secure = secure
        #: The ``Authorization`` of every request after the handshake.
        self.authorization = ""
        #: The requests made (token requests included).
        self.requests = 0

    def get(self, url: str, limit: int) -> tuple[bytes, str] | None:
        """The body of *url* and its ``Content-Type`` (``None`` for 404), at most *limit*
        bytes; after a 401, once, the handshake and the request again."""
        for attempt in (1, 2):
            try:
                return self._get(url, limit, self.authorization)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 404:
                    return None
                if exc.code != 401 or attempt == 2 or self.authorization:
                    raise
                self.authorization = self._login(exc.headers.get("WWW-Authenticate", ""), exc)
        raise AssertionError("unreachable")

    def _get(self, url: str, limit: int, authorization: str = "") -> tuple[bytes, str]:
        request = urllib.request.Request(
            url, headers={"User-Agent": "sphinx-spackcache", "Accept": _ACCEPT}
        )
        if authorization:  # to the registry only, not to where it redirects (storage)
            request.add_unredirected_header("Authorization", authorization)
        self.requests += 1
        with self.opener.open(request) as response:
            data: bytes = response.read(limit + 1)
            content_type = str(response.headers.get("Content-Type", ""))
        if len(data) > limit:
            raise UnusableIndexError(f"{redact(url)} is larger than {limit:,} bytes")
        return data, content_type

    def _login(self, header: str, refused: urllib.error.HTTPError) -> str:
        """The ``Authorization`` the challenge *header* of the 401 *refused* asks for.

        :raises urllib.error.HTTPError: *refused*, when there is none to give.
        """
        scheme, params = parse_challenge(header)
        credentials = self._credentials()
        if scheme == "bearer" and params.get("realm", "").startswith(("https://", "http://")):
            query: dict[str, str] = {k: params[k] for k in ("service", "scope") if k in params}
            query["client_id"] = "sphinx-spackcache"
            realm = params["realm"]
            url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
            secure = realm.startswith("https://")
            body, _ = self._get(url, SMALL_BYTES, credentials if secure else "")
            try:
                answer = msgspec.json.decode(body)
            except (msgspec.DecodeError, RecursionError):
                answer = None
            token = (
                (answer.get("token") or answer.get("access_token"))
                if isinstance(answer, dict)
                else None
            )
            if not isinstance(token, str) or not token:
                raise UnusableIndexError(f"the token service {redact(realm)} gave no token")
            return f"Bearer {token}"
        if scheme == "basic" and credentials and self.secure:
            return credentials
        raise refused

    def _credentials(self) -> str:
        """HTTP basic authentication from the environment (``""``: none set)."""
        user = os.environ.get(USERNAME_VARIABLE, "")
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not user and not password:
            return ""
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return f"Basic {pair}"


_PARAM = re.compile(r'\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*,?')


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """The scheme (lower case) and parameters (keys in lower case) of the first challenge
    of a ``WWW-Authenticate`` *header* (RFC 7235; what registries send).

    >>> parse_challenge('Bearer realm="https://ghcr.io/token",scope="repository:a/b:pull"')
    ('bearer', {'realm': 'https://ghcr.io/token', 'scope': 'repository:a/b:pull'})
    """
    scheme, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    position = 0
    while position < len(rest):
        match = _PARAM.match(rest, position)
        if match is None or match.end() == position:
            break
        key = match[1].lower()
        if key in params:  # a second challenge's parameters
            break
        quoted = match[2]
        params[key] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match[3]
        position = match.end()
    return scheme.lower(), params
