"""The Blueprint panel in the real window: a tree of the space views (named by their titles), each expandable to
the entities it shows, grouped as Rerun 0.4 groups them; an entity switched off in one view is hidden there only;
clicking a view or an entity selects it in the selection panel."""

from __future__ import annotations

import json

import numpy as np
import pytest
import _viewer_kit as kit
from _viewer_kit import run_window
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

WORLD, CAMERA = SpaceViewSpec("3d", "/").name, SpaceViewSpec("2d", "world/camera").name
PLOTS, LOGS = SpaceViewSpec("timeseries", "/").name, SpaceViewSpec("textlog", "/").name
IMAGE = "world/camera/image"
SHOTS = ("start", "image_off_in_3d", "camera_group_off", "view_selected", "entity_selected", "sin_off", "scrubbed",
         "camera_view_off", "reset", "component_hover")


@pytest.fixture(scope="module")
def run(xvfb_display, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("blueprint")
    steps = [
        {"wait_entities": 6, "timeout": 30},
        {"frames": 8},
        {"snapshot": "start"},
        {"click_item": f"blueprint-entity-checkbox:{WORLD}:{IMAGE}"},
        {"frames": 6},
        {"snapshot": "image_off_in_3d"},
        {"click_item": f"blueprint-entity-checkbox:{WORLD}:{IMAGE}"},  # back on; then its whole group off
        {"click_item": f"blueprint-group-checkbox:{WORLD}:world/camera"},
        {"frames": 6},
        {"snapshot": "camera_group_off"},
        {"click_item": f"blueprint-view:{CAMERA}"},
        {"frames": 3},
        {"snapshot": "view_selected"},
        {"click_item": f"blueprint-entity:{WORLD}:world/points"},
        {"frames": 3},
        {"snapshot": "entity_selected"},
        {"click_item": f"blueprint-entity-checkbox:{PLOTS}:plots/sin"},
        {"frames": 4},
        {"snapshot": "sin_off"},
        {"click_item": "streams-scrub", "at": [0.25, 0.5]},  # the time panel's Streams area scrubs like its axis
        {"frames": 3},
        {"snapshot": "scrubbed"},
        {"click_item": f"view-checkbox:{CAMERA}"},  # a whole view out of the grid …
        {"frames": 6},
        {"snapshot": "camera_view_off"},
        {"click_item": "blueprint-reset"},  # … and the panel's reset brings back every view and entity
        {"frames": 6},
        {"snapshot": "reset"},
        {"click_item": "stream-arrow:plots/sin"},  # open a Streams row: its components
        {"frames": 3},
        {"move": {"item": "stream:plots/sin:rerun.scalar", "at": [0.5, 0.5]}},
        {"frames": 3},
        {"snapshot": "component_hover"},
    ]
    result = run_window(xvfb_display, "scenario_blueprint", steps, out, size="1280x800")
    if result.returncode != 0:
        pytest.fail(f"viewer exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return {name: (iio.imread(out / f"{name}.png"), json.loads((out / f"{name}.json").read_text())) for name in SHOTS}


def _count(img: np.ndarray, rect, rgb, tol: int = 40) -> int:
    x, y, w, h = (int(round(v)) for v in rect)
    patch = img[y : y + h, x : x + w, :3].astype(int)
    return int((np.abs(patch - np.array(rgb)).max(axis=-1) <= tol).sum())


def test_the_tree_lists_each_view_with_its_entities_grouped_as_the_original(run):
    _, state = run["start"]
    tree = {name: view["tree"] for name, view in state["blueprint"].items()}
    assert set(tree) == {WORLD, CAMERA, PLOTS, LOGS}
    # views named by their titles; a view of "/" over one top-level path starts from that path (as its title)
    assert {n: v["title"] for n, v in state["blueprint"].items()} == {
        WORLD: "world", CAMERA: "camera", PLOTS: "plots", LOGS: "logs"}
    # the 3D view: the points directly, the camera as a group holding the camera and the image below it
    assert tree[WORLD] == {"path": "world", "entities": ["world/points"],
                           "groups": [{"path": "world/camera", "entities": ["world/camera", IMAGE], "groups": []}]}
    assert tree[CAMERA] == {"path": "world/camera", "entities": [IMAGE], "groups": []}
    assert tree[PLOTS] == {"path": "plots", "entities": ["plots/cos", "plots/sin"], "groups": []}
    assert tree[LOGS] == {"path": "logs", "entities": ["logs/app"], "groups": []}
    # every row is drawn in the panel, a view's entities below the view's row (few items: open by default)
    items = state["items"]
    for name, view in tree.items():
        top = items[f"blueprint-view:{name}"][1]
        for path in view["entities"]:
            assert items[f"blueprint-entity:{name}:{path}"][1] > top


def test_an_entity_switched_off_in_one_view_stays_in_the_others(run):
    img0, before = run["start"]
    img1, after = run["image_off_in_3d"]
    layer = lambda state, view: [x for x in state["views"][view]["layers"] if x.startswith(IMAGE + "|")]  # noqa: E731
    assert layer(before, WORLD) and layer(before, CAMERA)
    assert not layer(after, WORLD)  # gone from the 3D view …
    assert layer(after, CAMERA) == layer(before, CAMERA)  # … still in the camera's 2D view
    assert after["view_visibility"][WORLD]["entities"] == [IMAGE]
    assert after["hidden"] == []  # not hidden everywhere
    world0 = _count(img0, before["views"][WORLD]["rect"], kit.BLUEPRINT_IMAGE_RGB)
    world1 = _count(img1, after["views"][WORLD]["rect"], kit.BLUEPRINT_IMAGE_RGB)
    cam0 = _count(img0, before["views"][CAMERA]["rect"], kit.BLUEPRINT_IMAGE_RGB)
    cam1 = _count(img1, after["views"][CAMERA]["rect"], kit.BLUEPRINT_IMAGE_RGB)
    assert world0 > 20 and world1 == 0, (world0, world1)
    assert cam1 > 1000 and abs(cam1 - cam0) <= 0.02 * cam0, (cam0, cam1)


def test_clicking_a_view_or_an_entity_selects_it(run):
    _, state = run["view_selected"]
    assert state["selected_space_view"] == CAMERA and state["selected"] is None
    lines = state["selection_panel"]
    assert "space view: camera" in lines and "kind: 2D" in lines and "space path: world/camera" in lines
    assert IMAGE in lines
    _, state = run["entity_selected"]
    assert state["selected"] == "world/points" and state["selected_space_view"] is None
    assert "Entity: world/points" in state["selection_panel"]


def test_a_group_switched_off_hides_its_entities_in_that_view_only(run):
    _, state = run["camera_group_off"]
    world = state["views"][WORLD]["layers"]
    assert not [x for x in world if x.startswith("world/camera")] and [x for x in world if x.startswith("world/points")]
    assert [x for x in state["views"][CAMERA]["layers"] if x.startswith(IMAGE + "|")]
    assert state["view_visibility"][WORLD] == {"entities": [], "groups": ["world/camera"]}


def test_an_entity_switched_off_in_a_plot_view_leaves_its_series(run):
    _, before = run["start"]
    _, after = run["sin_off"]
    series = lambda state: sorted(s["entity"] for s in state["plots"][PLOTS]["series"])  # noqa: E731
    assert series(before) == ["plots/cos", "plots/sin"]
    assert series(after) == ["plots/cos"]


def test_pressing_in_the_streams_area_moves_the_time_cursor(run):
    _, before = run["start"]
    _, after = run["scrubbed"]
    x, _, w, _ = after["items"]["streams-scrub"]
    ax, _, aw, _ = after["items"]["time-axis"]
    assert abs(x - ax) <= 1 and abs(w - aw) <= 1  # the rows' time area is the axis' span
    first, last = 0, 4  # scenario_blueprint logs frames 0..4
    assert before["time"] == last and after["time"] == round(first + 0.25 * (last - first))
    assert not after["following"] and not after["playing"]


def test_a_view_switched_off_leaves_the_grid_and_reset_brings_everything_back(run):
    _, off = run["camera_view_off"]
    assert CAMERA not in off["view_windows"] and not off["blueprint"][CAMERA]["shown"]
    assert off["view_visibility"][WORLD]["groups"] == ["world/camera"]  # still switched off from before
    _, reset = run["reset"]
    assert set(reset["view_windows"]) == {WORLD, CAMERA, PLOTS, LOGS}
    assert all(view["shown"] for view in reset["blueprint"].values())
    assert reset["view_visibility"] == {}
    assert [x for x in reset["views"][WORLD]["layers"] if x.startswith(IMAGE + "|")]  # back in the 3D view


def test_hovering_a_component_row_of_the_streams_shows_its_value(run):
    _, state = run["component_hover"]
    keys = [r["key"] for r in state["stream_rows"]]
    assert keys.index("plots/sin:rerun.scalar") == keys.index("plots/sin") + 1
    tooltip = state["stream_tooltip"]
    assert tooltip is not None and tooltip.startswith("plots/sin:rerun.scalar\n")
    assert f"{np.sin(state['time']):.3f}" in tooltip  # the value logged at the time cursor
