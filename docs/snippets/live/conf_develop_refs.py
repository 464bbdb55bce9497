# conf.py
extensions = ["sphinx_spackcache"]
spackcache_snapshot_index = "https://binaries.spack.io/cache_spack_io_index.json"
# develop, and two dated snapshots of it to compare (refs the index lists)
spackcache_snapshot_refs = ["develop", "develop-2026-11-26", "develop-2026-11-29"]
spackcache_default_tag = "develop"
