"""N-d tensor → the 2-D (or H×W×C) slice a tensor view displays, without copying the whole tensor."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from . import _checks


def _axis(value, ndim: int, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected an axis number, got {value!r}")
    if not -ndim <= value < ndim:
        raise ValueError(f"{name}: expected an axis of a {ndim}-d tensor (0..{ndim - 1}), got {value}")
    return int(value) % ndim


def tensor_slice_view(tensor, height_axis: int, width_axis: int, indices: Mapping[int, int] | Sequence[int] = (),
                      *, color_axis: int | None = None, flip_height: bool = False,
                      flip_width: bool = False) -> np.ndarray:
    """Return the displayed slice of a tensor as a (possibly strided) view: no data is copied.

    Parameters
    ----------
    tensor : numpy.ndarray
        Any rank ≥ 2 (≥ 3 with a colour axis).
    height_axis, width_axis : int
        The axes shown as rows and columns (negative numbers count from the end).
    indices : mapping of axis to index, or sequence
        The selected index of every other axis. A sequence lists them in axis order.
    color_axis : int, optional
        An axis of size 1, 3 or 4 kept as the last (channel) axis.
    flip_height, flip_width : bool
        Reverse the rows / columns.

    Returns
    -------
    numpy.ndarray
        (H, W) or (H, W, C) view into ``tensor``.
    """
    if not isinstance(tensor, np.ndarray):
        tensor = np.asarray(tensor)
    ndim = tensor.ndim
    shape = tensor.shape
    shown = [_axis(height_axis, ndim, "height_axis"), _axis(width_axis, ndim, "width_axis")]
    if color_axis is not None:
        shown.append(_axis(color_axis, ndim, "color_axis"))
        if shape[shown[2]] not in (1, 3, 4):
            raise ValueError(f"color_axis: expected an axis of size 1, 3 or 4, got size {shape[shown[2]]}")
    if len(set(shown)) != len(shown):
        raise ValueError(f"height_axis, width_axis, color_axis: expected different axes, got {shown}")
    others = [axis for axis in range(ndim) if axis not in shown]
    if isinstance(indices, (dict, Mapping)):  # dict first: the isinstance check against the ABC is slow
        chosen = {}
        for axis, index in indices.items():
            if type(axis) is not int or not 0 <= axis < ndim:  # the common case skips formatting a name
                axis = _axis(axis, ndim, f"indices key {axis!r}")
            chosen[axis] = index
    else:
        indices = list(indices)
        if len(indices) != len(others):
            raise ValueError(f"indices: expected {len(others)} indices (axes {others}), got {len(indices)}")
        chosen = dict(zip(others, indices))
    if len(chosen) != len(others) or any(axis not in chosen for axis in others):
        raise ValueError(f"indices: expected an index for exactly the axes {others}, got axes {sorted(chosen)}")
    selector: list = [slice(None)] * ndim
    for axis in others:
        index = chosen[axis]
        if type(index) is not int and (isinstance(index, (bool, np.bool_))
                                       or not isinstance(index, (int, np.integer))):
            raise TypeError(f"indices[{axis}]: expected an integer index, got {index!r}")
        if not 0 <= index < shape[axis]:
            raise ValueError(f"indices[{axis}]: expected 0..{shape[axis] - 1}, got {index}")
        selector[axis] = int(index)
    view = tensor[tuple(selector)]
    # Axes left after integer indexing keep their relative order: map the shown axes to their new numbers.
    order = sorted(range(len(shown)), key=shown.__getitem__)  # order[k]: the k-th remaining axis's place
    if order != list(range(len(shown))):
        view = view.transpose([order.index(place) for place in range(len(shown))])
    if flip_height or flip_width:
        view = view[::-1 if flip_height else 1, ::-1 if flip_width else 1]
    return view


def slice_tensor(tensor, height_axis: int, width_axis: int, indices: Mapping[int, int] | Sequence[int] = (),
                 *, color_axis: int | None = None, flip_height: bool = False, flip_width: bool = False,
                 out=None) -> np.ndarray:
    """Return the displayed slice of a tensor as a contiguous array, ready for a texture.

    Parameters are as for :func:`tensor_slice_view`; only the slice is read and copied. Every dtype
    ``log_tensor`` accepts works (float16 stays float16); big-endian input comes out in native order.
    The copy is numpy's: a compiled loop measured 4x slower than ``np.copyto`` on these strided copies
    (bench/kernels.py), so there is deliberately no numba kernel here.

    Returns
    -------
    numpy.ndarray
        C-contiguous (H, W) or (H, W, C), in ``out`` when given.
    """
    view = tensor_slice_view(tensor, height_axis, width_axis, indices, color_axis=color_axis,
                             flip_height=flip_height, flip_width=flip_width)
    dtype = view.dtype.newbyteorder("=") if view.dtype.kind in "uifcb" else view.dtype
    result = _checks.output(out, view.shape, dtype)
    np.copyto(result, view)  # converts byte order on the way when needed
    return result
