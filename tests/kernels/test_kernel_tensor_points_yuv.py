"""Known answers for tensor slicing, point-cloud helpers and YUV conversion."""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk


@pytest.fixture(params=["numba", "numpy"])
def backend(request):
    with rk.use_backend(request.param):
        yield request.param


# ---- tensor slicing ---------------------------------------------------------------------------------------

def test_slice_picks_the_axes_and_indices_asked_for(backend):
    tensor = np.arange(2 * 3 * 4 * 5, dtype=np.int32).reshape(2, 3, 4, 5)
    out = rk.slice_tensor(tensor, height_axis=3, width_axis=1, indices={0: 1, 2: 2})
    assert out.shape == (5, 3) and out.flags.c_contiguous
    np.testing.assert_array_equal(out, tensor[1, :, 2, :].T)
    flipped = rk.slice_tensor(tensor, 3, 1, [1, 2], flip_height=True, flip_width=True)
    np.testing.assert_array_equal(flipped, tensor[1, :, 2, :].T[::-1, ::-1])


def test_slice_with_colour_axis_and_every_dtype(backend):
    base = np.random.default_rng(0).uniform(0, 100, (3, 4, 6, 5))
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64,
                  np.float16, np.float32, np.float64, ">f4"):
        tensor = base.astype(dtype)
        out = rk.slice_tensor(tensor, 2, 3, {3 - 3: 2}, color_axis=1)
        assert out.shape == (6, 5, 4) and out.dtype == tensor.dtype.newbyteorder("=")
        np.testing.assert_array_equal(out, np.moveaxis(tensor[2], 0, -1))


def test_slice_of_non_contiguous_and_size_one_tensors(backend):
    base = np.random.default_rng(1).normal(size=(3, 4, 5, 3))
    for tensor in (base[:, ::-1, ::2], base[:1, :1, :1], base.astype(">i4")):
        out = rk.slice_tensor(tensor, 2, 1, {0: tensor.shape[0] - 1, 3: 0}, flip_width=True)
        np.testing.assert_array_equal(out, tensor[-1, :, :, 0].T[:, ::-1])
        assert out.flags.c_contiguous and out.dtype.isnative


def test_view_copies_nothing_and_slice_copies_only_the_slice(backend):
    tensor = np.zeros((64, 32, 32), np.float32)
    view = rk.tensor_slice_view(tensor, 1, 2, {0: 5})
    assert np.shares_memory(view, tensor) and view.base is not None
    out = rk.slice_tensor(tensor, 1, 2, {0: 5})
    assert not np.shares_memory(out, tensor) and out.nbytes == 32 * 32 * 4


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, 0, {1: 0}), {}, "expected different axes"),
    ((0, 3, {1: 0}), {}, r"width_axis: expected an axis of a 3-d tensor"),
    ((0, 1, {}), {}, r"indices: expected an index for exactly the axes \[2\]"),
    ((0, 1, {2: 4}), {}, r"indices\[2\]: expected 0..3, got 4"),
    ((0, 1, {2: 1.5}), {}, r"indices\[2\]: expected an integer index"),
    ((1, 2, ()), {"color_axis": 0}, "color_axis: expected an axis of size 1, 3 or 4"),
])
def test_slice_errors_name_the_argument(args, kwargs, message):
    tensor = np.zeros((2, 3, 4))
    with pytest.raises((ValueError, TypeError), match=message):
        rk.slice_tensor(tensor, *args, **kwargs)


# ---- point clouds -----------------------------------------------------------------------------------------

def test_bounds_and_finite_mask_skip_non_finite_points(backend):
    points = np.array([[0.0, 1.0, 2.0], [np.nan, 50.0, 0.0], [-1.0, 3.0, np.inf], [4.0, -2.0, 1.0]], np.float32)
    assert rk.finite_mask(points).tolist() == [True, False, False, True]
    low, high = rk.bounds(points)
    assert low.tolist() == [0.0, -2.0, 1.0] and high.tolist() == [4.0, 1.0, 2.0]
    assert rk.bounds(np.full((2, 3), np.nan)) is None and rk.bounds(np.zeros((0, 3))) is None


