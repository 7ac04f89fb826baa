"""View builders against the real store: what each entity contributes to a view, its placement and caching."""

from __future__ import annotations

import numpy as np
import pytest
from _viewer_kit import image, log_row, new_hub, pinhole, points2d, points3d, rigid3

from rerun import components as C
from rerun_app.views.heuristics import SpaceViewSpec, choose_space_views
from rerun_app.views.space_view_builder import SpaceViewBuilder
from rerun_app.views.spatial import EntityProperties
from rerun_app.views.values import transform as decode_transform

FRAME = ("frame", "sequence")


def build(hub, spec, time=10, hidden=(), props=None):
    builder = SpaceViewBuilder(spec)
    props = props or {}
    out = builder.update(hub.active, FRAME, time, lambda p: p in hidden, lambda p: props.get(p, EntityProperties()))
    return builder, out


def world_points(batch) -> np.ndarray:
    t = np.asarray(batch.transform, dtype=np.float64)
    pos = np.asarray(batch.positions, dtype=np.float64)
    return pos @ t[:3, :3].T + t[:3, 3]


def test_points_keep_positions_colours_radii_and_labels():
    hub = new_hub()
    pos = np.array([[0, 0, 0], [1, 2, 3], [-4, 5, 0.5]], np.float32)
    col = np.array([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 128]], np.uint8)
    log_row(hub, "world/points", points3d(pos, colors=col, radii=[0.1, 0.2, 0.3], labels=["a", "b", "c"]), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    layers = out["world/points"]
    np.testing.assert_array_equal(layers.batches["points"].positions, pos)
    np.testing.assert_array_equal(layers.batches["points"].colors, col)
    np.testing.assert_allclose(layers.batches["points"].radii, [0.1, 0.2, 0.3], rtol=1e-6)
    assert list(layers.batches["labels"].texts) == ["a", "b", "c"]
    assert layers.warnings == []


def test_rigid3_chain_places_children_in_world():
    hub = new_hub()
    log_row(hub, "world/a", rigid3([1, 0, 0]), frame=None)
    # 90° about +Z: child x axis maps to parent y axis
    s = np.sqrt(0.5)
    log_row(hub, "world/a/b", rigid3([0, 0, 2], (0, 0, s, s)), frame=None)
    log_row(hub, "world/a/b/pts", points3d([[1, 0, 0]]), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    got = world_points(out["world/a/b/pts"].batches["points"])
    np.testing.assert_allclose(got, [[1, 1, 2]], atol=1e-6)


def test_depth_image_of_a_plane_back_projects_to_that_plane_in_world():
    hub = new_hub()
    h, w, fx, cx, cy, meter, depth_mm = 24, 32, 30.0, 16.0, 12.0, 1000.0, 2500
    log_row(hub, "world/cam", rigid3([0, 0, -10]), frame=None)
    log_row(hub, "world/cam/image", pinhole(fx, fx, cx, cy, w, h), frame=None)
    depth = np.full((h, w), depth_mm, np.uint16)
    depth[0, :5] = 0  # invalid pixels are skipped
    log_row(hub, "world/cam/image/depth", image(depth, "depth", meter), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    cloud = out["world/cam/image/depth"].batches["depth_cloud"]
    assert len(cloud) == h * w - 5
    world = world_points(cloud)
    np.testing.assert_allclose(world[:, 2], -10 + depth_mm / meter, atol=1e-5)  # a plane at z = 2.5 m in front
    # the plane spans the frustum: x extent = z * (pixel span) / fx
    span_x = world[:, 0].max() - world[:, 0].min()
    assert span_x == pytest.approx((w - 1) * (depth_mm / meter) / fx, rel=0.02)
    assert cloud.colors.shape == (len(cloud), 4)
    # the pinhole itself draws a frustum at the camera pose
    frustum = out["world/cam/image"].batches["frustum"]
    np.testing.assert_allclose(np.asarray(frustum.transform)[:3, 3], [0, 0, -10])


def test_depth_cloud_takes_colours_from_the_aligned_rgb_image():
    hub = new_hub()
    log_row(hub, "cam", pinhole(10, 10, 4, 4, 8, 8), frame=None)
    log_row(hub, "cam/depth", image(np.full((8, 8), 1.0, np.float32), "depth", 1.0), frame=1)
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[:, 4:] = (10, 200, 30)
    log_row(hub, "cam/rgb", image(rgb), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    colors = out["cam/depth"].batches["depth_cloud"].colors.reshape(8, 8, 4)
    np.testing.assert_array_equal(colors[:, 4:, :3], np.broadcast_to([10, 200, 30], (8, 4, 3)))
    np.testing.assert_array_equal(colors[:, :4, :3], 0)


def test_image_under_pinhole_sits_on_the_image_plane():
    hub = new_hub()
    log_row(hub, "cam", pinhole(50, 50, 20, 10, 40, 20), frame=None)
    log_row(hub, "cam/rgb", image(np.zeros((20, 40, 3), np.uint8)), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"), props={"cam": EntityProperties(image_plane_distance=2.0)})
    img = out["cam/rgb"].batches["image"]
    t = np.asarray(img.transform, np.float64)
    corners = np.c_[np.asarray(img.corners, np.float64), np.ones(4)] @ t.T
    # pixel (0,0) and (40,20) map through the inverse intrinsics onto z = 2
    np.testing.assert_allclose(corners[0, :3], [(0 - 20) * 2 / 50, (0 - 10) * 2 / 50, 2], atol=1e-6)
    np.testing.assert_allclose(corners[2, :3], [(40 - 20) * 2 / 50, (20 - 10) * 2 / 50, 2], atol=1e-6)


def test_latest_at_follows_the_cursor_and_unchanged_entities_are_not_rebuilt():
    hub = new_hub()
    for frame in (1, 2, 3):
        log_row(hub, "moving", points3d([[frame, 0, 0]]), frame=frame)
    log_row(hub, "static", points3d([[0, 9, 0]]), frame=1)
    spec = SpaceViewSpec("3d", "/")
    builder = SpaceViewBuilder(spec)
    store = hub.active
    props = lambda p: EntityProperties()  # noqa: E731
    first = builder.update(store, FRAME, 1, lambda p: False, props)
    assert first["moving"].batches["points"].positions[0, 0] == 1
    static_batch = first["static"].batches["points"]
    builds = builder.builds
    second = builder.update(store, FRAME, 3, lambda p: False, props)
    assert second["moving"].batches["points"].positions[0, 0] == 3
    assert second["static"].batches["points"] is static_batch  # same object: the scene will not re-upload
    assert builder.builds == builds + 1
    builder.update(store, FRAME, 3, lambda p: False, props)
    assert builder.builds == builds + 1  # nothing changed: nothing rebuilt


def test_hidden_entities_contribute_nothing():
    hub = new_hub()
    log_row(hub, "world/a", points3d([[0, 0, 0]]), frame=1)
    log_row(hub, "world/b", points3d([[1, 0, 0]]), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"), hidden={"world/a"})
    assert set(out) == {"world/b"}


@pytest.mark.parametrize(
    "bad, warning",
    [
        (points3d([[np.nan, 0, 0], [1, 1, 1]]), "NaN"),
        (points3d([[0, 0, 0]], radii=[-1.0]), "negative radii"),
    ],
)
def test_bad_values_become_warnings_not_errors(bad, warning):
    hub = new_hub()
    log_row(hub, "bad", bad, frame=1)
    log_row(hub, "good", points3d([[0, 0, 0]]), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    assert any(warning in w for w in out["bad"].warnings)
    assert "points" in out["bad"].batches and "points" in out["good"].batches


def test_broken_mesh_and_zero_focal_pinhole_warn_on_their_entity_only():
    hub = new_hub()
    mesh = C.meshes([{"mesh_id": bytes(16), "positions": np.zeros(9, np.float32), "indices": np.array([0, 1, 7], np.uint32)}])
    log_row(hub, "mesh", {"rerun.mesh3d": mesh}, frame=1)
    log_row(hub, "cam", pinhole(0, 0, 1, 1, 4, 4), frame=None)
    log_row(hub, "cam/img", image(np.zeros((4, 4), np.uint8)), frame=1)
    log_row(hub, "fine", points3d([[0, 0, 0]]), frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    assert any("indices" in w for w in out["mesh"].warnings)
    assert any("focal" in w for w in out["cam"].warnings)
    assert "points" in out["fine"].batches


def test_raw_mesh_becomes_a_mesh_batch():
    hub = new_hub()
    positions = np.array([0, 0, 0, 1, 0, 0, 0, 1, 0], np.float32)
    colors = np.array([[255, 0, 0, 255]] * 3, np.uint8)
    mesh = C.meshes([{"mesh_id": bytes(16), "positions": positions, "indices": np.array([0, 1, 2], np.uint32),
                      "vertex_colors": colors}])
    log_row(hub, "mesh", {"rerun.mesh3d": mesh}, frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    batch = out["mesh"].batches["mesh0"]
    np.testing.assert_array_equal(batch.vertices, positions.reshape(3, 3))
    np.testing.assert_array_equal(batch.indices, [[0, 1, 2]])


def test_2d_view_shows_image_and_points_in_pixel_space():
    hub = new_hub()
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    log_row(hub, "image", image(img), frame=1)
    log_row(hub, "image/kp", points2d([[1, 2]], colors=[[9, 8, 7, 255]]), frame=1)
    views = choose_space_views(hub.active.entity_paths(), lambda p: set(hub.active.components(p)), lambda p: None)
    assert views == [SpaceViewSpec("2d", "/")]
    _, out = build(hub, views[0])
    rgba = out["image"].batches["image"].rgba
    np.testing.assert_array_equal(rgba[..., 0], img)
    np.testing.assert_array_equal(out["image/kp"].batches["points"].positions[0, :2], [1, 2])


def test_heuristics_one_3d_view_per_space_root_and_a_2d_view_per_camera():
    hub = new_hub()
    log_row(hub, "world/pts", points3d([[0, 0, 0]]), frame=1)
    log_row(hub, "world/cam", rigid3([0, 0, 1]), frame=None)
    log_row(hub, "world/cam/img", pinhole(10, 10, 2, 2, 4, 4), frame=None)
    log_row(hub, "world/cam/img/rgb", image(np.zeros((4, 4, 3), np.uint8)), frame=1)
    log_row(hub, "other", {"rerun.transform": C.transform("unknown")}, frame=None)
    log_row(hub, "other/pts", points3d([[0, 0, 0]]), frame=1)
    store = hub.active

    def kind(path):
        found = store.latest_at(path, FRAME, 10, components=["rerun.transform"])
        return None if found is None or "rerun.transform" not in found.components else decode_transform(
            found.components["rerun.transform"]).kind

    views = choose_space_views(store.entity_paths(), lambda p: set(store.components(p)), kind)
    assert set(views) == {SpaceViewSpec("3d", "/"), SpaceViewSpec("3d", "other"), SpaceViewSpec("2d", "world/cam/img")}
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    assert "other/pts" not in out  # disconnected by the unknown transform


def test_visible_history_adds_the_earlier_points_of_the_range():
    hub = new_hub()
    for frame in range(1, 8):
        log_row(hub, "traj", points3d([[frame, 0, 0]]), frame=frame)
    _, out = build(hub, SpaceViewSpec("3d", "/"), time=6, props={"traj": EntityProperties(visible_history=3)})
    history = out["traj"].batches["history"]
    np.testing.assert_array_equal(np.sort(history.positions[:, 0]), [3, 4, 5])
    np.testing.assert_array_equal(out["traj"].batches["points"].positions[:, 0], [6])


def test_visible_history_adds_the_earlier_line_strips_of_the_range_as_segments():
    hub = new_hub()
    strips = {frame: [np.array([[frame, 0, 0], [frame, 1, 0], [frame, 1, 1]], np.float32)] for frame in range(1, 8)}
    for frame, frame_strips in strips.items():
        log_row(hub, "outline", {"rerun.linestrip3d": C.line_strips(frame_strips, 3)}, frame=frame)
    _, out = build(hub, SpaceViewSpec("3d", "/"), time=6, props={"outline": EntityProperties(visible_history=2)})
    history = out["outline"].batches["history_lines"]
    expected = np.concatenate([np.stack([s[0][:-1], s[0][1:]], axis=1) for f, s in strips.items() if f in (4, 5)])
    np.testing.assert_array_equal(history.segments, expected)
    latest = out["outline"].batches["lines"].segments
    np.testing.assert_array_equal(latest, np.stack([strips[6][0][:-1], strips[6][0][1:]], axis=1))
    _, plain = build(hub, SpaceViewSpec("3d", "/"), time=6)
    assert "history_lines" not in plain["outline"].batches


def test_heuristics_add_time_series_text_log_and_bar_chart_views():
    comps = {"s": {"rerun.scalar"}, "t": {"rerun.text_entry"}, "bars": {"rerun.tensor"}, "img": {"rerun.tensor"},
             "vol": {"rerun.tensor"}, "more/bars": {"rerun.tensor"}}
    kinds = {"bars": "bar", "img": "image", "vol": "tensor", "more/bars": "bar"}
    views = choose_space_views(comps, lambda p: comps[p], lambda p: None, tensor_kind=kinds.get)
    # every 1-D tensor of the space in one bar chart of its root, as the original's "/ (Bar Chart)"
    assert set(views) == {SpaceViewSpec("timeseries", "/"), SpaceViewSpec("textlog", "/"),
                          SpaceViewSpec("barchart", "/"), SpaceViewSpec("2d", "/"), SpaceViewSpec("tensor", "vol")}
    assert SpaceViewSpec("barchart", "/").title_for(["bars", "more/bars"]) == "/ (Bar Chart)"


def test_a_disconnected_space_gets_its_own_bar_chart():
    comps = {"a": {"rerun.tensor"}, "far": {"rerun.transform"}, "far/b": {"rerun.tensor"}}
    views = choose_space_views(comps, lambda p: comps[p], lambda p: "unknown" if p == "far" else None,
                               tensor_kind=lambda p: "bar")
    assert [v for v in views if v.kind == "barchart"] == [SpaceViewSpec("barchart", "/"),
                                                          SpaceViewSpec("barchart", "far")]


def test_mesh_file_glb_is_decoded_with_its_transform():
    import trimesh

    box = trimesh.creation.box(extents=(2, 2, 2))
    glb = box.export(file_type="glb")
    affine = np.eye(4)[:3, :]  # 3x4
    affine[:, 3] = (5, 0, 0)
    hub = new_hub()
    log_row(hub, "mesh", {"rerun.mesh3d": C.mesh_encoded(bytes(16), "glb", glb, affine.T.ravel())}, frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    batch = out["mesh"].batches["mesh0"]
    assert len(batch) == len(box.faces)
    t = np.asarray(batch.transform, np.float64)
    world = np.asarray(batch.vertices, np.float64) @ t[:3, :3].T + t[:3, 3]
    np.testing.assert_allclose(world.min(0), [4, -1, -1], atol=1e-5)
    np.testing.assert_allclose(world.max(0), [6, 1, 1], atol=1e-5)


def test_garbage_mesh_file_is_a_warning():
    hub = new_hub()
    log_row(hub, "mesh", {"rerun.mesh3d": C.mesh_encoded(bytes(16), "glb", b"garbage", np.eye(4)[:3].T.ravel())}, frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    assert out["mesh"].batches == {} and any("GLB" in w for w in out["mesh"].warnings)


def test_class_ids_colour_points_and_segmentation_through_the_annotation_context():
    hub = new_hub()
    ctx = C.annotation_context([
        {"class_id": 1, "label": "car", "color": [10, 20, 30, 255], "keypoint_annotations": [], "keypoint_connections": []},
        {"class_id": 2, "label": "tree", "color": [40, 50, 60, 255], "keypoint_annotations": [], "keypoint_connections": []},
    ])
    log_row(hub, "/", {"rerun.annotation_context": ctx}, frame=None)
    log_row(hub, "pts", {**points2d([[0, 0], [1, 1]]), "rerun.class_id": C.primitive(np.array([2, 1], np.uint16))},
            frame=1)
    seg = np.array([[0, 1], [2, 7]], np.uint8)
    log_row(hub, "seg", image(seg, meaning="class_id"), frame=1)
    _, out = build(hub, SpaceViewSpec("2d", "/"))
    np.testing.assert_array_equal(out["pts"].batches["points"].colors[:, :3], [[40, 50, 60], [10, 20, 30]])
    assert list(out["pts"].batches["labels"].texts) == ["tree", "car"]
    rgba = out["seg"].batches["image"].rgba
    np.testing.assert_array_equal(rgba[0, 1, :3], [10, 20, 30])
    np.testing.assert_array_equal(rgba[1, 0, :3], [40, 50, 60])
    assert rgba[0, 0, 3] == 0  # class 0 without a description is transparent
    assert rgba[1, 1, 3] == 255 and tuple(rgba[1, 1, :3]) != (0, 0, 0)  # undescribed id: a default colour


def test_image_wider_than_the_texture_limit_is_a_warning():
    hub = new_hub()
    log_row(hub, "huge", image(np.zeros((1, 20000), np.uint8)), frame=1)
    _, out = build(hub, SpaceViewSpec("2d", "/"))
    assert out["huge"].batches == {} and any("texture limit" in w for w in out["huge"].warnings)


@pytest.mark.parametrize("code, up", [(b"\x03\x05\x01", "+Z"), (b"\x03\x02\x05", "-Y"), (b"\x01\x03\x05", "+X"),
                                      (b"\x03\x04\x05", None)])
def test_up_axis_from_view_coordinates(code, up):
    from rerun_app.viewer.view_coordinates import up_axis

    assert up_axis(code) == up


def test_keypoints_take_annotation_colours_and_draw_their_skeleton():
    hub = new_hub()
    ctx = C.annotation_context([{
        "class_id": 0, "label": "person", "color": [200, 200, 200, 255],
        "keypoint_annotations": [{"id": 0, "label": "head", "color": [255, 0, 0, 255]},
                                 {"id": 1, "label": "hip", "color": [0, 0, 255, 255]}],
        "keypoint_connections": [[0, 1], [1, 2]],
    }])
    log_row(hub, "pose", {"rerun.annotation_context": ctx}, frame=None)
    pts = np.array([[0, 0, 1], [0, 0, 0], [0, 1, 0]], np.float32)
    log_row(hub, "pose/kp", {**points3d(pts), "rerun.class_id": C.primitive(np.zeros(3, np.uint16)),
                             "rerun.keypoint_id": C.primitive(np.array([0, 1, 2], np.uint16))}, frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    layers = out["pose/kp"]
    np.testing.assert_array_equal(layers.batches["points"].colors[:, :3], [[255, 0, 0], [0, 0, 255], [200, 200, 200]])
    segments = layers.batches["skeleton"].segments
    np.testing.assert_array_equal(segments, [[pts[0], pts[1]], [pts[1], pts[2]]])


def test_line_strips_become_segments_per_strip():
    hub = new_hub()
    strips = [np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]], np.float32), np.array([[5, 5, 5], [6, 6, 6]], np.float32)]
    log_row(hub, "lines", {"rerun.linestrip3d": C.line_strips(strips, 3),
                           "rerun.colorrgba": C.fixed_size_list(np.array([[255, 0, 0, 255], [0, 255, 0, 255]], np.uint8))},
            frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    batch = out["lines"].batches["lines"]
    np.testing.assert_array_equal(batch.segments, [[strips[0][0], strips[0][1]], [strips[0][1], strips[0][2]],
                                                   [strips[1][0], strips[1][1]]])
    np.testing.assert_array_equal(batch.instance_of_segment, [0, 0, 1])
    assert batch.n_instances == 2


def test_tensor_view_shows_the_selected_slice_through_the_colormap():
    from rerun_app.views.tensor_view import TensorViewBuilder, classify_tensor

    assert classify_tensor([4, 5, 6], "float32") == "tensor"
    assert classify_tensor([1, 10], "float32") == "bar"
    assert classify_tensor([10, 20, 3], "uint8") == "image"
    hub = new_hub()
    volume = np.zeros((3, 4, 5), np.float32)
    volume[2] = 1.0  # the last slice along axis 0 is bright
    log_row(hub, "vol", image(volume), frame=1)
    builder = TensorViewBuilder(SpaceViewSpec("tensor", "vol"))
    out = builder.update(hub.active, FRAME, 5, lambda p: False, lambda p: EntityProperties())
    assert (builder.state.height_axis, builder.state.width_axis, builder.state.indices) == (1, 2, {0: 1})
    middle = out["vol"].batches["slice"].rgba
    assert middle.shape == (4, 5, 4) and (middle == middle[0, 0]).all()  # slice 1: all zeros, one colour
    builder.state.indices[0] = 2
    bright = builder.update(hub.active, FRAME, 5, lambda p: False, lambda p: EntityProperties())["vol"]
    rgba = bright.batches["slice"].rgba
    assert (rgba == rgba[0, 0]).all() and not np.array_equal(rgba[0, 0], middle[0, 0])


def test_class_0_described_by_label_only_gets_a_visible_colour_and_keypoints_their_own_labels():
    """The mp_pose pattern: ``AnnotationInfo(label="Person")`` is class 0 with no colour."""
    hub = new_hub()
    ctx = C.annotation_context([{
        "class_id": 0, "label": "Person",
        "keypoint_annotations": [{"id": 0, "label": "head"}, {"id": 1, "label": "hip"}],
        "keypoint_connections": [[0, 1]],
    }])
    log_row(hub, "/", {"rerun.annotation_context": ctx}, frame=None)
    pts = np.array([[0, 0], [0, 10], [5, 5]], np.float32)
    log_row(hub, "pose", {**points2d(pts), "rerun.class_id": C.primitive(np.zeros(3, np.uint16)),
                          "rerun.keypoint_id": C.primitive(np.array([0, 1, 7], np.uint16))}, frame=1)
    _, out = build(hub, SpaceViewSpec("2d", "/"))
    layers = out["pose"]
    assert (layers.batches["skeleton"].colors[..., 3] == 255).all()  # not transparent black
    assert (layers.batches["points"].colors[:, 3] == 255).all()
    # the keypoint's label where it has one, else the class's
    assert list(layers.batches["labels"].texts) == ["head", "hip", "Person"]


def test_rects_boxes_and_arrows_get_labels_at_their_anchors():
    hub = new_hub()
    log_row(hub, "/", {"rerun.annotation_context": C.annotation_context([{"class_id": 3, "label": "tree"}])},
            frame=None)
    log_row(hub, "img/rects", {"rerun.rect2d": C.rects("XYWH", np.array([[10, 20, 30, 40], [0, 0, 5, 5]], np.float32)),
                               "rerun.class_id": C.primitive(np.array([3, 3], np.uint16)),
                               "rerun.label": C.strings(["car", None])}, frame=1)
    _, out2d = build(hub, SpaceViewSpec("2d", "/"))
    labels = out2d["img/rects"].batches["rect_labels"]
    assert list(labels.texts) == ["car", "tree"]  # explicit label, else the class label
    np.testing.assert_allclose(labels.positions[:, :2], [[25, 60], [2.5, 5]])  # centre of the bottom edge

    hub = new_hub()
    log_row(hub, "world/box", {"rerun.box3d": C.fixed_size_list(np.array([[1, 1, 1]], np.float32)),
                               "rerun.vec3d": C.fixed_size_list(np.array([[0, 0, 2]], np.float32)),
                               "rerun.label": C.strings(["box"])}, frame=1)
    log_row(hub, "world/arrow", {"rerun.arrow3d": C.arrows(np.array([[1, 0, 0]], np.float32),
                                                           np.array([[0, 3, 0]], np.float32)),
                                 "rerun.radius": C.primitive(np.array([0.1], np.float32)),
                                 "rerun.label": C.strings(["wide"])}, frame=1)
    _, out3d = build(hub, SpaceViewSpec("3d", "/"))
    box_labels = out3d["world/box"].batches["box_labels"]
    assert list(box_labels.texts) == ["box"] and box_labels.positions.tolist() == [[0, 0, 2]]
    arrow = out3d["world/arrow"].batches
    assert list(arrow["arrow_labels"].texts) == ["wide"] and arrow["arrow_labels"].positions.tolist() == [[1, 3, 0]]
    np.testing.assert_allclose(arrow["arrows"].radii, 0.1)  # width_scale / 2 reaches the drawing


def test_logged_radii_give_lines_and_box_edges_a_width_in_scene_units_and_meshes_pick_as_their_instance():
    hub = new_hub()
    strips = [np.array([[0, 0, 0], [1, 0, 0]], np.float32), np.array([[5, 5, 5], [6, 6, 6]], np.float32)]
    log_row(hub, "wide", {"rerun.linestrip3d": C.line_strips(strips, 3),
                          "rerun.radius": C.primitive(np.array([0.05, 0.2], np.float32))}, frame=1)
    log_row(hub, "auto", {"rerun.linestrip3d": C.line_strips(strips, 3)}, frame=1)
    log_row(hub, "box", {"rerun.box3d": C.fixed_size_list(np.array([[1, 1, 1]], np.float32)),
                         "rerun.radius": C.primitive(np.array([0.25], np.float32))}, frame=1)
    mesh = C.meshes([{"mesh_id": bytes(16), "positions": np.array([0, 0, 0, 1, 0, 0, 0, 1, 0], np.float32)}] * 2)
    log_row(hub, "mesh", {"rerun.mesh3d": mesh, "rerun.instance_key": C.primitive(np.array([7, 9], np.uint64))},
            frame=1)
    _, out = build(hub, SpaceViewSpec("3d", "/"))
    wide = out["wide"].batches["lines"]
    assert wide.width_unit == "world"
    np.testing.assert_allclose(wide.widths, [0.1, 0.4])  # the SDK logs stroke_width / 2
    auto = out["auto"].batches["lines"]
    assert auto.width_unit == "px" and float(auto.widths) == 3.0  # the original's automatic width: 2 x 1.5 points
    box = out["box"].batches["boxes"]
    assert box.width_unit == "world"
    np.testing.assert_allclose(box.widths, [0.5])
    assert [out["mesh"].batches[f"mesh{i}"].instance_ids().tolist() for i in range(2)] == [[7], [9]]
