"""Rerun 0.4.0's ``rerun.components.color`` (RGBA colours): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from rerun import components
from rerun.color import normalize_colors
from rerun.components._v04 import array_class, arrow_type

__all__ = ["ColorRGBAArray", "ColorRGBAType"]


def _colors(array) -> components.pa.Array:
    return components.colors(normalize_colors(array).reshape(-1, 4))


ColorRGBAArray = array_class("ColorRGBAArray", __name__, components.COLOR, from_numpy=_colors)
ColorRGBAType = arrow_type(components.COLOR)
