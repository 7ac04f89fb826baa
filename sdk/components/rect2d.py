"""Rerun 0.4.0's ``rerun.components.rect2d`` (2D rectangles): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type
from rerun.enums import RectFormat, coerce_enum

__all__ = ["Rect2DArray", "Rect2DType", "RectFormat"]


def _rects(array, rect_format) -> components.pa.Array:
    return components.rects(coerce_enum(RectFormat, rect_format, "rect_format").value, array)


Rect2DArray = array_class("Rect2DArray", __name__, components.RECT2D, from_numpy_and_format=_rects)
Rect2DType = arrow_type(components.RECT2D)
