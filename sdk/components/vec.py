"""Rerun 0.4.0's ``rerun.components.vec`` (2D and 3D vectors): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, vectors

__all__ = ["Vec2DArray", "Vec2DType", "Vec3DArray", "Vec3DType"]

#: 0.4.0 registered ``rerun.vec2d`` but no log function of its (nor ours) logs it.
VEC2D = "rerun.vec2d"
Vec2DArray = array_class("Vec2DArray", __name__, VEC2D, components.VEC2_TYPE, from_numpy=vectors(2))
Vec2DType = components.VEC2_TYPE
Vec3DArray = array_class("Vec3DArray", __name__, components.VEC3D, from_numpy=vectors(3))
Vec3DType = arrow_type(components.VEC3D)
