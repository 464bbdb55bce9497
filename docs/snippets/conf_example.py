extensions = ["sphinx_spackcache"]
spackcache_path = "_cache"  # <tag>/<package>/specs.md, relative to conf.py
spackcache_default_tag = "develop-2025-04-20"
