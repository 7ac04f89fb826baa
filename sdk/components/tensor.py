"""Rerun 0.4.0's ``rerun.components.tensor`` (tensors and images): names only, built by :mod:`rerun.components`."""

from __future__ import annotations

from typing import Union

import numpy as np

from rerun import components
from rerun.components._v04 import array_class, arrow_type

__all__ = ["TensorArray", "TensorDType", "TensorType"]

#: The element types a tensor may hold (0.4.0's alias; float16 is stored as float32).
TensorDType = Union[
    np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64
]


def _tensor(array, names=None, meaning=None, meter=None) -> components.pa.Array:
    from rerun.log.tensor import as_array, storable, tensor_component

    meaning_name = "unknown" if meaning is None else getattr(meaning, "name", str(meaning)).lower()
    meaning_name = {"classid": "class_id"}.get(meaning_name, meaning_name)
    stored = storable("tensor", as_array("tensor", array))
    return tensor_component(stored, names=None if names is None else list(names), meaning=meaning_name, meter=meter)


TensorArray = array_class("TensorArray", __name__, components.TENSOR, from_numpy=_tensor)
TensorType = arrow_type(components.TENSOR)
