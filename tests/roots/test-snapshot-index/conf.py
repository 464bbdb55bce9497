extensions = ["sphinx_spackcache"]
project = "snapshot index"
copyright = "the tests"
version = release = "1.0"
nitpicky = True
spackcache_snapshot_refs = ["*"]
# tests/test_snapshot_index.py sets spackcache_snapshot_index, spackcache_buckets and
# spackcache_mirrors (a local http.server's URLs)
