"""Rerun 0.4.0's ``rerun.components.point`` (2D and 3D points): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, vectors

__all__ = ["Point2DArray", "Point2DType", "Point3DArray", "Point3DType"]

Point2DArray = array_class("Point2DArray", __name__, components.POINT2D, from_numpy=vectors(2))
Point2DType = arrow_type(components.POINT2D)
Point3DArray = array_class("Point3DArray", __name__, components.POINT3D, from_numpy=vectors(3))
Point3DType = arrow_type(components.POINT3D)
