"""The data layer: the model of build-cache data, Spack's version order, summaries,
filters, coverage maths and the problems found on the way. Pure Python: nothing here
imports Sphinx or docutils, so the record checker and other programs use it.
"""
