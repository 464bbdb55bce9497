extensions = ["sphinx_spackcache"]
project = "oci"
copyright = "the tests"
version = release = "1.0"
nitpicky = True
# tests/test_oci.py sets spackcache_mirrors to {"oci-test": "oci+http://127.0.0.1:<port>/..."},
# a registry the test starts
