"""Known answers for depth back-projection: planes stay planes, pixels reproject onto themselves."""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk

K = np.array([[500.0, 0.0, 32.0], [0.0, 450.0, 24.0], [0.0, 0.0, 1.0]])  # principal point: image centre


@pytest.fixture(params=["numba", "numpy"])
def backend(request):
    with rk.use_backend(request.param):
        yield request.param


def _pixel_grid(height, width):
    """Image coordinates of the pixel centres, row-major."""
    v, u = np.mgrid[0:height, 0:width]
    return u.reshape(-1) + 0.5, v.reshape(-1) + 0.5


@pytest.mark.parametrize("dtype, meter", [(np.uint16, 1000.0), (np.uint32, 1000.0), (np.float32, 1.0),
                                          (np.float64, 0.5)])
def test_plane_at_known_depth_comes_back_as_that_plane(backend, dtype, meter):
    raw = 1234
    depth = np.full((48, 64), raw, dtype)
    points = rk.backproject_depth(depth, K, meter)
    assert points.shape == (48 * 64, 3) and points.dtype == np.float32
    np.testing.assert_allclose(points[:, 2], raw / meter, rtol=1e-6)
    u, v = _pixel_grid(48, 64)  # row-major order
    np.testing.assert_allclose(points[:, 0], (u - K[0, 2]) * (raw / meter) / K[0, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(points[:, 1], (v - K[1, 2]) * (raw / meter) / K[1, 1], rtol=1e-5, atol=1e-6)


def test_principal_point_maps_to_the_optical_axis(backend):
    odd = np.array([[500.0, 0.0, 3.5], [0.0, 450.0, 2.5], [0.0, 0.0, 1.0]])  # centre of a 7x5 image
    depth = np.zeros((5, 7), np.float32)
    depth[2, 3] = 3.0  # the pixel whose centre is (3.5, 2.5)
    points = rk.backproject_depth(depth, odd)
    np.testing.assert_allclose(points, [[0.0, 0.0, 3.0]], atol=1e-7)


def test_image_centre_is_symmetric(backend):
    points = rk.backproject_depth(np.full((48, 64), 2.0), K)  # K's principal point is (64/2, 48/2)
    np.testing.assert_allclose(points[:, 0].reshape(48, 64), -points[:, 0].reshape(48, 64)[:, ::-1], atol=1e-6)
    np.testing.assert_allclose(points[:, 1].reshape(48, 64), -points[:, 1].reshape(48, 64)[::-1], atol=1e-6)


def test_points_reproject_onto_their_pixels_with_skew(backend):
    skewed = np.array([[300.0, 12.0, 20.5], [0.0, 280.0, 15.25], [0.0, 0.0, 1.0]])
    depth = np.random.default_rng(3).uniform(0.5, 9.0, (30, 40))
    points = rk.backproject_depth(depth, skewed).astype(np.float64)
    projected = points @ skewed.T
    u, v = _pixel_grid(30, 40)
    np.testing.assert_allclose(projected[:, 0] / projected[:, 2], u, atol=1e-3)
    np.testing.assert_allclose(projected[:, 1] / projected[:, 2], v, atol=1e-3)
    np.testing.assert_allclose(points[:, 2], depth.reshape(-1), rtol=1e-6)


def test_invalid_depth_is_skipped_and_order_is_row_major(backend):
    depth = np.array([[0.0, 1.0, np.nan], [np.inf, 2.0, -3.0], [4.0, 9.0, 5.0]], np.float32)
    points = rk.backproject_depth(depth, K, max_depth=6.0)
    np.testing.assert_allclose(points[:, 2], [1.0, 2.0, 4.0, 5.0])


def test_all_invalid_and_empty_give_no_points(backend):
    assert rk.backproject_depth(np.zeros((5, 5), np.uint16), K).shape == (0, 3)
    assert rk.backproject_depth(np.full((2, 2), np.nan), K).shape == (0, 3)
    assert rk.backproject_depth(np.zeros((0, 7), np.uint16), K).shape == (0, 3)


def test_step_thins_the_grid(backend):
    depth = np.arange(1, 7 * 5 + 1, dtype=np.uint16).reshape(7, 5)
    points = rk.backproject_depth(depth, K, 1.0, step=3)
    np.testing.assert_allclose(points[:, 2], depth[::3, ::3].reshape(-1))
    u, v = np.meshgrid(np.arange(0, 5, 3) + 0.5, np.arange(0, 7, 3) + 0.5)
    np.testing.assert_allclose(points[:, 0], (u.reshape(-1) - K[0, 2]) * points[:, 2] / K[0, 0], rtol=1e-5)


def test_out_buffer_is_reused(backend):
    depth = np.full((4, 4), 2.0)
    scratch = np.empty((16, 3), np.float32)
    points = rk.backproject_depth(depth, K, out=scratch)
    assert np.shares_memory(points, scratch) and len(points) == 16


def test_colours_sampled_from_an_image_of_another_resolution(backend):
    depth = np.ones((4, 6), np.float32)
    depth[0, 0] = 0.0
    colours = np.random.default_rng(5).integers(0, 256, (2, 3, 3), dtype=np.uint8)  # half resolution
    cloud = rk.depth_cloud(depth, K, color_image=colours)
    v, u = np.nonzero(depth)
    expected = np.concatenate([colours[v // 2, u // 2], np.full((len(v), 1), 255, np.uint8)], axis=1)
    np.testing.assert_array_equal(cloud.colors, expected)
    assert cloud.radii is None


def test_colormap_of_depth_spans_nearest_to_farthest(backend):
    depth = np.array([[1.0, 2.0, 3.0]])
    cloud = rk.depth_cloud(depth, K, colormap="turbo")
    table = rk.colormap_table("turbo")
    np.testing.assert_array_equal(cloud.colors[[0, 2]], table[[0, 255]])
    fixed = rk.depth_cloud(depth, K, colormap="turbo", depth_range=(0.0, 2.0))
    np.testing.assert_array_equal(fixed.colors[1:], table[[255, 255]])


def test_radius_is_the_pixel_footprint_at_depth(backend):
    depth = np.array([[1.0, 4.0]])
    cloud = rk.depth_cloud(depth, K, step=2, radius_scale=2.0)
    expected = 2.0 * 0.5 * 2 * cloud.points[:, 2] / np.sqrt(K[0, 0] * K[1, 1])
    np.testing.assert_allclose(cloud.radii, expected, rtol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth=np.zeros((2, 2, 3))), "depth: expected a 2-D depth image"),
    (dict(depth=np.zeros((2, 2), bool)), "depth: expected a real numeric array"),
    (dict(intrinsics=np.eye(4)), "intrinsics: expected a 3x3"),
    (dict(intrinsics=[[1, 0, 0], [0, 1, 0], [0, 1, 1]]), "intrinsics: expected a last row"),
    (dict(intrinsics=[[0, 0, 0], [0, 1, 0], [0, 0, 1]]), "intrinsics: expected non-zero focal"),
    (dict(meter=0), "meter: expected a positive"),
    (dict(meter=float("nan")), "meter: expected a finite"),
    (dict(step=0), "step: expected a positive integer"),
    (dict(out=np.empty((3, 3), np.float32)), "out: expected a float32 array"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = dict(depth=np.ones((2, 2)), intrinsics=K) | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        rk.backproject_depth(args.pop("depth"), args.pop("intrinsics"), **args)


@pytest.mark.parametrize("kwargs, message", [
    (dict(color_image=np.zeros((0, 4, 3), np.uint8)), "color_image: expected at least one pixel"),
    (dict(color_image=np.zeros((4, 4, 2), np.uint8)), r"image: expected shape"),
    (dict(colormap="jet"), "name: expected one of"),
    (dict(colormap="turbo", depth_range=(2.0, 1.0)), "depth_range: expected low"),
    (dict(radius_scale=-1.0), "radius_scale: expected a positive number"),
])
def test_bad_depth_cloud_arguments_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rk.depth_cloud(np.ones((4, 4)), K, **kwargs)
