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
                      keys, width, height, pad, extent):
    stride = width + pad
    flat = keys[: (height + pad) * stride]
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
    if pad:
        sizes[:] = pad + 1  # anchors: every footprint is (pad + 1) px wide
    for n in np.flatnonzero(np.bincount(sizes, minlength=max_diameter + 2)):
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
        if pad:
            np.minimum.at(flat, (yi[touches] + pad) * stride + xi[touches] + pad, k[touches])
            continue
        for dx, dy in _footprint_offsets(int(n)):
            xs, ys = xi + dx, yi + dy
            inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
            np.minimum.at(flat, ys[inside] * width + xs[inside], k[inside])
    if box[2] < 0:
        extent[:] = 0
    else:
        extent[:] = (box[0], box[1], box[2] + 1, box[3] + 1)
    return 0


#: Points projected per block by :func:`_splat_keys` before they are z-buffered (its scratch stays in cache).
BLOCK_POINTS = 1024


@kernel(numpy_twin=_splat_keys_numpy)
def _splat_keys(px, py, pz, m, zr, x0, y0, radii, two_px_per_radius, perspective, max_diameter, packed,
                keys, width, height, pad, extent):
    """Min-combine the keys of these points into ``keys`` (row-major ``width`` x ``height``, EMPTY where untouched);
    ``extent`` gets (c0, r0, c1, r1) of every touched pixel (zeros: none). -1 when a visible point is wider than
    ``max_diameter`` (``keys`` is then partly written).

    ``pad`` > 0: every footprint is ``pad + 1`` px wide, and each point writes only its block's first pixel (its
    anchor) into ``keys`` laid out as (height + pad) x (width + pad) with the anchors shifted by ``pad``
    (:func:`_resolve` then spreads each anchor over its footprint).

    Points go in blocks, each in two passes: project (no branches, so the compiler can use SIMD) into small arrays
    of block corner, size and depth, then z-buffer them; one pass that branched per point ran 2-3x slower."""
    half, one = np.float32(0.5), np.float32(1.0)
    fx0, fy0 = np.float32(x0), np.float32(y0)
    radius_step = 1 if radii.shape[0] > 1 else 0
    colour_step = 1 if packed.shape[0] > 1 else 0  # index i * step: per point or shared, without a branch
    margin = np.float32(max_diameter)
    max_size = np.float32(max_diameter)
    low_x, high_x = -margin, np.float32(width) + margin
    low_y, high_y = -margin, np.float32(height) + margin
    # Matrix entries in locals: the loop stores into keys, which the compiler cannot prove is not m or zr.
    m00, m01, m02, m03 = m[0, 0], m[0, 1], m[0, 2], m[0, 3]
    m10, m11, m12, m13 = m[1, 0], m[1, 1], m[1, 2], m[1, 3]
    m30, m31, m32, m33 = m[3, 0], m[3, 1], m[3, 2], m[3, 3]
    z0, z1, z2, z3 = zr[0], zr[1], zr[2], zr[3]
    # int32 in pass 1: float32 -> int32 conversions and int32 min/max vectorise, int64 ones do not
    corner_x = np.empty(BLOCK_POINTS, np.int32)
    corner_y = np.empty(BLOCK_POINTS, np.int32)
    sizes = np.empty(BLOCK_POINTS, np.int32)  # 0: not drawn
    depth = np.empty(BLOCK_POINTS, np.float32)
    depth_bits = depth.view(np.uint32)
    radius = np.empty(BLOCK_POINTS, np.float32)  # this block's radii: contiguous, so pass 1 stays SIMD
    radius[:] = radii[0] if radii.shape[0] > 0 else np.float32(0.0)
    width32, height32, zero32, none32 = np.int32(width), np.int32(height), np.int32(0), np.int32(-1)
    min_c, min_r, max_c, max_r = width32, height32, none32, none32
    stride = width + pad
    for start in range(0, px.shape[0], BLOCK_POINTS):
        count = min(BLOCK_POINTS, px.shape[0] - start)
        if radius_step:
            for j in range(count):
                radius[j] = radii[start + j]
        wide = 0
        for j in range(count):
            i = start + j
            a, b, c3 = px[i], py[i], pz[i]
            w = a * m30 + b * m31 + c3 * m32 + m33
            inv_w = one / w
            z = (a * z0 + b * z1 + c3 * z2 + z3) * inv_w
            x = (a * m00 + b * m01 + c3 * m02 + m03) * inv_w - fx0
            y = (a * m10 + b * m11 + c3 * m12 + m13) * inv_w - fy0
            visible = (w > 0) & (z >= -one) & (z <= one) & (x >= low_x) & (x < high_x) & (y >= low_y) & (y < high_y)
            diameter = radius[j] * two_px_per_radius * (inv_w if perspective else one)
            size = np.rint(diameter)
            size = size if size >= one else one  # (NaN too)
            fits = size <= max_size
            wide |= visible & ~fits
            size = size if fits else one
            if pad:
                size = np.float32(pad + 1)
            offset = half - size * half
            fx = np.floor(x + offset)
            fy = np.floor(y + offset)
            n = np.int32(size)
            xi = np.int32(fx) if visible else zero32
            yi = np.int32(fy) if visible else zero32
            # drawn: visible and the block reaches into the rectangle
            drawn = visible & (xi + n > zero32) & (xi < width32) & (yi + n > zero32) & (yi < height32)
            corner_x[j], corner_y[j] = xi, yi
            sizes[j] = n if drawn else zero32
            depth[j] = z * half + half
            min_c = min(min_c, max(xi, zero32) if drawn else width32)
            min_r = min(min_r, max(yi, zero32) if drawn else height32)
            max_c = max(max_c, min(xi + n, width32) - np.int32(1) if drawn else none32)
            max_r = max(max_r, min(yi + n, height32) - np.int32(1) if drawn else none32)
        if wide:
            return -1
        for j in range(count):
            n = np.int64(sizes[j])
            if n == 0:
                continue
            key = (np.uint64(depth_bits[j]) << np.uint64(32)) | np.uint64(packed[(start + j) * colour_step])
            xi, yi = np.int64(corner_x[j]), np.int64(corner_y[j])
            if pad:
                q = (yi + pad) * stride + xi + pad
                if key < keys[q]:
                    keys[q] = key
            elif xi >= 0 and yi >= 0 and xi + n <= width and yi + n <= height:
                # the whole block is inside: no clipping, fixed loops for the usual 1-3 px sizes
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
                            if edge_row and (dx == 0 or dx == n - 1):
                                continue  # the round sprite's corners
                            if key < keys[row + dx]:
                                keys[row + dx] = key
            else:
                for ys in range(max(yi, 0), min(yi + n, height)):
                    edge_row = ys == yi or ys == yi + n - 1
                    for xs in range(max(xi, 0), min(xi + n, width)):
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


