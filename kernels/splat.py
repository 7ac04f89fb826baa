"""Z-buffered point splatting on the CPU: project points, keep the nearest per pixel, resolve colour + depth.

Software GL spends ~0.3-0.5 us per GL_POINTS vertex; one compiled pass over the points costs a fraction of that.
The scene's impostor cache shows the result as one textured quad that writes ``gl_FragDepth``. Footprints match
what GL_POINTS covers for an integer size n (an n x n block starting at ``floor(x - n / 2 + 0.5)``), minus the
corners the round sprite discards when n >= 4.

Each pixel keeps the minimum 64-bit key ``window depth bits << 32 | RGBA8 colour``: depths in [0, 1] order like
their bit patterns, so the nearest point wins (equal depths: the lower colour value), whichever backend runs and
however the points are split between threads. Carrying the colour in the key means resolving a pixel needs no
look-up into the point arrays.

Two kernels, each a numba loop with a numpy twin:

- ``_splat_keys`` z-buffers a range of points into one key buffer and reports the bounding box of the pixels it
  touched; several threads each splat a share of the points into their own buffer;
- ``_resolve`` takes the minimum over the buffers for a band of rows of that box, writes colour + depth, and sets
  the keys it read back to empty: key buffers are all-empty between calls, so no frame clears a whole buffer.
"""
from __future__ import annotations

import contextvars
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._dispatch import kernel

EMPTY_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)


def _footprint_offsets(n: int) -> list[tuple[int, int]]:
    offsets = [(i, j) for j in range(n) for i in range(n)]
    if n >= 4:
        corners = {(0, 0), (n - 1, 0), (0, n - 1), (n - 1, n - 1)}
        offsets = [o for o in offsets if o not in corners]
    return offsets


def _splat_keys_numpy(px, py, pz, m, zr, x0, y0, radii, two_px_per_radius, perspective, max_diameter, packed,
                      keys, width, height, extent):
    flat = keys[: width * height]
    w = px * m[3, 0]
    w += py * m[3, 1]
    w += pz * m[3, 2]
    w += m[3, 3]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv_w = np.float32(1.0) / w
        x = (px * m[0, 0] + py * m[0, 1] + pz * m[0, 2] + m[0, 3]) * inv_w - np.float32(x0)
        y = (px * m[1, 0] + py * m[1, 1] + pz * m[1, 2] + m[1, 3]) * inv_w - np.float32(y0)
        z = (px * zr[0] + py * zr[1] + pz * zr[2] + zr[3]) * inv_w
    margin = max_diameter
    visible = (w > 0) & (z >= -1) & (z <= 1)
    visible &= (x >= -margin) & (x < width + margin) & (y >= -margin) & (y < height + margin)
    idx = np.flatnonzero(visible)
    diameter = radii[idx] if radii.shape[0] > 1 else np.full(idx.size, radii[0], np.float32)
    diameter = diameter * two_px_per_radius
    if perspective:
        diameter = diameter * inv_w[idx]
    with np.errstate(invalid="ignore"):
        rounded = np.rint(diameter)
        sizes = np.where(rounded >= 1, rounded, np.float32(1.0))  # NaN diameters draw 1 px, like the loop
    if sizes.size and not sizes.max() <= max_diameter:
        return -1
    sizes = sizes.astype(np.intp)
    xv, yv = x[idx], y[idx]
    zz = z[idx] * np.float32(0.5) + np.float32(0.5)
    colour = packed[idx] if packed.shape[0] > 1 else np.full(idx.size, packed[0], np.uint32)
    point_keys = (zz.view(np.uint32).astype(np.uint64) << np.uint64(32)) | colour.astype(np.uint64)
    box = [width, height, -1, -1]  # min column, min row, max column, max row of touched pixels
    for n in np.flatnonzero(np.bincount(sizes, minlength=max_diameter + 1)):
        select = sizes == n
        x_n, y_n, k = xv[select], yv[select], point_keys[select]
        start = np.float32(0.5 - n / 2.0)
        xi = np.floor(x_n + start).astype(np.intp)
        yi = np.floor(y_n + start).astype(np.intp)
        # the blocks clipped to the rectangle give the bounding box
        c_lo, c_hi = np.maximum(xi, 0), np.minimum(xi + n, width)
        r_lo, r_hi = np.maximum(yi, 0), np.minimum(yi + n, height)
        touches = (c_lo < c_hi) & (r_lo < r_hi)
        if touches.any():
            box = [min(box[0], int(c_lo[touches].min())), min(box[1], int(r_lo[touches].min())),
                   max(box[2], int(c_hi[touches].max()) - 1), max(box[3], int(r_hi[touches].max()) - 1)]
        for dx, dy in _footprint_offsets(int(n)):
            xs, ys = xi + dx, yi + dy
            inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
            np.minimum.at(flat, ys[inside] * width + xs[inside], k[inside])
    if box[2] < 0:
        extent[:] = 0
    else:
        extent[:] = (box[0], box[1], box[2] + 1, box[3] + 1)
    return 0


