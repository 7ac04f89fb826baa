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
