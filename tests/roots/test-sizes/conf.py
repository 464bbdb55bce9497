extensions = ["sphinx_spackcache"]
project = "sizes"
copyright = "the tests"
version = release = "1.0"
nitpicky = True
# tests/test_sizes.py sets spackcache_mirrors to tests/mirrors/spack-v3-test, served over
# http by a local server or as a folder, and spackcache_fetch_cache