@kernel(numpy_twin=_splat_keys_numpy)
def _splat_keys(px, py, pz, m, zr, x0, y0, radii, two_px_per_radius, perspective, max_diameter, packed,
                keys, width, height, extent):
    """Min-combine the keys of these points into ``keys`` (row-major ``width`` x ``height``, EMPTY where untouched);
    ``extent`` gets (c0, r0, c1, r1) of every touched pixel (zeros: none). -1 when a visible point is wider than
    ``max_diameter`` (``keys`` is then partly written)."""
    bits = np.zeros(1, np.float32)
    bits_u = bits.view(np.uint32)
    fx0, fy0 = np.float32(x0), np.float32(y0)
    half, one = np.float32(0.5), np.float32(1.0)
    per_point = radii.shape[0] > 1
    per_colour = packed.shape[0] > 1
    shared_colour = np.uint64(packed[0]) if packed.shape[0] > 0 else np.uint64(0)
    margin = max_diameter
    min_c, min_r, max_c, max_r = width, height, -1, -1
    # Matrix entries in locals: the loop stores into keys, which the compiler cannot prove is not m or zr.
    m00, m01, m02, m03 = m[0, 0], m[0, 1], m[0, 2], m[0, 3]
    m10, m11, m12, m13 = m[1, 0], m[1, 1], m[1, 2], m[1, 3]
    m30, m31, m32, m33 = m[3, 0], m[3, 1], m[3, 2], m[3, 3]
    z0, z1, z2, z3 = zr[0], zr[1], zr[2], zr[3]
    shared_radius = radii[0]
    for i in range(px.shape[0]):
        a, b, c3 = px[i], py[i], pz[i]
        w = a * m30
        w += b * m31
        w += c3 * m32
        w += m33
        if not w > 0:
            continue
        inv_w = one / w
        z = (a * z0 + b * z1 + c3 * z2 + z3) * inv_w
        if not (z >= -1 and z <= 1):
            continue
        x = (a * m00 + b * m01 + c3 * m02 + m03) * inv_w - fx0
        y = (a * m10 + b * m11 + c3 * m12 + m13) * inv_w - fy0
        if not (x >= -margin and x < width + margin and y >= -margin and y < height + margin):
            continue
        diameter = (radii[i] if per_point else shared_radius) * two_px_per_radius
        if perspective:
            diameter = diameter * inv_w
        size = np.rint(diameter)
        if not size >= one:
            size = one
        if not size <= max_diameter:
            return -1
        n = int(size)
        bits[0] = z * half + half
        key = (np.uint64(bits_u[0]) << np.uint64(32)) | (np.uint64(packed[i]) if per_colour else shared_colour)
        start = half - size * half
        # floor by truncation and a correction: math.floor on float32 costs a libm call per point
        fx, fy = x + start, y + start
        xi, yi = int(fx), int(fy)
        xi -= fx < xi
        yi -= fy < yi
        if xi >= 0 and yi >= 0 and xi + n <= width and yi + n <= height:
            # the whole block is inside: no clipping, fixed loops for the usual 1-4 px sizes
            if xi < min_c:
                min_c = xi
            if yi < min_r:
                min_r = yi
            if xi + n - 1 > max_c:
                max_c = xi + n - 1
            if yi + n - 1 > max_r:
                max_r = yi + n - 1
            p = yi * width + xi
            if n == 1:
                if key < keys[p]:
                    keys[p] = key
            elif n == 2:
                for q in (p, p + 1, p + width, p + width + 1):
                    if key < keys[q]:
                        keys[q] = key
            elif n == 3:
                for dy in range(3):
                    row = p + dy * width
                    for dx in range(3):
                        if key < keys[row + dx]:
                            keys[row + dx] = key
            else:
                for dy in range(n):
                    row = p + dy * width
                    edge_row = dy == 0 or dy == n - 1
                    for dx in range(n):
                        if n >= 4 and edge_row and (dx == 0 or dx == n - 1):
                            continue  # the round sprite's corners
                        if key < keys[row + dx]:
                            keys[row + dx] = key
            continue
        c_lo, c_hi = max(xi, 0), min(xi + n, width)  # the block clipped to the rectangle
        r_lo, r_hi = max(yi, 0), min(yi + n, height)
        if c_lo >= c_hi or r_lo >= r_hi:
            continue
        # (the round sprite's missing corners never shrink a block's bounding box)
        min_c, max_c = min(min_c, c_lo), max(max_c, c_hi - 1)
        min_r, max_r = min(min_r, r_lo), max(max_r, r_hi - 1)
        for ys in range(r_lo, r_hi):
            edge_row = ys == yi or ys == yi + n - 1
            for xs in range(c_lo, c_hi):
                if n >= 4 and edge_row and (xs == xi or xs == xi + n - 1):
                    continue
                q = ys * width + xs
                if key < keys[q]:
                    keys[q] = key
    if max_c < 0:
        extent[0], extent[1], extent[2], extent[3] = 0, 0, 0, 0
    else:
        extent[0], extent[1], extent[2], extent[3] = min_c, min_r, max_c + 1, max_r + 1
    return 0


