extensions = ["sphinx_spackcache"]
project = "history"
version = release = "1.0"
copyright = "the tests"
nitpicky = True
spackcache_default_tag = "develop-2025-04-20"
# tests/test_history.py points this root at docs/_cache (three snapshots)
