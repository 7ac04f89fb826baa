"""Rerun 0.4.0's ``rerun.color_conversion``: linear colours to sRGB bytes, and RGBA bytes packed as u32.

The encoding itself lives in :mod:`rerun.color` (the rule every ``colors=`` argument follows).
"""

from __future__ import annotations

import numpy as np

from rerun.color import linear_alpha_u8, linear_to_srgb_u8

__all__ = ["linear_to_gamma_u8_pixel", "linear_to_gamma_u8_value", "u8_array_to_rgba"]


def linear_to_gamma_u8_value(linear: np.ndarray) -> np.ndarray:
    """Each linear value in [0, 1] as a gamma-encoded (sRGB) uint8; values outside are clipped.

    Parameters
    ----------
    linear : numpy.ndarray
        Linear colour channel values, any shape.

    Returns
    -------
    numpy.ndarray
        uint8 of the same shape.
    """
    return linear_to_srgb_u8(linear)


def linear_to_gamma_u8_pixel(linear: np.ndarray) -> np.ndarray:
    """RGB or RGBA pixels, linear floats in [0, 1], as uint8: colour channels sRGB-encoded, alpha linear.

    Parameters
    ----------
    linear : numpy.ndarray
        Shape ``(..., 3)`` or ``(..., 4)``.

    Returns
    -------
    numpy.ndarray
        uint8 of the same shape.

    Raises
    ------
    ValueError
        If the last dimension is not 3 or 4.
    """
    linear = np.asarray(linear)
    if linear.ndim == 0 or linear.shape[-1] not in (3, 4):
        raise ValueError(f"argument 'linear': expected pixels of 3 or 4 channels, got shape {linear.shape}")
    encoded = linear_to_srgb_u8(linear)
    if linear.shape[-1] == 4:
        encoded[..., 3] = linear_alpha_u8(linear[..., 3])
    return encoded


def u8_array_to_rgba(arr: np.ndarray) -> np.ndarray:
    """``(N, 3)`` or ``(N, 4)`` uint8 colours packed as uint32 ``0xRRGGBBAA`` (alpha 255 when only RGB is given).

    Raises
    ------
    ValueError
        If ``arr`` does not have 3 or 4 channels in its last dimension.
    """
    arr = np.asarray(arr, dtype=np.uint8)
    if arr.ndim == 0 or arr.shape[-1] not in (3, 4):
        raise ValueError(f"argument 'arr': expected colours of 3 or 4 channels, got shape {arr.shape}")
    if arr.shape[-1] == 3:
        arr = np.concatenate([arr, np.full(arr.shape[:-1] + (1,), 255, np.uint8)], axis=-1)
    channels = arr.astype(np.uint32)
    return (channels[..., 0] << 24) | (channels[..., 1] << 16) | (channels[..., 2] << 8) | channels[..., 3]
