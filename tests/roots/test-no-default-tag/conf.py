extensions = ["sphinx_spackcache"]
project = "no-default-tag"
copyright = "the tests"
version = release = "1.0"
# no spackcache_default_tag: a plain package name goes to its newest documented snapshot
nitpicky = True
# tests/conftest.py points this root at tests/records/_cache
