"""What each kind of builder adds: HTML (the deferred output written in place, badge
runs, the stylesheet and script), LaTeX, manual pages, text, and the post-transforms
every builder but HTML needs.
"""
