"""Where build-cache data comes from, behind one interface (:class:`.base.Source`): the
records of cache.spack.io (:mod:`.records`, :mod:`.store`) and Spack mirrors
(:mod:`.spack_db`, :mod:`.mirror`), as one (:mod:`.combined`). Pure Python.
"""
