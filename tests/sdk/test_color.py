"""Colour normalisation: bytes pass through, linear floats get the 0.4.0 sRGB curve, bad shapes are errors."""

import math

import numpy as np
import pytest

from rerun._errors import ArgumentTypeError, ArgumentValueError
from rerun.color import normalize_color_bytes, normalize_colors


def srgb_byte(c: float) -> int:
    """The 0.4.0 formula written out per value, as the reference describes it."""
    if math.isnan(c):
        return 0
    c = min(max(c, 0.0), 1.0)
    v = c * 3294.6 if c <= 0.0031308 else 269.025 * c ** (1 / 2.4) - 14.025
    return int(np.around(v))


def test_uint8_rgb_gets_opaque_alpha_and_keeps_values():
    rgb = np.random.default_rng(0).integers(0, 256, size=(50, 3), dtype=np.uint8)
    out = normalize_colors(rgb)
    assert out.dtype == np.uint8 and out.shape == (50, 4)
    np.testing.assert_array_equal(out[:, :3], rgb)
    assert (out[:, 3] == 255).all()


def test_uint8_rgba_is_kept():
    rgba = np.random.default_rng(1).integers(0, 256, size=(7, 4), dtype=np.uint8)
    np.testing.assert_array_equal(normalize_colors(rgba), rgba)


@pytest.mark.parametrize("value", [0.0, 0.001, 0.0031308, 0.2, 0.5, 0.99, 1.0, 2.0, -1.0, float("nan")])
def test_float_channels_are_linear_and_encoded_with_the_srgb_curve(value):
    out = normalize_colors([value, value, value, value])
    expected_alpha = 0 if math.isnan(value) else int(np.around(255 * min(max(value, 0.0), 1.0)))
    assert out.tolist() == [[srgb_byte(value)] * 3 + [expected_alpha]]


def test_half_grey_is_188_as_in_rerun_040():
    assert normalize_colors([0.5, 0.5, 0.5]).tolist() == [[188, 188, 188, 255]]


def test_a_python_list_of_ints_is_srgb_and_a_single_colour_is_one_row():
    assert normalize_colors([1, 2, 3]).tolist() == [[1, 2, 3, 255]]
    assert normalize_colors((255, 0, 0, 128)).tolist() == [[255, 0, 0, 128]]


@pytest.mark.parametrize(
    "bad, error, words",
    [
        ([255, 0], ArgumentValueError, "shape (2,)"),
        ([[1, 2, 3, 4, 5]], ArgumentValueError, "shape (1, 5)"),
        ([300, -1, 0], ArgumentValueError, "from -1 to 300"),
        (["red", "green", "blue"], ArgumentTypeError, "dtype <U5"),
        ([[1, 2, 3], [4, 5]], ArgumentValueError, "ragged"),
        (np.zeros((2, 2, 3)), ArgumentValueError, "shape (2, 2, 3)"),
    ],
)
def test_bad_colours_name_the_argument_and_what_was_given(bad, error, words):
    with pytest.raises(error) as info:
        normalize_colors(bad, "colors")
    text = str(info.value)
    assert text.startswith("argument 'colors' must be")
    assert words in text


def test_single_colour_bytes_are_memoised_for_tuples_and_checked_for_count():
    assert normalize_color_bytes((10, 20, 30)) == bytes([10, 20, 30, 255])
    assert normalize_color_bytes((10, 20, 30)) == bytes([10, 20, 30, 255])
    assert normalize_color_bytes(np.array([0.5, 0.5, 0.5, 1.0])) == bytes([188, 188, 188, 255])
    with pytest.raises(ArgumentValueError, match="a single RGB or RGBA colour"):
        normalize_color_bytes([[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("count", [1, 2, 3, 1001])
def test_uint8_rgb_widening_is_exact_for_any_count_and_layout(count):
    rgba_source = np.random.default_rng(count).integers(0, 256, size=(count, 4), dtype=np.uint8)
    strided = rgba_source[:, :3]  # not C-contiguous
    out = normalize_colors(strided)
    np.testing.assert_array_equal(out[:, :3], strided)
    assert (out[:, 3] == 255).all() and out.shape == (count, 4)
