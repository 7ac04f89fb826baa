"""Known answers for colour conversion: the 0.4.0 sRGB rule, RGBA8 display colours, wire packing."""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk
from rerun_kernels import srgb


@pytest.fixture(params=["numba", "numpy"])
def backend(request):
    with rk.use_backend(request.param):
        yield request.param


def test_linear_half_is_srgb_188(backend):
    assert rk.linear_to_srgb8(np.array([0.5]))[0] == 188
    assert rk.linear_to_srgb8(np.array([0.0, 1.0, -3.0, 7.0, np.nan, np.inf, -np.inf])).tolist() == \
        [0, 255, 0, 255, 0, 255, 0]


def test_encoding_equals_the_040_formula_everywhere(backend):
    rng = np.random.default_rng(7)
    thresholds = srgb.encode_tables("color")[0]
    values = np.concatenate([rng.uniform(0, 1, 20000), rng.uniform(0, 0.004, 5000), thresholds,
                             np.nextafter(thresholds, -1.0), np.nextafter(thresholds, 2.0)])
    np.testing.assert_array_equal(rk.linear_to_srgb8(values), srgb.srgb_code_reference(values))
    np.testing.assert_array_equal(rk.linear_to_srgb8(values.astype(np.float32)),
                                  srgb.srgb_code_reference(values.astype(np.float32)))


def test_decoding_inverts_encoding(backend):
    codes = np.arange(256, dtype=np.uint8).reshape(16, 16)
    linear = rk.srgb_to_linear(codes)
    assert linear[0, 0] == 0.0 and linear[15, 15] == 1.0
    assert abs(float(rk.srgb_to_linear(np.array([[188]], np.uint8))[0, 0]) - 0.5) < 0.003
    np.testing.assert_array_equal(rk.linear_to_srgb8(linear), codes)


def test_srgb_to_linear_rgba_keeps_alpha_linear(backend):
    image = np.array([[[0, 255, 188, 51]]], np.uint8)
    out = rk.srgb_to_linear(image)
    np.testing.assert_allclose(out[0, 0], [0.0, 1.0, 0.5029, 0.2], atol=1e-3)
    gray = rk.srgb_to_linear(np.array([[255]], np.uint16) * 257, rgba=True)
    np.testing.assert_allclose(gray[0, 0], [1.0, 1.0, 1.0, 1.0])


def test_to_rgba8_u8_channels(backend):
    rng = np.random.default_rng(1)
    gray = rng.integers(0, 256, (3, 4), dtype=np.uint8)
    rgba = rk.to_rgba8(gray)
    assert rgba.shape == (3, 4, 4)
    np.testing.assert_array_equal(rgba[..., :3], np.repeat(gray[..., None], 3, axis=2))
    assert np.all(rgba[..., 3] == 255)
    rgb = rng.integers(0, 256, (3, 4, 3), dtype=np.uint8)
    np.testing.assert_array_equal(rk.to_rgba8(rgb)[..., :3], rgb)
    four = rng.integers(0, 256, (3, 4, 4), dtype=np.uint8)
    np.testing.assert_array_equal(rk.to_rgba8(four), four)
    np.testing.assert_array_equal(rk.to_rgba8(four[:, ::-1]), four[:, ::-1])


def test_to_rgba8_u16_and_float_rules(backend):
    u16 = np.array([[0, 128, 129, 257, 65535]], np.uint16)
    assert rk.to_rgba8(u16)[0, :, 0].tolist() == [0, 0, 1, 1, 255]
    floats = np.array([[[0.5, 0.0, 1.0, 0.5], [np.nan, 2.0, -1.0, 1.0]]], np.float32)
    assert rk.to_rgba8(floats)[0].tolist() == [[188, 0, 255, 128], [0, 255, 0, 255]]
    assert rk.to_rgba8(floats.astype(">f8"))[0].tolist() == [[188, 0, 255, 128], [0, 255, 0, 255]]


def test_to_rgba8_other_integers_use_their_range(backend):
    image = np.array([[-100, 0, 100]], np.int32)
    assert rk.to_rgba8(image)[0, :, 0].tolist() == [0, 128, 255]
    assert rk.to_rgba8(image, value_range=(0, 100))[0, :, 0].tolist() == [0, 0, 255]
    assert rk.to_rgba8(np.full((1, 2), 9, np.int64))[0, :, 0].tolist() == [0, 0]
    assert rk.to_rgba8(np.zeros((0, 0), np.uint8)).shape == (0, 0, 4)


def test_bgr_to_rgb_swaps_in_place_too(backend):
    image = np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4)
    expected = image[..., [2, 1, 0, 3]].copy()
    np.testing.assert_array_equal(rk.bgr_to_rgb(image), expected)
    rk.bgr_to_rgb(image, out=image)
    np.testing.assert_array_equal(image, expected)


@pytest.mark.parametrize("call, message", [
    (lambda: rk.to_rgba8(np.zeros((2, 2, 2))), r"image: expected shape \(H, W\) or \(H, W, C\)"),
    (lambda: rk.to_rgba8(np.zeros((2, 2), complex)), "image: expected a real numeric array"),
    (lambda: rk.to_rgba8(np.zeros((2, 2)), out=np.zeros((2, 2, 3), np.uint8)), "out: expected shape"),
    (lambda: rk.to_rgba8(np.zeros((2, 2), np.int8), value_range=(1, 0)), "value_range: expected low"),
    (lambda: rk.srgb_to_linear(np.zeros((2, 2), np.float32)), "image: expected uint8 or uint16"),
    (lambda: rk.linear_to_srgb8(np.zeros(3, np.uint8)), "values: expected a float array"),
    (lambda: rk.bgr_to_rgb(np.zeros((2, 2))), r"image: expected shape \(H, W, 3\)"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_wire_colour_rules_of_040():
    assert rk.pack_rrggbbaa(rk.normalize_colors([1, 2, 3])).tolist() == [16909311]
    assert rk.pack_rrggbbaa(rk.normalize_colors([[255, 0, 0, 128]])).tolist() == [0xFF000080]
    assert rk.normalize_colors([300, -1, 0]).tolist() == [[44, 255, 0, 255]]
    assert rk.normalize_colors([255, 0.5, 0]).tolist() == [[255, 188, 0, 255]]
    assert rk.normalize_colors([[0.5, 0.0, np.nan, 0.5]]).tolist() == [[188, 0, 0, 128]]
    assert rk.normalize_colors([[1, 2, 3, 4, 5]]).tolist() == [[1, 2, 3, 255]]
    rgba = np.random.default_rng(2).integers(0, 256, (10, 4), dtype=np.uint8)
    np.testing.assert_array_equal(rk.unpack_rrggbbaa(rk.pack_rrggbbaa(rgba)), rgba)
    with pytest.raises(ValueError, match="colors: expected rows of 3 or 4"):
        rk.normalize_colors([255, 0])
