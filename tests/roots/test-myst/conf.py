extensions = ["myst_parser", "sphinx_spackcache"]
project = "myst"
spackcache_default_tag = "develop-2025-04-20"
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
