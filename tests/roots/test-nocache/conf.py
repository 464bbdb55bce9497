extensions = ["sphinx_spackcache"]
project = "nocache"
spackcache_path = "does-not-exist"
spackcache_default_tag = "develop-2025-04-20"
