"""Rerun 0.4.0's ``rerun.components.radius`` (radii): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, float32

__all__ = ["RadiusArray", "RadiusType"]

RadiusArray = array_class("RadiusArray", __name__, components.RADIUS, from_numpy=float32)
RadiusType = arrow_type(components.RADIUS)
