"""Rerun 0.4.0's ``rerun.components.instance`` (instance keys): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

import numpy as np

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["InstanceArray", "InstanceType"]

#: The instance key that means "this value is for every instance" (a splat).
MAX_U64 = 2**64 - 1


def _keys(array) -> components.pa.Array:
    return components.primitive(np.asarray(array, dtype=np.uint64).reshape(-1))


InstanceArray = array_class(
    "InstanceArray", __name__, components.INSTANCE_KEY, from_numpy=_keys, splat=lambda: _keys([MAX_U64])
)
InstanceType = arrow_type(components.INSTANCE_KEY)
