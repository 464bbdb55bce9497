extensions = ["sphinx_spackcache"]
project = "default-tag"
copyright = "the tests"
version = release = "1.0"
# not the latest tag: develop-2025-04-20 and v0.23.1 sort after it in Spack's order
spackcache_default_tag = "develop-2025-04-13"
nitpicky = True
# tests/conftest.py points this root at tests/records/_cache
