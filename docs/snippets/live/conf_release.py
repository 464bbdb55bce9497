# conf.py
extensions = ["sphinx_spackcache"]
spackcache_snapshot_index = "https://binaries.spack.io/cache_spack_io_index.json"
# the point releases of Spack 1.0: v1.0.0, v1.0.1, ...
spackcache_snapshot_refs = ["v1.0.*"]
spackcache_default_tag = "v1.0.0"
