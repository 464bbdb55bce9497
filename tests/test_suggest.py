"""The hints of messages (data/suggest.py), written out by hand."""

from __future__ import annotations

from sphinx_spackcache.data.suggest import close_names, did_you_mean, first_few


def test_did_you_mean() -> None:
    assert did_you_mean([]) == ""
    assert did_you_mean(iter(["cmake", "cmark"])) == "; did you mean cmake, cmark?"
    names = [f"p{n:02}" for n in range(13)]
    assert did_you_mean(names) == (
        "; did you mean p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, "
        "... (13 in all)?"
    )


def test_close_names_best_first() -> None:
    # difflib's ratio 2 * matches / total length: cmake 8/9, cmake-gui 8/13 (over 0.6),
    # zlib-ng and boost 0
    assert close_names("cmak", ("zlib-ng", "cmake-gui", "cmake", "boost")) == [
        "cmake",
        "cmake-gui",
    ]
    assert close_names("cmak", ()) == []
    assert first_few([]) == "none"
