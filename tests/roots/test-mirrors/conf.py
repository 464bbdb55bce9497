extensions = ["sphinx_spackcache"]
project = "mirrors"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
nitpicky = True
# tests/test_mirrors.py sets spackcache_mirrors to tests/mirrors/* (absolute paths)