def _resolve_numpy(keys, width, height, pad, extent, row_lo, row_hi, color, depth):
    c0, r0, c1, _ = extent
    if pad:
        grid = keys[:, : (height + pad) * (width + pad)].reshape(keys.shape[0], height + pad, width + pad)
        nearest = np.full((row_hi - row_lo, c1 - c0), EMPTY_KEY, np.uint64)
        for dx, dy in _footprint_offsets(pad + 1):
            window = grid[:, row_lo + pad - dy:row_hi + pad - dy, c0 + pad - dx:c1 + pad - dx]
            np.minimum(nearest, window.min(axis=0), out=nearest)
    else:
        block = keys[:, : width * height].reshape(keys.shape[0], height, width)[:, row_lo:row_hi, c0:c1]
        nearest = block.min(axis=0)
        block[...] = EMPTY_KEY
    empty = nearest == EMPTY_KEY
    rows = slice(row_lo - r0, row_hi - r0)
    color[rows] = np.where(empty, np.uint32(0), (nearest & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    depth[rows] = np.where(empty, np.float32(1.0), (nearest >> np.uint64(32)).astype(np.uint32).view(np.float32))
    return 0


@kernel(numpy_twin=_resolve_numpy)
def _resolve(keys, width, height, pad, extent, row_lo, row_hi, color, depth):
    """Rows ``row_lo:row_hi`` of the box ``extent`` (c0, r0, c1, r1): nearest key over the buffers ``keys[t]`` to
    RGBA8 ``color`` and window ``depth`` (images of the box; 0 and 1.0 where empty); those keys become EMPTY.

    ``pad`` > 0 (anchors, see :func:`_splat_keys`): the nearest key of the anchors whose footprint covers the pixel;
    the keys are left as they are (neighbouring bands read them too)."""
    empty = np.uint64(0xFFFFFFFFFFFFFFFF)
    low = np.uint64(0xFFFFFFFF)
    bits = np.zeros(1, np.uint32)
    bits_f = bits.view(np.float32)
    c0, r0, c1 = extent[0], extent[1], extent[2]
    layers = keys.shape[0]
    n = pad + 1
    stride = width + pad
    if pad:
        # separable: the nearest over the footprint's columns (and the buffers) per anchor row first, then over its
        # rows; a round sprite (n >= 4) takes its first and last rows from the columns without the corners
        cols = c1 - c0
        anchor_rows = row_hi - row_lo + pad  # padded rows row_lo .. row_hi + pad - 1
        across = np.empty((anchor_rows, cols), np.uint64)
        inner = np.empty((anchor_rows, cols), np.uint64) if n >= 4 else across
        for a in range(anchor_rows):
            base = (row_lo + a) * stride + pad
            for c in range(c0, c1):
                nearest, nearest_inner = empty, empty
                for t in range(layers):
                    for dx in range(n):
                        other = keys[t, base + c - dx]
                        if other < nearest:
                            nearest = other
                        if n >= 4 and dx != 0 and dx != pad and other < nearest_inner:
                            nearest_inner = other
                across[a, c - c0] = nearest
                if n >= 4:
                    inner[a, c - c0] = nearest_inner
    for r in range(row_lo, row_hi):
        out_r = r - r0
        base = r * width
        for c in range(c0, c1):
            if pad:
                key = empty
                for dy in range(n):
                    a = r - row_lo + pad - dy
                    other = inner[a, c - c0] if dy == 0 or dy == pad else across[a, c - c0]
                    if other < key:
                        key = other
            else:
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


def scratch_pixels(shape, max_diameter: int = 4) -> int:
    """Key scratch per thread that :func:`splat_points` needs for a (height, width) rectangle."""
    height, width = (int(v) for v in shape)
    return (height + max_diameter) * (width + max_diameter)


def empty_keys(layers: int, pixels: int) -> np.ndarray:
    """A scratch key buffer for :func:`splat_points`: ``layers`` (one per thread) x ``pixels``, all empty."""
    return np.full((layers, pixels), EMPTY_KEY, np.uint64)


_pool: list[ThreadPoolExecutor] = []
_pool_lock = threading.Lock()

#: Points per share handed to a thread at a time (at least; see :func:`splat_points`).
MIN_SHARE_POINTS = 50_000


def _executor() -> ThreadPoolExecutor:
    with _pool_lock:
        if not _pool:
            _pool.append(ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1)), thread_name_prefix="rerun-splat"))
        return _pool[0]


