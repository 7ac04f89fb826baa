"""Rerun 0.4.0's ``rerun.components.linestrip`` (2D and 3D line strips): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["LineStrip2DArray", "LineStrip2DType", "LineStrip3DArray", "LineStrip3DType"]

LineStrip2DArray = array_class(
    "LineStrip2DArray", __name__, components.LINESTRIP2D, from_numpy_arrays=lambda arrays: components.line_strips(list(arrays), 2)
)
LineStrip2DType = arrow_type(components.LINESTRIP2D)
LineStrip3DArray = array_class(
    "LineStrip3DArray", __name__, components.LINESTRIP3D, from_numpy_arrays=lambda arrays: components.line_strips(list(arrays), 3)
)
LineStrip3DType = arrow_type(components.LINESTRIP3D)
