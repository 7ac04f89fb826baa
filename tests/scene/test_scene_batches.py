"""Batches and geometry of rerun_scene, without GL: validation messages, value clamping, shapes."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rerun_scene import (
    ArrowBatch,
    Batch,
    BoxBatch,
    FrustumBatch,
    ImageBatch,
    LabelBatch,
    LineBatch,
    MeshBatch,
    PointBatch,
)
from rerun_scene import geometry


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda: PointBatch(np.zeros((4, 5))), ["positions", "(N, 3)", "(4, 5)"]),
        (lambda: PointBatch("abc"), ["positions"]),
        (lambda: PointBatch(np.zeros((3, 3)), colors=np.zeros((2, 3), np.uint8)), ["colors", "3", "2"]),
        (lambda: PointBatch(np.zeros((3, 3)), colors=np.zeros((3, 5), np.uint8)), ["colors", "(3, 5)"]),
        (lambda: PointBatch(np.zeros((3, 3)), radii=[1.0, 2.0]), ["radii", "3"]),
        (lambda: PointBatch(np.zeros((3, 3)), radius_unit="inch"), ["radius_unit", "inch"]),
        (lambda: PointBatch(np.zeros((3, 3)), ids=[1, 2]), ["ids", "3"]),
        (lambda: PointBatch(np.zeros((3, 3)), transform=np.eye(3)), ["transform", "4x4", "(3, 3)"]),
        (lambda: LineBatch(np.zeros((4, 3))), ["segments", "(K, 2, 3)"]),
        (lambda: LineBatch.from_strips([np.zeros((2, 3)), np.zeros((2, 7))]), ["strips[1]"]),
        (lambda: MeshBatch(np.zeros((4, 3))), ["vertices", "multiple of 3"]),
        (lambda: MeshBatch(np.zeros((3, 3)), indices=[[0, 1, 3]]), ["indices", "[0, 3)"]),
        (lambda: MeshBatch(np.zeros((3, 3)), normals=np.zeros((2, 3))), ["normals", "3"]),
        (lambda: ImageBatch(np.zeros((4, 4), np.float32)), ["rgba", "uint8", "float32"]),
        (lambda: ImageBatch(np.zeros((4, 4, 2), np.uint8)), ["rgba", "(4, 4, 2)"]),
        (lambda: ImageBatch(np.zeros((4, 4), np.uint8), corners=np.zeros((3, 3))), ["corners", "4"]),
        (lambda: BoxBatch([[1, 1, 1]], centers=[[0, 0, 0], [1, 1, 1]]), ["centers", "1"]),
        (lambda: BoxBatch([[1, 1, 1]], rotations=[[0, 0, 1]]), ["rotations", "quaternion"]),
        (lambda: ArrowBatch([[1, 1, 1]], origins=np.zeros((2, 3))), ["origins", "1"]),
        (lambda: FrustumBatch(np.zeros((3, 3)), (4, 3)), ["intrinsics", "focal"]),
        (lambda: FrustumBatch(np.eye(3), (0, 3)), ["resolution"]),
        (lambda: LabelBatch(["a", "b"], np.zeros((1, 3))), ["texts", "1", "2"]),
    ],
)
def test_bad_arguments_are_named_in_the_error(build, words):
    with pytest.raises((TypeError, ValueError)) as info:
        build()
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)


def test_every_batch_kind_answers_the_batch_contract():
    """Views and hosts ask a batch for its picking ids and its anchor positions instead of probing fields."""
    xyz = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    points = PointBatch(xyz, ids=[7, 9])
    labels = LabelBatch(["a", "b"], xyz)
    lines = LineBatch.from_strips([xyz], ids=[4])
    boxes = BoxBatch([[1.0, 1.0, 1.0]], ids=[5])
    arrows = ArrowBatch([[1.0, 0.0, 0.0]], ids=[6])
    image = ImageBatch(np.zeros((2, 3, 4), np.uint8))
    mesh = MeshBatch(xyz[[0, 1, 0]])
    frustum = FrustumBatch(np.eye(3), (4, 3))
    for batch in (points, labels, lines, boxes, arrows, image, mesh, frustum):
        assert isinstance(batch, Batch)
    assert points.instance_ids().tolist() == [7, 9]
    assert [b.instance_ids().tolist() for b in (lines, boxes, arrows)] == [[4], [5], [6]]
    assert all(b.instance_ids() is None for b in (labels, image, mesh, frustum))
    assert np.array_equal(points.anchor_positions(), xyz) and np.array_equal(labels.anchor_positions(), xyz)
    assert all(b.anchor_positions() is None for b in (lines, boxes, arrows, image, mesh, frustum))


def test_colours_are_normalised_to_rgba8():
    rgb_float = np.array([[0.0, 0.5, 1.0], [1.0, 0.25, 0.0]])
    batch = PointBatch(np.zeros((2, 3)), colors=rgb_float)
    expected = np.concatenate([np.round(rgb_float * 255), np.full((2, 1), 255)], axis=1)
    np.testing.assert_array_equal(batch.colors, expected)
    assert batch.colors.dtype == np.uint8
    shared = PointBatch(np.zeros((5, 3)), colors=[10, 20, 30, 40])
    np.testing.assert_array_equal(shared.colors, [10, 20, 30, 40])
    wide = PointBatch(np.zeros((1, 3)), colors=np.array([[300, -5, 7]]))
    np.testing.assert_array_equal(wide.colors, [[255, 0, 7, 255]])


def test_two_d_positions_get_z_zero_and_keep_their_rows():
    xy = np.array([[1.0, 2.0], [np.nan, 3.0], [4.0, 5.0]])
    batch = PointBatch(xy)
    np.testing.assert_array_equal(batch.positions[:, 2], 0)
    np.testing.assert_array_equal(batch.positions[[0, 2], :2], xy[[0, 2]])
    np.testing.assert_array_equal(batch.finite, [True, False, True])


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 20), elements=st.floats(allow_nan=True, allow_infinity=True, width=32)))
def test_bad_radii_are_clamped_to_zero_and_counted(radii):
    batch = PointBatch(np.zeros((radii.shape[0], 3)), radii=radii)
    bad = ~(radii.astype(np.float32) >= 0)
    assert batch.n_clamped == int(bad.sum())
    got = np.broadcast_to(batch.radii, radii.shape)  # one value may come back as a shared scalar
    assert (got[bad] == 0).all()
    np.testing.assert_array_equal(got[~bad], radii.astype(np.float32)[~bad])


def test_box_edges_follow_the_rotation():
    half = np.array([[1.0, 2.0, 3.0]])
    # 90 degrees about +Z as an xyzw quaternion: x -> y, y -> -x.
    quarter = [0.0, 0.0, math.sin(math.pi / 4), math.cos(math.pi / 4)]
    batch = BoxBatch(half, centers=[[10.0, 0.0, 0.0]], rotations=[quarter], ids=[7])
    corners = geometry.box_corners(batch)[0]
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)])
    local = signs * half
    expected = np.stack([-local[:, 1], local[:, 0], local[:, 2]], axis=1) + [10.0, 0.0, 0.0]
    assert {tuple(np.round(c, 6)) for c in corners} == {tuple(np.round(c, 6)) for c in expected}
    lines = geometry.box_lines(batch)
    lengths = np.sort(np.linalg.norm(lines.segments[:, 1] - lines.segments[:, 0], axis=1))
    np.testing.assert_allclose(lengths, np.repeat(2 * np.sort(half[0]), 4), rtol=1e-6)
    assert lines.n_instances == 1 and list(lines.ids) == [7]


def test_arrow_shaft_and_head_end_at_the_tip():
    origins, vectors = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 4.0]])
    lines = geometry.arrow_lines(ArrowBatch(vectors, origins=origins))
    tip = origins[0] + vectors[0]
    np.testing.assert_allclose(lines.segments[0], [origins[0], tip])
    np.testing.assert_allclose(lines.segments[1:, 0], np.repeat(tip[None], 4, axis=0))
    head_ends = lines.segments[1:, 1]
    assert (head_ends[:, 2] < tip[2]).all()  # the head points back along the shaft
    assert list(lines.instance_of_segment) == [0] * 5


def test_frustum_corners_project_to_the_image_corners():
    k = np.array([[200.0, 0.0, 30.0], [0.0, 180.0, 50.0], [0.0, 0.0, 1.0]])
    batch = FrustumBatch(k, (64, 48), image_plane_distance=2.5)
    corners = geometry.frustum_image_corners(batch)
    np.testing.assert_allclose(corners[:, 2], 2.5)
    pixels = corners @ k.T
    pixels = pixels[:, :2] / pixels[:, 2:]
    np.testing.assert_allclose(pixels, [[0, 0], [64, 0], [64, 48], [0, 48]], atol=1e-9)
    assert geometry.frustum_lines(batch).segments.shape == (8, 2, 3)


def test_strips_become_segments_owned_by_their_strip():
    strips = [np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0]]), np.zeros((1, 3)), np.array([[5, 5], [6, 6]])]
    lines = LineBatch.from_strips(strips, colors=[[255, 0, 0], [0, 255, 0], [0, 0, 255]], widths=[1, -2, 3])
    assert lines.n_instances == 3
    assert list(lines.instance_of_segment) == [0, 0, 2]
    np.testing.assert_array_equal(lines.segments[2], [[5, 5, 0], [6, 6, 0]])
    assert lines.n_clamped == 1


def test_mesh_normals_are_computed_when_missing():
    mesh = MeshBatch([[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_allclose(mesh.normals, np.tile([0.0, 0.0, 1.0], (3, 1)))
    np.testing.assert_array_equal(mesh.indices, [[0, 1, 2]])


def test_image_of_any_channel_count_becomes_rgba():
    gray = np.arange(6, dtype=np.uint8).reshape(2, 3)
    image = ImageBatch(gray)
    np.testing.assert_array_equal(image.rgba[..., 0], gray)
    np.testing.assert_array_equal(image.rgba[..., 3], 255)
    assert image.shape == (2, 3)
    np.testing.assert_array_equal(image.corners[2], [3, 2, 0])  # bottom-right at (W, H)


def test_pinhole_projection_matches_the_pinhole_model():
    k = np.array([[120.0, 3.0, 70.0], [0.0, 110.0, 40.0], [0.0, 0.0, 1.0]])
    size = (160, 90)
    points_rdf = np.array([[0.3, -0.2, 2.0], [-1.0, 0.5, 4.0]])
    eye = points_rdf * [1.0, -1.0, -1.0]  # RDF -> OpenGL eye
    to_pixels = geometry.ndc_to_pixels(*size) @ geometry.pinhole_projection(k, size, 0.1, 100.0)
    projected, w = geometry.project(to_pixels, eye)
    expected = (points_rdf @ k.T)[:, :2] / points_rdf[:, 2:]
    np.testing.assert_allclose(projected[:, :2], expected, atol=1e-9)
    np.testing.assert_allclose(w, points_rdf[:, 2])


def test_importing_the_package_loads_no_gl():
    code = "import sys, rerun_scene, rerun_scene.batches, rerun_scene.geometry; print('vispy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _framebuffer(splat, size):
    """The splat pasted into an empty (height, width) framebuffer (its images cover only the drawn pixels)."""
    color = np.zeros((size[1], size[0], 4), np.uint8)
    depth = np.ones((size[1], size[0], 1), np.float32)
    h, w = splat.color.shape[:2]
    color[splat.y0:splat.y0 + h, splat.x0:splat.x0 + w] = splat.color
    depth[splat.y0:splat.y0 + h, splat.x0:splat.x0 + w] = splat.depth
    return color, depth


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_cpu_splat_keeps_the_nearest_point_and_stays_in_its_rectangle(backend):
    import rerun_kernels
    from rerun_scene.visuals.splat import PointSplatter

    positions = np.array([[2.5, 3.5, 0.0], [2.5, 3.5, -0.5], [6.5, 1.5, 0.2], [0.5, 0.5, 0.9]], np.float32)
    colors = np.array([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [9, 9, 9, 255]], np.uint8)
    identity = np.eye(4)  # framebuffer pixel = local x, y; NDC z = local z
    splatter = PointSplatter(positions, colors, 0.5, None)  # radius 0.5 px: 1-pixel points
    rect = (1, 1, 8, 6)  # excludes column 0 / row 0: the last point is clipped away
    with rerun_kernels.use_backend(backend):
        splat = splatter.splat(identity, identity[2], (8, 6), rect, 1.0)
        # only the drawn pixels come back: columns 2..6, rows 1..3
        assert (splat.x0, splat.y0, splat.color.shape, splat.depth.shape) == (2, 1, (3, 5, 4), (3, 5, 1))
        color, depth = _framebuffer(splat, (8, 6))
        np.testing.assert_array_equal(color[3, 2], colors[1])  # nearer (z -0.5) wins over z 0
        assert depth[3, 2, 0] == np.float32(-0.5 * 0.5 + 0.5)
        np.testing.assert_array_equal(color[1, 6], colors[2])
        assert (color[..., 3] > 0).sum() == 2
        assert (depth[color[..., 3] == 0] == 1.0).all()
        wide, _ = _framebuffer(splatter.splat(identity, identity[2], (8, 6), (0, 0, 8, 6), 3.0), (8, 6))  # 3 px
        np.testing.assert_array_equal(wide[2:5, 1:4].reshape(-1, 4), np.tile(colors[1], (9, 1)))  # 3 x 3 block
        # A rectangle reaching past the framebuffer is clamped to it; one without points gives empty images.
        clamped = splatter.splat(identity, identity[2], (8, 6), (-3, 2, 20, 40), 3.0)
        np.testing.assert_array_equal(_framebuffer(clamped, (8, 6))[0][2:], wide[2:])
        assert not _framebuffer(clamped, (8, 6))[0][:2].any()
        empty = splatter.splat(identity, identity[2], (8, 6), (4, 4, 6, 6), 1.0)
        assert empty.color.size == 0 and empty.depth.size == 0
        assert splatter.splat(identity, identity[2], (8, 6), (0, 0, 8, 6), 5.0) is None  # 5 px: left to GL
        # World-unit radii shrink with w: a point at w = 2 gets half the footprint of one at w = 1.
        perspective = np.eye(4)
        perspective[3] = [0.0, 0.0, 1.0, 1.0]  # w = 1 + z
        spl = PointSplatter(np.array([[2.0, 2.0, 0.0], [6.0, 4.0, 1.0]], np.float32), colors[:2], 1.0, None)
        image = spl.splat(perspective, np.array([0.0, 0.0, 0.0, 0.0]), (8, 6), (0, 0, 8, 6), 1.0,
                          perspective=True).color
        assert (image[..., 3] > 0).sum() == 4 + 1  # 2 px diameter at w = 1, 1 px at w = 2


def test_silhouette_edges_outline_a_mesh_on_screen():
    # a square of two triangles seen face-on: its 4 border edges, not the diagonal
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    edges = geometry.silhouette_edges(square, np.array([[0, 1, 2], [0, 2, 3]]))
    assert {tuple(e) for e in edges} == {(0, 1), (1, 2), (2, 3), (0, 3)}
    # a closed tetrahedron seen with one corner inside the others: the outer triangle only (its fold edges)
    projected = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [1.0, 1.0]])
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    assert {tuple(e) for e in geometry.silhouette_edges(projected, faces)} == {(0, 1), (1, 2), (0, 2)}
    # a vertex that is not visible (NaN) drops its triangles: the remaining one's edges outline it
    projected[3] = np.nan
    assert {tuple(e) for e in geometry.silhouette_edges(projected, faces)} == {(0, 1), (1, 2), (0, 2)}
    assert geometry.silhouette_edges(projected, np.zeros((0, 3), np.int64)).shape == (0, 2)


def test_a_big_cloud_splatted_again_is_reordered_for_locality_with_the_same_picture(monkeypatch):
    from rerun_scene.visuals import splat as splat_module
    from rerun_scene.visuals.splat import PointSplatter

    monkeypatch.setattr(splat_module, "LOCALITY_MIN_POINTS", 1000)
    monkeypatch.setattr(splat_module, "THREADED_MIN_POINTS", 1000)  # and two threads, where the machine has them
    rng = np.random.default_rng(5)
    positions = rng.uniform(0.0, 40.0, (5000, 3)).astype(np.float32)
    positions[:, 2] = rng.uniform(-1.0, 1.0, 5000)
    colors = rng.integers(0, 256, (5000, 4), dtype=np.uint8)
    colors[:, 3] = 255
    radii = rng.uniform(0.2, 1.6, 5000).astype(np.float32)
    identity = np.eye(4)
    splatter = PointSplatter(positions, colors, radii, None)
    first = splatter.splat(identity, identity[2], (40, 40), (0, 0, 40, 40), 1.0)
    assert not splatter.in_locality_order
    second = splatter.splat(identity, identity[2], (40, 40), (0, 0, 40, 40), 1.0)
    assert splatter.in_locality_order and splatter.columns[0].tolist() != positions[:, 0].tolist()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    # the picture is the z-buffer of the input: every drawn pixel has the colour of the nearest point covering it
    one_px = PointSplatter(positions, colors, 0.5, None).splat(identity, identity[2], (40, 40), (0, 0, 40, 40), 1.0)
    cols, rows = np.floor(positions[:, 0]).astype(int), np.floor(positions[:, 1]).astype(int)
    for r, c in [(3, 4), (17, 30), (39, 0)]:
        at = np.flatnonzero((rows == r) & (cols == c))
        if at.size:
            nearest = at[np.argmin(positions[at, 2])]
            np.testing.assert_array_equal(one_px.color[r - one_px.y0, c - one_px.x0], colors[nearest])
