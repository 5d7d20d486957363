"""Streamed model text checked as it arrives: markers, links, images and URLs, whatever the piece boundaries."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from advisor.text.citing import MarkerFilter

TEXT = (
    "Keep members active [2]. Reward helpers [1][7]; see [the guide](https://promo.example/a) "
    "and ![banner](http://x.example/b.png) now. 提高留存【3】，拉新[2, 3]。 Visit www.spam.example today [9"
)


def _run(pieces: list[str], passages: int = 3) -> tuple[str, list[int]]:
    markers = MarkerFilter(passages)
    shown = "".join(markers.feed(piece) for piece in pieces) + markers.finish()
    return shown, markers.cited


def test_markers_are_checked_and_renumbered_by_first_use() -> None:
    shown, cited = _run([TEXT])
    assert shown == (
        "Keep members active [1]. Reward helpers [2]; see the guide and  now. 提高留存[3]，拉新[1][3]。 Visit  today "
    )
    assert cited == [2, 1, 3]


@given(st.lists(st.integers(min_value=1, max_value=len(TEXT) - 1), max_size=30))
def test_the_result_does_not_depend_on_where_the_stream_is_cut(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(TEXT)]
    pieces = [TEXT[a:b] for a, b in itertools.pairwise(bounds)]
    assert _run(pieces) == _run([TEXT])


def test_only_a_marker_in_progress_is_held_back() -> None:
    markers = MarkerFilter(5)
    assert markers.feed("Grow retention [") == "Grow retention "
    assert markers.feed("4") == ""
    assert markers.feed("] by inviting") == "[1] by inviting"
    assert markers.feed(" friends [x]") == " friends x"  # a bracket that is no marker goes on at once
