"""Class-id (segmentation) images → RGBA through an annotation lookup table.

A table has one packed RGBA entry per possible class id (65536, since ids are uint16 on the wire). Ids
with a description use its colour; the others get a stable default colour: hue = frac(id × golden ratio),
saturation 0.85, value 0.5 in linear RGB, encoded to sRGB (the scheme of the Rerun 0.4 viewer's
``auto_color``). By default id 0 (background) is transparent black.
"""
from __future__ import annotations

import functools
from typing import Mapping

import numpy as np

from . import _checks
from ._dispatch import kernel
from .color import pack_rgba, unpack_rgba
from .srgb import linear_to_srgb8

ID_COUNT = 1 << 16
_GOLDEN = (5.0 ** 0.5 - 1.0) / 2.0


def default_class_colors(ids) -> np.ndarray:
    """Return the default (N, 4) uint8 RGBA colour of each class id (independent of any table).

    Parameters
    ----------
    ids : array_like of int
        Class ids (any shape; taken modulo 65536 as the SDK's uint16 cast does).
    """
    ids = np.asarray(ids).astype(np.int64) & 0xFFFF
    hue = np.mod(ids * _GOLDEN, 1.0) * 6.0
    saturation, value = 0.85, 0.5
    sector = np.floor(hue).astype(np.int64) % 6
    f = hue - np.floor(hue)
    p = value * (1.0 - saturation)
    q = value * (1.0 - saturation * f)
    t = value * (1.0 - saturation * (1.0 - f))
    v = np.full_like(f, value)
    r = np.choose(sector, [v, q, p, p, t, v])
    g = np.choose(sector, [t, v, v, q, p, p])
    b = np.choose(sector, [p, p, t, v, v, q])
    rgba = np.empty(ids.shape + (4,), np.uint8)
    rgba[..., 0] = linear_to_srgb8(r)
    rgba[..., 1] = linear_to_srgb8(g)
    rgba[..., 2] = linear_to_srgb8(b)
    rgba[..., 3] = 255
    return rgba


@functools.lru_cache(maxsize=2)
def _default_table(zero_transparent: bool) -> np.ndarray:
    table = default_class_colors(np.arange(ID_COUNT))
    if zero_transparent:
        table[0] = 0
    table.flags.writeable = False
    return table


def _color_rgba(color, name: str) -> np.ndarray:
    rgba = np.asarray(color)
    if rgba.ndim != 1 or rgba.shape[0] not in (3, 4) or rgba.dtype.kind not in "uif":
        raise ValueError(f"{name}: expected 3 or 4 colour components, got {color!r}")
    if rgba.dtype.kind == "f":  # the SDK's rule: floats are linear 0-1
        out = np.empty(4, np.uint8)
        out[:3] = linear_to_srgb8(rgba[:3].astype(np.float64))
        out[3] = np.around(255.0 * np.clip(np.nan_to_num(rgba[3]), 0, 1)) if rgba.shape[0] == 4 else 255
        return out
    out = np.full(4, 255, np.uint8)
    out[: rgba.shape[0]] = rgba.astype(np.int64) & 0xFF
    return out


def class_color_table(colors: Mapping[int, object] | None = None, *, zero_transparent: bool = True) -> np.ndarray:
    """Build the (65536, 4) uint8 lookup table for class ids.

    Parameters
    ----------
    colors : mapping of int to colour, optional
        Class id → RGB/RGBA colour (uint8 values, or floats in linear 0-1) from the annotation context.
        A ``None`` colour means "no colour given": the id keeps its default colour.
    zero_transparent : bool
        Give id 0 transparent black unless ``colors`` describes it.

    Returns
    -------
    numpy.ndarray
        (65536, 4) uint8 RGBA, indexed by class id.
    """
    table = _default_table(bool(zero_transparent)).copy()
    for class_id, color in (colors or {}).items():
        if isinstance(class_id, (bool, np.bool_)) or not isinstance(class_id, (int, np.integer)) \
                or not 0 <= class_id < ID_COUNT:
            raise ValueError(f"colors: expected class ids in 0..65535, got {class_id!r}")
        if color is not None:
            table[class_id] = _color_rgba(color, f"colors[{class_id}]")
    return table


def _lookup_numpy(ids, table, out):
    out[...] = table[ids]


@kernel(numpy_twin=_lookup_numpy)
def _lookup(ids, table, out):
    rows, cols = ids.shape
    for i in range(rows):
        for j in range(cols):
            out[i, j] = table[ids[i, j]]


def class_ids_to_rgba(ids, table=None, *, out=None) -> np.ndarray:
    """Colour a class-id image through a lookup table.

    Parameters
    ----------
    ids : array_like of uint8 or uint16
        (H, W) class ids (what ``log_segmentation_image`` stores); other integer dtypes are reduced
        modulo 65536 first, like the SDK's uint16 cast.
    table : numpy.ndarray, optional
        (65536, 4) uint8 table from :func:`class_color_table`; default: the default palette.
    out : numpy.ndarray, optional
        C-contiguous (H, W, 4) uint8 destination.

    Returns
    -------
    numpy.ndarray
        (H, W, 4) uint8 RGBA.
    """
    image = _checks.real_array(ids, "ids", allow_f16=False)
    if image.ndim != 2:
        raise ValueError(f"ids: expected a 2-D class-id image (H, W), got shape {image.shape}")
    if image.dtype.kind not in "ui":
        raise TypeError(f"ids: expected an integer class-id image, got dtype {image.dtype}")
    if image.dtype not in (np.uint8, np.uint16):
        image = image.astype(np.uint16)  # wraps like the SDK: -1 → 65535
    table = _default_table(True) if table is None else np.asarray(table)
    if table.shape != (ID_COUNT, 4) or table.dtype != np.uint8:
        raise ValueError(f"table: expected a (65536, 4) uint8 table from class_color_table, "
                         f"got shape {table.shape} and dtype {table.dtype}")
    result = _checks.output(out, image.shape + (4,), np.uint8)
    if not result.flags.c_contiguous:
        raise ValueError("out: expected a C-contiguous array (colours are written as packed uint32)")
    if image.size:
        _lookup(image, pack_rgba(table), result.view(np.uint32).reshape(image.shape))
    return result


__all__ = ["class_color_table", "class_ids_to_rgba", "default_class_colors", "unpack_rgba"]
