"""Colormaps (grayscale, turbo, viridis, plasma, magma, inferno) applied to scalar arrays.

Turbo is Google's published 256-entry table (``_turbo.py``, data). Viridis, plasma, magma and inferno are
generated here from degree-6 minimax polynomial fits of the BIDS/matplotlib maps (CC0; within a few codes of
the originals). Nothing is imported from matplotlib.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import _checks
from ._dispatch import kernel
from ._turbo import TURBO_SRGB8_HEX
from .classes import _lookup
from .color import parse_value_range, pack_rgba, unpack_rgba

# Polynomial coefficients, lowest degree first, one row per channel (R, G, B); values are sRGB 0-1.
_POLYNOMIALS = {
    "viridis": (
        (0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486,
         6.228269936347081, 4.776384997670288, -5.435455855934631),
        (0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585,
         14.17993336680509, -13.74514537774601, 4.645852612178535),
        (0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987,
         56.69055260068105, -65.35303263337234, 26.3124352495832),
    ),
    "inferno": (
        (0.0002189403691192265, 0.1065134194856116, 11.60249308247187, -41.70399613139459,
         77.162935699427, -71.31942824499214, 25.13112622477341),
        (0.001651004631001012, 0.5639564367884091, -3.972853965665698, 17.43639888205313,
         -33.40235894210092, 32.62606426397723, -12.24266895238567),
        (-0.01948089843709184, 3.932712388889277, -15.9423941062914, 44.35414519872813,
         -81.80730925738993, 73.20951985803202, -23.07032500287172),
    ),
    "magma": (
        (-0.002136485053939582, 0.2516605407371642, 8.353717279216625, -27.66873308576866,
         52.17613981234068, -50.76852536473588, 18.65570506591883),
        (-0.000749655052795221, 0.6775232436837668, -3.577719514958484, 14.26473078096533,
         -27.94360607168351, 29.04658282127291, -11.48977351997711),
        (-0.005386127855323933, 2.494026599312351, 0.3144679030132573, -13.64921318813922,
         12.94416944238394, 4.23415299384598, -5.601961508734096),
    ),
    "plasma": (
        (0.05873234392399702, 2.176514634195958, -2.689460476458034, 6.130348345893603,
         -11.10743619062271, 10.02306557647065, -3.658713842777788),
        (0.02333670892565664, 0.2383834171260182, -7.455851135738909, 42.3461881477227,
         -82.66631109428045, 71.41361770095349, -22.93153465461149),
        (0.5433401826748754, 0.7539604599784036, 3.110799939717086, -28.51885465332158,
         60.13984767418263, -54.07218655560067, 18.19190778539828),
    ),
}

COLORMAPS = ("grayscale", "turbo", "viridis", "plasma", "magma", "inferno")
_ALIASES = {"gray": "grayscale", "grey": "grayscale", "greyscale": "grayscale"}

#: Colour given to NaN/inf (and to zeros with ``ignore_zero``): fully transparent black.
INVALID_RGBA = (0, 0, 0, 0)


def colormap_name(name: str) -> str:
    """Return the canonical colormap name for ``name`` (case-insensitive, gray/grey aliases)."""
    if not isinstance(name, str):
        raise TypeError(f"name: expected a colormap name (one of {', '.join(COLORMAPS)}), got {name!r}")
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in COLORMAPS:
        raise ValueError(f"name: expected one of {', '.join(COLORMAPS)}, got {name!r}")
    return key


def colormap_table(name: str) -> np.ndarray:
    """Return the read-only (256, 4) uint8 RGBA table of a colormap (entry 0: low end, 255: high end)."""
    return _table(colormap_name(name))


@functools.lru_cache(maxsize=None)
def _table(key: str) -> np.ndarray:
    t = np.linspace(0.0, 1.0, 256)
    table = np.empty((256, 4), np.uint8)
    if key == "grayscale":
        table[:, :3] = np.arange(256, dtype=np.uint8)[:, None]
    elif key == "turbo":
        table[:, :3] = np.frombuffer(bytes.fromhex("".join(TURBO_SRGB8_HEX)), np.uint8).reshape(256, 3)
    else:
        for channel, coefficients in enumerate(_POLYNOMIALS[key]):
            srgb = np.polynomial.polynomial.polyval(t, coefficients)
            table[:, channel] = np.around(np.clip(srgb, 0.0, 1.0) * 255.0).astype(np.uint8)
    table[:, 3] = 255
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=None)
def _packed_table(name: str) -> np.ndarray:
    packed = pack_rgba(colormap_table(name)).copy()
    packed.flags.writeable = False
    return packed


def _as_2d(values: np.ndarray) -> np.ndarray:
    if values.ndim == 0:
        return values.reshape(1, 1)
    if values.ndim == 1:
        return values[None, :]
    if values.ndim == 2:
        return values
    return values.reshape(-1, values.shape[-1])


def _range_int_numpy(values, ignore_zero, top, bottom, staged, out):
    if staged.shape[0] == values.shape[0]:
        staged[...] = values
    usable = (values != 0) if ignore_zero else True
    low = np.min(values, initial=top, where=usable)
    high = np.max(values, initial=bottom, where=usable)
    out[0] = low
    out[1] = high
    return bool(low <= high)


@kernel(numpy_twin=_range_int_numpy)
def _range_int(values, ignore_zero, top, bottom, staged, out):
    """Min/max of an integer image (optionally skipping zeros) into ``out``; returns whether any value counted.

    ``top``/``bottom`` are the dtype's extremes *as that dtype*, so the accumulators keep the image's width and
    the loop vectorises (1080p uint16: ~40x faster than a float-converting loop). Each row is first copied into
    ``staged`` (C-contiguous, as many columns as ``values``): into its row ``i`` when it has as many rows as
    ``values`` (the caller then reads the contiguous copy instead of a strided view again), else into row 0.
    """
    rows, cols = values.shape
    keep = staged.shape[0] == rows
    low = top
    high = bottom
    for i in range(rows):
        row = staged[i if keep else 0]
        for j in range(cols):
            row[j] = values[i, j]
        for j in range(cols):
            v = row[j]
            usable = (v != 0) | (not ignore_zero)
            low = min(low, v if usable else top)
            high = max(high, v if usable else bottom)
    out[0] = low
    out[1] = high
    return low <= high


def _range_float_numpy(values, ignore_zero, magnitude, exponent, staged, out):
    if staged.shape[0] == values.shape[0]:
        staged[...] = values.view(staged.dtype)
    usable = np.isfinite(values)
    if ignore_zero:
        usable &= values != 0
    if not usable.any():
        return False
    out[0] = np.min(values, initial=np.inf, where=usable)
    out[1] = np.max(values, initial=-np.inf, where=usable)
    return True


@kernel(numpy_twin=_range_float_numpy)
def _range_float(values, ignore_zero, magnitude, exponent, staged, out):
    """Min/max of the finite values of a float image into ``out``; returns whether any value counted.

    A float min/max reduction does not vectorise (NaN semantics); one on order-preserving integer keys of the
    bits does: key = bits ^ ((bits >> (width - 1)) & magnitude), its own inverse. ``staged`` is an integer array
    as wide as the float (``magnitude``/``exponent`` are its masks) used as in :func:`_range_int`, so strided
    tensor slices vectorise too.
    """
    rows, cols = values.shape
    keep = staged.shape[0] == rows
    shift = staged.itemsize * 8 - 1
    top = magnitude
    bottom = -magnitude - 1
    low = top
    high = bottom
    for i in range(rows):
        row = staged[i if keep else 0]
        floats = row.view(values.dtype)
        for j in range(cols):
            floats[j] = values[i, j]
        for j in range(cols):
            b = row[j]
            key = b ^ ((b >> shift) & magnitude)
            usable = ((b & exponent) != exponent) & (((b & magnitude) != 0) | (not ignore_zero))
            low = min(low, key if usable else top)
            high = max(high, key if usable else bottom)
    if low > high:
        return False
    pair = np.empty(2, staged.dtype)
    pair[0] = low ^ ((low >> shift) & magnitude)
    pair[1] = high ^ ((high >> shift) & magnitude)
    decoded = pair.view(values.dtype)
    out[0] = decoded[0]
    out[1] = decoded[1]
    return True


def _map_numpy(values, params, table, ignore_zero, row, index, out):
    low, scale, zero, top, half = params
    v = values.astype(params.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # inf * 0, values far outside a given range: clipped below
        t = np.clip(np.nan_to_num((v - low) * scale + half, nan=0.0), zero, top).astype(np.intp)
    bad = ~np.isfinite(v)
    if ignore_zero:
        bad |= v == 0
    t[bad] = INVALID_INDEX
    out[...] = table[t]


@kernel(numpy_twin=_map_numpy)
def _map(values, params, table, ignore_zero, row, index, out):
    """Colour values through a 257-entry packed table (entry 256: the invalid colour) into ``out``.

    ``params`` holds (low, scale, 0, 255, 0.5) in the arithmetic's dtype: float32 for float32 values (twice the
    SIMD width; a literal would promote it to float64), else float64. Per row: stage the (possibly strided)
    values into the contiguous ``row``, compute every table index in a vectorised loop into ``index``, then
    gather. One fused loop does not vectorise (the gather) and measured 2-3x slower.
    """
    rows, cols = values.shape
    low, scale, zero, top, half = params[0], params[1], params[2], params[3], params[4]
    for i in range(rows):
        for j in range(cols):
            row[j] = values[i, j]
        for j in range(cols):
            v = row[j]
            t = (v - low) * scale + half
            t = t if t > zero else zero  # also sends NaN to 0 before the integer conversion
            t = t if t < top else top
            usable = (v - v == zero) & ((v != zero) | (not ignore_zero))  # v - v is NaN for NaN and ±inf
            index[j] = np.uint32(t) if usable else np.uint32(INVALID_INDEX)
        target = out[i]
        for j in range(cols):
            target[j] = table[index[j]]


_F32_MAX = float(np.finfo(np.float32).max)
_MIN_F32_SCALE = max(255.0 / _F32_MAX, float(np.finfo(np.float32).tiny))  # span < float32 max, scale normal


def _fits_float32(low: float, scale: float) -> bool:
    """Whether colouring from ``low`` with ``scale`` keeps its precision in float32 arithmetic (not a span of
    subnormals, nor one too wide for ``value - low`` to stay finite). :func:`_colormap_auto` inlines this."""
    return abs(low) < _F32_MAX and (scale == 0.0 or _MIN_F32_SCALE < scale < _F32_MAX)


def _map_params(dtype: np.dtype, low: float, scale: float) -> np.ndarray:
    """The ``params`` of :func:`_map`: float32 for float32 values whose range fits it, else float64."""
    single = dtype == np.float32 and _fits_float32(low, scale)
    return np.array((low, scale, 0.0, 255.0, 0.5), np.float32 if single else np.float64)


def _colormap_auto_numpy(values, ignore_zero, magnitude, exponent, staged, table, row, index, out):
    bounds = np.zeros(2)
    found = _range_float_numpy(values, ignore_zero, magnitude, exponent, staged, bounds)
    low, high = (float(bounds[0]), float(bounds[1])) if found else (0.0, 1.0)  # Python floats: inf, no warning
    scale = 255.0 / (high - low) if high > low else 0.0
    if values.dtype.itemsize == 4 and not _fits_float32(low, scale):
        return False
    params = np.array((low, scale, 0.0, 255.0, 0.5), values.dtype)
    source = staged.view(values.dtype) if staged.shape[0] == values.shape[0] else values
    _map_numpy(source, params, table, ignore_zero, row, index, out)
    return True


@kernel(numpy_twin=_colormap_auto_numpy)
def _colormap_auto(values, ignore_zero, magnitude, exponent, staged, table, row, index, out):
    """Colour a float image over its own finite range in one call: :func:`_range_float`, then :func:`_map`.

    One call instead of two plus the Python between them saves ~3 µs, 6 % of a 256² tensor slice. The
    arithmetic is in the values' dtype; returns False, having coloured nothing, when the range does not fit
    float32 arithmetic (see :func:`_map_params`): the caller then takes the general path.
    """
    bounds = np.zeros(2)
    low = 0.0
    high = 1.0
    if _range_float(values, ignore_zero, magnitude, exponent, staged, bounds):
        low = bounds[0]
        high = bounds[1]
    scale = 255.0 / (high - low) if high > low else 0.0
    if values.itemsize == 4 and not (abs(low) < _F32_MAX and (scale == 0.0 or _MIN_F32_SCALE < scale < _F32_MAX)):
        return False  # _fits_float32, inlined: numba cannot call a plain Python function
    params = np.empty(5, values.dtype)
    params[0] = low
    params[1] = scale
    params[2] = 0.0
    params[3] = 255.0
    params[4] = 0.5
    if staged.shape[0] == values.shape[0]:  # staged whole: colour the contiguous copy
        _map(staged.view(values.dtype), params, table, ignore_zero, row, index, out)
    else:
        _map(values, params, table, ignore_zero, row, index, out)
    return True


_FLOAT_BITS = {
    # float dtype: (integer dtype of the same width, magnitude mask, exponent mask)
    np.dtype(np.float32): (np.dtype(np.int32), np.int32(0x7FFFFFFF), np.int32(0x7F800000)),
    np.dtype(np.float64): (np.dtype(np.int64), np.int64(0x7FFFFFFFFFFFFFFF), np.int64(0x7FF0000000000000)),
}


@functools.lru_cache(maxsize=None)
def _int_limits(dtype: np.dtype) -> tuple:
    limits = np.iinfo(dtype)
    return dtype.type(limits.max), dtype.type(limits.min)


def _staging(values: np.ndarray, whole: bool) -> np.ndarray:
    """Scratch rows for the range kernels: the whole image (``whole``) or one row, integer for floats."""
    dtype = _FLOAT_BITS[values.dtype][0] if values.dtype.kind == "f" else values.dtype
    return np.empty((values.shape[0] if whole else 1, values.shape[1]), dtype)


def _finite_range(values: np.ndarray, ignore_zero: bool, staged: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of a non-empty native-order 2-D real array's usable values, or None; stages rows as asked."""
    bounds = np.empty(2)
    if values.dtype.kind == "f":
        _, magnitude, exponent = _FLOAT_BITS[values.dtype]
        found = _range_float(values, ignore_zero, magnitude, exponent, staged, bounds)
    else:
        top, bottom = _int_limits(values.dtype)
        found = _range_int(values, ignore_zero, top, bottom, staged, bounds)
    return (float(bounds[0]), float(bounds[1])) if found else None


