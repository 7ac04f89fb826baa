"""Camera YUV frames → RGB: NV12 (Y plane + interleaved UV), I420 / YUV420 planar, YUYV (YUY2, 4:2:2).

Integer fixed-point arithmetic (16 fractional bits) with BT.601 or BT.709 coefficients, limited (video,
Y 16-235) or full range; the numpy twin does the same integer arithmetic, so both give identical bytes.
Width and height must be even for NV12/I420 and the width even for YUYV (what those formats require).
"""
from __future__ import annotations

import functools

import numpy as np

from . import _checks
from ._dispatch import kernel

_MATRICES = {"bt601": (0.299, 0.114), "bt709": (0.2126, 0.0722)}
_FRACTION_BITS = 16


def yuv_coefficients(matrix: str = "bt601", full_range: bool = False) -> np.ndarray:
    """Return the fixed-point coefficients (y_offset, y_gain, r_v, g_u, g_v, b_u) used by the kernels.

    Parameters
    ----------
    matrix : {"bt601", "bt709"}
        Colour matrix (BT.601 for SD and most webcams, BT.709 for HD video).
    full_range : bool
        Y and UV use 0-255 (JPEG-style) instead of the video range Y 16-235, UV 16-240.
    """
    if matrix not in _MATRICES:
        raise ValueError(f"matrix: expected one of {', '.join(_MATRICES)}, got {matrix!r}")
    kr, kb = _MATRICES[matrix]
    kg = 1.0 - kr - kb
    y_gain, c_gain, y_offset = (1.0, 1.0, 0) if full_range else (255.0 / 219.0, 255.0 / 224.0, 16)
    one = 1 << _FRACTION_BITS
    values = (
        y_offset,
        round(y_gain * one),
        round(2.0 * (1.0 - kr) * c_gain * one),
        round(2.0 * kb * (1.0 - kb) / kg * c_gain * one),
        round(2.0 * kr * (1.0 - kr) / kg * c_gain * one),
        round(2.0 * (1.0 - kb) * c_gain * one),
    )
    return np.array(values, np.int64)


@functools.lru_cache(maxsize=None)
def yuv_tables(matrix: str = "bt601", full_range: bool = False) -> np.ndarray:
    """Return the (5, 256) int64 lookup tables (luma, red from V, green from U, green from V, blue from U).

    Each entry is the fixed-point (16 fractional bits) contribution of one 8-bit sample, with the luma entry
    also carrying the rounding half, so a channel is ``clip((luma[Y] + chroma terms) >> 16, 0, 255)``.
    """
    y_offset, y_gain, r_v, g_u, g_v, b_u = (int(c) for c in yuv_coefficients(matrix, full_range))
    sample = np.arange(256, dtype=np.int64)
    tables = np.stack([(sample - y_offset) * y_gain + (1 << (_FRACTION_BITS - 1)), r_v * (sample - 128),
                       -g_u * (sample - 128), -g_v * (sample - 128), b_u * (sample - 128)])
    tables.flags.writeable = False
    return tables


def _convert_numpy(y, u, v, chroma_row_shift, tables, out):
    rows, cols = y.shape
    u_full = u[np.arange(rows) >> chroma_row_shift][:, np.arange(cols) >> 1]
    v_full = v[np.arange(rows) >> chroma_row_shift][:, np.arange(cols) >> 1]
    luma = tables[0][y]
    out[:, :, 0] = np.clip((luma + tables[1][v_full]) >> 16, 0, 255)
    out[:, :, 1] = np.clip((luma + tables[2][u_full] + tables[3][v_full]) >> 16, 0, 255)
    out[:, :, 2] = np.clip((luma + tables[4][u_full]) >> 16, 0, 255)
    if out.shape[2] == 4:
        out[:, :, 3] = 255


@kernel(numpy_twin=_convert_numpy)
def _convert(y, u, v, chroma_row_shift, tables, out):
    # Callers guarantee an even width: each chroma sample covers exactly two pixels of a row.
    rows, cols = y.shape
    channels = out.shape[2]
    luma_of, red_of_v, green_of_u, green_of_v, blue_of_u = tables[0], tables[1], tables[2], tables[3], tables[4]
    for i in range(rows):
        y_row = y[i]
        u_row = u[i >> chroma_row_shift]
        v_row = v[i >> chroma_row_shift]
        out_row = out[i]
        for pair in range(cols >> 1):
            d = u_row[pair]
            e = v_row[pair]
            red = red_of_v[e]
            green = green_of_u[d] + green_of_v[e]
            blue = blue_of_u[d]
            j = 2 * pair
            luma = luma_of[y_row[j]]
            out_row[j, 0] = min(max((luma + red) >> 16, 0), 255)
            out_row[j, 1] = min(max((luma + green) >> 16, 0), 255)
            out_row[j, 2] = min(max((luma + blue) >> 16, 0), 255)
            luma = luma_of[y_row[j + 1]]
            out_row[j + 1, 0] = min(max((luma + red) >> 16, 0), 255)
            out_row[j + 1, 1] = min(max((luma + green) >> 16, 0), 255)
            out_row[j + 1, 2] = min(max((luma + blue) >> 16, 0), 255)
            if channels == 4:
                out_row[j, 3] = 255
                out_row[j + 1, 3] = 255


