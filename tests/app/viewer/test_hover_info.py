"""Tooltip contents: an instance's components read back from the store, an image pixel's coordinate and value."""

import numpy as np
import pytest

import _viewer_kit as kit
from rerun_app.viewer import hover_info


def _latest(hub, path):
    store = hub.active
    return store.latest_at(path, ("frame", "sequence"), 10)


def test_instance_rows_show_the_hovered_instances_logged_components():
    hub = kit.new_hub()
    positions = np.array([[0, 0, 0], [1.5, -2, 3.25], [4, 5, 6]], np.float32)
    colors = np.array([[255, 0, 0, 255], [10, 20, 30, 255], [0, 0, 255, 128]], np.uint8)
    radii = np.array([0.1, 0.25, 0.5], np.float32)
    kit.log_row(hub, "world/pts", kit.points3d(positions, colors, radii, ["a", "bee", "c"]), frame=1)
    latest = _latest(hub, "world/pts")
    for key in range(3):
        rows = {r.name: r.value for r in hover_info.instance_rows(latest, key)}
        assert rows["point3d"] == "(" + ", ".join(f"{v:.4g}" for v in positions[key]) + ")"
        r, g, b, a = colors[key]
        assert rows["colorrgba"].startswith(f"#{r:02x}{g:02x}{b:02x}{a:02x}")
        assert float(rows["radius"]) == pytest.approx(radii[key])
        assert rows["label"] == ["a", "bee", "c"][key]
        assert "instance_key" not in rows
    assert hover_info.instance_rows(latest, 7) == []  # no such instance


def test_pixel_rows_give_coordinate_and_logged_value():
    rgb = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    rows = {r.name: r.value for r in hover_info.pixel_rows(rgb, 3, 2)}
    r, g, b = rgb[2, 3]
    assert rows["pixel"] == "(3, 2)"
    assert rows["value"] == f"R: {r}, G: {g}, B: {b}"
    assert rows["hex"] == f"#{r:02x}{g:02x}{b:02x}"
    depth = np.full((6, 8), 1500, np.uint16)
    depth[1, 7] = 2345
    rows = {r.name: r.value for r in hover_info.pixel_rows(depth, 7, 1, "depth", 1000.0)}
    assert rows["depth"] == "2345 (2.345 m)"
    mono = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    rows = {r.name: r.value for r in hover_info.pixel_rows(mono, 1, 2)}
    assert float(rows["value"]) == pytest.approx(mono[2, 1], rel=1e-5)


def test_zoom_patch_is_centred_on_the_hovered_pixel_and_transparent_outside():
    rgba = np.zeros((10, 12, 4), np.uint8)
    rgba[..., 0] = np.arange(12)[None, :] * 10
    rgba[..., 1] = np.arange(10)[:, None] * 10
    rgba[..., 3] = 255
    patch = hover_info.zoom_patch(rgba, 0, 9, half=2)
    assert patch.shape == (5, 5, 4)
    assert tuple(patch[2, 2]) == tuple(rgba[9, 0])
    assert tuple(patch[2, 4]) == tuple(rgba[9, 2])
    assert (patch[:, :2, 3] == 0).all() and (patch[3:, :, 3] == 0).all()  # left of column 0, below row 9


def test_a_hovered_box_or_line_names_its_instance_for_the_tooltip():
    from types import SimpleNamespace

    from rerun_app.viewer.picking import Picker
    from rerun_app.views.heuristics import SpaceViewSpec
    from rerun_app.views.spatial import EntityLayers
    from rerun_scene import batches as sb

    layers = EntityLayers(batches={"boxes": sb.BoxBatch(np.ones((3, 3), np.float32))})  # no pick info: not points
    host = SimpleNamespace(entity_layers={"world/boxes": layers}, spec=SpaceViewSpec("3d", "/"))
    hover = Picker.describe(host, (("world/boxes", "boxes"), 2))  # the scene reports the box's instance: 2
    assert (hover.entity_path, hover.instance, hover.layer, hover.view) == ("world/boxes", 2, "boxes", host.spec.name)
    # and the tooltip finds that instance's values in the store
    hub = kit.new_hub()
    kit.log_row(hub, "world/boxes", kit.points3d(np.arange(9, dtype=np.float32).reshape(3, 3)), frame=1)
    rows = {r.name: r.value for r in hover_info.instance_rows(_latest(hub, "world/boxes"), hover.instance)}
    assert rows["point3d"] == "(6, 7, 8)"


def test_tensor_cell_rows_give_the_full_index_and_value_of_the_shown_element():
    t = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    # height = axis 2, width = axis 0, axis 1 cut at 3: pixel (column 2, row 4) shows t[2, 3, 4]
    rows = {r.name: r.value for r in hover_info.tensor_cell_rows(t, 2, 0, {1: 3}, 2, 4, ("a", "b", "c"))}
    assert rows["index"] == "[a=2, b=3, c=4]"
    assert float(rows["value"]) == t[2, 3, 4]
