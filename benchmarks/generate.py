"""Write a synthetic build-cache snapshot at real scale, in cache.spack.io's format.

``python benchmarks/generate.py OUT [--packages 1225] [--seed 1]`` writes
``OUT/<tag>/<package>/specs.md`` for a tag ``synthetic``. The number of specs per
package is drawn from the distribution of the real develop-2025-04-20 records (the 109
copied into the workplace's shared records: median 3, 1 to 64 specs); the values
(compilers, OSs, targets, stacks, variants, versions) are drawn from the values seen in
those records. Records are written the way cache.spack.io's generator writes them: one
``json.dumps`` line for ``meta`` (derived from the specs) and one for ``spec_details``.
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections import Counter
from pathlib import Path
from typing import Any

TAG = "synthetic"

#: Specs per record in the 109 real develop-2025-04-20 records (sorted).
SPEC_COUNTS = (
    [1] * 29 + [2] * 19 + [3] * 11 + [4] * 3 + [5] * 5 + [6] * 2 + [7] + [8] * 5 + [9]
    + [10] * 2 + [11, 12, 13, 14, 14, 15, 16, 16, 17, 17, 18, 18, 18, 19, 24, 27, 27, 28]
    + [32, 32, 36, 36, 39, 39, 40, 41, 44, 45, 46, 56, 64]
)  # fmt: skip

#: (platform, os, target, stacks that build there) as seen in the real records.
ARCHES = (
    ("linux", "ubuntu22.04", "x86_64_v3",
     ("e4s", "e4s-oneapi", "e4s-rocm-external", "hep", "tutorial")),
    ("linux", "ubuntu22.04", "neoverse_v2", ("e4s-neoverse-v2",)),
    ("linux", "ubuntu24.04", "aarch64", ("ml-linux-aarch64-cpu", "ml-linux-aarch64-cuda")),
    ("linux", "ubuntu24.04", "x86_64_v3",
     ("ml-linux-x86_64-cpu", "ml-linux-x86_64-cuda", "ml-linux-x86_64-rocm")),
    ("linux", "ubuntu20.04", "x86_64_v3", ("data-vis-sdk",)),
    ("linux", "ubuntu18.04", "x86_64_v3", ("radiuss", "build_systems")),
    ("linux", "amzn2", "x86_64_v4", ("aws-pcluster-x86_64_v4", "radiuss-aws")),
    ("linux", "amzn2", "neoverse_v1", ("aws-pcluster-neoverse_v1", "radiuss-aws-aarch64")),
    ("linux", "rhel8", "x86_64_v3", ("e4s-cray-rhel",)),
    ("darwin", "sequoia", "aarch64", ("developer-tools-darwin", "ml-darwin-aarch64-mps")),
)  # fmt: skip
COMPILERS = ("none", "gcc@11.4.0", "gcc@13.2.0", "gcc@12.4.0", "gcc@7.3.1", "cce@18.0.0",
             "intel-oneapi-compilers@2025.1.0", "apple-clang@16.0.0")  # fmt: skip
VARIANT_NAMES = ("shared", "static", "mpi", "cuda", "rocm", "openmp", "pic", "ipo", "tests")
VALUED = ("build_system=cmake", "build_system=autotools", "build_type=Release", "cxxstd=17",
          "generator=make", "patches:=0e4e2a3,5c7a3c0", "libs:=shared,static")  # fmt: skip
BASE32 = string.ascii_lowercase + "234567"


def _spec(rng: random.Random, versions: list[str]) -> dict[str, Any]:
    platform, os_name, target, stacks = rng.choice(ARCHES)
    chosen = sorted({"root", *rng.sample(stacks, rng.randint(1, len(stacks)))})
    variants = [rng.choice("+~") + name for name in rng.sample(VARIANT_NAMES, rng.randint(0, 6))]
    variants += rng.sample(VALUED, rng.randint(1, 3))
    compiler = "apple-clang@16.0.0" if platform == "darwin" else rng.choice(COMPILERS[:-1])
    return {
        "compiler": compiler,
        "hash": "".join(rng.choice(BASE32) for _ in range(32)),
        "os": os_name,
        "platform": platform,
        "size": "-",
        "stacks": chosen,
        "target": target,
        "variants": sorted(variants),
        "versions": [rng.choice(versions)],
    }


def _meta(specs: list[dict[str, Any]]) -> dict[str, Any]:
    by_stack = Counter(stack for spec in specs for stack in spec["stacks"])
    return {
        "compilers": sorted({s["compiler"] for s in specs}),
        "num_specs": len(specs),
        "num_specs_by_stack": dict(sorted(by_stack.items())),
        "oss": sorted({s["os"] for s in specs}),
        "platforms": sorted({s["platform"] for s in specs}),
        "stacks": sorted(by_stack),
        "targets": sorted({s["target"] for s in specs}),
        "versions": sorted({v for s in specs for v in s["versions"]}),
    }


def record_text(package: str, specs: list[dict[str, Any]], tag: str = TAG) -> str:
    """A record as cache.spack.io writes it (no final newline)."""
    specs = sorted(specs, key=lambda s: s["hash"])
    return (
        f'---\ntitle: "{package}"\nlayout: cache\ncategories: [package, {tag}]\n'
        f"meta: {json.dumps(_meta(specs))}\nspec_details: {json.dumps(specs)}\n---"
    )


def generate(out: Path, packages: int = 1225, seed: int = 1) -> int:
    """Write the snapshot; return the number of specs written."""
    rng = random.Random(seed)
    total = 0
    for number in range(packages):
        package = f"pkg-{number:04d}"
        major = rng.randint(0, 12)
        versions = [f"{major}.{minor}.{rng.randint(0, 9)}" for minor in range(rng.randint(1, 4))]
        specs = [_spec(rng, versions) for _ in range(rng.choice(SPEC_COUNTS))]
        folder = out / TAG / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "specs.md").write_text(record_text(package, specs), "utf-8")
        total += len(specs)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--packages", type=int, default=1225)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    specs = generate(args.out, args.packages, args.seed)
    print(f"{args.packages} records, {specs} specs in {args.out / TAG}")


if __name__ == "__main__":
    main()
