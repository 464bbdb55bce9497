extensions = ["sphinx_spackcache"]
project = "bad"
spackcache_path = "_cache"
spackcache_default_tag = "broken"
