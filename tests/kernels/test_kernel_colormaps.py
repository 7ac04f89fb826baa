"""Known answers for colormaps and class-id colouring."""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk

# Published end colours (sRGB) of each map; the tables are polynomial fits, so allow a few codes.
ENDPOINTS = {
    "grayscale": ((0, 0, 0), (255, 255, 255)),
    "turbo": ((48, 18, 59), (122, 4, 3)),
    "viridis": ((68, 1, 84), (253, 231, 37)),
    "plasma": ((13, 8, 135), (240, 249, 33)),
    "magma": ((0, 0, 4), (252, 253, 191)),
    "inferno": ((0, 0, 4), (252, 255, 164)),
}


@pytest.fixture(params=["numba", "numpy"])
def backend(request):
    with rk.use_backend(request.param):
        yield request.param


@pytest.mark.parametrize("name", rk.COLORMAPS)
def test_endpoints_map_to_the_ends_of_the_table(backend, name):
    values = np.array([[-5.0, 10.0, 2.5]])
    colours = rk.apply_colormap(values, name)
    table = rk.colormap_table(name)
    np.testing.assert_array_equal(colours[0, :2], table[[0, 255]])
    low, high = ENDPOINTS[name]
    assert np.all(np.abs(table[0, :3].astype(int) - low) <= 6) and np.all(np.abs(table[255, :3].astype(int) - high) <= 6)
    assert np.all(table[:, 3] == 255)


def test_given_range_clamps_and_middle_is_middle(backend):
    colours = rk.apply_colormap(np.array([0.0, 5.0, 10.0, 20.0, -3.0]), "viridis", vmin=0.0, vmax=10.0)
    table = rk.colormap_table("viridis")
    np.testing.assert_array_equal(colours, table[[0, 128, 255, 255, 0]])


def test_auto_range_ignores_invalid_values(backend):
    values = np.array([[np.nan, 2.0], [np.inf, 4.0], [-np.inf, 0.0]])
    colours = rk.apply_colormap(values, "grayscale")
    assert colours[:, :, 0].tolist() == [[0, 128], [0, 255], [0, 0]]
    assert colours[:, :, 3].tolist() == [[0, 255], [0, 255], [0, 255]]  # invalid → transparent
    assert rk.value_range(values) == (0.0, 4.0)
    assert rk.value_range(values, ignore_zero=True) == (2.0, 4.0)
    ignored = rk.apply_colormap(values, "grayscale", ignore_zero=True)
    assert ignored[2, 1].tolist() == [0, 0, 0, 0] and ignored[0, 1, 0] == 0


def test_constant_and_all_invalid_inputs(backend):
    assert rk.apply_colormap(np.full((2, 2), 3.0), "turbo")[..., :3].tolist() == \
        [[rk.colormap_table("turbo")[0, :3].tolist()] * 2] * 2
    assert np.all(rk.apply_colormap(np.full(3, np.nan), "magma") == 0)
    assert rk.value_range(np.full(3, np.nan)) is None
    assert rk.apply_colormap(np.zeros((0, 3)), "turbo").shape == (0, 3, 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16, np.uint16])
def test_tensor_slice_plus_colormap_reads_a_strided_view(backend, dtype):
    tensor = (np.random.default_rng(4).normal(size=(4, 16, 17, 3)) * 1000).astype(dtype)
    if tensor.dtype.kind == "f":
        tensor[2, 3, :4, 1] = [np.nan, np.inf, -np.inf, 0.0]
    view = rk.tensor_slice_view(tensor, 1, 2, {0: 2, 3: 1})
    assert np.shares_memory(view, tensor)
    for kwargs in ({}, dict(ignore_zero=True), dict(vmin=-500, vmax=800), dict(vmax=100)):
        np.testing.assert_array_equal(rk.apply_colormap(view, "inferno", **kwargs),
                                      rk.apply_colormap(np.ascontiguousarray(view), "inferno", **kwargs))
    assert not view.flags.c_contiguous and view.base is not None  # the input is left as it was


