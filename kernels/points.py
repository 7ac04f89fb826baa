"""Point-cloud helpers for display: finite mask, bounds, stride and voxel downsampling."""
from __future__ import annotations

import math

import numpy as np

from . import _checks
from ._dispatch import kernel


def _points(points, name: str = "points") -> np.ndarray:
    array = _checks.real_array(points, name)
    if array.ndim != 2 or array.shape[1] not in (2, 3):
        raise ValueError(f"{name}: expected an (N, 2) or (N, 3) array, got shape {array.shape}")
    return array


def _finite_numpy(points, out):
    out[...] = np.all(np.isfinite(points), axis=1) if points.dtype.kind == "f" else True


@kernel(numpy_twin=_finite_numpy)
def _finite(points, out):
    count, dims = points.shape
    for i in range(count):
        x = float(points[i, 0])
        y = float(points[i, 1])
        z = float(points[i, dims - 1])
        out[i] = math.isfinite(x) & math.isfinite(y) & math.isfinite(z)


def finite_mask(points, *, out=None) -> np.ndarray:
    """Return an (N,) bool mask, True where every coordinate of the point is finite.

    Parameters
    ----------
    points : array_like
        (N, 2) or (N, 3), any real dtype.
    out : numpy.ndarray of bool, optional
    """
    array = _points(points)
    result = _checks.output(out, (array.shape[0],), np.bool_)
    if array.shape[0]:
        _finite(array, result)
    return result


def _bounds_numpy(points, out):
    finite = points[np.all(np.isfinite(points), axis=1)] if points.dtype.kind == "f" else points
    if finite.shape[0] == 0:
        return 0
    out[0] = finite.min(axis=0)
    out[1] = finite.max(axis=0)
    return finite.shape[0]


@kernel(numpy_twin=_bounds_numpy)
def _bounds(points, out):
    count, dims = points.shape
    low_x = low_y = low_z = math.inf
    high_x = high_y = high_z = -math.inf
    used = 0
    for i in range(count):
        x = float(points[i, 0])
        y = float(points[i, 1])
        z = float(points[i, dims - 1])  # 2-D points: y again, harmless
        if math.isfinite(x) & math.isfinite(y) & math.isfinite(z):
            used += 1
            low_x, high_x = min(low_x, x), max(high_x, x)
            low_y, high_y = min(low_y, y), max(high_y, y)
            low_z, high_z = min(low_z, z), max(high_z, z)
    if used:
        out[0, 0], out[0, 1], out[0, dims - 1] = low_x, low_y, low_z
        out[1, 0], out[1, 1], out[1, dims - 1] = high_x, high_y, high_z
    return used


def bounds(points) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the (min, max) corners of the points with all-finite coordinates, or None when there are none.

    Parameters
    ----------
    points : array_like
        (N, 2) or (N, 3), any real dtype.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        Two float64 arrays of length D.
    """
    array = _points(points)
    corners = np.zeros((2, array.shape[1]), np.float64)
    if array.shape[0] == 0 or _bounds(array, corners) == 0:
        return None
    return corners[0].copy(), corners[1].copy()


def stride_downsample(points, max_points: int) -> np.ndarray:
    """Return a strided view with at most ``max_points`` rows (every k-th point, k the smallest that fits)."""
    array = np.asarray(points)
    max_points = _checks.positive_int(max_points, "max_points")
    stride = max(1, -(-array.shape[0] // max_points))
    return array[::stride]


def _voxel_keys(points, low, voxel_size, dims):
    cells = np.floor((points.astype(np.float64) - low) / voxel_size).astype(np.int64)
    keys = cells[:, -1].copy()
    for d in range(points.shape[1] - 2, -1, -1):
        keys = keys * dims[d] + cells[:, d]
    return keys


def _voxel_numpy(points, low, voxel_size, dims, out):
    finite = np.all(np.isfinite(points), axis=1) if points.dtype.kind == "f" else np.ones(len(points), bool)
    candidates = np.nonzero(finite)[0]
    keys = _voxel_keys(points[candidates], low, voxel_size, dims)
    _, first = np.unique(keys, return_index=True)
    chosen = np.sort(candidates[first])
    out[: chosen.size] = chosen
    return chosen.size


@kernel(numpy_twin=_voxel_numpy)
def _voxel(points, low, voxel_size, dims, out):
    count, ndim = points.shape
    # Open-addressing set of voxel keys, grown by doubling at half load: it stays about twice the number of
    # occupied voxels (cache-friendly) instead of twice the number of points.
    capacity = 1024
    table = np.full(capacity, -1, np.int64)
    used = 0
    kept = 0
    for i in range(count):
        ok = True
        for d in range(ndim):
            ok = ok & math.isfinite(float(points[i, d]))
        if not ok:
            continue
        key = 0
        for d in range(ndim - 1, -1, -1):
            key = key * dims[d] + int(math.floor((float(points[i, d]) - low[d]) / voxel_size))
        mask = capacity - 1
        # Mix the key (non-negative, < 2**62) with products that cannot overflow int64.
        slot = ((key & 0x7FFFFFFF) * 0x5BD1E995) ^ ((key >> 31) * 0x27D4EB2D)
        slot = (slot ^ (slot >> 29)) & mask
        while table[slot] != -1 and table[slot] != key:
            slot = (slot + 1) & mask
        if table[slot] == key:
            continue
        table[slot] = key
        out[kept] = i
        kept += 1
        used += 1
        if 2 * used > capacity:
            old = table
            capacity *= 2
            mask = capacity - 1
            table = np.full(capacity, -1, np.int64)
            for stored in old:
                if stored != -1:
                    slot = ((stored & 0x7FFFFFFF) * 0x5BD1E995) ^ ((stored >> 31) * 0x27D4EB2D)
                    slot = (slot ^ (slot >> 29)) & mask
                    while table[slot] != -1:
                        slot = (slot + 1) & mask
                    table[slot] = stored
    return kept


def voxel_downsample(points, voxel_size: float) -> np.ndarray:
    """Return the indices of one point per occupied voxel (the first one in input order), ascending.

    Parameters
    ----------
    points : array_like
        (N, 2) or (N, 3), any real dtype; points with a non-finite coordinate are dropped.
    voxel_size : float
        Edge length of the cubic voxels, > 0.

    Returns
    -------
    numpy.ndarray of int64
        Indices into ``points``; ``points[indices]`` is the downsampled cloud.
    """
    array = _points(points)
    voxel_size = _checks.finite_float(voxel_size, "voxel_size")
    if voxel_size <= 0.0:
        raise ValueError(f"voxel_size: expected a positive size, got {voxel_size}")
    corners = bounds(array)
    if corners is None:
        return np.zeros(0, np.int64)
    low, high = corners
    dims = np.floor((high - low) / voxel_size).astype(np.float64) + 1.0
    if np.prod(dims) >= 2.0 ** 62:
        raise ValueError(f"voxel_size: {voxel_size} is too small for the extent {(high - low).tolist()} "
                         f"(more than 2**62 voxels)")
    dims = dims.astype(np.int64)
    out = np.empty(array.shape[0], np.int64)
    kept = _voxel(array, low, voxel_size, dims, out)
    return out[:kept]
