"""What spans the pages of a site: the fingerprints of incremental builds, the stack
colours of the whole site, generated package pages and their navigation.
"""
