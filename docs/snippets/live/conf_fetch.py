# keep the fetched indexes in a folder of your own (next to conf.py), and ask the
# server again an hour after the last check at the soonest
spackcache_fetch_cache = "_spackcache"
spackcache_fetch_max_age = 60 * 60
# one stack's check may take this long: give a large index over a slow link time
spackcache_fetch_timeout = 120
