"""The directives: options, then a query of the data, then the node builders of
:mod:`sphinx_spackcache.render`.
"""
