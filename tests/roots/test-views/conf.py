extensions = ["sphinx_spackcache"]
project = "views"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
nitpicky = True
# tests/conftest.py points this root at tests/records/_cache
