"""Rendered-pixel tests of rerun_scene through headless EGL (Mesa llvmpipe).

All GL work happens in one subprocess (``_scene_gl_scenarios.py``) so vispy's EGL backend choice
never leaks into this pytest process. Expectations come from ``_scene_oracle`` (textbook camera
formulas) and from the inputs, never from rerun_scene's own matrices.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gl_support import headless_gl_env

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scene_oracle as oracle  # noqa: E402

pytestmark = pytest.mark.gl

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def scene_results(egl_available, tmp_path_factory):
    out = tmp_path_factory.mktemp("scene_gl")
    proc = subprocess.run(
        [sys.executable, str(HERE / "_scene_gl_scenarios.py"), str(out)],
        env=headless_gl_env(), capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def result(scene_results, name):
    error = scene_results / f"{name}.error"
    if error.exists():
        pytest.fail(f"scenario {name} raised:\n{error.read_text()}")
    with np.load(scene_results / f"{name}.npz") as data:
        return {key: data[key] for key in data.files}


def near_any(shape, centres, radius):
    """Mask of pixels whose centre lies within ``radius`` of any (u, v) centre."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    mask = np.zeros(shape[:2], dtype=bool)
    for u, v in centres:
        mask |= np.hypot(cols + 0.5 - u, rows + 0.5 - v) <= radius
    return mask


def test_points_land_where_the_pinhole_projects_them(scene_results):
    r = result(scene_results, "points_pinhole")
    image = r["image"]
    expected = oracle.pinhole_pixels(oracle.POINTS)
    in_front = expected[:, 2] > 0
    for (u, v, _), color in zip(expected[in_front], oracle.POINT_COLORS[in_front]):
        np.testing.assert_array_equal(oracle.pixel(image, u, v), color)
    # Nothing else is drawn: every coloured pixel is within the 2.5 px radius of a visible point,
    # and the point behind the camera shows nowhere.
    drawn = oracle.coloured_mask(image)
    assert not (drawn & ~near_any(image.shape, expected[in_front, :2], 2.5 + 1.0)).any()
    behind_color = oracle.POINT_COLORS[~in_front][0]
    assert not (image == behind_color).all(axis=-1).any()


def test_pick_returns_the_point_under_the_cursor(scene_results):
    r = result(scene_results, "points_pinhole")
    in_front = oracle.pinhole_pixels(oracle.POINTS)[:, 2] > 0
    assert list(r["pick_keys"][in_front]) == ["points"] * int(in_front.sum())
    assert list(r["pick_index"][in_front]) == list(np.flatnonzero(in_front))
    assert 4 not in set(r["pick_index"])  # the point behind the camera is never picked
    assert bool(r["pick_empty"])


def test_world_radius_shrinks_with_distance_as_the_pinhole_says(scene_results):
    r = result(scene_results, "points_world_radius")
    image = r["image"]
    for u, v, z in oracle.pinhole_pixels(r["positions"]):
        expected_diameter = 2 * 0.1 * oracle.PINHOLE_K[1, 1] / z
        row = image[int(v)]
        lit = np.flatnonzero(oracle.coloured_mask(row[None])[0])
        lit = lit[np.abs(lit + 0.5 - u) < expected_diameter]  # the run of this point only
        assert abs(len(lit) - expected_diameter) <= 2, (len(lit), expected_diameter)
    assert list(r["picks"]) == [0, 1]


def test_layer_transform_places_points_in_world(scene_results):
    r = result(scene_results, "points_world_radius")
    u, v, _ = oracle.pinhole_pixels(r["moved_world"])[0]
    np.testing.assert_array_equal(oracle.pixel(r["image"], u, v), [0, 255, 0, 255])
    assert list(r["pick_moved"]) == ["moved", "99"]  # ids replace the row index (saved as text)


