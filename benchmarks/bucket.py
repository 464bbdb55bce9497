"""A synthetic Spack build cache bucket in binaries.spack.io's layout, at live scale, from
real spec shapes (issue 28, item 2).

``python benchmarks/bucket.py --work DIR [--binaries 150000] [--packages 3000]
[--stacks 30] [--develop 2] [--seed 1] [--serve [--port N]] [--add-ref]`` writes
``DIR/bucket``:

* ``--develop`` dated develop snapshots (``develop-2026-11-23``, ``develop-2026-11-30``,
  ...) and a release, ``v1.0.0``, each a ref of ``--stacks`` stack mirrors (Spack's CI
  stack names) and a top-level mirror;
* every mirror in the v3 layout of Spack 1.0 (spack/spack
  ``lib/spack/spack/url_buildcache.py`` at commit 00b778b: ``COMPONENT_PATHS``,
  ``push_binary_package``, ``push_local_file_as_blob``): ``v3/layout.json``,
  ``v3/manifests/index/index.manifest.json`` naming the index as a content-addressed blob
  ``blobs/sha256/<xx>/<sha256>`` (a third of the stacks' blobs gzipped, as the extension
  also reads them; Spack writes them plain), and, in each ref's top-level mirror, one
  ``v3/manifests/spec/<name>/<name>-<version>-<hash>.spec.manifest.json`` per binary:
  ``{"version":3,"data":[tarball record, spec record]}`` written as Spack writes it
  (``indent=0, separators=(",", ":")``), the tarball record with a ``contentLength``
  and ``sha256`` checksum (media type ``application/vnd.spack.install.v3.tar+gzip``),
  the spec record ``application/vnd.spack.spec.v5+json``, both ``gzip``. Neither blob
  exists (their sizes and checksums are made up, deterministically), the manifests are
  not clear-signed; each stack's mirror has its index and the spec manifests of the
  binaries it lists (hard links to the top-level mirror's files: the extension reads a
  binary's size from the manifest in the first of its stacks' mirrors);
* ``cache_spack_io_index.json``, as spack/spack-infrastructure's cache-indexer writes it:
  ``{ref: [{"label": "root", "url": "s3://spack-binaries/<ref>/blobs/sha256/..."},
  {"label": "<stack>", "url": "s3://spack-binaries/<ref>/<stack>/blobs/sha256/..."}]}``.

The spec shapes are NCAR's Derecho install tree (``tests/mirrors/derecho-install-tree``:
1,256 entries of database version 7, 1,186 of them built, 70 externals, with 478 package
names), given ``x86_64_v3`` as a build cache index has it (``live.template``'s target).
A bucket is made of *copies* of that DAG: copy *c* renames every hash (a Merkle hash of
the entry, the copy, its rebuild generation and its dependencies' hashes, so that a
rebuilt package gives its dependents new hashes too, as in Spack) and, for ``--packages``
above 478, every package name: Derecho has 478 real names, so the other names are
**synthetic**, ``<real name>-s<N>`` (copy *c* uses name group ``c mod G``; the last group
renames only as many names as make ``--packages`` exactly).

Each develop snapshot after the first is the one before it, changed as a week of develop
changes it: 3 % of the packages rebuilt (new hashes for them and what depends on them;
only packages few others depend on are picked), 1 % given a new version, 0.5 % of the
packages nothing depends on removed, and as many added (the first snapshot leaves out
1 % of them). Copy 0 is the base every stack shares: its first third (in dependency
order: the bottom of the DAG, closed under dependencies) is in every stack and the whole
of it in the first; copy *c* > 0 is in stack ``(c - 1) mod stacks``. The release's copies
are its own (no binary in common with develop) and it takes whatever remains of
``--binaries``: the bucket holds exactly ``--binaries`` distinct binaries (built
specs, by hash) and ``--packages`` distinct package names.

``--serve`` then serves the bucket on 127.0.0.1 and prints ``SPACKCACHE_INDEX_URL`` and
``SPACKCACHE_BUCKET`` (for ``spackcache_snapshot_index`` and ``spackcache_buckets``).
``--add-ref`` adds the next develop snapshot to an existing bucket (same arguments) and
names it in ``cache_spack_io_index.json``: what a day of the real index does.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live import BUCKET, SHAPES, STACK_NAMES, TARGET, Server, blob

RELEASE = "v1.0.0"
#: The first develop snapshot; the next ones are a week apart.
FIRST_DEVELOP = (2026, 11, 23)
#: Media types of Spack 1.0's v3 layout: ``URLBuildcacheEntry.TARBALL_MEDIATYPE``
#: (``BINARY_MEDIA_TYPE_VERSION`` 3), ``SPEC_MEDIATYPE`` (``SPECFILE_FORMAT_VERSION`` 5),
#: ``BUILDCACHE_INDEX_MEDIATYPE`` (the database version of the shapes: 7).
TARBALL_MEDIA = "application/vnd.spack.install.v3.tar+gzip"
SPEC_MEDIA = "application/vnd.spack.spec.v5+json"
INDEX_MEDIA = "application/vnd.spack.db.v7+json"
_HASH = re.compile(r'"([a-z2-7]{32})"')
#: What a week of develop changes, as fractions of the packages.
REBUILT, BUMPED, REMOVED, HELD_BACK = 0.03, 0.01, 0.005, 0.01
#: Of the binaries, the share of the develop snapshots (the release takes the rest).
DEVELOP_SHARE = 0.6


@dataclass(frozen=True)
class Node:
    """One entry of the template: its key (hash), real name, version, the keys it
    depends on, and whether it is built (not an external)."""

    key: str
    name: str
    version: str
    deps: tuple[str, ...]
    built: bool
    spec: dict[str, Any]
    ref_count: int


@dataclass
class Template:
    nodes: list[Node]  # in dependency order: every node after what it depends on
    names: list[str]  # the built nodes' real names, sorted
    roots: list[str]  # names of which no entry is depended on
    quiet: list[str]  # names whose entries have few dependents (at most 10 in all)


#: A package: its name group and real name.
Package = tuple[int, str]


@dataclass
class RefState:
    """A ref's packages: which are present, their rebuild generation and version bump."""

    name: str
    salt: str  # "" for develop (copies shared between snapshots), the ref for a release
    copies: int
    absent: set[Package] = field(default_factory=set)
    generation: dict[Package, int] = field(default_factory=dict)
    bumped: dict[Package, int] = field(default_factory=dict)
    last_built: int = -1  # a partial last copy: how many built entries of it (-1: all)


