"""Where build-cache data comes from, behind one interface (:class:`.base.Source`): the
records of cache.spack.io today (:mod:`.records`, :mod:`.store`). Pure Python.
"""
