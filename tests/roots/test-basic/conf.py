extensions = ["sphinx_spackcache"]
project = "basic"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
# spackcache_path is set by tests/conftest.py to tests/records/_cache
