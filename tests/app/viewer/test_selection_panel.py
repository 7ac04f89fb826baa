"""The selection panel's data grid as the original Rerun 0.4 shows it: short component names, numbers at full
precision (whole numbers without a decimal point), strings without quotes, colours as a swatch, ``N values`` for a
component with several distinct values, and the views the entity is shown in (checked in the real window)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import _viewer_kit as kit
from rerun import components as C
from rerun_app.viewer import hover_info
from rerun_app.views.heuristics import SpaceViewSpec

SCALAR = float(np.cos(1.7))  # full float64 precision: the original prints -0.12884449429552464
RADIUS = np.float32(0.1)  # float32: the original prints 0.1, not 0.10000000149011612
COLOUR = (0, 160, 255, 255)


def _scalar_row(hub, path, value, colour=COLOUR, radius=RADIUS, label="cos", frame=1):
    kit.log_row(hub, path, {
        C.SCALAR: C.primitive(np.array([value])),
        C.COLOR: C.fixed_size_list(np.array([colour], np.uint8)),
        C.RADIUS: C.primitive(np.array([radius], np.float32)),
        C.LABEL: C.strings([label]),
    }, frame=frame)


def _rows(hub, path):
    latest = hub.active.latest_at(path, ("frame", "sequence"), 10)
    return {r.name: r for r in hover_info.entity_rows(latest)}


def test_entity_rows_show_values_as_the_original():
    hub = kit.new_hub()
    _scalar_row(hub, "plots/cos", SCALAR)
    rows = _rows(hub, "plots/cos")
    assert set(rows) == {"colorrgba", "label", "radius", "scalar"}  # short names, no instance keys
    assert rows["scalar"].value == repr(SCALAR)
    assert rows["radius"].value == str(RADIUS) == "0.1"
    assert rows["label"].value == "cos"
    assert rows["colorrgba"].value == "#" + "".join(f"{v:02x}" for v in COLOUR)
    assert rows["colorrgba"].color == COLOUR
    _scalar_row(hub, "plots/whole", 3.0, radius=np.float32(3.0))
    rows = _rows(hub, "plots/whole")
    assert rows["scalar"].value == "3" and rows["radius"].value == "3"


def test_several_values_are_counted_and_listed_and_a_splat_shows_its_one_value():
    hub = kit.new_hub()
    positions = np.array([[0, 0, 0], [1.5, -2, 3.25], [0.1, 5, 6]], np.float32)
    kit.log_row(hub, "world/pts", kit.points3d(positions, colors=[[255, 0, 0, 255]] * 3, radii=[0.25] * 3), frame=1)
    rows = _rows(hub, "world/pts")
    assert rows["point3d"].value == f"{len(positions)} values"
    expected = [(i, "(" + ", ".join(str(np.float32(v)) if v % 1 else str(int(v)) for v in p) + ")")
                for i, p in enumerate(positions)]
    assert list(rows["point3d"].instances) == expected
    assert rows["colorrgba"].value == "#ff0000ff" and not rows["colorrgba"].instances
    assert rows["radius"].value == "0.25"


def test_a_tensor_is_summarised_with_its_dimension_names():
    hub = kit.new_hub()
    array = np.zeros((4, 5, 3), np.float32)
    tensor = C.tensor_array(array, shape=array.shape, dtype="float32", names=["height", "width", None])
    kit.log_row(hub, "t", {C.TENSOR: tensor}, frame=1)
    assert _rows(hub, "t")["tensor"].value == "float32 [height=4, width=5, 3]"


@pytest.mark.gl
def test_selecting_an_entity_in_the_tree_shows_its_data_a_swatch_and_the_views_showing_it(xvfb_display, tmp_path):
    import imageio.v3 as iio

    steps = [
        {"wait_entities": 2, "timeout": 30},
        {"frames": 4},
        {"click_item": "tree-label:plots/wave"},
        {"frames": 4},
        {"snapshot": "selected"},
    ]
    result = kit.run_window(xvfb_display, "scenario_scalars", steps, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((tmp_path / "selected.json").read_text())
    img = iio.imread(tmp_path / "selected.png")
    lines = state["selection_panel"]
    plots_title = SpaceViewSpec("timeseries", "/").title_for(list(kit.SCALAR_COLOURS))
    assert lines[0] == "Entity: plots/wave"
    assert f"scalar: {kit.scalar_value('plots/wave', kit.SCALAR_FRAMES - 1)!r}" in lines
    assert "label: wave" in lines and "radius: 3" in lines
    assert f"Is shown in: {plots_title}" in lines
    # the colour swatch is drawn in the logged colour
    x, y, w, h = (int(round(v)) for v in state["items"]["selection-swatch:colorrgba"])
    swatch = img[y + 3:y + h - 3, x + 3:x + w - 3, :3].reshape(-1, 3).astype(int)
    assert (np.abs(swatch - np.array(kit.SCALAR_COLOURS["plots/wave"][:3])).max(axis=1) <= 8).mean() > 0.9
    # only the properties that apply to a scalar: no depth back-projection, no point radius scale
    assert "property:visible history" in state["items"]
    assert "property:back-project depth" not in state["items"] and "property:radius scale" not in state["items"]


def test_an_instance_picked_in_a_view_shows_its_own_values_at_full_precision():
    hub = kit.new_hub()
    positions = np.array([[0, 0, 0], [1.1, -2, 3.25]], np.float32)
    colours = np.array([[255, 0, 0, 255], [10, 20, 30, 255]], np.uint8)
    kit.log_row(hub, "world/pts", kit.points3d(positions, colours, [0.1, 0.2], ["a", "bee"]), frame=1)
    latest = hub.active.latest_at("world/pts", ("frame", "sequence"), 10)
    rows = {r.name: r for r in hover_info.instance_component_rows(latest, 1)}
    assert rows["point3d"].value == "(" + ", ".join(str(np.float32(v)) if v % 1 else str(int(v))
                                                    for v in positions[1]) + ")"
    assert rows["radius"].value == "0.2" and rows["label"].value == "bee"
    assert rows["colorrgba"].color == tuple(colours[1])


def test_an_image_tensor_gets_a_small_preview_as_in_the_original():
    hub = kit.new_hub()
    picture = np.zeros((60, 80, 3), np.uint8)
    picture[:, :40] = (255, 0, 0)
    picture[:, 40:] = (0, 0, 255)
    kit.log_row(hub, "image", kit.image(picture), frame=1)
    latest = hub.active.latest_at("image", ("frame", "sequence"), 10)
    thumb = hover_info.thumbnail(latest.components[C.TENSOR])
    w, h = hover_info.THUMBNAIL_SIZE
    scale = min(w / 80, h / 60)
    assert thumb.shape == (round(60 * scale), round(80 * scale), 3)
    assert (thumb[:, : thumb.shape[1] // 2] == (255, 0, 0)).all() and (thumb[:, thumb.shape[1] // 2:] == (0, 0, 255)).all()
    depth = np.linspace(0, 10, 12, dtype=np.float32).reshape(3, 4)  # greyscale over its range
    kit.log_row(hub, "depth", kit.image(depth), frame=1)
    grey = hover_info.thumbnail(hub.active.latest_at("depth", ("frame", "sequence"), 10).components[C.TENSOR])
    assert grey.shape == (3, 4, 3)
    np.testing.assert_array_equal(grey[..., 0], np.round(depth / 10 * 255).astype(np.uint8))
    assert hover_info.thumbnail(pa_tensor_of_shape((2, 3, 5))) is None  # not a picture


def pa_tensor_of_shape(shape):
    array = np.zeros(shape, np.float32)
    return C.tensor_array(array, shape=shape, dtype="float32")


@pytest.mark.gl
def test_selecting_an_image_shows_its_preview_in_the_logged_colours(xvfb_display, tmp_path):
    import imageio.v3 as iio

    steps = [
        {"wait_entities": 3, "timeout": 30},
        {"frames": 4},
        {"click_item": "tree-label:image"},
        {"frames": 4},
        {"snapshot": "selected"},
    ]
    result = kit.run_window(xvfb_display, "scenario_cloud_and_image", steps, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((tmp_path / "selected.json").read_text())
    img = iio.imread(tmp_path / "selected.png")[..., :3].astype(int)
    x, y, w, h = (int(round(v)) for v in state["items"]["selection-thumbnail:tensor"])
    image_h, image_w = 40, 60  # scenario_cloud_and_image's picture, in the colour of the last frame
    tw, th = hover_info.THUMBNAIL_SIZE
    scale = min(tw / image_w, th / image_h)
    assert (w, h) == (round(image_w * scale), round(image_h * scale))
    patch = img[y:y + h, x:x + w].reshape(-1, 3)
    assert (np.abs(patch - np.array(kit.FRAME_COLORS[max(kit.FRAME_COLORS)])).max(axis=1) <= 6).mean() > 0.95
