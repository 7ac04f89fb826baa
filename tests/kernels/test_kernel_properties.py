"""Property tests: random shapes, dtypes, strides and values; compiled kernels agree with the numpy twins."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rerun_kernels as rk

DEPTH_DTYPES = st.sampled_from([np.uint16, np.uint32, np.float32, np.float64, np.dtype(">u2"), np.dtype(">f4")])
SHAPES = hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=9)
SETTINGS = settings(max_examples=40, deadline=None)


def _both(call):
    with rk.use_backend("numpy"):
        expected = call()
    with rk.use_backend("numba"):
        got = call()
    return got, expected


@SETTINGS
@given(depth=hnp.arrays(DEPTH_DTYPES, SHAPES, elements=st.integers(0, 3000)),
       step=st.integers(1, 4), reverse=st.booleans(), fx=st.floats(0.5, 900.0), cx=st.floats(-5.0, 15.0),
       max_depth=st.one_of(st.none(), st.floats(0.1, 3.0)))
def test_backprojection_matches_twin(depth, step, reverse, fx, cx, max_depth):
    if reverse:
        depth = depth[::-1, ::-1]
    intrinsics = np.array([[fx, 0.0, cx], [0.0, fx * 1.1, 2.0], [0.0, 0.0, 1.0]])
    colours = np.arange(3 * 5 * 3, dtype=np.uint8).reshape(3, 5, 3)
    got, expected = _both(lambda: rk.depth_cloud(depth, intrinsics, 1000.0, max_depth=max_depth, step=step,
                                                  color_image=colours, radius_scale=1.0))
    assert got.points.shape == expected.points.shape
    np.testing.assert_allclose(got.points, expected.points, rtol=2e-6, atol=1e-6)
    np.testing.assert_array_equal(got.colors, expected.colors)
    np.testing.assert_allclose(got.radii, expected.radii, rtol=2e-6)
    assert np.all(got.points[:, 2] > 0)


@SETTINGS
@given(values=hnp.arrays(st.sampled_from([np.float32, np.float64, np.int16, np.uint8]), SHAPES),
       name=st.sampled_from(rk.COLORMAPS), ignore_zero=st.booleans())
def test_colormap_matches_twin(values, name, ignore_zero):
    got, expected = _both(lambda: rk.apply_colormap(values, name, ignore_zero=ignore_zero))
    np.testing.assert_array_equal(got, expected)


@SETTINGS
@given(image=hnp.arrays(st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.int32]),
                        hnp.array_shapes(min_dims=3, max_dims=3, min_side=0, max_side=6).map(
                            lambda s: (s[0], s[1], (1, 3, 4)[s[2] % 3]))))
def test_to_rgba8_matches_twin(image):
    got, expected = _both(lambda: rk.to_rgba8(image))
    np.testing.assert_array_equal(got, expected)
