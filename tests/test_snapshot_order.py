"""Which snapshot is the newest is one rule: the plain package name (``:cache:pkg:`dsfmt```,
``objects.inv``) goes to the snapshot that ``cache-history`` lists last. The test root has
one record under four hand-named tags; the expected order is written out by hand from the
rule the docs state (releases by version, then develop snapshots by date, then the others
by name), not computed by the code under test."""

from __future__ import annotations

import zlib

from bs4 import BeautifulSoup

from sphinx_spackcache.data.snapshots import newest_snapshot, snapshot_order

from .conftest import Build, warnings_of

#: The root's snapshots, oldest first, by hand.
IN_ORDER = ["v0.9.0", "v0.23.1", "develop-2025-04-20", "site"]


def test_one_order_of_real_shaped_tags() -> None:
    """Releases by version (``v1`` after ``v0.23.1``), develop snapshots by date, the
    rest by name."""
    tags = ["site", "develop-2025-04-20", "v0.23.1", "develop-2025-04-13", "v0.9.0", "v1"]
    tags.append("v0.23.0")
    assert snapshot_order(tags) == [
        "v0.9.0",
        "v0.23.0",
        "v0.23.1",
        "v1",
        "develop-2025-04-13",
        "develop-2025-04-20",
        "site",
    ]
    assert newest_snapshot(tags) == "site"
    assert newest_snapshot(["develop-2025-04-20", "v0.23.1"]) == "develop-2025-04-20"
    assert newest_snapshot(["v0.23.1", "v0.9.0"]) == "v0.23.1"
    assert newest_snapshot([]) is None


def test_the_plain_name_goes_to_the_snapshot_history_lists_last(build: Build) -> None:
    app = build("snapshot-order", "html")
    assert warnings_of(app) == []
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    # the dated snapshots' matrix, then, apart, the one of the sources that are not
    # (docs/history.rst): "site" last, in a table of its own
    dated, others = page.select("table.spackcache-history")
    assert "spackcache-history-others" in others["class"]
    listed = [row.select("td")[0].get_text() for row in dated.select("tbody tr")]
    listed += [row.select("td")[0].get_text() for row in others.select("tbody tr")]
    assert listed == IN_ORDER
    body = page.select_one("div.body, [role=main]")
    assert body is not None
    (link,) = body.select("p a.reference")
    assert link["href"] == f"tags.html#cache-package-dsfmt-{IN_ORDER[-1]}"
    # objects.inv: four header lines, then zlib-compressed "name type priority uri dispname"
    inventory = zlib.decompress((app.outdir / "objects.inv").read_bytes().split(b"\n", 4)[4])
    uris = {line.split()[0]: line.split()[3] for line in inventory.decode().splitlines()}
    assert uris["dsfmt"] == f"tags.html#cache-package-dsfmt-{IN_ORDER[-1]}"


def test_the_default_tag_still_wins(build: Build) -> None:
    app = build("snapshot-order", "html", conf={"spackcache_default_tag": "v0.9.0"})
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    body = page.select_one("div.body, [role=main]")
    assert body is not None
    (link,) = body.select("p a.reference")
    assert link["href"] == "tags.html#cache-package-dsfmt-v0.9.0"


def test_a_snapshot_no_page_documents_any_more_is_no_longer_the_target(build: Build) -> None:
    """The domain keeps the snapshots of each package (not a search through every key):
    removing the newest snapshot's directive moves the plain name to the next one, in an
    incremental build."""
    app = build("snapshot-order", "html")
    tags = app.srcdir / "tags.rst"
    tags.write_text(tags.read_text("utf-8").replace(f":tag: {IN_ORDER[-1]}", ":tag: v0.9.0"))
    app = build("snapshot-order", "html")
    page = BeautifulSoup((app.outdir / "index.html").read_text("utf-8"), "html.parser")
    body = page.select_one("div.body, [role=main]")
    assert body is not None
    (link,) = body.select("p a.reference")
    assert link["href"] == f"tags.html#cache-package-dsfmt-{IN_ORDER[-2]}"
