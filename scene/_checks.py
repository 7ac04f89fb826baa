"""Argument normalisation shared by the batch classes: arrays, colours, radii, transforms.

Every function names the argument it checks in its error message, says what was expected and
what was given, and returns arrays in the exact dtype/layout the GL visuals upload.
"""

from __future__ import annotations

import numpy as np

DEFAULT_COLOR = np.array([200, 200, 200, 255], dtype=np.uint8)


def describe(value) -> str:
    """Short human description of a value for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def as_positions(name: str, value, dims=(3,), allow_2d_pad: bool = True) -> np.ndarray:
    """Return ``value`` as a C-contiguous (N, 3) float32 array.

    (N, 2) input is padded with z = 0 when ``allow_2d_pad``. Non-finite rows are kept (they are
    skipped when drawing), so the instance index of every row stays what the caller gave.
    """
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected an (N, 3) array of numbers, got {describe(value)}") from exc
    if array.ndim == 1 and array.size == 0:
        array = array.reshape(0, 3)
    accepted = set(dims) | ({2} if allow_2d_pad else set())
    if array.ndim != 2 or array.shape[1] not in accepted:
        shapes = " or ".join(f"(N, {d})" for d in sorted(accepted))
        raise ValueError(f"{name}: expected an array of shape {shapes}, got {describe(np.asarray(value))}")
    if array.shape[1] == 2 and 3 in dims:
        padded = np.zeros((array.shape[0], 3), dtype=np.float32)
        padded[:, :2] = array
        array = padded
    return np.ascontiguousarray(array)


def finite_rows(name: str, positions: np.ndarray) -> np.ndarray | None:
    """Boolean mask of rows whose coordinates are all finite, or None when every row is."""
    # Column by column: numpy's row-wise reductions over (N, 3) are ~10x slower.
    mask = np.isfinite(positions[:, 0])
    for column in range(1, positions.shape[1]):
        mask &= np.isfinite(positions[:, column])
    return None if mask.all() else mask


def column_bounds(points: np.ndarray):
    """((D,) min, (D,) max) of an (N, D) array, or None when it has no rows.

    Per column, because ``points.min(axis=0)`` on (N, 3) float32 is ~30x slower in numpy.
    """
    if points.shape[0] == 0:
        return None
    lo = np.array([points[:, i].min() for i in range(points.shape[1])])
    hi = np.array([points[:, i].max() for i in range(points.shape[1])])
    return lo, hi


def as_colors(name: str, value, n: int) -> np.ndarray:
    """Return colours as RGBA uint8: shape (4,) for one colour for all, else (n, 4).

    Accepts None (default grey), one RGB/RGBA colour, or one per instance; uint8 0-255 or floats
    0-1 (clipped). RGB gets alpha 255.
    """
    if value is None:
        return DEFAULT_COLOR.copy()
    array = np.asarray(value)
    if array.dtype.kind not in "uif" or array.ndim not in (1, 2) or array.shape[-1] not in (3, 4):
        raise ValueError(
            f"{name}: expected one RGB(A) colour or an (N, 3|4) array of colours, got {describe(array)}"
        )
    if array.ndim == 2 and array.shape[0] != n:
        raise ValueError(f"{name}: expected {n} colours (one per instance) or one colour, got {array.shape[0]}")
    if array.dtype.kind == "f":
        array = np.clip(np.nan_to_num(array, nan=0.0), 0.0, 1.0) * 255.0 + 0.5
    elif array.dtype != np.uint8:
        array = np.clip(array, 0, 255)
    array = array.astype(np.uint8, copy=False)
    if array.shape[-1] == 3:
        alpha = np.full(array.shape[:-1] + (1,), 255, dtype=np.uint8)
        array = np.concatenate([array, alpha], axis=-1)
    return np.ascontiguousarray(array)


def as_sizes(name: str, value, n: int, default: float) -> tuple[np.ndarray, int]:
    """Return (sizes, n_clamped): a float32 scalar array or (n,) array, negatives/NaN set to 0."""
    if value is None:
        return np.array(default, dtype=np.float32), 0
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: expected a number or an (N,) array of numbers, got {describe(value)}") from exc
    if array.ndim == 1 and array.shape[0] == 1:
        array = array.reshape(())
    if array.ndim not in (0, 1) or (array.ndim == 1 and array.shape[0] != n):
        raise ValueError(f"{name}: expected a number or {n} values (one per instance), got {describe(array)}")
    bad = ~(array >= 0)  # negative or NaN
    n_bad = int(np.count_nonzero(bad))
    if n_bad:
        array = np.where(bad, np.float32(0), array).astype(np.float32)
    # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    return (array if array.ndim == 0 else np.ascontiguousarray(array)), n_bad


def as_ids(name: str, value, n: int) -> np.ndarray | None:
    """Return optional per-instance ids as an (n,) int64 array."""
    if value is None:
        return None
    array = np.asarray(value)
    if array.dtype.kind not in "ui" or array.shape != (n,):
        raise ValueError(f"{name}: expected {n} integer ids (one per instance), got {describe(array)}")
    return array.astype(np.int64, copy=False)


def as_transform(name: str, value) -> np.ndarray:
    """Return a 4x4 float64 world_from_local matrix (column-vector convention); None is identity."""
    if value is None:
        return np.eye(4)
    array = np.asarray(value, dtype=np.float64)
    if array.shape == (3, 4):
        array = np.vstack([array, [0.0, 0.0, 0.0, 1.0]])
    if array.shape != (4, 4):
        raise ValueError(f"{name}: expected a 4x4 (or 3x4) world_from_local matrix, got {describe(array)}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name}: the matrix has non-finite entries")
    return array


def as_quaternions(name: str, value, n: int) -> np.ndarray | None:
    """Return rotations as unit (n, 4) xyzw float64 quaternions, or None for no rotation.

    A zero or non-finite quaternion is read as the identity (never crash on bad data).
    """
    if value is None:
        return None
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 1:
        array = np.broadcast_to(array, (n, array.shape[0]))
    if array.ndim != 2 or array.shape != (n, 4):
        raise ValueError(f"{name}: expected one xyzw quaternion or an ({n}, 4) array, got {describe(array)}")
    norms = np.linalg.norm(array, axis=1)
    good = np.isfinite(norms) & (norms > 1e-12)
    out = np.zeros((n, 4))
    out[:, 3] = 1.0
    out[good] = array[good] / norms[good, None]
    return out


def as_rgba_image(name: str, value) -> np.ndarray:
    """Return an image as a C-contiguous (H, W, 4) uint8 array.

    Accepts uint8 (H, W), (H, W, 1), (H, W, 3), (H, W, 4). Other dtypes must be converted first
    (``rerun_kernels`` has the colour conversions), because their value range is the caller's call.
    """
    array = np.asarray(value)
    if array.dtype != np.uint8:
        raise TypeError(f"{name}: expected a uint8 image (convert other dtypes to RGBA8 first), got {describe(array)}")
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in (1, 3, 4) or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name}: expected an image of shape (H, W), (H, W, 3) or (H, W, 4), got {describe(array)}")
    channels = array.shape[2]
    if channels == 4:
        return np.ascontiguousarray(array)
    out = np.empty(array.shape[:2] + (4,), dtype=np.uint8)
    if channels == 1:
        out[:, :, :3] = array
    else:
        out[:, :, :3] = array
    out[:, :, 3] = 255
    return out
