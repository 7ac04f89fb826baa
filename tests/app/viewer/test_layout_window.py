"""Default layout in the real window: every space view of a mixed recording is visible at once in a grid (no
hidden tabs), each tile shows its content, and a view's maximise button fills the view area until restored."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import _viewer_kit as kit
from _viewer_kit import run_window
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

#: The views the heuristics give the mixed recording: one per kind of content (see kit.scenario_mixed).
EXPECTED = {
    SpaceViewSpec("textlog", "/").name, SpaceViewSpec("timeseries", "/").name, SpaceViewSpec("barchart", "/").name,
    SpaceViewSpec("tensor", "tensor").name, SpaceViewSpec("3d", "/").name, SpaceViewSpec("2d", "image").name,
    SpaceViewSpec("3d", "detached").name,
}
IMAGE_VIEW, WORLD_VIEW = SpaceViewSpec("2d", "image").name, SpaceViewSpec("3d", "/").name
DETACHED_VIEW = SpaceViewSpec("3d", "detached").name


def _count(img: np.ndarray, rect, rgb, tol: int = 40) -> int:
    x, y, w, h = (int(round(v)) for v in rect)
    patch = img[y : y + h, x : x + w, :3].astype(int)
    return int((np.abs(patch - np.array(rgb)).max(axis=-1) <= tol).sum())


def _overlap(a, b) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


@pytest.fixture(scope="module")
def layout_run(xvfb_display, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("layout")
    steps = [
        {"wait_entities": 8, "timeout": 30},
        {"frames": 6},
        {"snapshot": "grid"},
        {"move": SpaceViewSpec("tensor", "tensor").name},  # hover the tensor slice: the element under the mouse
        {"frames": 3},
        {"snapshot": "tensor_hover"},
        {"click_item": f"maximise:{IMAGE_VIEW}"},
        {"frames": 4},
        {"move": IMAGE_VIEW},  # the mouse still reaches the maximised view (hover picks its image)
        {"frames": 3},
        {"snapshot": "maximised"},
        {"click_item": f"maximise:{IMAGE_VIEW}"},
        {"frames": 6},
        {"snapshot": "restored"},
        {"click_item": f"view-checkbox:{WORLD_VIEW}"},  # switch the 3D world view off: the others re-tile
        {"frames": 6},
        {"snapshot": "view_hidden"},
        {"click_item": f"view-checkbox:{WORLD_VIEW}"},
        {"frames": 6},
        {"snapshot": "view_shown"},
    ]
    result = run_window(xvfb_display, "scenario_mixed", steps, out, size="1280x800")
    if result.returncode != 0:
        pytest.fail(f"viewer exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return {name: (iio.imread(out / f"{name}.png"), json.loads((out / f"{name}.json").read_text()))
            for name in ("grid", "tensor_hover", "maximised", "restored", "view_hidden", "view_shown")}


def _check_grid(img, state, expected=EXPECTED):
    tiles = state["view_windows"]
    assert set(tiles) == expected, sorted(tiles)
    height, width = img.shape[:2]
    for name, (x, y, w, h) in tiles.items():
        assert w >= 80 and h >= 60, (name, (x, y, w, h))  # a real tile, not a collapsed tab
        assert x >= 0 and y >= 0 and x + w <= width + 1 and y + h <= height + 1, name
    for (a, ra), (b, rb) in itertools.combinations(tiles.items(), 2):
        assert _overlap(ra, rb) < 1.0, f"{a} and {b} overlap: {ra} {rb}"
    if expected != EXPECTED:
        return
    # each spatial tile shows its own content's pixels
    views = state["views"]
    image_rect = views[IMAGE_VIEW]["rect"]
    assert _count(img, image_rect, kit.MIXED_IMAGE_LEFT) > 500 and _count(img, image_rect, kit.MIXED_IMAGE_RIGHT) > 500
    assert _count(img, views[WORLD_VIEW]["rect"], kit.MIXED_WORLD_RGB) > 20
    assert _count(img, views[DETACHED_VIEW]["rect"], kit.MIXED_DETACHED_RGB) > 20
    # and no tile shows another's: the detached points are not in the world view and vice versa
    assert _count(img, views[WORLD_VIEW]["rect"], kit.MIXED_DETACHED_RGB) == 0
    # the plot tiles draw something (the bar chart's bars, the text rows) rather than an empty window
    for name in (SpaceViewSpec("barchart", "/").name, SpaceViewSpec("textlog", "/").name):
        x, y, w, h = (int(v) for v in tiles[name])
        patch = img[y : y + h, x : x + w, :3].reshape(-1, 3)
        assert len(np.unique(patch, axis=0)) > 8, name


def test_default_layout_shows_every_view_at_once_in_a_grid(layout_run):
    _check_grid(*layout_run["grid"])


def test_view_titles_follow_the_space_paths_the_original_would_use(layout_run):
    _, state = layout_run["grid"]
    # the root 3D view shows only world/points (the original's "world" view), the time series only plots/*;
    # the text log has an entity right under the root ("logs"), so it stays the root's "/ (Text)"
    assert state["view_titles"] == {
        SpaceViewSpec("3d", "/").name: "world", SpaceViewSpec("timeseries", "/").name: "plots",
        SpaceViewSpec("textlog", "/").name: "/ (Text)", SpaceViewSpec("3d", "detached").name: "detached",
        SpaceViewSpec("2d", "image").name: "image", SpaceViewSpec("barchart", "/").name: "/ (Bar Chart)",
        SpaceViewSpec("tensor", "tensor").name: "tensor",
    }


def test_maximise_fills_the_view_area_and_restore_brings_the_grid_back(layout_run):
    _, grid = layout_run["grid"]
    img, state = layout_run["maximised"]
    assert state["maximised"] == IMAGE_VIEW
    assert set(state["view_windows"]) == {IMAGE_VIEW}
    area = [grid["view_windows"][n] for n in EXPECTED]
    x0, y0 = min(r[0] for r in area), min(r[1] for r in area)
    x1, y1 = max(r[0] + r[2] for r in area), max(r[1] + r[3] for r in area)
    x, y, w, h = state["view_windows"][IMAGE_VIEW]
    assert w >= 0.9 * (x1 - x0) and h >= 0.85 * (y1 - y0), ((x, y, w, h), (x0, y0, x1, y1))
    grid_img = layout_run["grid"][0]
    in_grid = _count(grid_img, grid["views"][IMAGE_VIEW]["rect"], kit.MIXED_IMAGE_LEFT)
    assert _count(img, (x, y, w, h), kit.MIXED_IMAGE_LEFT) > 2 * in_grid  # the image is drawn bigger
    assert not state["views"][WORLD_VIEW]["visible"]
    assert state["hover"] is not None and state["hover"]["entity_path"] == "image"
    img, restored = layout_run["restored"]
    assert restored["maximised"] is None
    _check_grid(img, restored)


def test_text_log_headers_are_the_originals_with_the_timeline_named(layout_run):
    _, state = layout_run["grid"]
    (text,) = [v for v in state["plots"].values() if "rows" in v]
    assert text["columns"] == [state["timeline"][0], "Entity path", "Level", "Body"]


def test_hovering_a_tensor_slice_reads_out_the_element_under_the_mouse(layout_run):
    _, state = layout_run["tensor_hover"]
    tensor = np.random.default_rng(0).random((4, 5, 6)).astype(np.float32)  # as kit.scenario_mixed logs it
    assert state["hover"]["entity_path"] == "tensor"
    column, row = state["hover"]["pixel"]
    lines = dict(line.split(": ", 1) for line in state["tooltip"])
    index = [int(v) for v in lines["index"].strip("[]").split(", ")]
    assert float(lines["value"]) == pytest.approx(float(tensor[tuple(index)]), rel=1e-5)
    assert column in index and row in index  # the slice's two axes are indexed by the hovered pixel


def test_a_view_switched_off_leaves_the_grid_and_the_others_fill_its_place(layout_run):
    _, grid = layout_run["grid"]
    img, state = layout_run["view_hidden"]
    _check_grid(img, state, EXPECTED - {WORLD_VIEW})
    assert not state["views"][WORLD_VIEW]["visible"]
    area = lambda tiles: sum(w * h for *_, w, h in tiles.values())  # noqa: E731
    assert area(state["view_windows"]) == pytest.approx(area(grid["view_windows"]), rel=0.03)
    _check_grid(*layout_run["view_shown"])


def test_the_grid_is_the_originals_rule_applied_to_the_views_of_the_recording(layout_run):
    from rerun_app.viewer.auto_dock import view_info
    from rerun_app.viewer.auto_layout import auto_layout, rects

    _, state = layout_run["grid"]
    tiles = state["view_windows"]
    specs = [SpaceViewSpec(v["kind"], v["root"]) for v in state["views"].values()]
    specs += [SpaceViewSpec(kind, root) for kind, root in (("textlog", "/"), ("timeseries", "/"), ("barchart", "/"))]
    image_size = kit.MIXED_IMAGE_SHAPE[::-1]  # (width, height) of the only 2D view's picture
    infos = [view_info(s, image_size if s.kind == "2d" else None, state["view_titles"][s.name]) for s in specs]
    x0, y0 = min(r[0] for r in tiles.values()), min(r[1] for r in tiles.values())
    x1, y1 = max(r[0] + r[2] for r in tiles.values()), max(r[1] + r[3] for r in tiles.values())
    expected = rects(auto_layout(infos, x1 - x0, y1 - y0), x0, y0, x1 - x0, y1 - y0)
    assert set(expected) == set(tiles)
    # ImGui's dock nodes keep splitters, tab bars and minimum sizes, so edges sit up to ~4 % of the area off the
    # exact fractions; a tile on the wrong side, or in another order, is off by a whole tile (100+ px here)
    tol = 0.04 * max(x1 - x0, y1 - y0)
    for name, rect in tiles.items():
        np.testing.assert_allclose(rect, expected[name], atol=tol, err_msg=name)