def test_hiding_a_layer_removes_exactly_its_pixels(scene_results):
    r = result(scene_results, "hide_and_remove")
    (ur, vr, _), (ug, vg, _) = oracle.pinhole_pixels(oracle.POINTS[:2])
    red, green = [255, 0, 0, 255], [0, 255, 0, 255]
    np.testing.assert_array_equal(oracle.pixel(r["both"], ug, vg), green)
    np.testing.assert_array_equal(oracle.pixel(r["hidden"], ug, vg), oracle.BLACK)
    np.testing.assert_array_equal(oracle.pixel(r["hidden"], ur, vr), red)
    assert not (r["hidden"] == green).all(axis=-1).any()
    np.testing.assert_array_equal(r["shown"], r["both"])
    assert bool(r["pick_hidden_is_none"])
    np.testing.assert_array_equal(oracle.pixel(r["removed"], ur, vr), oracle.BLACK)
    assert list(r["layers"]) == ["green"]


def test_image_is_upright_with_exact_pixel_values(scene_results):
    r = result(scene_results, "image_2d")
    source = oracle.unique_image()
    rendered = r["image"]
    # The view is exactly 20x the image: each source pixel is a 20x20 block, row 0 at the top.
    blocks = rendered.reshape(oracle.IMAGE_H, 20, oracle.IMAGE_W, 20, 4)
    for dr in (0, 19):
        for dc in (0, 19):
            np.testing.assert_array_equal(blocks[:, dr, :, dc, :3], source)
    assert (rendered[..., 3] == 255).all()
    np.testing.assert_array_equal(r["picks"], np.arange(oracle.IMAGE_W * oracle.IMAGE_H))
    assert float(r["scale"]) == 20.0  # view pixels per image pixel


def test_points_are_drawn_over_images_in_2d(scene_results):
    r = result(scene_results, "image_2d")
    np.testing.assert_array_equal(r["with_point"][30, 50], [255, 255, 255, 255])
    np.testing.assert_array_equal(r["with_point"][5, 5], r["image"][5, 5])
    assert str(r["pick_point"]) == "point"
    np.testing.assert_array_equal(r["overlay"][10, 10, :3], [77, 77, 77])  # later image on top
    np.testing.assert_array_equal(r["overlay"][10, 30], r["image"][10, 30])  # only where it covers
    assert list(r["pick_overlay"]) == ["overlay", "0"]


def test_view_placed_by_set_rect_draws_and_picks_there(scene_results):
    r = result(scene_results, "view_in_subrect")
    image = r["image"]
    assert not oracle.coloured_mask(image[:, :100]).any()
    assert (image[:, 100:, :3] == 255).all()
    assert bool(r["pick_left"])
    assert int(r["pick_right"]) == 5 * 10 + 5  # canvas (150, 50) is image pixel row 5, column 5


def test_mesh_triangle_covers_the_projected_triangle(scene_results):
    r = result(scene_results, "mesh_triangle")
    image = r["image"]
    corners = oracle.pinhole_pixels(r["vertices"])[:, :2]
    rows, cols = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    centres = np.stack([cols + 0.5, rows + 0.5], axis=-1)
    signs = []
    for i in range(3):
        a, b = corners[i], corners[(i + 1) % 3]
        signs.append((b[0] - a[0]) * (centres[..., 1] - a[1]) - (b[1] - a[1]) * (centres[..., 0] - a[0]))
    signs = np.stack(signs)
    inside = (signs >= 0).all(axis=0) | (signs <= 0).all(axis=0)
    drawn = (image[..., :3] == [255, 128, 0]).all(axis=-1)
    assert oracle.coloured_mask(image)[drawn].all()
    assert inside.sum() > 500
    # Differences only on the edges (within a pixel of an edge line).
    edge_distance = np.min(
        [np.abs(s) / np.linalg.norm(corners[(i + 1) % 3] - corners[i]) for i, s in enumerate(signs)], axis=0
    )
    assert ((drawn != inside) <= (edge_distance < 1.0)).all()
    assert str(r["pick_key"]) == "tri" and int(r["pick_index"]) == 0


def test_boxes_arrows_lines_and_frustums_draw_and_pick_by_instance(scene_results):
    r = result(scene_results, "lines_boxes_arrows_frustum")
    image = r["image"]
    assert list(r["picks"]) == ["box:42", "arrow:0", "strip:0"]
    for point, color in [([-1.0, 0.5, -0.5], [255, 255, 0]), ([0.55, 0.0, -1.0], [255, 0, 255])]:
        u, v, _ = oracle.pinhole_pixels([point])[0]
        window = image[int(v) - 1 : int(v) + 2, int(u) - 1 : int(u) + 2, :3]
        assert (window == color).all(axis=-1).any(), (point, window)
    # The frustum's image plane (grey 90) is visible where its centre projects.
    centre_world = np.array([[0.0, 2.5, -1.2]])  # 0.5 ahead of that camera, which looks along +Y
    u, v, _ = oracle.pinhole_pixels(centre_world)[0]
    np.testing.assert_array_equal(oracle.pixel(image, u, v)[:3], [90, 90, 90])
    assert len(r["layers"]) == 5


