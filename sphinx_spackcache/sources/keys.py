"""The fingerprints of the keys a mirror folder's binaries are signed with, shown beside
``spack buildcache keys --install --trust`` so that a reader can check what they trust.

Where Spack keeps a mirror's public keys:

* a v2 mirror: ``build_cache/_pgp/<FINGERPRINT>.pub``, one ASCII-armored key per file
  (spack/spack-infrastructure ``images/protected-publish/pkg/migrate.py``,
  ``key_id_regex = re.compile(r"_pgp/([^/]+)\\.pub$")``);
* a v3 mirror: ``v3/manifests/key/<FINGERPRINT>.key.manifest.json``, whose ``data[0]``
  names the key's blob by checksum (``mediaType`` ``application/pgp-keys``,
  ``checksumAlgorithm`` ``sha256``) at ``blobs/sha256/<xx>/<checksum>`` (the same file,
  ``migrate_keys``).

Each key is read, and its fingerprint computed from its public-key packet (RFC 4880
§12.2 for a version 4 key: SHA-1 of ``0x99``, the packet's two-byte length and its
body; RFC 9580 §5.5.4 for version 6: SHA-256 of ``0x9B``, a four-byte length and the
body), so that a file whose name says one key and holds another is caught. A file that
is not a public key, too large, or not what its name says is a :class:`Problem` of that
file (the build goes on, and the key is not shown).

Only mirror *folders* are read: a fetched mirror's copy holds its index, not its keys
(fetching them too would be another request per key for every build).

Nothing here imports Sphinx or docutils.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

import msgspec

from ..data.problems import Problem, SpackCacheWarning, excerpt, quoted
from .files import read_regular

__all__ = ["MAX_KEYS", "MAX_KEY_BYTES", "fingerprint", "keys_fingerprint", "mirror_keys"]

#: The most key files read from one mirror (Spack's own mirrors have one or two).
MAX_KEYS = 16
#: The largest key file read (an armored RSA 4096 key with a few signatures is ~3 KiB).
MAX_KEY_BYTES = 64 * 1024

_FINGERPRINT = re.compile(r"[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}")
_ARMOR = re.compile(
    rb"-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n(?P<body>.*?)-----END PGP PUBLIC KEY BLOCK-----",
    re.DOTALL,
)
#: A public-key packet's tag.
_PUBLIC_KEY = 6


class _Manifest(msgspec.Struct):
    data: list[dict[str, object]]


def _dearmor(raw: bytes) -> bytes:
    """The binary packets of an ASCII-armored (or already binary) key.

    :raises ValueError: when it is neither.
    """
    if raw[:1] and raw[0] & 0x80:
        return raw
    found = _ARMOR.search(raw)
    if found is None:
        raise ValueError("no PGP PUBLIC KEY BLOCK in it")
    lines = found["body"].splitlines()
    # headers (Version: ..., Comment: ...) end at the first empty line
    if b"" in [line.strip() for line in lines]:
        lines = lines[[line.strip() for line in lines].index(b"") + 1 :]
    text = b"".join(line.strip() for line in lines if line.strip() and not line.startswith(b"="))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("its armor is not base64") from None


def _first_packet(data: bytes) -> tuple[int, bytes]:
    """The tag and body of the first OpenPGP packet of *data* (RFC 4880 §4.2).

    :raises ValueError: when there is none.
    """
    if len(data) < 2 or not data[0] & 0x80:
        raise ValueError("it does not start with an OpenPGP packet")
    head = data[0]
    if head & 0x40:  # new format
        tag, first = head & 0x3F, data[1]
        if first < 192:
            start, length = 2, first
        elif first < 224 and len(data) >= 3:
            start, length = 3, ((first - 192) << 8) + data[2] + 192
        elif first == 255 and len(data) >= 6:
            start, length = 6, int.from_bytes(data[2:6], "big")
        else:
            raise ValueError("its first packet has a length a key packet cannot have")
    else:  # old format
        tag, kind = (head >> 2) & 0x0F, head & 0x03
        if kind == 3:
            raise ValueError("its first packet has no length")
        size = 1 << kind
        start, length = 1 + size, int.from_bytes(data[1 : 1 + size], "big")
    body = data[start : start + length]
    if len(body) != length:
        raise ValueError("its first packet is cut short")
    return tag, body


def fingerprint(raw: bytes) -> str:
    """The fingerprint (upper-case hex) of the public key *raw* (armored or binary).

    :raises ValueError: when *raw* is not an OpenPGP public key of version 4 or 6.
    """
    tag, body = _first_packet(_dearmor(raw))
    if tag != _PUBLIC_KEY or not body:
        raise ValueError("its first packet is not a public key")
    version = body[0]
    if version == 4:
        return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
    if version == 6:
        return hashlib.sha256(b"\x9b" + len(body).to_bytes(4, "big") + body).hexdigest().upper()
    raise ValueError(f"it is a version {version} key (only versions 4 and 6 are read)")


def _key_files(folder: Path) -> list[tuple[Path, str, Path | None]]:
    """``(file, fingerprint its name says, v3 manifest)`` of each key of *folder*."""
    found: list[tuple[Path, str, Path | None]] = []
    pgp = folder / "build_cache" / "_pgp"
    if pgp.is_dir():
        found += [(path, path.stem, None) for path in sorted(pgp.glob("*.pub"))]
    manifests = folder / "v3" / "manifests" / "key"
    if manifests.is_dir():
        for manifest in sorted(manifests.glob("*.key.manifest.json")):
            name = manifest.name.removesuffix(".key.manifest.json")
            found.append((manifest, name, manifest))
    return found


def _v3_blob(folder: Path, manifest: Path) -> Path:
    """The key blob a v3 key manifest names.

    :raises ValueError: when it names none.
    """
    try:
        data = msgspec.json.decode(read_regular(manifest, MAX_KEY_BYTES), type=_Manifest).data
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a key manifest ({excerpt(str(exc))})") from None
    entry = data[0] if data else {}
    checksum = entry.get("checksum")
    if entry.get("checksumAlgorithm") != "sha256" or not isinstance(checksum, str):
        raise ValueError("its data names no sha256 blob")
    if not re.fullmatch(r"[0-9a-f]{64}", checksum):
        raise ValueError(f"checksum {quoted(excerpt(checksum, 40))} is not a sha256")
    return folder / "blobs" / "sha256" / checksum[:2] / checksum


def keys_fingerprint(folder: Path) -> str:
    """A short fingerprint of which key files the mirror *folder* has (names, sizes and
    modification times): Sphinx watches files, not folders, so a page that shows a
    mirror's keys keeps this, and is read again when a key file is added or removed (an
    edited key file is a dependency of the page itself)."""
    digest = hashlib.sha256()
    for path, _, _ in _key_files(folder):
        try:
            status = path.stat()
        except OSError:
            continue
        digest.update(f"{path.name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def mirror_keys(folder: Path) -> tuple[tuple[str, ...], tuple[Problem, ...], tuple[Path, ...]]:
    """The fingerprints of the keys of the mirror *folder* (sorted, each once), the
    problems of the key files that could not be used, and every file read (for the
    build's dependencies; a key file added is seen by :func:`keys_fingerprint`)."""
    prints: set[str] = set()
    problems: list[Problem] = []
    read: list[Path] = []
    files = _key_files(folder)
    if len(files) > MAX_KEYS:
        problems.append(
            Problem(
                files[MAX_KEYS][0].parent,
                1,
                f"{len(files)} key files; only the first {MAX_KEYS} are read",
                SpackCacheWarning.INSTALL,
            )
        )
    for path, named, manifest in files[:MAX_KEYS]:
        read.append(path)
        try:
            key = path
            if manifest is not None:
                key = _v3_blob(folder, manifest)
                read.append(key)
            raw = read_regular(key, MAX_KEY_BYTES)
            if manifest is not None and hashlib.sha256(raw).hexdigest() != key.name:
                raise ValueError(f"blob {key.name[:12]}... does not match its checksum")
            found = fingerprint(raw)
        except OSError as exc:
            message = f"signing key not read: {exc.strerror or exc}"
        except ValueError as exc:
            message = f"not a usable signing key: {exc}"
        else:
            if _FINGERPRINT.fullmatch(named) and named.upper() != found:
                message = (
                    f"the key's fingerprint is {found}, not the {named.upper()} its name says;"
                    " not shown"
                )
            else:
                prints.add(found)
                continue
        problems.append(Problem(path, 1, message, SpackCacheWarning.INSTALL))
    # only files: Sphinx reads a page again on every build while a dependency is missing
    return tuple(sorted(prints)), tuple(problems), tuple(p for p in read if p.is_file())
