extensions = ["sphinx_spackcache"]
project = "duplicates"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
# tests/conftest.py points this root at tests/records/_cache
