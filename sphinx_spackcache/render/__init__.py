"""Node builders: turn summaries and specs into standard docutils nodes.

Everything here returns plain docutils nodes (``field_list``, ``table``, ``inline``,
``literal``, ``reference``), so every builder can write them. Badges are ``inline``
nodes with sphinx-design's badge classes: styled in HTML by sphinx-design's CSS, plain
text elsewhere. Column widths are given in characters (the text builder uses them as
such, LaTeX as proportions), wide enough that a 32-character hash never wraps.

Data comes in already parsed and sorted; the only Sphinx node used is ``pending_xref``,
for links from package listings to package pages.
"""
