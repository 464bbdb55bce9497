extensions = ["myst_parser", "sphinx_spackcache"]
project = "generate"
copyright = "the tests"
version = release = "1.0"
spackcache_default_tag = "develop-2025-04-20"
nitpicky = True
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# tests/conftest.py points this root at tests/records/_cache
