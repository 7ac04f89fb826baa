"""Rerun 0.4.0's ``rerun.components.box`` (3D box half sizes): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, vectors

__all__ = ["Box3DArray", "Box3DType"]

Box3DArray = array_class("Box3DArray", __name__, components.BOX3D, from_numpy=vectors(3))
Box3DType = arrow_type(components.BOX3D)