@pytest.mark.parametrize("values", [[1e-45, 2e-45, 0.0, 3e-45], [-3e38, 3e38, 1e38, 0.0]], ids=["subnormal", "huge"])
def test_float32_ranges_at_the_ends_of_float32_keep_their_grey_levels(backend, values):
    v = np.array(values, np.float32)
    exact = v.astype(np.float64)
    expected = np.floor((exact - exact.min()) / (exact.max() - exact.min()) * 255.0 + 0.5).astype(np.uint8)
    assert rk.apply_colormap(v, "grayscale")[:, 0].tolist() == expected.tolist()


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16, np.uint16, np.uint8, np.int64])
def test_value_range_is_the_min_max_of_the_usable_values(backend, dtype):
    rng = np.random.default_rng(6)
    values = (rng.normal(size=(9, 14)) * 100).astype(dtype)[::2, ::-3]
    values[0, :2] = 0
    if values.dtype.kind == "f":
        values[1, :3] = [np.nan, np.inf, -np.inf]
        values[2, 0] = -0.0
    finite = values[np.isfinite(values.astype(np.float64))]
    assert rk.value_range(values) == (float(finite.min()), float(finite.max()))
    nonzero = finite[finite != 0]
    assert rk.value_range(values, ignore_zero=True) == (float(nonzero.min()), float(nonzero.max()))
    assert rk.value_range(np.zeros((3, 2), dtype), ignore_zero=True) is None


def test_big_16_bit_images_take_the_per_value_table_with_the_same_colours(backend):
    depth = np.random.default_rng(8).integers(0, 9000, (600, 600)).astype(np.uint16)  # ≥ 4 × 65536 pixels
    for kwargs in (dict(ignore_zero=True), dict(vmin=100.0, vmax=5000.0)):
        np.testing.assert_array_equal(rk.apply_colormap(depth, "turbo", **kwargs),
                                      rk.apply_colormap(depth.astype(np.float64), "turbo", **kwargs))


def test_colormap_name_errors():
    with pytest.raises(ValueError, match="name: expected one of grayscale, turbo"):
        rk.apply_colormap(np.zeros(2), "jet")
    with pytest.raises(ValueError, match=r"\(vmin, vmax\): expected low"):
        rk.apply_colormap(np.zeros(2), "turbo", vmin=2.0, vmax=1.0)
    assert rk.colormap_table("Gray") is rk.colormap_table("grayscale")


def test_class_ids_use_descriptions_then_a_stable_palette(backend):
    table = rk.class_color_table({1: (255, 0, 0), 2: (0.5, 0.0, 0.0, 1.0), 5: None})
    ids = np.array([[0, 1, 2], [5, 6, 65535]], np.uint16)
    colours = rk.class_ids_to_rgba(ids, table)
    assert colours[0].tolist() == [[0, 0, 0, 0], [255, 0, 0, 255], [188, 0, 0, 255]]
    np.testing.assert_array_equal(colours[1], rk.default_class_colors([5, 6, 65535]))
    palette = rk.default_class_colors(np.arange(1, 200))
    assert len({tuple(c) for c in palette.tolist()}) == 199  # neighbouring ids are told apart
    assert rk.default_class_colors([7]).tolist() == rk.default_class_colors([7]).tolist()
    with_zero = rk.class_color_table(zero_transparent=False)
    assert with_zero[0, 3] == 255


def test_class_id_errors():
    with pytest.raises(ValueError, match="colors: expected class ids in 0..65535"):
        rk.class_color_table({70000: (1, 2, 3)})
    with pytest.raises(ValueError, match=r"colors\[3\]: expected 3 or 4 colour components"):
        rk.class_color_table({3: (1, 2)})
    with pytest.raises(TypeError, match="ids: expected an integer class-id image"):
        rk.class_ids_to_rgba(np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="table: expected a"):
        rk.class_ids_to_rgba(np.zeros((2, 2), np.uint8), np.zeros((3, 4), np.uint8))