def test_orbit_camera_drag_pan_zoom_move_points_as_a_turntable_would(scene_results):
    r = result(scene_results, "orbit_drag")
    images, states, points = r["images"], r["states"], r["points"]
    colors = [[255, 0, 0, 255], [0, 255, 0, 255]]
    size = (200, 150)
    for image, state in zip(images, states):
        expected = oracle.orbit_pixels(points, state[:3], *state[3:7], size)
        for (u, v, _), color in zip(expected, colors):
            if 0 <= u < size[0] and 0 <= v < size[1]:
                np.testing.assert_array_equal(oracle.pixel(image, u, v), color)
            else:  # zoomed out of view: its colour is nowhere
                assert not (image == color).all(axis=-1).any()
    # Left-drag (+40, +10) px: the scene turns with the mouse (yaw down, pitch up), 0.4 deg/px.
    d_yaw, d_pitch = states[1][4] - states[0][4], states[1][5] - states[0][5]
    assert math.isclose(d_yaw, -40 * 0.4) and math.isclose(d_pitch, 10 * 0.4)
    # Right-drag 30 px left: centre moves, angles and distance stay.
    assert not np.allclose(states[2][:3], states[1][:3])
    np.testing.assert_allclose(states[2][3:], states[1][3:])
    # ...and the point at the centre of view follows the mouse: it moved 30 px left on screen (points at other
    # depths move more or less: perspective).
    centre = np.asarray(states[1][:3])[None, :]
    before = oracle.orbit_pixels(centre, states[1][:3], *states[1][3:7], size)
    after = oracle.orbit_pixels(centre, states[2][:3], *states[2][3:7], size)
    np.testing.assert_allclose((after - before)[0, :2], [-30, 0], atol=1)
    assert (oracle.orbit_pixels(points, states[2][:3], *states[2][3:7], size)[:, 0]
            < oracle.orbit_pixels(points, states[1][:3], *states[1][3:7], size)[:, 0]).all()
    # Wheel toward the scene: closer.
    assert states[3][3] < states[2][3]
    # reset(): back to the default angles around the data's centre.
    np.testing.assert_allclose(states[4][:3], points.mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(states[4][4:6], states[0][4:6])
    assert bool(r["user_moved"])


def test_up_axis_flips_the_picture_and_focus_centres(scene_results):
    r = result(scene_results, "up_axis_and_focus")
    top, origin = r["z_up"]
    assert top[1] < origin[1]  # +Z up: z = 1 is drawn above the origin
    top, origin = r["z_down"]
    assert top[1] > origin[1]  # -Z up: below
    u, v = r["z_down"][0]
    np.testing.assert_array_equal(oracle.pixel(r["image_down"], u, v), [255, 0, 0, 255])
    np.testing.assert_allclose(r["focused"][0], [100, 75], atol=1e-6)
    state = json.loads(str(r["state"]))
    assert state["up"] == "-Z" and state["center"] == [0.0, 0.0, 1.0] and state["user_moved"]


def test_bad_values_draw_what_is_valid_and_never_raise(scene_results):
    r = result(scene_results, "bad_data")
    assert int(r["n_layers"]) == 12
    assert int(r["clamped"]) == 2  # -1 and NaN radii
    assert oracle.coloured_mask(r["image"]).any()  # the valid geometry is drawn


def test_setting_the_same_batch_again_does_not_upload(scene_results):
    r = result(scene_results, "upload_counts")
    assert list(r["results"]) == [True, False, True, True, True]
    assert list(r["counts"]) == [1, 2, 4, 1]


def test_point_cache_draws_the_same_pixels_and_rerenders_only_on_change(scene_results):
    r = result(scene_results, "points_cache")
    images = r["images"]
    assert list(r["passes"]) == [1, 1, 2]  # unchanged frame: no re-render; camera moved: one
    np.testing.assert_array_equal(images[0], images[1])
    np.testing.assert_array_equal(images[2], r["direct"])  # cached == drawn directly
    assert (images[2] == [255, 128, 0, 255]).all(axis=-1).any()  # the mesh occludes some points
    assert oracle.coloured_mask(images[2]).sum() > (images[2] == [255, 128, 0, 255]).all(axis=-1).sum()


@pytest.mark.parametrize("scenario", ["points_interactive_lod", "points_interactive_lod_splat"])
def test_interactive_level_of_detail_refines_once_the_camera_stops(scene_results, scenario):
    r = result(scene_results, scenario)
    images, direct = r["images"], r["direct"]
    assert list(r["passes"]) == [1, 2, 3, 3]
    lit = [int(oracle.coloured_mask(image).sum()) for image in images]
    full = int(oracle.coloured_mask(direct).sum())
    assert lit[0] > 0 and 0 < lit[1] < full / 2  # while moving: about 30 of 108 points
    if scenario.endswith("splat"):  # refined by the CPU splat: GL's picture up to edge pixels of the discs
        assert abs(lit[2] - full) <= 0.15 * full
        np.testing.assert_array_equal(images[3], images[2])
    else:
        np.testing.assert_array_equal(images[2], direct)  # refined: every point
        np.testing.assert_array_equal(images[3], direct)


def test_cpu_splat_matches_gl_points_up_to_edge_pixels(scene_results):
    r = result(scene_results, "points_cache")
    gl, splat = r["direct"], r["splat"]
    assert int(r["splat_passes"]) == int(r["passes"][-1]) + 1  # one CPU rendering for the new batch
    assert int(r["gl_uploads_before"]) == 1 and int(r["splat_gl_uploads"]) == 0  # CPU-drawn: no GL copy
    mesh = np.array([255, 128, 0, 255])
    gl_lit, splat_lit = oracle.coloured_mask(gl), oracle.coloured_mask(splat)
    assert abs(int(gl_lit.sum()) - int(splat_lit.sum())) <= 0.25 * gl_lit.sum()
    both_mesh = (gl == mesh).all(-1) & (splat == mesh).all(-1)
    assert both_mesh.sum() >= 0.95 * (gl == mesh).all(-1).sum()
    # Colours come from the batch only (no blending or shading on the CPU path).
    point_colors = {tuple(c) for c in r["colors"]} | {tuple(mesh), (0, 0, 0, 255)}
    assert {tuple(p) for p in splat.reshape(-1, 4)} <= point_colors
    # Same set of points visible (each grid colour present in one image is present in the other).
    seen = lambda image: {tuple(c) for c in r["colors"] if (image == c).all(-1).any()}  # noqa: E731
    assert len(seen(gl) ^ seen(splat)) <= 2


def test_cpu_splat_handles_world_radii_like_gl(scene_results):
    r = result(scene_results, "world_radius_splat")
    gl, splat = r["gl"], r["splat"]
    assert int(r["splat_gl_uploads"]) == 0  # drawn on the CPU
    gl_lit, splat_lit = oracle.coloured_mask(gl), oracle.coloured_mask(splat)
    assert abs(int(gl_lit.sum()) - int(splat_lit.sum())) <= 0.25 * gl_lit.sum()
    seen = lambda image: {tuple(c) for c in r["colors"] if (image == c).all(-1).any()}  # noqa: E731
    assert len(seen(gl) ^ seen(splat)) <= 0.05 * len(seen(gl))


def test_cpu_splat_in_a_view_inside_the_window_draws_only_there(scene_results):
    r = result(scene_results, "splat_in_a_sub_view")
    (x0, y0, w0, h0), (x1, y1, w1, h1) = r["rects"]

    def inside(x, y, w, h):
        mask = np.zeros(r["first"].shape[:2], bool)
        mask[y:y + h, x:x + w] = True
        return mask

    first, moved = oracle.coloured_mask(r["first"]), oracle.coloured_mask(r["moved"])
    first_rect, moved_rect = inside(x0, y0, w0, h0), inside(x1, y1, w1, h1)
    # The zoomed cloud fills its view to the edges and nothing outside it (no stale pixels after the move).
    assert first[first_rect].mean() > 0.3 and not first[~first_rect].any()
    assert moved[moved_rect].mean() > 0.3 and not moved[~moved_rect].any()
    for edge in (first[y0, x0:x0 + w0], first[y0 + h0 - 1, x0:x0 + w0], first[y0:y0 + h0, x0],
                 first[y0:y0 + h0, x0 + w0 - 1]):
        assert edge.any()  # points drawn up to each edge of the view, clipped there
    # Only the batch's colours appear; numba and its numpy twin draw the same pixels.
    assert {tuple(p) for p in r["moved"][moved]} <= {tuple(c) for c in r["colors"]}
    np.testing.assert_array_equal(r["moved_numpy"], r["moved"])
    # GL_POINTS in the same view light about as many pixels, inside the view only.
    gl = oracle.coloured_mask(r["moved_gl"])
    assert not gl[~moved_rect].any()
    assert abs(int(gl.sum()) - int(moved.sum())) <= 0.1 * gl.sum()


def _extent_along_v(mask: np.ndarray, column: int) -> int:
    rows = np.flatnonzero(mask[:, column])
    return 0 if rows.size == 0 else int(rows.max() - rows.min() + 1)


def test_arrows_are_flat_shaded_shafts_with_a_triangle_head_as_rerun_04_draws_them(scene_results):
    r = result(scene_results, "solid_arrow_and_labels")
    image = r["image"][..., :3].astype(int)
    red = (image[..., 0] > 20) & (image[..., 1] == 0) & (image[..., 2] == 0)
    f, depth, radius = oracle.PINHOLE_K[0, 0], 4.0, oracle.ARROW_RADIUS
    r_px = radius * f / depth
    # shaft: 2 r wide, from the origin to 4 r before the tip; head: 4 r wide at its base, narrowing to the tip
    shaft_u, axis_v = (int(c) for c in oracle.pinhole_pixels([[-0.5, 0.0, 0.0]])[0, :2])
    base_u = int(oracle.pinhole_pixels([[1.0 - 4 * radius + 0.02, 0.0, 0.0]])[0, 0])
    near_tip_u = int(oracle.pinhole_pixels([[1.0 - 0.05, 0.0, 0.0]])[0, 0])
    past_tip_u = int(math.ceil(oracle.pinhole_pixels([[1.0, 0.0, 0.0]])[0, 0])) + 2
    assert abs(_extent_along_v(red, shaft_u) - 2 * r_px) <= 2
    assert abs(_extent_along_v(red, base_u) - 4 * r_px) <= 3
    assert 0 < _extent_along_v(red, near_tip_u) < _extent_along_v(red, base_u) / 2
    assert _extent_along_v(red, past_tip_u) == 0
    # a round start: red reaches up to one radius before the origin, not further
    origin_u = oracle.pinhole_pixels([[-1.0, 0.0, 0.0]])[0, 0]
    assert red[:, int(origin_u - 0.5 * r_px)].any()
    assert not red[:, int(math.floor(origin_u - r_px)) - 2].any()
    # flat and shaded as the original's lines: 0.9 of the colour on the axis, max(0.2, 1 - (d / r)^2) * 0.9 off it
    rows = np.arange(image.shape[0])
    offset = np.abs(rows + 0.5 - oracle.pinhole_pixels([[-0.5, 0.0, 0.0]])[0, 1])
    inside = offset < r_px - 1
    expected = 255 * 0.9 * np.maximum(0.2, 1 - (offset[inside] / r_px) ** 2)
    np.testing.assert_allclose(image[inside, shaft_u, 0], expected, atol=25)
    assert image[axis_v, shaft_u, 0] > image[int(axis_v + 0.7 * r_px), shaft_u, 0] + 40  # darker towards the edge
    # the arrow without a radius: Rerun 0.4's automatic width (a 3 px shaft) and a head 4 radii long, twice as wide
    blue = (image[..., 2] > 20) & (image[..., 0] == 0) & (image[..., 1] == 0)
    assert 2 <= _extent_along_v(blue, shaft_u) <= 4
    blue_tip_u = oracle.pinhole_pixels([[1.0, 0.0, 0.6]])[0, 0]
    assert 5 <= _extent_along_v(blue, int(blue_tip_u - 5)) <= 7
    assert int(r["pick_shaft_edge"][1]) == 0  # a click on the shaft's side picks the arrow


def test_labels_are_drawn_centred_below_their_anchors_in_their_colours(scene_results):
    r = result(scene_results, "solid_arrow_and_labels")
    image = r["image"][..., :3].astype(int)
    for (u, v, _), rgb in zip(oracle.pinhole_pixels(oracle.LABEL_ANCHORS), ([0, 255, 0], [255, 255, 0])):
        # anti-aliased glyphs: the label's hue, at any brightness
        on = np.asarray(rgb) > 0
        mask = (image[..., on].min(axis=-1) > 60) & (image[..., ~on].max(axis=-1, initial=0) < 40)
        ys, xs = np.nonzero(mask)
        near = (np.abs(xs - u) < 40) & (ys >= v - 2) & (ys < v + 25)
        assert near.sum() >= 8, (rgb, int(near.sum()))
        assert abs(xs[near].mean() - u) < 6  # centred on the anchor
        assert ys[near].min() >= v - 2  # below it
        # on a dark grey box (Rerun 0.4's label background) around the text
        grey = (image.min(axis=-1) >= 40) & (image.max(axis=-1) <= 80) & (np.ptp(image, axis=-1) <= 4)
        box = grey[int(v):int(v) + 12, int(u) - 8:int(u) + 8]
        assert box.mean() > 0.3, box.mean()


def test_stacked_images_blend_the_later_one_over_the_first_and_unstack_when_hidden(scene_results):
    r = result(scene_results, "stacked_images")
    centre = lambda image: image[30, 40, :3].astype(int)  # noqa: E731
    np.testing.assert_array_equal(centre(r["plain"]), oracle.STACK_B)  # unstacked: the last one hides the first
    expected = (np.array(oracle.STACK_A) + np.array(oracle.STACK_B)) / 2  # 2 images: the top one at 1/2
    assert np.abs(centre(r["stacked"]) - expected).max() <= 2
    np.testing.assert_array_equal(centre(r["alone"]), oracle.STACK_A)


@pytest.mark.parametrize("lo, hi", [([-5, -5, 0], [5, 5, 0.1]), ([-10, -0.5, -0.5], [10, 0.5, 0.5]),
                                     ([0, 0, 0], [1, 1, 3])])
def test_orbit_fit_fills_the_view_with_the_whole_box(lo, hi):
    """The default framing shows all 8 corners of the box and fills the view along its tighter axis."""
    from rerun_scene import geometry
    from rerun_scene.cameras import OrbitCamera

    camera = OrbitCamera()
    camera.fit(np.array(lo, float), np.array(hi, float))
    w, h = camera.viewbox_size()
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])], float)
    projected, depth = geometry.project(camera.viewbox_from_world(), corners)
    assert (depth > 0).all()
    xs, ys = projected[:, 0], projected[:, 1]
    assert xs.min() >= 0 and xs.max() <= w and ys.min() >= 0 and ys.max() <= h
    assert max((xs.max() - xs.min()) / w, (ys.max() - ys.min()) / h) >= 0.75


def test_world_radius_points_are_shaded_spheres(scene_results):
    """Rerun 0.4 shades 3D points: full colour at the centre, about half at the rim (not a flat square)."""
    r = result(scene_results, "points_world_radius")
    image = r["image"]
    u, v, z = oracle.pinhole_pixels(r["positions"])[0]
    radius_px = 0.1 * oracle.PINHOLE_K[1, 1] / z
    assert radius_px * 2 > 5  # bigger than the CPU splat's flat points
    centre = oracle.pixel(image, u, v)[:3].astype(int)
    rim = oracle.pixel(image, u + 0.8 * radius_px, v)[:3].astype(int)
    corner = oracle.pixel(image, u + 0.9 * radius_px, v + 0.9 * radius_px)[:3].astype(int)
    assert centre.min() >= 240  # white at the centre
    assert 90 <= rim.max() <= 200 and abs(rim[0] - rim[2]) <= 3  # darker grey towards the rim
    assert corner.max() == 0  # round: the square's corner is not drawn
