"""The real viewer window under Xvfb, driven by injected glfw events (one viewer run, several checks).

What a person would see is read back from the framebuffer: the cloud's colours where its projection says, the cloud
gone after its tree checkbox is clicked, the camera rotated by a drag in the 3D view but not by the checkbox click,
the 2D image changing colour when the timeline is scrubbed, and Play advancing the time.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from _viewer_kit import CLOUD, CLOUD_COLORS, FRAME_COLORS, run_window
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

VIEW_3D = SpaceViewSpec("3d", "/").name
VIEW_2D = SpaceViewSpec("2d", "image").name


def colour_near(img: np.ndarray, xy, radius: int = 2) -> np.ndarray:
    """Median colour of the (2r+1)² pixels around canvas point ``xy``."""
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = img[max(y - radius, 0) : y + radius + 1, max(x - radius, 0) : x + radius + 1, :3].reshape(-1, 3)
    return np.median(patch, axis=0)


def pose(state: dict, view: str = VIEW_3D) -> dict:
    """The camera pose of a view in a state dump (without bookkeeping such as ``user_moved``)."""
    return {k: v for k, v in state["views"][view]["camera"].items() if k != "user_moved"}


def close_to(actual, expected, tol=40) -> bool:
    return bool(np.all(np.abs(np.asarray(actual, float) - np.asarray(expected, float)) <= tol))


@pytest.fixture(scope="module")
def window_run(xvfb_display, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("window")
    steps = [
        {"wait_entities": 3, "timeout": 20},
        {"frames": 4},
        {"project": CLOUD.tolist(), "view": "/", "as": "cloud"},
        {"project": [[30, 20, 0]], "view": "image", "as": "image_centre"},
        {"snapshot": "initial"},
        {"move": {"projection": "cloud", "index": 1}},
        {"frames": 2},
        {"snapshot": "hover"},
        {"click": {"projection": "cloud", "index": 1}},
        {"snapshot": "selected"},
        {"click_item": "tree-checkbox:world/points"},
        {"frames": 2},
        {"snapshot": "hidden"},
        {"click_item": "tree-checkbox:world/points"},
        {"frames": 2},
        {"drag": [VIEW_3D, [0, 0]], "steps": 8, "relative_to_start": [160, 40]},
        {"frames": 2},
        {"snapshot": "rotated"},
        {"click_item": "time-axis", "at": [0.0, 0.5]},
        {"frames": 2},
        {"snapshot": "scrubbed"},
        {"click_item": "button:play"},
        {"sleep": 0.6},
        {"snapshot": "played"},
        {"set_time": 3},  # pauses
        {"key": "LEFT"},
        {"snapshot": "key_left"},
        {"scroll": ["tree-label:world/points", -3]},
        {"snapshot": "wheel_on_panel"},
        {"scroll": [VIEW_3D, -3]},
        {"snapshot": "wheel_on_view"},
        {"click_item": "tree-label:world/bad"},
        {"snapshot": "inspect_bad"},
        {"click_item": f"reset:{VIEW_3D}"},
        {"frames": 2},
        {"project": CLOUD.tolist(), "view": "/", "as": "cloud_after_reset"},
        {"double_click": {"projection": "cloud_after_reset", "index": 2}},
        {"snapshot": "focused"},
        {"drag": [{"item": "time-axis", "at": [0.0, 0.5]}, {"item": "time-axis", "at": [0.5, 0.5]}], "shift": True},
        {"loop": "selection"},
        {"set_time": 1},
        {"click_item": "button:play"},
        {"sleep": 0.5},
        {"snapshot": "loop_selection"},
    ]
    # wide enough that the automatic grid puts the 3D and 2D views side by side (a 3D view squeezed into a wide
    # strip sees the cloud edge-on, where its points hide one another)
    result = run_window(xvfb_display, "scenario_cloud_and_image", steps, out, size="1400x700")
    if result.returncode != 0:
        pytest.fail(f"viewer exited with {result.returncode}:\n{result.stderr[-3000:]}")
    shots = {}
    for name in ("initial", "hover", "selected", "hidden", "rotated", "scrubbed", "played", "key_left",
                 "wheel_on_panel", "wheel_on_view", "inspect_bad", "focused", "loop_selection"):
        shots[name] = (iio.imread(out / f"{name}.png"), json.loads((out / f"{name}.json").read_text()))
    return shots


def test_cloud_is_drawn_where_its_projection_says_with_its_colours(window_run):
    img, state = window_run["initial"]
    assert state["ui_errors"] == 0
    assert "world/points|points" in state["views"][VIEW_3D]["layers"]
    assert set(state["warnings"]) == {"world/bad"}
    assert any("NaN" in w for w in state["warnings"]["world/bad"])
    projected = np.asarray(state["projections"]["cloud"])
    # a point whose projection lies under another point's disc may be hidden by it (perspective: which one is in
    # front depends on the view's shape in the grid); every other point must show its own colour
    apart = [i for i in range(len(projected))
             if all(np.hypot(*(projected[i] - projected[j])) > 40 for j in range(len(projected)) if j != i)]
    assert len(apart) >= 2, projected
    for i in apart:
        xy, rgba = projected[i], CLOUD_COLORS[i]
        assert close_to(colour_near(img, xy), rgba[:3]), (xy, colour_near(img, xy), rgba)


def test_hovering_a_point_shows_its_entity_instance_and_position_and_clicking_selects_it(window_run):
    _, hover = window_run["hover"]
    assert hover["hover"]["entity_path"] == "world/points"
    assert hover["hover"]["instance"] == 1
    np.testing.assert_allclose(hover["hover"]["position"], CLOUD[1], atol=1e-6)
    _, selected = window_run["selected"]
    assert selected["selected"] == "world/points"
    # hovering and selecting changed no data: nothing was rebuilt or uploaded again
    _, initial = window_run["initial"]
    for name in (VIEW_3D, VIEW_2D):
        assert selected["views"][name]["set_layer_calls"] == initial["views"][name]["set_layer_calls"]
        assert selected["views"][name]["builds"] == initial["views"][name]["builds"]
    assert pose(selected) == pose(hover)  # a click does not rotate


def test_tree_checkbox_hides_the_entity_without_moving_the_camera(window_run):
    img, state = window_run["hidden"]
    _, before = window_run["selected"]
    assert state["hidden"] == ["world/points"]
    assert "world/points|points" not in state["views"][VIEW_3D]["layers"]
    for xy, rgba in zip(state["projections"]["cloud"], CLOUD_COLORS):
        assert not close_to(colour_near(img, xy), rgba[:3]), xy
    assert pose(state) == pose(before)
    assert state["events_to_vispy"] == before["events_to_vispy"]


def test_drag_in_the_3d_view_rotates_the_camera(window_run):
    _, state = window_run["rotated"]
    _, before = window_run["hidden"]
    assert state["hidden"] == []
    assert state["events_to_vispy"] > before["events_to_vispy"]
    assert pose(state) != pose(before)


def test_scrubbing_the_timeline_changes_the_image(window_run):
    img_before, before = window_run["initial"]
    img, state = window_run["scrubbed"]
    assert before["time"] == 3 and state["time"] == 1
    xy = state["projections"]["image_centre"][0]
    assert close_to(colour_near(img_before, xy), FRAME_COLORS[3])
    assert close_to(colour_near(img, xy), FRAME_COLORS[1])


def test_play_advances_time(window_run):
    _, scrubbed = window_run["scrubbed"]
    _, state = window_run["played"]
    assert state["time"] > scrubbed["time"]


def test_left_arrow_steps_to_the_previous_time_with_data(window_run):
    _, state = window_run["key_left"]
    assert state["time"] == 2 and not state["playing"]


def test_wheel_zooms_the_view_under_the_mouse_only(window_run):
    _, before = window_run["key_left"]
    _, on_panel = window_run["wheel_on_panel"]
    _, on_view = window_run["wheel_on_view"]
    assert pose(on_panel) == pose(before)
    assert pose(on_view)["distance"] > pose(on_panel)["distance"]  # wheel down (dy < 0) zooms out


def test_double_click_on_a_point_orbits_around_it(window_run):
    _, state = window_run["focused"]
    np.testing.assert_allclose(state["views"][VIEW_3D]["camera"]["center"], CLOUD[2], atol=1e-4)


def test_selection_panel_shows_values_and_the_warnings_of_the_selected_entity(window_run):
    _, selected = window_run["selected"]
    lines = selected["selection_panel"]
    # the clicked point: as the original, the instance's own values under short component names
    assert lines[0] == "Entity instance: world/points[1]", lines
    assert lines[1] == "in Space View: " + selected["view_titles"][VIEW_3D], lines  # where it was picked
    assert "point3d: (" + ", ".join(f"{v:.4g}" for v in CLOUD[1]) + ")" in lines, lines
    colour = "#" + "".join(f"{v:02x}" for v in CLOUD_COLORS[1])
    assert any(line.startswith("colorrgba: " + colour) for line in lines), lines
    _, bad = window_run["inspect_bad"]
    assert bad["selected"] == "world/bad"
    assert any(line.startswith("warning: ") and "NaN" in line for line in bad["selection_panel"])
    assert any(line.startswith("warning: ") and "negative radii" in line for line in bad["selection_panel"])


def test_shift_drag_on_the_time_axis_selects_a_loop_range_that_playback_stays_in(window_run):
    _, state = window_run["loop_selection"]
    assert state["selection_range"] == [1, 2]  # frames 1..3: the left half of the axis
    assert state["loop"] == "selection" and state["playing"]
    assert 1 <= state["time"] <= 2
