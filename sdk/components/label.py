"""Rerun 0.4.0's ``rerun.components.label`` (labels): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["LabelArray", "LabelType"]

LabelArray = array_class("LabelArray", __name__, components.LABEL, new=lambda labels: components.strings(list(labels)))
LabelType = arrow_type(components.LABEL)
