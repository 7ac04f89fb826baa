"""Automatic grid layout (Rerun 0.4's rule): every view gets its own tile, grouped by path then category."""

import itertools

import pytest

from rerun_app.views.heuristics import SpaceViewSpec
from rerun_app.viewer.auto_layout import Split, ViewInfo, auto_layout, desired_aspect, rects


def _overlap(a, b) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


MIXED = [  # the views of a recording with text, plots, a bar chart, a tensor, a 3D world, an image, a detached space
    ViewInfo("text", "/", "text", 2.0, "/ (Text)"),
    ViewInfo("plots", "/", "timeseries", 1.0, "/ (Time Series)"),
    ViewInfo("bars", "bars", "barchart", None, "bars"),
    ViewInfo("tensor", "tensor", "tensor", 1.0, "tensor"),
    ViewInfo("world", "/", "spatial", None, "/ (Spatial)"),
    ViewInfo("image", "image", "spatial", 160 / 120, "image"),
    ViewInfo("detached", "detached", "spatial", None, "detached"),
]


@pytest.mark.parametrize("size", [(1000, 600), (600, 1000), (1600, 500), (300, 300)])
@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_every_view_gets_a_tile_and_the_tiles_fill_the_area(size, n):
    views = MIXED[:n]
    got = rects(auto_layout(views, *size), 10, 20, *size)
    assert sorted(got) == sorted(v.key for v in views)
    for a, b in itertools.combinations(got.values(), 2):
        assert _overlap(a, b) < 1e-6
    for x, y, w, h in got.values():
        assert w > 0 and h > 0 and x >= 10 - 1e-9 and y >= 20 - 1e-9
        assert x + w <= 10 + size[0] + 1e-6 and y + h <= 20 + size[1] + 1e-6
    assert sum(w * h for *_, w, h in got.values()) == pytest.approx(size[0] * size[1])


def test_split_direction_follows_the_desired_aspect_ratio():
    a, b = ViewInfo("a", "a", "spatial"), ViewInfo("b", "b", "spatial")
    # no aspect: 16:9 decides; 1000x500 is wider than 16:9 → side by side, 1000x600 is not → stacked
    assert auto_layout([a, b], 1000, 500).horizontal
    assert not auto_layout([a, b], 1000, 600).horizontal
    # two text logs want 2:1 tiles: stacked in a 1000x600 area (1000 < 2 * 600), side by side in 1300x600
    t1, t2 = ViewInfo("t1", "t1", "text", 2.0), ViewInfo("t2", "t2", "text", 2.0)
    assert not auto_layout([t1, t2], 1000, 600).horizontal
    assert auto_layout([t1, t2], 1300, 600).horizontal
    # a portrait image (0.5) next to a flexible 3D view: side by side as soon as the area is wider than 0.5:1
    img, w3 = ViewInfo("img", "img", "spatial", 0.5), ViewInfo("w", "w", "spatial", None)
    assert desired_aspect([img, w3]) == 0.5
    assert auto_layout([img, w3], 600, 1000).horizontal


def test_groups_by_path_prefix_first_then_category():
    views = [ViewInfo("cam/a", "cam/a", "spatial"), ViewInfo("cam/b", "cam/b", "text"),
             ViewInfo("x", "x", "spatial"), ViewInfo("y", "y", "spatial")]
    layout = auto_layout(views, 1600, 900)
    # the two "cam" views form one side of the first split (their common prefix keeps them together)
    assert isinstance(layout, Split) and layout.fraction == pytest.approx(0.5)
    first = {layout.first.first.key, layout.first.second.key}
    assert first == {"cam/a", "cam/b"}
    # views of one path are not grouped further: each gets its own tile, in title order (as the original sorts)
    same = [ViewInfo("s", "/", "spatial", None, "/ (Spatial)"), ViewInfo("t", "/", "text", None, "/ (Text)"),
            ViewInfo("p", "/", "timeseries", None, "/ (Time Series)")]
    tiles = rects(auto_layout(same, 1600, 300), 0, 0, 1600, 300)
    assert sorted(tiles, key=lambda k: tiles[k][0]) == ["s", "t", "p"]


def test_mixed_recording_tiles_like_the_original():
    layout = auto_layout(MIXED, 830, 490)
    tiles = rects(layout, 0, 0, 830, 490)
    # the three root views form the first group; the split closest to the middle of 7 views puts them (and at
    # most one more) on one side; 830x490 is wider than the mean wanted aspect (1.33) → left | right
    assert layout.horizontal and layout.fraction in (pytest.approx(3 / 7), pytest.approx(4 / 7))
    left = 830 * layout.fraction
    assert all(tiles[k][0] + tiles[k][2] <= left + 1e-6 for k in ("text", "plots", "world"))
    assert all(tiles[k][0] >= left - 1e-6 for k in ("detached", "image", "tensor"))


@pytest.mark.parametrize("kind, root, title", [
    ("3d", "world", "world"), ("2d", "world/camera", "camera"), ("tensor", "nets/layer1/weights", "weights"),
    ("3d", "/", "/ (Spatial)"), ("timeseries", "/", "/ (Time Series)"), ("textlog", "/", "/ (Text)"),
    ("barchart", "/", "/ (Bar Chart)"),
])
def test_view_titles_are_named_after_their_space_path_as_the_original(kind, root, title):
    spec = SpaceViewSpec(kind, root)
    assert spec.title == title
    # the ImGui window id stays unique per (kind, root) even when two views share a title
    assert spec.name.split("###") == [title, f"{kind}:{root}"]


def test_a_root_view_showing_one_top_level_path_is_titled_after_it_as_the_original_would_root_it_there():
    spec = SpaceViewSpec("3d", "/")
    assert spec.title_for(["world/points", "world/cam/image"]) == "world"
    assert spec.title_for(["world/points", "robot/arm"]) == "/ (Spatial)"  # the original makes two views here
    assert spec.title_for(["points"]) == "/ (Spatial)"  # an entity right under the root: the root view
    assert spec.title_for([]) == "/ (Spatial)"
    assert SpaceViewSpec("timeseries", "/").title_for(["plots/sin", "plots/cos"]) == "plots"
    assert SpaceViewSpec("2d", "world/camera").title_for(["world/camera/image"]) == "camera"  # not a root view
