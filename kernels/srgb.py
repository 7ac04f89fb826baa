"""sRGB transfer curve: linear floats → sRGB 8-bit codes (the rule of rerun 0.4.0) and sRGB codes → linear.

Encoding follows the 0.4.0 SDK exactly (``_normalize_colors``): clip to [0, 1] (NaN → 0), then
``c * 3294.6`` for ``c ≤ 0.0031308`` else ``269.025 * c**(1/2.4) - 14.025``, rounded half to even.
Instead of a power per value, the kernels compare against the 255 exact decision thresholds of that
rule (found once by bisection over float64 values), starting from a 4096-bucket table: at most a step
or two per value and bit-identical to the formula for every float64 input.
"""
from __future__ import annotations

import functools

import numpy as np

from . import _checks
from ._dispatch import kernel

#: Buckets of the starting-code table: ``int(c * BUCKETS)`` is exact because BUCKETS is a power of two.
BUCKETS = 4096


def srgb_code_reference(linear) -> np.ndarray:
    """Encode linear 0-1 values to sRGB uint8 codes with the formula of rerun 0.4.0 (slow, exact reference).

    Parameters
    ----------
    linear : array_like of float
        Linear intensities; clipped to [0, 1], NaN counts as 0.

    Returns
    -------
    numpy.ndarray of uint8
    """
    c = np.nan_to_num(np.clip(np.asarray(linear, np.float64), 0.0, 1.0), nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        encoded = np.where(c <= 0.0031308, c * 3294.6, 269.025 * np.power(c, 1.0 / 2.4) - 14.025)
    return np.around(encoded).astype(np.uint8)


def alpha_code_reference(alpha) -> np.ndarray:
    """Encode linear 0-1 alpha to uint8 as rerun 0.4.0 does: ``around(255 * clip(a, 0, 1))``, NaN → 0."""
    a = np.nan_to_num(np.clip(np.asarray(alpha, np.float64), 0.0, 1.0), nan=0.0)
    return np.around(255.0 * a).astype(np.uint8)


def _thresholds(code_of) -> np.ndarray:
    """Smallest float64 in [0, 1] whose code is ≥ k, for k = 0..255 (bisection over the float bit patterns)."""
    ks = np.arange(256)
    lo = np.zeros(256, np.int64)  # bit pattern of 0.0: code 0
    hi = np.full(256, np.float64(1.0).view(np.int64))  # code 255
    for _ in range(64):
        mid = lo + (hi - lo) // 2
        reaches = code_of(mid.view(np.float64)).astype(np.int64) >= ks
        hi = np.where(reaches, mid, hi)
        lo = np.where(reaches, lo, mid)
        if np.all(hi - lo <= 1):
            break
    first = np.where(code_of(lo.view(np.float64)).astype(np.int64) >= ks, lo, hi)
    first[0] = 0
    return first.view(np.float64)


@functools.lru_cache(maxsize=None)
def encode_tables(kind: str = "color") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(thresholds, start, inner)`` for encoding ``kind`` ("color": the sRGB curve, "alpha": linear).

    ``thresholds[k]`` is the smallest value whose code is ≥ k. The range [0, 1] is cut into BUCKETS buckets,
    narrower than the closest two thresholds, so each holds at most one: ``start[i]`` is the code at the
    bucket's lower edge ``i / BUCKETS`` and ``inner[i]`` the threshold inside the bucket (+inf if none). The
    code of ``c`` is then ``start[i] + (c >= inner[i])`` with ``i = int(c * BUCKETS)``: no search, no branch.
    """
    code_of = srgb_code_reference if kind == "color" else alpha_code_reference
    thresholds = _thresholds(code_of)
    edges = np.arange(BUCKETS + 2, dtype=np.float64) / BUCKETS
    codes_at_edges = np.searchsorted(thresholds[1:], edges, side="right")
    codes_before_next = np.searchsorted(thresholds[1:], edges[1:], side="left")
    start = codes_at_edges[:-1]
    if np.any(codes_before_next - start > 1):
        raise AssertionError("an encoding bucket holds two thresholds: raise BUCKETS")
    following = np.minimum(start + 1, 255)
    inner = np.where((start < 255) & (thresholds[following] < edges[1:]), thresholds[following], np.inf)
    start = start.astype(np.uint8)
    for table in (thresholds, start, inner):
        table.flags.writeable = False
    return thresholds, start, inner


@functools.lru_cache(maxsize=None)
def decode_table(bits: int) -> np.ndarray:
    """Return the float32 table mapping every sRGB code of ``bits`` (8 or 16) bits to linear 0-1."""
    c = np.arange(1 << bits, dtype=np.float64) / ((1 << bits) - 1)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)
    linear.flags.writeable = False
    return linear


def as_3d(array: np.ndarray) -> np.ndarray:
    """View an array of any rank as 3-D (rows, columns, channels) without copying when rank ≤ 3."""
    if array.ndim == 0:
        return array.reshape(1, 1, 1)
    if array.ndim == 1:
        return array[None, :, None]
    if array.ndim == 2:
        return array[:, :, None]
    if array.ndim == 3:
        return array
    return array.reshape(-1, array.shape[-2], array.shape[-1])


def _encode_numpy(src, thresholds, start, inner, out):
    c = np.nan_to_num(np.clip(src.astype(np.float64), 0.0, 1.0), nan=0.0)
    out[...] = np.searchsorted(thresholds[1:], c, side="right")


@kernel(numpy_twin=_encode_numpy)
def _encode(src, thresholds, start, inner, out):
    rows, cols, channels = src.shape
    for i in range(rows):
        for j in range(cols):
            for k in range(channels):
                c = float(src[i, j, k])
                c = min(max(c, 0.0), 1.0) if c == c else 0.0  # clip; NaN → 0
                bucket = int(c * 4096.0)
                out[i, j, k] = start[bucket] + (1 if c >= inner[bucket] else 0)


def _decode_numpy(src, table, alpha_scale, out):
    colour = min(src.shape[2], 3)
    out[:, :, :colour] = table[src[:, :, :colour]]
    if out.shape[2] == 4:
        if src.shape[2] == 1:
            out[:, :, 1] = out[:, :, 0]
            out[:, :, 2] = out[:, :, 0]
        if src.shape[2] == 4:
            out[:, :, 3] = src[:, :, 3] * np.float32(alpha_scale)
        else:
            out[:, :, 3] = 1.0


@kernel(numpy_twin=_decode_numpy)
def _decode(src, table, alpha_scale, out):
    rows, cols, channels_in = src.shape
    channels_out = out.shape[2]
    scale = np.float32(alpha_scale)
    for i in range(rows):
        for j in range(cols):
            if channels_in == 1:
                v = table[src[i, j, 0]]
                out[i, j, 0] = v
                if channels_out == 4:
                    out[i, j, 1] = v
                    out[i, j, 2] = v
                    out[i, j, 3] = 1.0
            else:
                out[i, j, 0] = table[src[i, j, 0]]
                out[i, j, 1] = table[src[i, j, 1]]
                out[i, j, 2] = table[src[i, j, 2]]
                if channels_out == 4:
                    if channels_in == 4:
                        out[i, j, 3] = src[i, j, 3] * scale
                    else:
                        out[i, j, 3] = 1.0


def linear_to_srgb8(values, *, out=None) -> np.ndarray:
    """Encode linear 0-1 floats as sRGB uint8 codes (rerun 0.4.0 rule: 0.5 → 188).

    Parameters
    ----------
    values : array_like of float
        Any shape. Values are clipped to [0, 1]; NaN becomes 0.
    out : numpy.ndarray of uint8, optional
        Destination with the shape of ``values``.

    Returns
    -------
    numpy.ndarray of uint8
        Same shape as ``values``. Every value is treated as a colour channel (alpha is not special here).
    """
    src = _checks.real_array(values, "values")
    if src.dtype.kind != "f":
        raise TypeError(f"values: expected a float array of linear intensities, got dtype {src.dtype}")
    result = _checks.output(out, src.shape, np.uint8)
    if src.size:
        tables = encode_tables("color")
        target = as_3d(result)
        if np.shares_memory(target, result):
            _encode(as_3d(src), *tables, target)
        else:  # rank > 3 with a non-contiguous out: encode into a scratch buffer, then copy
            scratch = np.empty(target.shape, np.uint8)
            _encode(as_3d(src), *tables, scratch)
            result[...] = scratch.reshape(result.shape)
    return result


def srgb_to_linear(image, *, rgba: bool = False, out=None) -> np.ndarray:
    """Decode an sRGB image (uint8 or uint16 codes) to linear float32 with a lookup table.

    Parameters
    ----------
    image : array_like of uint8 or uint16
        (H, W), (H, W, 1), (H, W, 3) or (H, W, 4). A 4th channel is alpha and is only scaled to 0-1.
    rgba : bool
        Always produce 4 channels (gray is replicated, missing alpha is 1.0).
    out : numpy.ndarray of float32, optional
        Destination of the result's shape.

    Returns
    -------
    numpy.ndarray of float32
        (H, W, 4) when ``rgba``, else the input's shape.
    """
    src = _checks.real_array(image, "image")
    if src.dtype not in (np.uint8, np.uint16):
        raise TypeError(f"image: expected uint8 or uint16 sRGB codes, got dtype {src.dtype}")
    if src.ndim not in (2, 3) or (src.ndim == 3 and src.shape[2] not in (1, 3, 4)):
        raise ValueError(f"image: expected shape (H, W) or (H, W, C) with C in 1, 3, 4, got {src.shape}")
    src3 = src if src.ndim == 3 else src[:, :, None]
    shape = (src.shape[0], src.shape[1], 4) if rgba else src.shape
    result = _checks.output(out, shape, np.float32)
    bits = 8 if src.dtype == np.uint8 else 16
    _decode(src3, decode_table(bits), 1.0 / ((1 << bits) - 1), result if result.ndim == 3 else result[:, :, None])
    return result
