"""Argument checks shared by the kernel front-ends: clear messages, native byte order, output buffers."""
from __future__ import annotations

import numpy as np

_REAL_KINDS = "uif"


def real_array(value, name: str, *, allow_f16: bool = True) -> np.ndarray:
    """Return ``value`` as an ndarray of a real numeric dtype in native byte order.

    Big-endian (non-native) input is converted with one copy; float16 becomes float32 (numba has no
    float16 arithmetic). Views stay views otherwise.

    Parameters
    ----------
    value : array_like
        The user's array.
    name : str
        The argument name used in error messages.
    """
    array = np.asarray(value)
    if array.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{name}: expected a real numeric array (unsigned/signed int or float), got dtype {array.dtype}")
    if array.dtype == np.float16:
        if not allow_f16:
            raise TypeError(f"{name}: float16 is not supported here, got dtype float16")
        return array.astype(np.float32)
    if not array.dtype.isnative:
        return array.astype(array.dtype.newbyteorder("="))
    return array


def output(out, shape: tuple, dtype, name: str = "out") -> np.ndarray:
    """Return ``out`` checked against ``shape``/``dtype``, or a new empty array when ``out`` is None."""
    if out is None:
        return np.empty(shape, dtype)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name}: expected a numpy array, got {type(out).__name__}")
    if out.shape != tuple(shape) or out.dtype != np.dtype(dtype):
        raise ValueError(f"{name}: expected shape {tuple(shape)} and dtype {np.dtype(dtype)}, "
                         f"got shape {out.shape} and dtype {out.dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name}: the array is read-only")
    return out


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int ≥ 1 or raise a ValueError naming the argument."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value}")
    return int(value)


def finite_float(value, name: str) -> float:
    """Return ``value`` as a finite float or raise a ValueError naming the argument."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number, got {value!r}") from None
    if not np.isfinite(result):
        raise ValueError(f"{name}: expected a finite number, got {result}")
    return result
