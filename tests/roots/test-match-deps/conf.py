extensions = ["sphinx_spackcache"]
project = "match-deps"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
nitpicky = True
# tests/test_browser_match.py sets spackcache_mirrors (NCAR's derecho install tree served
# as the mirror "derecho", tests/mirrors/spack-v2-test as "spack-test") and
# spackcache_path (tests/records), absolute paths
