"""Rerun 0.4.0's ``rerun.components.annotation`` (class and keypoint ids): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type, uint16

__all__ = ["ClassIdArray", "ClassIdType", "KeypointIdArray", "KeypointIdType"]

ClassIdArray = array_class("ClassIdArray", __name__, components.CLASS_ID, from_numpy=uint16)
ClassIdType = arrow_type(components.CLASS_ID)
KeypointIdArray = array_class("KeypointIdArray", __name__, components.KEYPOINT_ID, from_numpy=uint16)
KeypointIdType = arrow_type(components.KEYPOINT_ID)