def test_voxel_downsample_keeps_the_first_point_of_each_voxel(backend):
    rng = np.random.default_rng(9)
    points = rng.uniform(-1.0, 1.0, (5000, 3))
    points[10] = np.nan
    size = 0.3
    kept = rk.voxel_downsample(points, size)
    finite = np.all(np.isfinite(points), axis=1)
    cells = np.floor((points[finite] - points[finite].min(axis=0)) / size).astype(np.int64)
    kept_cells = np.floor((points[kept] - points[finite].min(axis=0)) / size).astype(np.int64)
    assert len({tuple(c) for c in kept_cells.tolist()}) == len(kept) == len({tuple(c) for c in cells.tolist()})
    assert np.all(np.diff(kept) > 0) and 10 not in kept.tolist()
    first_of_cell = {}
    for index, cell in zip(np.nonzero(finite)[0], map(tuple, cells.tolist())):
        first_of_cell.setdefault(cell, index)
    assert sorted(first_of_cell.values()) == kept.tolist()


def test_stride_downsample_caps_the_count():
    points = np.zeros((1001, 3))
    assert len(rk.stride_downsample(points, 100)) <= 100
    assert len(rk.stride_downsample(points, 5000)) == 1001
    with pytest.raises(ValueError, match="voxel_size: expected a positive size"):
        rk.voxel_downsample(points, 0.0)
    with pytest.raises(ValueError, match=r"points: expected an \(N, 2\) or \(N, 3\) array"):
        rk.bounds(np.zeros((4, 4)))


# ---- YUV --------------------------------------------------------------------------------------------------

def _yuv_from_rgb(rgb):
    """BT.601 video-range encoding (floating point), the inverse the decoder must undo."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return y, u, v


def test_nv12_i420_yuyv_decode_a_known_image(backend):
    rng = np.random.default_rng(2)
    block = rng.integers(0, 256, (4, 6, 3)).astype(np.uint8)
    rgb = block.repeat(2, 0).repeat(2, 1)  # 8x12, constant 2x2 blocks: chroma subsampling loses nothing
    y, u, v = _yuv_from_rgb(rgb)
    y8 = np.around(y).astype(np.uint8)
    u8, v8 = np.around(u[::2, ::2]).astype(np.uint8), np.around(v[::2, ::2]).astype(np.uint8)
    nv12 = np.concatenate([y8.reshape(-1), np.stack([u8, v8], -1).reshape(-1)])
    i420 = np.concatenate([y8.reshape(-1), u8.reshape(-1), v8.reshape(-1)])
    yuyv = np.stack([y8[:, 0::2], u8.repeat(2, 0), y8[:, 1::2], v8.repeat(2, 0)], -1).reshape(-1)
    decoded = rk.nv12_to_rgb(nv12.tobytes(), 12, 8)
    assert np.abs(decoded.astype(int) - rgb).max() <= 3
    np.testing.assert_array_equal(rk.i420_to_rgb(i420, 12, 8), decoded)
    np.testing.assert_array_equal(rk.yuyv_to_rgb(yuyv, 12, 8), decoded)
    with_alpha = rk.nv12_to_rgb(nv12.reshape(12, 12), 12, 8, alpha=True)
    np.testing.assert_array_equal(with_alpha[..., :3], decoded)
    assert np.all(with_alpha[..., 3] == 255)


def test_video_and_full_range_black_and_white(backend):
    def frame(y_value):
        return np.concatenate([np.full(4, y_value, np.uint8), np.full(2, 128, np.uint8)])
    assert rk.nv12_to_rgb(frame(16), 2, 2)[0, 0].tolist() == [0, 0, 0]
    assert rk.nv12_to_rgb(frame(235), 2, 2)[0, 0].tolist() == [255, 255, 255]
    assert rk.nv12_to_rgb(frame(128), 2, 2, full_range=True, matrix="bt709")[0, 0].tolist() == [128, 128, 128]


@pytest.mark.parametrize("call, message", [
    (lambda: rk.nv12_to_rgb(np.zeros(15, np.uint8), 3, 2), "NV12 needs even dimensions"),
    (lambda: rk.nv12_to_rgb(np.zeros(10, np.uint8), 2, 2), "data: a 2x2 NV12 frame has 6 bytes, got 10"),
    (lambda: rk.i420_to_rgb(np.zeros(6, np.int16), 2, 2), "data: expected uint8 bytes"),
    (lambda: rk.yuyv_to_rgb(np.zeros(6, np.uint8), 3, 1), "width: YUYV needs an even width"),
    (lambda: rk.nv12_to_rgb(np.zeros(6, np.uint8), 2, 2, matrix="bt2020"), "matrix: expected one of"),
])
def test_yuv_errors_name_the_argument(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