def value_range(values, *, ignore_zero: bool = False) -> tuple[float, float] | None:
    """Return the (min, max) of the finite values (optionally also ignoring zeros), or None if there are none.

    Parameters
    ----------
    values : array_like of a real dtype
        Any shape; views are read in place.
    ignore_zero : bool
        Treat 0 as invalid too (depth images use 0 for "no measurement").
    """
    src = _checks.real_array(values, "values")
    if src.size == 0:
        return None
    values = _as_2d(src)
    return _finite_range(values, bool(ignore_zero), _staging(values, whole=False))


#: Table index of the invalid colour: the packed tables have 256 colours, then this one.
INVALID_INDEX = 256


@functools.lru_cache(maxsize=None)
def _indexed_table(name: str) -> np.ndarray:
    """The packed table of a colormap with the invalid colour appended as entry 256 (read-only)."""
    table = np.empty(257, np.uint32)
    table[:256] = _packed_table(name)
    table[INVALID_INDEX] = pack_rgba(np.array(INVALID_RGBA, np.uint8))
    table.flags.writeable = False
    return table


def _colormap_into(src: np.ndarray, key: str, vmin, vmax, ignore_zero: bool, result: np.ndarray) -> None:
    """Colour a native-order real array through colormap ``key`` (canonical name) into packed uint32 ``result``."""
    if src.size == 0:
        return
    values = _as_2d(src)
    codes = 1 << (8 * src.dtype.itemsize)
    per_code = src.dtype.kind == "u" and codes <= 65536 and src.size >= 4 * codes  # uint8 / uint16
    in_place = result.flags.c_contiguous
    target = result.reshape(values.shape) if in_place else np.empty(values.shape, np.uint32)
    if vmin is None and vmax is None and src.dtype.kind == "f":
        # The common viewer case (tensor slices, float depth): range and colours in one kernel call.
        cols = values.shape[1]
        _, magnitude, exponent = _FLOAT_BITS[src.dtype]
        if _colormap_auto(values, ignore_zero, magnitude, exponent, _staging(values, not values.flags.c_contiguous),
                          _indexed_table(key), np.empty(cols, src.dtype), np.empty(cols, np.uint32), target):
            if not in_place:
                result[...] = target.reshape(result.shape)
            return
    if vmin is None or vmax is None:
        # A strided view (tensor slice) is staged whole while its range is taken, so the colouring pass below
        # reads a contiguous copy from cache instead of gathering the strided values a second time.
        whole = not per_code and not values.flags.c_contiguous
        staged = _staging(values, whole)
        auto = _finite_range(values, ignore_zero, staged) or (0.0, 1.0)
        if whole:
            values = staged.view(values.dtype)
        if vmin is None and vmax is None:
            low, high = auto
        else:
            low, high = parse_value_range((auto[0] if vmin is None else vmin, auto[1] if vmax is None else vmax),
                                     "(vmin, vmax)")
    else:
        low, high = parse_value_range((vmin, vmax), "(vmin, vmax)")
    scale = 255.0 / (high - low) if high > low else 0.0
    table = _indexed_table(key)
    if per_code:
        # Big 8/16-bit images (depth in mm): colour every possible value once, then one gather per pixel.
        per_value = np.empty((1, codes), np.uint32)
        all_codes = np.arange(codes, dtype=src.dtype)[None, :]
        _map(all_codes, _map_params(src.dtype, low, scale), table, ignore_zero, np.empty(codes, src.dtype),
             np.empty(codes, np.uint32), per_value)
        _lookup(values, per_value[0], target)
    else:
        cols = values.shape[1]
        _map(values, _map_params(src.dtype, low, scale), table, ignore_zero, np.empty(cols, src.dtype),
             np.empty(cols, np.uint32), target)
    if not in_place:  # a non-contiguous out
        result[...] = target.reshape(result.shape)


