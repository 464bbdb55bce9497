extensions = ["sphinx_spackcache"]
project = "install"
version = release = "1.0"
copyright = "the tests"
spackcache_default_tag = "develop-2025-04-20"
# tests/conftest.py points this root at tests/records/_cache
