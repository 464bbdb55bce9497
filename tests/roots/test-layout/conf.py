extensions = ["sphinx_spackcache"]
project = "layout"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
# tests/test_browser_layout.py points this root at docs/_cache (the real records of three
# snapshots) and sets the theme; each table is followed by a paragraph, to measure the
# room between them
