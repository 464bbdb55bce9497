# conf.py
extensions = ["sphinx_spackcache"]
# one mirror per stack, as the site's CI publishes them: <bucket>/<release>/<stack>
spackcache_mirrors = {
    "2026.11": {
        "e4s": "https://cache.example.org/2026.11/e4s",
        "ml": "https://cache.example.org/2026.11/ml",
    },
}
# the stacks' binaries are also in one top-level mirror: the install commands name it
spackcache_mirror_url = {"2026.11": "https://cache.example.org/2026.11"}
spackcache_default_tag = "2026.11"
