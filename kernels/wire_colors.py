"""Colours as rerun 0.4.0 puts them on the wire: normalisation rules and the u32 0xRRGGBBAA packing.

The SDK (``rerun``) may not import this package; these functions document the rules in code for the viewer
side (decoding ``rerun.colorrgba`` columns) and for tools, and are small numpy functions, not kernels.
"""
from __future__ import annotations

import numpy as np

from .srgb import alpha_code_reference, linear_to_srgb8


def normalize_colors(colors) -> np.ndarray:
    """Apply rerun 0.4.0's ``_normalize_colors`` and return (N, 4) uint8 RGBA.

    Float input is linear 0-1: clipped, sRGB-encoded (0.5 → 188, NaN → 0), alpha ``round(255 a)``.
    Any other input is cast to uint8 with wrap-around (300 → 44, -1 → 255). Only columns 0-2 (and 3 when the
    width is exactly 4) are used; a missing alpha is 255. A 1-D colour is one colour.

    Parameters
    ----------
    colors : array_like
        (3,), (4,), (N, 3), (N, 4), or wider rows (extra columns dropped, as 0.4.0 does).
    """
    array = np.array(colors)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] < 3:
        raise ValueError(f"colors: expected rows of 3 or 4 components, got shape {array.shape}")
    if array.dtype.kind not in "uifb":
        raise TypeError(f"colors: expected numbers, got dtype {array.dtype}")
    has_alpha = array.shape[1] == 4
    rgba = np.full((array.shape[0], 4), 255, np.uint8)
    if array.dtype.kind == "f":
        rgba[:, :3] = linear_to_srgb8(array[:, :3].astype(np.float64))
        if has_alpha:
            rgba[:, 3] = alpha_code_reference(array[:, 3])
    else:
        rgba[:, :3] = array[:, :3].astype(np.int64) & 0xFF
        if has_alpha:
            rgba[:, 3] = array[:, 3].astype(np.int64) & 0xFF
    return rgba


def pack_rrggbbaa(rgba8) -> np.ndarray:
    """Pack (N, 4) uint8 RGBA into uint32 values 0xRRGGBBAA (the wire's ``rerun.colorrgba``)."""
    rgba = np.asarray(rgba8)
    if rgba.ndim != 2 or rgba.shape[1] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"rgba8: expected an (N, 4) uint8 array, got shape {rgba.shape} and dtype {rgba.dtype}")
    return np.ascontiguousarray(rgba).view(">u4")[:, 0].astype(np.uint32)


def unpack_rrggbbaa(packed) -> np.ndarray:
    """Unpack uint32 0xRRGGBBAA values (any shape) into ``shape + (4,)`` uint8 RGBA."""
    values = np.asarray(packed)
    if values.dtype.kind not in "ui":
        raise TypeError(f"packed: expected uint32 colours, got dtype {values.dtype}")
    big_endian = np.ascontiguousarray(values, dtype=">u4")
    return big_endian.view(np.uint8).reshape(values.shape + (4,)).copy()
