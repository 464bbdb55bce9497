# conf.py
extensions = ["sphinx_spackcache"]
# binaries.spack.io's snapshot index: each ref it lists can be a snapshot;
# spackcache_snapshot_refs = ["develop"] (the default) takes the develop ref only
spackcache_snapshot_index = "https://binaries.spack.io/cache_spack_io_index.json"
