"""Rerun 0.4.0's ``rerun.components.scalar`` (plot scalars and their plot properties): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

import numpy as np

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["ScalarArray", "ScalarPlotPropsArray", "ScalarPlotPropsType", "ScalarType"]


def _scalars(array) -> components.pa.Array:
    return components.primitive(np.asarray(array, dtype=np.float64).reshape(-1))


def _props(props) -> components.pa.Array:
    return components.pa.array([{"scattered": p.get("scattered")} for p in props], type=components.SCALAR_PLOT_PROPS_TYPE)


ScalarArray = array_class("ScalarArray", __name__, components.SCALAR, from_numpy=_scalars)
ScalarType = arrow_type(components.SCALAR)
ScalarPlotPropsArray = array_class("ScalarPlotPropsArray", __name__, components.SCALAR_PLOT_PROPS, from_props=_props)
ScalarPlotPropsType = arrow_type(components.SCALAR_PLOT_PROPS)
