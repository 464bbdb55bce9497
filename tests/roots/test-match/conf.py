extensions = ["sphinx_spackcache"]
project = "match"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
nitpicky = True
# tests/test_match_directive.py sets spackcache_path (tests/records/_cache) and
# spackcache_mirrors (tests/mirrors/spack-v2-test as "spack-test"), absolute paths