def _in_parallel(threads: int, count: int, work) -> None:
    """Call ``work(slot, task)`` for each task in ``range(count)``, on ``threads`` workers (the caller is slot 0, the
    others run on a pool in the caller's context: the kernel backend is a context variable). Each worker takes the
    next task when it is done with one, so a core busy with another process takes fewer tasks instead of holding
    the frame up."""
    if threads <= 1 or count <= 1:
        for task in range(count):
            work(0, task)
        return
    tasks = iter(range(count))
    lock = threading.Lock()

    def worker(slot):
        while True:
            with lock:
                task = next(tasks, None)
            if task is None:
                return
            work(slot, task)

    futures = [_executor().submit(contextvars.copy_context().run, worker, slot) for slot in range(1, threads)]
    try:
        worker(0)
    finally:
        for future in futures:
            future.result()


def splat_points(columns, fb_from_local, to_ndc_z, origin, shape, radii, px_per_radius: float, packed_colors, *,
                 perspective: bool = False, max_diameter: int = 4, keys=None, threads: int = 1,
                 anchors: bool | None = None):
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
    keys : (T, >= scratch_pixels(shape, max_diameter)) uint64, optional
        Scratch from :func:`empty_keys` to reuse (T >= ``threads``); all empty on entry, left all empty.
    threads : int
        Threads that z-buffer the points at the same time (numba releases the GIL), each into its own key buffer,
        taking shares of at least ``MIN_SHARE_POINTS`` points one after another; then resolve bands of rows the
        same way. The picture does not depend on it.
    anchors : bool or None
        When every point has the same footprint (one radius, no ``perspective``): z-buffer one pixel per point (its
        footprint's first) and spread the nearest over the footprints while resolving. The same picture, cheaper
        when points outnumber pixels. None: when there are more points than a quarter of the rectangle's pixels.

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
    if keys is None or keys.shape[0] < threads or keys.shape[1] < scratch_pixels(shape, max_diameter):
        keys = empty_keys(threads, scratch_pixels(shape, max_diameter))
    m = np.ascontiguousarray(fb_from_local, dtype=np.float32)
    zr = np.ascontiguousarray(to_ndc_z, dtype=np.float32)
    radii = np.ascontiguousarray(radii, dtype=np.float32).reshape(-1)
    packed = np.ascontiguousarray(packed_colors, dtype=np.uint32).reshape(-1)
    two_px_per_radius = np.float32(2.0 * px_per_radius)
    pad = 0
    if radii.shape[0] == 1 and not perspective and (anchors or anchors is None and 4 * n > height * width):
        with np.errstate(invalid="ignore", over="ignore"):
            size = np.rint(radii[0] * two_px_per_radius)  # what the kernels compute per point
        if size >= 2 and size <= max_diameter:
            pad = int(size) - 1
    shares = 1 if threads == 1 else min(4 * threads, max(threads, n // MIN_SHARE_POINTS))
    bounds = [n * t // shares for t in range(shares + 1)]
    extents = np.zeros((shares, 4), np.int64)
    status = np.zeros(shares, np.int64)

    def share(values, t):
        return values if values.shape[0] == 1 else values[bounds[t]:bounds[t + 1]]

    def splat_share(slot, t):
        status[t] = _splat_keys(share(px, t), share(py, t), share(pz, t), m, zr, int(origin[0]), int(origin[1]),
                                share(radii, t), two_px_per_radius, bool(perspective), int(max_diameter),
                                share(packed, t), keys[slot], width, height, pad, extents[t])

    _in_parallel(threads, shares, splat_share)
    if status.min() < 0:
        keys[:threads, : (height + pad) * (width + pad)] = EMPTY_KEY  # stopped part-way: put the scratch back to empty
        return None
    drawn = extents[extents[:, 2] > extents[:, 0]]
    extent = np.zeros(4, np.int64)
    if drawn.shape[0]:
        extent[:] = (drawn[:, 0].min(), drawn[:, 1].min(), drawn[:, 2].max(), drawn[:, 3].max())
    c0, r0, c1, r1 = (int(v) for v in extent)
    color = np.empty((r1 - r0, c1 - c0), np.uint32)
    depth = np.empty((r1 - r0, c1 - c0, 1), np.float32)
    bands = min(4 * threads, r1 - r0)
    rows = [r0 + (r1 - r0) * t // max(bands, 1) for t in range(bands + 1)]
    _in_parallel(threads, bands, lambda slot, t: _resolve(keys[:threads], width, height, pad, extent, rows[t],
                                                           rows[t + 1], color, depth[:, :, 0]))
    if pad and r1 > r0:  # anchors are read by several bands: emptied after all of them (see _splat_keys for the box)
        grid = keys[:threads, : (height + pad) * (width + pad)].reshape(threads, height + pad, width + pad)
        grid[:, r0:r1 + pad, c0:c1 + pad] = EMPTY_KEY
    return color, depth, extent


#: Cells per axis of the grid that :func:`locality_order` sorts points by (2 ** GRID_BITS).
GRID_BITS = 6


def _grid_cells(px, py, pz, lo, scale, cells):
    """Morton code of each point's grid cell (NaN / out-of-range coordinates clamp to the edge cells)."""
    top = (1 << GRID_BITS) - 1
    code = np.zeros(px.shape[0], np.int64)
    with np.errstate(invalid="ignore"):
        for axis, column in enumerate((px, py, pz)):
            t = (column.astype(np.float32) - np.float32(lo[axis])) * np.float32(scale[axis])
            t = np.where(t >= 0, t, np.float32(0.0))
            q = np.minimum(t, np.float32(top)).astype(np.int64)
            for bit in range(GRID_BITS):
                code |= ((q >> bit) & 1) << (3 * bit + axis)
    cells[:] = code


def _locality_order_numpy(px, py, pz, lo, scale, order):
    cells = np.empty(px.shape[0], np.int64)
    _grid_cells(px, py, pz, lo, scale, cells)
    order[:] = np.argsort(cells, kind="stable")
    return 0


@kernel(numpy_twin=_locality_order_numpy)
def _locality_order(px, py, pz, lo, scale, order):
    """``order``: the points sorted (stably) by the Morton code of their cell in a 2**GRID_BITS per axis grid."""
    n = px.shape[0]
    bits = GRID_BITS
    top = np.float32((1 << bits) - 1)
    zero = np.float32(0.0)
    cells = np.empty(n, np.int64)
    counts = np.zeros((1 << (3 * bits)) + 1, np.int64)
    lo0, lo1, lo2 = np.float32(lo[0]), np.float32(lo[1]), np.float32(lo[2])
    s0, s1, s2 = np.float32(scale[0]), np.float32(scale[1]), np.float32(scale[2])
    for i in range(n):
        code = 0
        for axis in range(3):
            if axis == 0:
                t = (np.float32(px[i]) - lo0) * s0
            elif axis == 1:
                t = (np.float32(py[i]) - lo1) * s1
            else:
                t = (np.float32(pz[i]) - lo2) * s2
            if not t >= zero:
                t = zero
            if t > top:
                t = top
            q = int(t)
            for bit in range(bits):
                code |= ((q >> bit) & 1) << (3 * bit + axis)
        cells[i] = code
        counts[code + 1] += 1
    for c in range(1, counts.shape[0]):  # counts[c]: first slot of cell c
        counts[c] += counts[c - 1]
    for i in range(n):
        code = cells[i]
        order[counts[code]] = i
        counts[code] += 1
    return 0


def locality_order(columns) -> np.ndarray:
    """A permutation of the points that keeps near points near each other in memory (sorted by the Morton code of
    their cell in a 64 x 64 x 64 grid over their finite bounds).

    Splatting points in this order z-buffers one small patch of pixels after another instead of the whole picture
    at random: a random-ordered cloud covering a large view otherwise spends most of its time on cache misses.

    Parameters
    ----------
    columns : tuple of three (N,) float32 arrays
        x, y, z of the points.

    Returns
    -------
    (N,) int64
        Indices into the points, each once; points of the same cell keep their order.
    """
    px, py, pz = (np.ascontiguousarray(c, dtype=np.float32) for c in columns)
    lo, scale = np.zeros(3, np.float32), np.zeros(3, np.float32)
    for axis, column in enumerate((px, py, pz)):
        finite = column[np.isfinite(column)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            lo[axis] = low
            scale[axis] = (1 << GRID_BITS) / (high - low) if high > low else 0.0
    order = np.empty(px.shape[0], np.int64)
    _locality_order(px, py, pz, lo, scale, order)
    return order