def load_template() -> Template:
    installs = json.loads(SHAPES.read_bytes())["database"]["installs"]
    raw = {}
    for key, entry in installs.items():
        spec = entry["spec"]
        spec["arch"]["target"] = TARGET
        raw[key] = (spec, entry.get("ref_count", 0))
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:  # depth first: dependencies before dependents
        if key in seen or key not in raw:
            return
        seen.add(key)
        for dep in raw[key][0].get("dependencies", ()):
            visit(dep["hash"])
        ordered.append(key)

    for key in sorted(raw):
        visit(key)
    nodes = []
    for key in ordered:
        spec, ref_count = raw[key]
        deps = tuple(d["hash"] for d in spec.get("dependencies", ()) if d["hash"] in raw)
        built = "external" not in spec
        nodes.append(Node(key, spec["name"], spec["version"], deps, built, spec, ref_count))
    dependents: dict[str, set[str]] = {n.key: set() for n in nodes}
    for node in reversed(nodes):  # dependents first: each one's closure is complete
        for dep in node.deps:
            dependents[dep] |= {node.key} | dependents[node.key]
    by_name: dict[str, set[str]] = {}
    depended: set[str] = set()
    for node in nodes:
        by_name.setdefault(node.name, set()).update(dependents[node.key])
        depended.update(node.deps)
    names = sorted({n.name for n in nodes if n.built})
    roots = sorted(
        {n.name for n in nodes if n.built} - {n.name for n in nodes if n.key in depended}
    )
    quiet = sorted(name for name in names if len(by_name[name]) <= 10)
    return Template(nodes, names, roots, quiet)


