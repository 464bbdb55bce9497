extensions = ["sphinx_spackcache"]
project = "history-mirrors"
version = release = "1.0"
copyright = "the tests"
nitpicky = True
spackcache_default_tag = "develop-2025-04-20"
# tests/test_history_others.py points this root at docs/_cache (three dated snapshots) and
# sets spackcache_mirrors to mirrors of tests/mirrors (absolute paths): sources that are
# not dated snapshots
