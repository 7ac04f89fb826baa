"""Rerun 0.4.0's ``rerun.components.arrow`` (3D arrows): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["Arrow3DArray", "Arrow3DType"]

Arrow3DArray = array_class("Arrow3DArray", __name__, components.ARROW3D, from_numpy=components.arrows)
Arrow3DType = arrow_type(components.ARROW3D)
