"""Rerun 0.4.0's ``rerun.components.quaternion`` (rotations, x y z w): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, vectors

__all__ = ["QuaternionArray", "QuaternionType"]

QuaternionArray = array_class("QuaternionArray", __name__, components.QUATERNION, from_numpy=vectors(4))
QuaternionType = arrow_type(components.QUATERNION)