def _resolve_numpy(keys, width, height, extent, row_lo, row_hi, color, depth):
    c0, r0, c1, _ = extent
    block = keys[:, : width * height].reshape(keys.shape[0], height, width)[:, row_lo:row_hi, c0:c1]
    nearest = block.min(axis=0)
    block[...] = EMPTY_KEY
    empty = nearest == EMPTY_KEY
    rows = slice(row_lo - r0, row_hi - r0)
    color[rows] = np.where(empty, np.uint32(0), (nearest & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    depth[rows] = np.where(empty, np.float32(1.0), (nearest >> np.uint64(32)).astype(np.uint32).view(np.float32))
    return 0


@kernel(numpy_twin=_resolve_numpy)
def _resolve(keys, width, height, extent, row_lo, row_hi, color, depth):
    """Rows ``row_lo:row_hi`` of the box ``extent`` (c0, r0, c1, r1): nearest key over the buffers ``keys[t]`` to
    RGBA8 ``color`` and window ``depth`` (images of the box; 0 and 1.0 where empty); those keys become EMPTY."""
    empty = np.uint64(0xFFFFFFFFFFFFFFFF)
    low = np.uint64(0xFFFFFFFF)
    bits = np.zeros(1, np.uint32)
    bits_f = bits.view(np.float32)
    c0, r0, c1 = extent[0], extent[1], extent[2]
    layers = keys.shape[0]
    for r in range(row_lo, row_hi):
        out_r = r - r0
        base = r * width
        for c in range(c0, c1):
            q = base + c
            key = keys[0, q]
            keys[0, q] = empty
            for t in range(1, layers):
                other = keys[t, q]
                keys[t, q] = empty
                if other < key:
                    key = other
            if key == empty:
                color[out_r, c - c0] = 0
                depth[out_r, c - c0] = 1.0
            else:
                bits[0] = np.uint32(key >> np.uint64(32))
                depth[out_r, c - c0] = bits_f[0]
                color[out_r, c - c0] = np.uint32(key & low)
    return 0


def empty_keys(layers: int, pixels: int) -> np.ndarray:
    """A scratch key buffer for :func:`splat_points`: ``layers`` (one per thread) x ``pixels``, all empty."""
    return np.full((layers, pixels), EMPTY_KEY, np.uint64)


_pool: list[ThreadPoolExecutor] = []
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    with _pool_lock:
        if not _pool:
            _pool.append(ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1)), thread_name_prefix="rerun-splat"))
        return _pool[0]


def _run_all(calls):
    """Run each ``(fn, args)``; all but the first on the pool, in the caller's context (the kernel backend is a
    context variable); return the results in order."""
    if len(calls) == 1:
        fn, args = calls[0]
        return [fn(*args)]
    futures = [_executor().submit(contextvars.copy_context().run, fn, *args) for fn, args in calls[1:]]
    first = calls[0][0](*calls[0][1])
    return [first] + [f.result() for f in futures]


