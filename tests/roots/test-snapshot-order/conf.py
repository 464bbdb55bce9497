extensions = ["sphinx_spackcache"]
project = "snapshot-order"
copyright = "the tests"
version = release = "1.0"
# hand-made snapshots of one record (dsfmt of v0.23.1, its tag changed): two releases, a
# develop date and a snapshot of another name; no spackcache_default_tag
spackcache_path = "_cache"
nitpicky = True
