"""Images as ``log_image`` accepts them → RGBA8 display colours; channel order swaps.

Display colours are written as one packed uint32 per pixel (one store instead of four) and handed back as
an (H, W, 4) uint8 view of the same memory. The packing follows the host byte order so that the bytes in
memory are always R, G, B, A.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from . import _checks
from ._dispatch import kernel
from .srgb import as_3d, encode_tables

if sys.byteorder == "little":
    R_SHIFT, G_SHIFT, B_SHIFT, A_SHIFT = 0, 8, 16, 24
else:  # pragma: no cover - no big-endian machine to test on
    R_SHIFT, G_SHIFT, B_SHIFT, A_SHIFT = 24, 16, 8, 0

OPAQUE = 255 << A_SHIFT


def pack_rgba(rgba8: np.ndarray) -> np.ndarray:
    """Return (..., 4) uint8 colours as (...) uint32 values whose memory bytes are R, G, B, A."""
    rgba8 = np.ascontiguousarray(rgba8, np.uint8)
    return rgba8.view(np.uint32)[..., 0]


def unpack_rgba(packed: np.ndarray) -> np.ndarray:
    """Return the (..., 4) uint8 view of packed colours made by :func:`pack_rgba` or the kernels."""
    packed = np.ascontiguousarray(packed, np.uint32)
    return packed.view(np.uint8).reshape(packed.shape + (4,))


def _from_u8_numpy(src, out):
    rgba = np.empty(src.shape[:2] + (4,), np.uint8)
    rgba[:, :, :3] = src if src.shape[2] == 1 else src[:, :, :3]
    rgba[:, :, 3] = src[:, :, 3] if src.shape[2] == 4 else 255
    out[...] = pack_rgba(rgba)


@kernel(numpy_twin=_from_u8_numpy)
def _from_u8(src, out):
    rows, cols, channels = src.shape
    for i in range(rows):
        for j in range(cols):
            if channels == 1:
                g = int(src[i, j, 0])
                out[i, j] = (g << R_SHIFT) | (g << G_SHIFT) | (g << B_SHIFT) | OPAQUE
            elif channels == 3:
                out[i, j] = ((int(src[i, j, 0]) << R_SHIFT) | (int(src[i, j, 1]) << G_SHIFT)
                             | (int(src[i, j, 2]) << B_SHIFT) | OPAQUE)
            else:
                out[i, j] = ((int(src[i, j, 0]) << R_SHIFT) | (int(src[i, j, 1]) << G_SHIFT)
                             | (int(src[i, j, 2]) << B_SHIFT) | (int(src[i, j, 3]) << A_SHIFT))


def _from_u16_numpy(src, out):
    _from_u8_numpy(((src.astype(np.uint32) + 128) // 257).astype(np.uint8), out)


@kernel(numpy_twin=_from_u16_numpy)
def _from_u16(src, out):
    # round(v / 257) maps 0..65535 onto 0..255 exactly (65535 = 255 * 257); (v + 128) // 257 is that rounding.
    rows, cols, channels = src.shape
    for i in range(rows):
        for j in range(cols):
            if channels == 1:
                g = (int(src[i, j, 0]) + 128) // 257
                out[i, j] = (g << R_SHIFT) | (g << G_SHIFT) | (g << B_SHIFT) | OPAQUE
            else:
                r = (int(src[i, j, 0]) + 128) // 257
                g = (int(src[i, j, 1]) + 128) // 257
                b = (int(src[i, j, 2]) + 128) // 257
                a = 255 if channels == 3 else (int(src[i, j, 3]) + 128) // 257
                out[i, j] = (r << R_SHIFT) | (g << G_SHIFT) | (b << B_SHIFT) | (a << A_SHIFT)


def _from_linear_numpy(src, thresholds, start, inner, alpha_thresholds, alpha_start, alpha_inner, out):
    c = np.nan_to_num(np.clip(src.astype(np.float64), 0.0, 1.0), nan=0.0)
    rgba = np.empty(src.shape[:2] + (4,), np.uint8)
    colour = np.searchsorted(thresholds[1:], c[:, :, : min(3, src.shape[2])], side="right")
    rgba[:, :, :3] = colour
    rgba[:, :, 3] = np.searchsorted(alpha_thresholds[1:], c[:, :, 3], side="right") if src.shape[2] == 4 else 255
    out[...] = pack_rgba(rgba)


@kernel(numpy_twin=_from_linear_numpy)
def _from_linear(src, thresholds, start, inner, alpha_thresholds, alpha_start, alpha_inner, out):
    # Bucket table + one compare per channel (see srgb.encode_tables): exact, branch-free.
    rows, cols, channels = src.shape
    last_colour = 2 if channels >= 3 else 0  # gray reads channel 0 three times
    for i in range(rows):
        for j in range(cols):
            c = float(src[i, j, 0])
            c = min(max(c, 0.0), 1.0) if c == c else 0.0
            bucket = int(c * 4096.0)
            red = int(start[bucket]) + (1 if c >= inner[bucket] else 0)
            c = float(src[i, j, last_colour >> 1])
            c = min(max(c, 0.0), 1.0) if c == c else 0.0
            bucket = int(c * 4096.0)
            green = int(start[bucket]) + (1 if c >= inner[bucket] else 0)
            c = float(src[i, j, last_colour])
            c = min(max(c, 0.0), 1.0) if c == c else 0.0
            bucket = int(c * 4096.0)
            blue = int(start[bucket]) + (1 if c >= inner[bucket] else 0)
            alpha = 255
            if channels == 4:
                c = float(src[i, j, 3])
                c = min(max(c, 0.0), 1.0) if c == c else 0.0
                bucket = int(c * 4096.0)
                alpha = int(alpha_start[bucket]) + (1 if c >= alpha_inner[bucket] else 0)
            out[i, j] = (red << R_SHIFT) | (green << G_SHIFT) | (blue << B_SHIFT) | (alpha << A_SHIFT)


def _from_range_numpy(src, low, span, out):
    t = (src.astype(np.float64) - low) * 255.0 / span + 0.5 if span > 0.0 else np.zeros(src.shape)
    codes = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 255.0).astype(np.uint8)
    rgba = np.empty(src.shape[:2] + (4,), np.uint8)
    rgba[:, :, :3] = codes[:, :, : min(3, src.shape[2])]
    rgba[:, :, 3] = codes[:, :, 3] if src.shape[2] == 4 else 255
    out[...] = pack_rgba(rgba)


@kernel(numpy_twin=_from_range_numpy)
def _from_range(src, low, span, out):
    rows, cols, channels = src.shape
    for i in range(rows):
        for j in range(cols):
            packed = OPAQUE
            for k in range(channels):
                t = (float(src[i, j, k]) - low) * 255.0 / span + 0.5 if span > 0.0 else 0.0
                if not t > 0.0:  # NaN too
                    code = 0
                elif t >= 255.0:
                    code = 255
                else:
                    code = int(t)
                if channels == 1:
                    packed = (code << R_SHIFT) | (code << G_SHIFT) | (code << B_SHIFT) | OPAQUE
                elif k == 0:
                    packed |= code << R_SHIFT
                elif k == 1:
                    packed |= code << G_SHIFT
                elif k == 2:
                    packed |= code << B_SHIFT
                else:
                    packed = (packed & ~OPAQUE) | (code << A_SHIFT)
            out[i, j] = packed


def _finite_range_numpy(src, out):
    finite = src[np.isfinite(src)] if src.dtype.kind == "f" else src.reshape(-1)
    if finite.size == 0:
        return 0
    out[0] = finite.min()
    out[1] = finite.max()
    return finite.size


@kernel(numpy_twin=_finite_range_numpy)
def _finite_range(src, out):
    rows, cols, channels = src.shape
    count = 0
    low = math.inf
    high = -math.inf
    for i in range(rows):
        for j in range(cols):
            for k in range(channels):
                v = float(src[i, j, k])
                finite = math.isfinite(v)
                count += finite
                low = min(low, v if finite else math.inf)
                high = max(high, v if finite else -math.inf)
    if count:
        out[0] = low
        out[1] = high
    return count


def image_value_range(image) -> tuple[float, float] | None:
    """Return the (min, max) of the finite values of an image, or None when it has none.

    Parameters
    ----------
    image : array_like of a real dtype
        Any rank up to 3 (rank > 3 is flattened to 3-D first).
    """
    src = _checks.real_array(image, "image")
    if src.size == 0:
        return None
    bounds = np.zeros(2, np.float64)
    count = _finite_range(as_3d(src), bounds)
    return (float(bounds[0]), float(bounds[1])) if count else None


def to_rgba8(image, *, value_range=None, out=None) -> np.ndarray:
    """Convert an image as ``log_image`` accepts it to (H, W, 4) uint8 display colours.

    Parameters
    ----------
    image : array_like
        (H, W), (H, W, 1), (H, W, 3) or (H, W, 4); any real dtype, views and big-endian arrays included.
        uint8 is sRGB as is; uint16 is sRGB scaled by 1/257 (rounded); floats are linear 0-1, clipped and
        encoded with the sRGB curve (0.5 → 188, NaN → 0), alpha linear (``round(255 a)``). Other integer
        dtypes (and any dtype when ``value_range`` is given) are mapped linearly from ``value_range`` to 0-255.
    value_range : (float, float), optional
        Values mapped linearly to 0 and 255 (alpha included), clamped outside. For integer dtypes other than
        uint8/uint16 it defaults to the finite min/max of the image; giving it for uint8/uint16/float images
        replaces their fixed meaning (e.g. ``(0, 4095)`` for a 12-bit camera in uint16).
    out : numpy.ndarray, optional
        (H, W, 4) uint8 destination, C-contiguous.

    Returns
    -------
    numpy.ndarray
        (H, W, 4) uint8, gray replicated to RGB, alpha 255 unless the image has a 4th channel.
    """
    src = _checks.real_array(image, "image")
    if src.ndim not in (2, 3) or (src.ndim == 3 and src.shape[2] not in (1, 3, 4)):
        raise ValueError(f"image: expected shape (H, W) or (H, W, C) with C in 1, 3, 4, got {src.shape}")
    src3 = src if src.ndim == 3 else src[:, :, None]
    rows, cols = src.shape[:2]
    result = _checks.output(out, (rows, cols, 4), np.uint8)
    if not result.flags.c_contiguous:
        raise ValueError("out: expected a C-contiguous array (colours are written as packed uint32)")
    packed = result.view(np.uint32).reshape(rows, cols)
    if src.size == 0:
        return result
    fixed_meaning = src.dtype in (np.uint8, np.uint16) or src.dtype.kind == "f"
    if value_range is None and fixed_meaning:
        if src.dtype == np.uint8:
            _from_u8(src3, packed)
        elif src.dtype == np.uint16:
            _from_u16(src3, packed)
        else:
            _from_linear(src3, *encode_tables("color"), *encode_tables("alpha"), packed)
        return result
    if value_range is None:
        value_range = image_value_range(src3) or (0.0, 1.0)
    low, high = parse_value_range(value_range, "value_range")
    _from_range(src3, low, high - low, packed)
    return result


def parse_value_range(value_range, name: str) -> tuple[float, float]:
    """``value_range`` as finite floats (low, high) with low <= high; errors name the argument ``name``."""
    try:
        low, high = value_range
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a pair (low, high), got {value_range!r}") from None
    low = _checks.finite_float(low, f"{name}[0]")
    high = _checks.finite_float(high, f"{name}[1]")
    if high < low:
        raise ValueError(f"{name}: expected low ≤ high, got ({low}, {high})")
    return low, high


def _swap_numpy(src, out):
    order = [2, 1, 0, 3][: src.shape[2]]
    out[...] = src[:, :, order]  # fancy indexing copies first, so out may be src


@kernel(numpy_twin=_swap_numpy)
def _swap(src, out):
    rows, cols, channels = src.shape
    for i in range(rows):
        for j in range(cols):
            b = src[i, j, 0]
            out[i, j, 1] = src[i, j, 1]
            out[i, j, 0] = src[i, j, 2]
            out[i, j, 2] = b
            if channels == 4:
                out[i, j, 3] = src[i, j, 3]


def bgr_to_rgb(image, *, out=None) -> np.ndarray:
    """Swap the first and third channel: BGR → RGB, BGRA → RGBA (and back).

    Parameters
    ----------
    image : array_like
        (H, W, 3) or (H, W, 4), any real dtype.
    out : numpy.ndarray, optional
        Destination of the same shape and dtype; may be ``image`` itself (in-place swap).

    Returns
    -------
    numpy.ndarray
    """
    src = _checks.real_array(image, "image", allow_f16=False)
    if src.ndim != 3 or src.shape[2] not in (3, 4):
        raise ValueError(f"image: expected shape (H, W, 3) or (H, W, 4), got {src.shape}")
    result = _checks.output(out, src.shape, src.dtype)
    if src.size:
        _swap(src, result)
    return result
