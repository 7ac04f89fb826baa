"""``log_tensor`` and the tensor conversion shared with the image functions."""

from __future__ import annotations


import numpy as np

from rerun import components as C
from rerun._errors import bad_type, bad_value, check_utf8, describe, log_function
from rerun.log import _args

__all__ = ["log_tensor"]

SUPPORTED_DTYPES = tuple(
    np.dtype(t)
    for t in (np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64)
)
_SUPPORTED_TEXT = "a numeric array (u8/u16/u32/u64, i8/i16/i32/i64, f16/f32/f64)"


def as_array(argument: str, value: object) -> np.ndarray:
    """The numpy array of ``value``: an ndarray, a torch-like object (``.numpy(force=True)``) or array-like."""
    if value is None:
        raise bad_type(argument, _SUPPORTED_TEXT, "None")
    if not isinstance(value, np.ndarray) and hasattr(value, "numpy"):
        try:
            value = value.numpy(force=True)
        except TypeError:
            value = value.numpy()
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        raise bad_value(argument, _SUPPORTED_TEXT, f"a ragged or non-numeric {type(value).__name__}") from None
    return array


def storable(argument: str, array: np.ndarray) -> np.ndarray:
    """``array`` in a dtype the tensor component stores: f16 widened to f32, little-endian, C order.

    Arrays that already qualify are returned as they are (no copy).
    """
    dtype = array.dtype
    if dtype == np.float16:
        array = array.astype(np.float32)
    elif dtype.newbyteorder("=") not in SUPPORTED_DTYPES:
        raise bad_type(argument, _SUPPORTED_TEXT, describe(array))
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    # not np.ascontiguousarray: it turns a 0-d array into shape (1,)
    return array if array.flags.c_contiguous else array.copy(order="C")


def tensor_component(array: np.ndarray, *, names=None, meaning: str = "unknown", meter: float | None = None):
    """The ``rerun.tensor`` instance of a storable array (its bytes are shared, not copied)."""
    return C.tensor_array(
        array,
        shape=array.shape,
        dtype=array.dtype.name,
        names=names,
        meaning=meaning,
        meter=meter,
    )


def dimension_names(argument: str, names: object, ndim: int) -> list[str | None] | None:
    """One name (str or None) per dimension, or None."""
    if names is None:
        return None
    if isinstance(names, str) or not hasattr(names, "__len__"):
        raise bad_type(argument, f"a sequence of {ndim} names", describe(names))
    result = list(names)
    if len(result) != ndim:
        raise bad_value(argument, f"{ndim} names, one per dimension", f"{len(result)} names")
    for index, item in enumerate(result):
        if item is not None and not isinstance(item, str):
            raise bad_type(argument, "names that are str or None", f"an item {describe(item)}")
        if item is not None:
            check_utf8(f"{argument}[{index}]", item)
    return result


def meter_value(meter: object) -> float | None:
    """The ``meter`` argument (units per metre of a depth image): a positive number or None."""
    if meter is None:
        return None
    return _args.real_number("meter", meter, positive=True)


def log_tensor_row(path: str, component, ext, timeless: bool) -> None:
    """Send one tensor row with its extension components."""
    inst = _args.Instanced("tensor", 1)
    inst.components[C.TENSOR] = component
    _args.log_row(path, inst, ext, timeless=timeless)


@log_function
def log_tensor(entity_path: str, tensor, *, names=None, meter=None, ext=None, timeless: bool = False) -> None:
    """Log an n-dimensional array.

    Parameters
    ----------
    entity_path : str
    tensor : array-like
        A numpy array, anything ``np.asarray`` takes, or an object with ``.numpy(force=True)``
        (a torch tensor). Dtypes u8-u64, i8-i64, f32, f64; f16 is widened to f32. The data is
        stored in C order without a copy when the array already is C-contiguous little-endian.
    names : sequence of str, optional
        One name per dimension.
    meter : float, optional
        Units per metre, when the tensor holds depths.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    A ``names`` length mismatch is a validation error (0.4.0 warned and dropped the names).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    array = storable("tensor", as_array("tensor", tensor))
    component = tensor_component(array, names=dimension_names("names", names, array.ndim), meter=meter_value(meter))
    log_tensor_row(path, component, ext, timeless)