def _buffer(data, name: str) -> np.ndarray:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return np.frombuffer(data, np.uint8)
    array = np.asarray(data)
    if array.dtype != np.uint8:
        raise TypeError(f"{name}: expected uint8 bytes, got dtype {array.dtype}")
    return array


def _size(width, height):
    width = _checks.positive_int(width, "width") if width != 0 else 0
    height = _checks.positive_int(height, "height") if height != 0 else 0
    return width, height


def _output(out, height, width, alpha):
    return _checks.output(out, (height, width, 4 if alpha else 3), np.uint8)


def _planar_420(data, width, height, name):
    width, height = _size(width, height)
    if width % 2 or height % 2:
        raise ValueError(f"width, height: {name} needs even dimensions, got {width}x{height}")
    flat = _buffer(data, "data").reshape(-1)
    expected = width * height * 3 // 2
    if flat.size != expected:
        raise ValueError(f"data: a {width}x{height} {name} frame has {expected} bytes, got {flat.size}")
    return flat, width, height


def nv12_to_rgb(data, width: int, height: int, *, matrix: str = "bt601", full_range: bool = False,
                alpha: bool = False, out=None) -> np.ndarray:
    """Convert an NV12 frame (Y plane, then interleaved U/V at half resolution) to RGB.

    Parameters
    ----------
    data : bytes or array_like of uint8
        ``width * height * 3 / 2`` bytes, flat or as an (H * 3/2, W) array.
    width, height : int
        Frame size in pixels, both even.
    matrix : {"bt601", "bt709"}
    full_range : bool
        0-255 luma instead of the video range 16-235.
    alpha : bool
        Produce (H, W, 4) with alpha 255 instead of (H, W, 3).
    out : numpy.ndarray, optional
        uint8 destination of the result's shape.

    Returns
    -------
    numpy.ndarray of uint8
    """
    flat, width, height = _planar_420(data, width, height, "NV12")
    result = _output(out, height, width, alpha)
    if flat.size:
        y = flat[: width * height].reshape(height, width)
        uv = flat[width * height:].reshape(height // 2, width // 2, 2)
        _convert(y, uv[:, :, 0], uv[:, :, 1], 1, yuv_tables(matrix, full_range), result)
    return result


def i420_to_rgb(data, width: int, height: int, *, matrix: str = "bt601", full_range: bool = False,
                alpha: bool = False, out=None) -> np.ndarray:
    """Convert an I420 / YUV420 planar frame (Y plane, U plane, V plane; chroma at half resolution) to RGB.

    Parameters are as for :func:`nv12_to_rgb`.
    """
    flat, width, height = _planar_420(data, width, height, "I420")
    result = _output(out, height, width, alpha)
    if flat.size:
        luma_size, chroma_size = width * height, (width // 2) * (height // 2)
        y = flat[:luma_size].reshape(height, width)
        u = flat[luma_size:luma_size + chroma_size].reshape(height // 2, width // 2)
        v = flat[luma_size + chroma_size:].reshape(height // 2, width // 2)
        _convert(y, u, v, 1, yuv_tables(matrix, full_range), result)
    return result


yuv420_to_rgb = i420_to_rgb


def yuyv_to_rgb(data, width: int, height: int, *, matrix: str = "bt601", full_range: bool = False,
                alpha: bool = False, out=None) -> np.ndarray:
    """Convert a YUYV (YUY2, packed 4:2:2: Y0 U Y1 V per pixel pair) frame to RGB.

    Parameters
    ----------
    data : bytes or array_like of uint8
        ``width * height * 2`` bytes, flat or shaped (H, W, 2) / (H, 2W).
    width, height : int
        Frame size in pixels; width even.
    Other parameters are as for :func:`nv12_to_rgb`.
    """
    width, height = _size(width, height)
    if width % 2:
        raise ValueError(f"width: YUYV needs an even width, got {width}")
    flat = _buffer(data, "data").reshape(-1)
    if flat.size != width * height * 2:
        raise ValueError(f"data: a {width}x{height} YUYV frame has {width * height * 2} bytes, got {flat.size}")
    result = _output(out, height, width, alpha)
    if flat.size:
        pairs = flat.reshape(height, width // 2, 4)
        y = flat.reshape(height, width, 2)[:, :, 0]
        _convert(y, pairs[:, :, 1], pairs[:, :, 3], 0, yuv_tables(matrix, full_range), result)
    return result