def name_groups(template: Template, packages: int) -> list[dict[str, str]]:
    """Per name group, real name -> its name there (exactly *packages* names in all)."""
    real = template.names
    if packages < len(real):
        raise SystemExit(f"--packages must be at least {len(real)} (the shapes' names)")
    groups = []
    for group in range(math.ceil(packages / len(real))):
        renamed = real if group == 0 else real[: min(len(real), packages - group * len(real))]
        groups.append({name: name if group == 0 else f"{name}-s{group}" for name in renamed})
    return groups


def spack_hash(text: str) -> str:
    """A Spack-looking hash (32 base32 letters) of *text*."""
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode().lower()[:32]


def bump(version: str) -> str:
    """The version after *version*: its last number plus one (``latest`` stays)."""
    return re.sub(r"(\d+)(?=\D*$)", lambda m: str(int(m[1]) + 1), version, count=1)


class Generator:
    def __init__(self, binaries: int, packages: int, stacks: int, develop: int, seed: int):
        self.template = load_template()
        # copy 0's part in every stack: the first third of the template's nodes (closed
        # under dependencies, being a prefix in dependency order)
        self.shared = {n.key for n in self.template.nodes[: len(self.template.nodes) // 3]}
        self.groups = name_groups(self.template, packages)
        self.stacks = [*STACK_NAMES, *(f"stack-{n:02d}" for n in range(len(STACK_NAMES), stacks))]
        self.stacks = self.stacks[:stacks]
        self.binaries = binaries
        self.rng = random.Random(seed)
        built = sum(n.built for n in self.template.nodes)
        copies = max(len(self.groups), round(DEVELOP_SHARE * binaries / built / 1.05))
        first = RefState(develop_name(0), "", copies)
        every = [(g, name) for g in range(len(self.groups)) for name in self.template.roots]
        first.absent = set(self.rng.sample(every, round(HELD_BACK * len(every))))
        self.refs = [first]
        for _ in range(develop - 1):
            self.refs.append(self.next_develop())
        # the release takes the binaries the develop snapshots leave
        seen = {h for ref in self.refs for h in self.built_hashes(ref)}
        left = binaries - len(seen)
        if left <= 0:
            raise SystemExit(f"--binaries {binaries} is too few for the develop snapshots")
        self.refs.append(RefState(RELEASE, RELEASE, math.ceil(left / built)))
        self.refs[-1].last_built = left - (self.refs[-1].copies - 1) * built

    def next_develop(self) -> RefState:
        """The develop snapshot after the newest one: a week of changes."""
        before = next(r for r in reversed(self.refs) if not r.salt)
        state = RefState(
            develop_name(len([r for r in self.refs if not r.salt])),
            "",
            before.copies,
            set(before.absent),
            dict(before.generation),
            dict(before.bumped),
        )
        rng = self.rng
        count = len(self.groups)
        quiet = [(g, n) for g in range(count) for n in self.template.quiet if n in self.groups[g]]
        every = [(g, n) for g in range(count) for n in self.template.names if n in self.groups[g]]
        for key in rng.sample(quiet, min(len(quiet), round(REBUILT * len(every)))):
            state.generation[key] = state.generation.get(key, 0) + 1
        for key in rng.sample(every, round(BUMPED * len(every))):
            state.bumped[key] = state.bumped.get(key, 0) + 1
        roots = [(g, n) for g in range(count) for n in self.template.roots if n in self.groups[g]]
        present = [key for key in roots if key not in state.absent]
        gone = set(rng.sample(present, round(REMOVED * len(every))))
        back = sorted(state.absent)
        added = set(rng.sample(back, min(len(back), round(REMOVED * len(every)))))
        state.absent = (state.absent - added) | gone
        return state

    def group_of(self, copy: int) -> int:
        return copy % len(self.groups)

    def copy_hashes(self, ref: RefState, copy: int) -> dict[str, str]:
        """Template key -> hash in copy *copy* of *ref* (a Merkle hash: a rebuilt or bumped
        package renames its dependents too)."""
        group = self.group_of(copy)
        names = self.groups[group]
        hashes: dict[str, str] = {}
        for node in self.template.nodes:
            package = (group, node.name) if node.name in names else (0, node.name)
            generation = ref.generation.get(package, 0)
            bumped = ref.bumped.get(package, 0)
            below = "".join(hashes[d] for d in node.deps)
            hashes[node.key] = spack_hash(
                f"{ref.salt}/{node.key}/{copy}/{generation}/{bumped}/{below}"
            )
        return hashes

    def present(self, ref: RefState, copy: int) -> list[Node]:
        """The template's nodes in copy *copy* of *ref*, in dependency order."""
        group = self.group_of(copy)
        names = self.groups[group]
        nodes = [
            n
            for n in self.template.nodes
            if ((group, n.name) if n.name in names else (0, n.name)) not in ref.absent
        ]
        if copy == ref.copies - 1 and ref.last_built >= 0:
            built = 0
            for end, node in enumerate(nodes):
                built += node.built
                if built > ref.last_built:
                    return nodes[:end]
        return nodes

    def built_hashes(self, ref: RefState) -> Iterator[str]:
        for copy in range(ref.copies):
            hashes = self.copy_hashes(ref, copy)
            yield from (hashes[n.key] for n in self.present(ref, copy) if n.built)

    def entry(self, node: Node, ref: RefState, group: int) -> tuple[str, str, str]:
        """The node's JSON (``"key":{...}``, template hashes) in *group* and *ref*; its
        name and version there."""
        names = self.groups[group]
        package = (group, node.name) if node.name in names else (0, node.name)
        spec = dict(node.spec)
        spec["name"] = names.get(node.name, node.name)
        if ref.bumped.get(package):
            spec["version"] = version = bump_times(node.version, ref.bumped[package])
        else:
            version = node.version
        if "dependencies" in spec:
            spec["dependencies"] = [
                {**d, "name": names.get(d["name"], d["name"])} for d in spec["dependencies"]
            ]
        record = {"spec": spec, "ref_count": node.ref_count, "in_buildcache": node.built}
        text = f'"{node.key}":' + json.dumps(record, separators=(",", ":"))
        return text, spec["name"], version


def bump_times(version: str, times: int) -> str:
    for _ in range(times):
        version = bump(version)
    return version


def develop_name(number: int) -> str:
    year, month, day = FIRST_DEVELOP
    import datetime

    date = datetime.date(year, month, day) + datetime.timedelta(weeks=number)
    return f"develop-{date.isoformat()}"


def manifest_text(records: list[tuple[int, str, str, str]]) -> str:
    """A v3 manifest as Spack writes it (``json.dump(..., indent=0, separators=(",",
    ":"))``) of (contentLength, mediaType, compression, sha256) records."""
    data = [
        {
            "contentLength": length,
            "mediaType": media,
            "compression": compression,
            "checksumAlgorithm": "sha256",
            "checksum": checksum,
        }
        for length, media, compression, checksum in records
    ]
    return json.dumps({"version": 3, "data": data}, indent=0, separators=(",", ":"))


def write_mirror(mirror: Path, data: bytes, compress: bool) -> str:
    """A v3 mirror of the index *data*: its index blob's path under *mirror*."""
    compression = "none"
    if compress:
        data = gzip.compress(data, compresslevel=6, mtime=0)
        compression = "gzip"
    relative = blob(mirror, data)
    index = mirror / "v3" / "manifests" / "index" / "index.manifest.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    checksum = relative.rsplit("/", 1)[1]
    index.write_text(manifest_text([(len(data), INDEX_MEDIA, compression, checksum)]))
    (mirror / "v3" / "layout.json").write_text('{"signing": "gpg"}')
    return relative


def tarball_size(name: str, spec_hash: str) -> int:
    """A tarball's size: a package's own scale (10 kB to 300 MB, from its name) times
    0.8 to 1.25 (from the hash)."""
    scale = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") / 2**32
    jitter = int.from_bytes(hashlib.sha256(spec_hash.encode()).digest()[:4], "big") / 2**32
    return int(10 ** (4 + 4.5 * scale) * (0.8 + 0.45 * jitter))


def spec_manifest(name: str, spec_hash: str) -> str:
    tarball = hashlib.sha256(f"tarball/{spec_hash}".encode()).hexdigest()
    spec = hashlib.sha256(f"spec/{spec_hash}".encode()).hexdigest()
    length = 900 + int(spec[:3], 16) % 600
    return manifest_text(
        [
            (tarball_size(name, spec_hash), TARBALL_MEDIA, "gzip", tarball),
            (length, SPEC_MEDIA, "gzip", spec),
        ]
    )


@dataclass
class Written:
    entries: int = 0  # spec entries of the stacks' indexes
    index_bytes: int = 0  # bytes of the stacks' index JSON
    manifests: int = 0  # in the top-level mirrors
    stack_manifests: int = 0  # in the stacks' mirrors (hard links to the same files)
    built: set[str] = field(default_factory=set)  # distinct binaries
    packages: set[str] = field(default_factory=set)


def write_ref(generator: Generator, bucket: Path, ref: RefState, written: Written) -> list[Any]:
    """Write *ref*'s mirrors; its entries of the snapshot index."""
    top = bucket / ref.name
    shutil.rmtree(top, ignore_errors=True)
    stacks = generator.stacks
    parts: list[list[str]] = [[] for _ in stacks]
    whole: list[str] = []
    manifests = top / "v3" / "manifests" / "spec"
    texts: dict[tuple[int, str], tuple[str, str, str]] = {}
    for copy in range(ref.copies):
        group = generator.group_of(copy)
        hashes = generator.copy_hashes(ref, copy)
        nodes = generator.present(ref, copy)
        entries = []
        for node in nodes:
            cached = texts.get((group, node.key))
            if cached is None:
                cached = texts[(group, node.key)] = generator.entry(node, ref, group)
            entries.append(cached[0])
            if node.built:
                spec_hash = hashes[node.key]
                name, version = cached[1], cached[2]
                written.built.add(spec_hash)
                written.packages.add(name)
                folder = manifests / name
                folder.mkdir(parents=True, exist_ok=True)
                file = folder / f"{name}-{version.replace('/', '_')}-{spec_hash}.spec.manifest.json"
                file.write_text(spec_manifest(name, spec_hash))
                written.manifests += 1
                # and in each stack mirror that lists it, as Spack's CI pushes it there
                # first (a hard link: the same bytes)
                if copy == 0:
                    held = stacks if node.key in generator.shared else stacks[:1]
                else:
                    held = [stacks[(copy - 1) % len(stacks)]]
                for stack in held:
                    linked = top / stack / "v3" / "manifests" / "spec" / name / file.name
                    linked.parent.mkdir(parents=True, exist_ok=True)
                    os.link(file, linked)
                    written.stack_manifests += 1

        def renamed(found: re.Match[str], names: dict[str, str] = hashes) -> str:
            return f'"{names.get(found[1], found[1])}"'

        text = _HASH.sub(renamed, ",".join(entries))
        whole.append(text)
        if copy == 0:
            base = [n for n in nodes if n.key in generator.shared]
            shared = _HASH.sub(renamed, ",".join(texts[(group, n.key)][0] for n in base))
            parts[0].append(text)
            for part in parts[1:]:
                part.append(shared)
        else:
            parts[(copy - 1) % len(stacks)].append(text)
    index: list[Any] = []
    root = write_mirror(top, database(whole), compress=False)
    index.append({"label": "root", "url": f"{BUCKET}{ref.name}/{root}"})
    for number, (label, part) in enumerate(zip(stacks, parts, strict=True)):
        data = database(part)
        written.entries += data.count(b'"ref_count"')
        written.index_bytes += len(data)
        relative = write_mirror(top / label, data, compress=number % 3 == 2)
        index.append({"label": label, "url": f"{BUCKET}{ref.name}/{label}/{relative}"})
    return index


def database(parts: list[str]) -> bytes:
    return ('{"database":{"version":"7","installs":{' + ",".join(parts) + "}}}").encode()


def generate(
    work: Path,
    binaries: int = 150_000,
    packages: int = 3_000,
    stacks: int = 30,
    develop: int = 2,
    seed: int = 1,
) -> tuple[Generator, Written]:
    """Write ``work/bucket``; the generator (for :func:`add_ref`) and what was written."""
    bucket = work / "bucket"
    shutil.rmtree(bucket, ignore_errors=True)
    bucket.mkdir(parents=True)
    generator = Generator(binaries, packages, stacks, develop, seed)
    written = Written()
    index = {ref.name: write_ref(generator, bucket, ref, written) for ref in generator.refs}
    (bucket / "cache_spack_io_index.json").write_text(json.dumps(index, indent=1))
    return generator, written


def add_ref(work: Path, generator: Generator) -> str:
    """Write the next develop snapshot and name it in the snapshot index; its name."""
    bucket = work / "bucket"
    ref = generator.next_develop()
    release = generator.refs.pop()
    generator.refs += [ref, release]
    index = json.loads((bucket / "cache_spack_io_index.json").read_text())
    index[ref.name] = write_ref(generator, bucket, ref, Written())
    (bucket / "cache_spack_io_index.json").write_text(json.dumps(index, indent=1))
    return ref.name


def env_lines(url: str) -> str:
    return f"SPACKCACHE_INDEX_URL={url}/cache_spack_io_index.json\nSPACKCACHE_BUCKET={url}/\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder to write bucket/ in")
    parser.add_argument("--binaries", type=int, default=150_000, help="distinct, in all")
    parser.add_argument("--packages", type=int, default=3_000, help="distinct names")
    parser.add_argument("--stacks", type=int, default=30, help="per ref")
    parser.add_argument("--develop", type=int, default=2, help="develop snapshots")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--add-ref", action="store_true", help="add the next develop snapshot")
    parser.add_argument("--serve", action="store_true", help="then serve it on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="with --serve (0: any free port)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.add_ref:
        generator = Generator(args.binaries, args.packages, args.stacks, args.develop, args.seed)
        name = add_ref(args.work, generator)
        print(f"added {name} in {time.perf_counter() - start:.0f} s")
    else:
        generator, written = generate(
            args.work, args.binaries, args.packages, args.stacks, args.develop, args.seed
        )
        refs = ", ".join(ref.name for ref in generator.refs)
        print(
            f"refs: {refs}; {len(generator.stacks)} stacks each; {len(written.packages):,} "
            f"packages; {len(written.built):,} binaries; {written.entries:,} stack index "
            f"entries ({written.index_bytes / 1e6:.0f} MB of JSON); {written.manifests:,} spec "
            f"manifests (and {written.stack_manifests:,} links to them in stack mirrors); "
            f"written in {time.perf_counter() - start:.0f} s"
        )
    if args.serve:
        server = Server(args.work / "bucket", port=args.port)
        print(env_lines(server.url), end="", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()


if __name__ == "__main__":
    main()
