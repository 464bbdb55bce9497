"""Write tests/mirrors/spack-v3-test: Spack's v2 test mirror's index in the v3 layout.

Laid out as Spack 1.0 writes a build cache (lib/spack/spack/url_buildcache.py in
spack/spack: URLBuildcacheEntry.COMPONENT_PATHS, push_local_file_as_blob, get_blob_url,
get_manifest_filename, push_binary_package):

* ``v3/layout.json``: ``{"signing": "gpg"}`` (maybe_push_layout_json);
* the index (the same Spack database, version 8) as a blob,
  ``blobs/sha256/<first 2>/<sha256>``, uncompressed, named by the manifest
  ``v3/manifests/index/index.manifest.json`` (``{"version": 3, "data": [{"contentLength",
  "mediaType": "application/vnd.spack.db.v8+json", "compression": "none",
  "checksumAlgorithm": "sha256", "checksum"}]}``, written with ``indent=0`` as Spack does);
* a named index view, ``v3/manifests/index/libs/index.manifest.json``, whose index holds
  libelf and libdwarf only;
* one manifest per binary, ``v3/manifests/spec/<name>/<name>-<version>-<hash>.spec.manifest.json``,
  with the tarball's record (gzip, ``application/vnd.spack.install.v3.tar+gzip``) and the
  spec file's. The tarballs and spec files themselves are not written (nothing reads
  them), and their sizes and checksums are made up: deterministic, from the hash. The
  libelf manifests are clear-signed the way ``gpg --clearsign`` wraps them (the
  signature is not a real one; Spack would verify it, this reader does not).

Run ``python tests/mirrors/make_v3.py`` to write it again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE / "spack-v2-test" / "build_cache" / "index.json"
TARGET = HERE / "spack-v3-test"


def blob(root: Path, data: bytes, media_type: str) -> dict[str, object]:
    checksum = hashlib.sha256(data).hexdigest()
    path = root / "blobs" / "sha256" / checksum[:2] / checksum
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "contentLength": len(data),
        "mediaType": media_type,
        "compression": "none",
        "checksumAlgorithm": "sha256",
        "checksum": checksum,
    }


def manifest(path: Path, records: list[dict[str, object]], *, signed: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 3, "data": records}, indent=0, separators=(",", ":"))
    if signed:
        text = (
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            + text
            + "\n-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgcmVhbCBzaWduYXR1cmU=\n"
            "-----END PGP SIGNATURE-----\n"
        )
    path.write_text(text, "utf-8")


def main() -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    raw = SOURCE.read_bytes()
    (TARGET / "v3").mkdir(parents=True)
    (TARGET / "v3" / "layout.json").write_text(json.dumps({"signing": "gpg"}), "utf-8")
    media = "application/vnd.spack.db.v8+json"
    manifest(TARGET / "v3/manifests/index/index.manifest.json", [blob(TARGET, raw, media)])
    database = json.loads(raw)
    installs = database["database"]["installs"]
    view = {h: e for h, e in installs.items() if e["spec"]["name"] in ("libelf", "libdwarf")}
    view_raw = json.dumps({"database": {"version": "8", "installs": view}}).encode()
    manifest(
        TARGET / "v3/manifests/index/libs/index.manifest.json", [blob(TARGET, view_raw, media)]
    )
    for spec_hash, entry in installs.items():
        if not entry["in_buildcache"]:
            continue
        spec = entry["spec"]
        name, version = spec["name"], spec["version"]
        size = 100_000 + int(spec_hash[:6], 36) % 9_000_000  # made up, deterministic
        records = [
            {
                "contentLength": size,
                "mediaType": "application/vnd.spack.install.v3.tar+gzip",
                "compression": "gzip",
                "checksumAlgorithm": "sha256",
                "checksum": hashlib.sha256(f"tarball {spec_hash}".encode()).hexdigest(),
            },
            {
                "contentLength": 1_000 + size % 997,
                "mediaType": "application/vnd.spack.spec.v5+json",
                "compression": "gzip",
                "checksumAlgorithm": "sha256",
                "checksum": hashlib.sha256(f"spec {spec_hash}".encode()).hexdigest(),
            },
        ]
        path = TARGET / f"v3/manifests/spec/{name}/{name}-{version}-{spec_hash}.spec.manifest.json"
        manifest(path, records, signed=name == "libelf")


if __name__ == "__main__":
    main()