def splat_points(columns, fb_from_local, to_ndc_z, origin, shape, radii, px_per_radius: float, packed_colors, *,
                 perspective: bool = False, max_diameter: int = 4, keys=None, threads: int = 1):
    """Z-buffer points into colour + window-depth images of one framebuffer rectangle.

    Parameters
    ----------
    columns : tuple of three (N,) float32 arrays
        x, y, z of the points in local coordinates.
    fb_from_local : (4, 4) array_like
        Framebuffer pixels (GL window coordinates, y up) from local coordinates.
    to_ndc_z : (4,) array_like
        The row giving clip z (window depth = (z / w) * 0.5 + 0.5).
    origin : (int, int)
        Framebuffer pixel (x0, y0) of the rectangle's first column and row.
    shape : (int, int)
        (height, width) of the rectangle.
    radii : (N,) or (1,) float32
        Radii, in pixels per ``px_per_radius``.
    px_per_radius : float
        Framebuffer pixels per unit of radius (at clip w = 1 when ``perspective``).
    packed_colors : (N,) or (1,) uint32
        RGBA8 bytes of each point (or one shared) viewed as uint32.
    perspective : bool
        Radii are in world units: divide each diameter by the point's clip w.
    max_diameter : int
        Footprints wider than this (after rounding) are not splatted.
    keys : (T, >= height * width) uint64, optional
        Scratch from :func:`empty_keys` to reuse (T >= ``threads``); all empty on entry, left all empty.
    threads : int
        Split the points into this many shares z-buffered at the same time (numba releases the GIL), and the
        resolve into as many bands of rows. The picture does not depend on it.

    Returns
    -------
    (color, depth, extent) or None
        ``extent`` (4,) int64 ``(c0, r0, c1, r1)``: the columns/rows of the rectangle holding every drawn pixel
        (all 0 when none); ``color`` (r1 - r0, c1 - c0) uint32 (RGBA8 bytes, 0 where no point landed) and
        ``depth`` (r1 - r0, c1 - c0, 1) float32 (1.0 where none landed), both C-contiguous. None when a visible
        point is wider than ``max_diameter`` (draw with GL).
    """
    height, width = (int(v) for v in shape)
    px, py, pz = (np.ascontiguousarray(c, dtype=np.float32) for c in columns)
    n = px.shape[0]
    threads = max(1, min(int(threads), n))
    if keys is None or keys.shape[0] < threads or keys.shape[1] < height * width:
        keys = empty_keys(threads, height * width)
    m = np.ascontiguousarray(fb_from_local, dtype=np.float32)
    zr = np.ascontiguousarray(to_ndc_z, dtype=np.float32)
    radii = np.ascontiguousarray(radii, dtype=np.float32).reshape(-1)
    packed = np.ascontiguousarray(packed_colors, dtype=np.uint32).reshape(-1)
    bounds = [n * t // threads for t in range(threads + 1)]
    extents = np.zeros((threads, 4), np.int64)

    def share(values, t):
        return values if values.shape[0] == 1 else values[bounds[t]:bounds[t + 1]]

    status = _run_all([
        (_splat_keys, (px[bounds[t]:bounds[t + 1]], py[bounds[t]:bounds[t + 1]], pz[bounds[t]:bounds[t + 1]], m, zr,
                       int(origin[0]), int(origin[1]), share(radii, t), np.float32(2.0 * px_per_radius),
                       bool(perspective), int(max_diameter), share(packed, t), keys[t], width, height, extents[t]))
        for t in range(threads)])
    if min(status) < 0:
        keys[:threads, : height * width] = EMPTY_KEY  # splats stopped part-way: put the scratch back to empty
        return None
    drawn = extents[extents[:, 2] > extents[:, 0]]
    extent = np.zeros(4, np.int64)
    if drawn.shape[0]:
        extent[:] = (drawn[:, 0].min(), drawn[:, 1].min(), drawn[:, 2].max(), drawn[:, 3].max())
    c0, r0, c1, r1 = (int(v) for v in extent)
    color = np.empty((r1 - r0, c1 - c0), np.uint32)
    depth = np.empty((r1 - r0, c1 - c0, 1), np.float32)
    if r1 > r0:
        rows = [r0 + (r1 - r0) * t // threads for t in range(threads + 1)]
        _run_all([(_resolve, (keys[:threads], width, height, extent, rows[t], rows[t + 1], color, depth[:, :, 0]))
                  for t in range(threads) if rows[t + 1] > rows[t]])
    return color, depth, extent
