"""The point splat's contracts beyond twin agreement: the picture does not depend on how many threads z-buffer
the points, the shared key scratch is left empty (so no frame has to clear it), and the nearest point wins."""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk
from rerun_kernels import splat


def _cloud(n=5000, seed=7):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-1.0, 1.0, (n, 3)).astype(np.float32)
    pts[:, 2] = rng.uniform(1.0, 4.0, n)
    fb = np.array([[24.0, 0, 32, 0], [0, 24, 24, 0], [0, 0, 1.2, -1.1], [0, 0, 1, 0]], np.float32)
    colors = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    radii = rng.uniform(0.0, 1.6, n).astype(np.float32)
    return (pts[:, 0], pts[:, 1], pts[:, 2]), fb, colors, radii


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_threads_split_the_points_without_changing_the_picture(backend):
    columns, fb, colors, radii = _cloud()
    keys = splat.empty_keys(3, 48 * 64)
    with rk.use_backend(backend):
        one = splat.splat_points(columns, fb, fb[2], (0, 0), (48, 64), radii, 1.0, colors, keys=keys)
        assert (keys == splat.EMPTY_KEY).all()  # resolved keys are put back to empty
        for threads in (2, 3):
            many = splat.splat_points(columns, fb, fb[2], (0, 0), (48, 64), radii, 1.0, colors, keys=keys,
                                      threads=threads)
            for a, b in zip(one, many):
                np.testing.assert_array_equal(a, b)
            assert (keys == splat.EMPTY_KEY).all()
        # too wide for the splat: None, and the scratch the threads had started to fill is empty again
        assert splat.splat_points(columns, fb, fb[2], (0, 0), (48, 64), radii, 3.0, colors, keys=keys,
                                  threads=2) is None
        assert (keys == splat.EMPTY_KEY).all()
    color, depth, (c0, r0, c1, r1) = one
    assert color.shape == depth.shape[:2] == (r1 - r0, c1 - c0) and color.flags.c_contiguous


def test_the_nearest_point_keeps_its_colour_and_depth():
    # two 1-px points on the same pixel (identity framebuffer transform, NDC z = local z), the far one first
    columns = tuple(np.array(v, np.float32) for v in ([3.2, 3.7], [2.5, 2.1], [0.4, -0.2]))
    colors = np.array([0x11223344, 0x55667788], np.uint32)
    for threads in (1, 2):  # also when each lands in its own thread's buffer
        color, depth, extent = splat.splat_points(columns, np.eye(4), np.eye(4)[2], (0, 0), (5, 6),
                                                  np.float32([0.5]), 1.0, colors, threads=threads)
        assert extent.tolist() == [3, 2, 4, 3]
        assert color.tolist() == [[0x55667788]]
        assert depth[0, 0, 0] == np.float32(-0.2 * 0.5 + 0.5)


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_locality_order_groups_near_points(backend):
    # two far-apart clusters, interleaved in memory: the order visits one cluster, then the other
    rng = np.random.default_rng(3)
    a = rng.normal(0.0, 0.01, (500, 3)).astype(np.float32)
    b = rng.normal(10.0, 0.01, (500, 3)).astype(np.float32)
    points = np.empty((1000, 3), np.float32)
    points[0::2], points[1::2] = a, b
    with rk.use_backend(backend):
        order = splat.locality_order(tuple(points[:, i] for i in range(3)))
    assert sorted(order.tolist()) == list(range(1000))  # a permutation
    in_b = order % 2 == 1
    assert in_b.tolist() == sorted(in_b.tolist())  # all of cluster a first, then all of b
    # within a cell the original order is kept (a stable sort): here each cluster is one cell
    assert (np.diff(order[:500]) > 0).all() and (np.diff(order[500:]) > 0).all()


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("diameter", [1, 2, 3, 4])
def test_anchors_spread_in_the_resolve_give_the_footprints_picture(backend, diameter):
    # a cloud denser than the pixels, partly outside the rectangle (x0, y0 = 6, 4): blocks clipped at every edge
    columns, fb, colors, _ = _cloud(20_000, seed=11)
    radius = np.float32([diameter / 2])
    keys = splat.empty_keys(2, splat.scratch_pixels((30, 40)))
    with rk.use_backend(backend):
        for threads in (1, 2):
            direct = splat.splat_points(columns, fb, fb[2], (6, 4), (30, 40), radius, 1.0, colors, keys=keys,
                                        threads=threads, anchors=False)
            spread = splat.splat_points(columns, fb, fb[2], (6, 4), (30, 40), radius, 1.0, colors, keys=keys,
                                        threads=threads, anchors=True)
            assert (keys == splat.EMPTY_KEY).all()
            for a, b in zip(direct, spread):
                np.testing.assert_array_equal(a, b)
    assert direct[2].tolist()[1:] == [0, 40, 30]  # blocks clipped at the bottom, right and top edges
