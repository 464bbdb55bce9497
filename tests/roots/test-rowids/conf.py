extensions = ["sphinx_spackcache"]
project = "rowids"
copyright = "the tests"
version = release = "1.0"
nitpicky = True
graphviz_output_format = "svg"
# tests/test_rowids.py sets spackcache_mirrors (tests/mirrors/spack-v2-test as
# "spack-test") and spackcache_path (tests/records), absolute paths