def apply_colormap_packed(values, name: str = "turbo", vmin=None, vmax=None, *, ignore_zero: bool = False,
                          out=None) -> np.ndarray:
    """Like :func:`apply_colormap` but return one packed uint32 per value (memory bytes R, G, B, A)."""
    src = _checks.real_array(values, "values")
    key = colormap_name(name)
    result = _checks.output(out, src.shape, np.uint32)
    _colormap_into(src, key, vmin, vmax, bool(ignore_zero), result)
    return result


def apply_colormap(values, name: str = "turbo", vmin=None, vmax=None, *, ignore_zero: bool = False,
                   out=None) -> np.ndarray:
    """Colour scalar values through a colormap.

    Parameters
    ----------
    values : array_like of a real dtype
        Any shape; strided views (tensor slices) are read in place.
    name : str
        One of grayscale, turbo, viridis, plasma, magma, inferno (case-insensitive).
    vmin, vmax : float, optional
        Values mapped to the first and last table entry; values outside are clamped. A missing bound is
        taken from the finite min/max of ``values`` (ignoring zeros too when ``ignore_zero``).
    ignore_zero : bool
        Treat 0 as invalid (depth images).
    out : numpy.ndarray, optional
        C-contiguous ``values.shape + (4,)`` uint8 destination.

    Returns
    -------
    numpy.ndarray
        ``values.shape + (4,)`` uint8 RGBA; invalid values (NaN, inf, ignored zeros) are transparent black.
    """
    src = _checks.real_array(values, "values")
    result = _checks.output(out, src.shape + (4,), np.uint8)
    if not result.flags.c_contiguous:
        raise ValueError("out: expected a C-contiguous array (colours are written as packed uint32)")
    _colormap_into(src, colormap_name(name), vmin, vmax, bool(ignore_zero), result.view(np.uint32).reshape(src.shape))
    return result


__all__ = ["COLORMAPS", "apply_colormap", "apply_colormap_packed", "colormap_table", "value_range",
           "unpack_rgba"]
