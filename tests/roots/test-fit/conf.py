extensions = ["sphinx_spackcache"]
project = "fit"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
# tests/test_browser.py points this root at docs/_cache (109 real records of the snapshot)
# and sets the theme
