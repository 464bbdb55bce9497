extensions = ["myst_parser", "sphinx_spackcache"]
project = "also-in"
version = release = "1.0"
copyright = "the tests"
nitpicky = True
spackcache_default_tag = "develop-2025-04-20"
# tests/conftest.py points this root at tests/records/_cache (three snapshots); the
# MyST page (myst.md) is read only where a test adds ".md" to source_suffix
exclude_patterns = ["myst.md"]  # tests/test_also_in.py builds it in place of cmake.rst
