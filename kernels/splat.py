"""Z-buffered point splatting on the CPU: project points, keep the nearest per pixel, resolve colour + depth.

Software GL spends ~0.3-0.5 us per GL_POINTS vertex; one compiled pass over the points costs a fraction of that.
The scene's impostor cache shows the result as one textured quad that writes ``gl_FragDepth``. Footprints match
what GL_POINTS covers for an integer size n (an n x n block starting at ``floor(x - n / 2 + 0.5)``), minus the
corners the round sprite discards when n >= 4. Each pixel keeps the minimum 64-bit key (window depth bits << 32 |
point index): depths in [0, 1] order like their bit patterns, so the nearest point wins and ties go to the lower
index, whichever backend runs.
"""
from __future__ import annotations

import numpy as np

from ._dispatch import kernel

_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


def _footprint_offsets(n: int) -> list[tuple[int, int]]:
    offsets = [(i, j) for j in range(n) for i in range(n)]
    if n >= 4:
        corners = {(0, 0), (n - 1, 0), (0, n - 1), (n - 1, n - 1)}
        offsets = [o for o in offsets if o not in corners]
    return offsets


def _splat_numpy(px, py, pz, m, zr, x0, y0, radii, two_px_per_radius, perspective, max_diameter, packed,
                 keys, color, depth, extent):
    height, width = keys.shape
    flat = keys.reshape(-1)
    flat.fill(_EMPTY)
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
    point_keys = (zz.view(np.uint32).astype(np.uint64) << np.uint64(32)) | idx.astype(np.uint64)
    present = np.flatnonzero(np.bincount(sizes, minlength=max_diameter + 1))
    for n in present:
        if present.size == 1:
            x_n, y_n, k = xv, yv, point_keys
        else:
            select = sizes == n
            x_n, y_n, k = xv[select], yv[select], point_keys[select]
        start = np.float32(0.5 - n / 2.0)
        xi = np.floor(x_n + start).astype(np.intp)
        yi = np.floor(y_n + start).astype(np.intp)
        # Blocks wholly inside the rectangle need no bounds check per footprint pixel.
        interior = (xi >= 0) & (xi <= width - n) & (yi >= 0) & (yi <= height - n)
        all_inside = bool(interior.all())
        base = yi * width + xi if all_inside else yi[interior] * width + xi[interior]
        k_in = k if all_inside else k[interior]
        border = ~interior
        xb, yb, kb = xi[border], yi[border], k[border]
        for dx, dy in _footprint_offsets(int(n)):
            np.minimum.at(flat, base + (dy * width + dx), k_in)
            if kb.size:
                xs, ys = xb + dx, yb + dy
                inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
                np.minimum.at(flat, ys[inside] * width + xs[inside], kb[inside])
    hit = np.flatnonzero(flat != _EMPTY)  # ascending: the first and last give the row range
    if hit.size == 0:
        extent[:] = 0
        return 0
    r0, r1 = hit[0] // width, hit[-1] // width + 1
    drawn_cols = np.flatnonzero((keys[r0:r1] != _EMPTY).any(axis=0))
    c0, c1 = drawn_cols[0], drawn_cols[-1] + 1
    extent[:] = (c0, r0, c1, r1)
    color[r0:r1, c0:c1] = 0
    depth[r0:r1, c0:c1] = np.float32(1.0)
    hit_keys = flat[hit]
    depth.reshape(-1)[hit] = (hit_keys >> np.uint64(32)).astype(np.uint32).view(np.float32)
    if packed.shape[0] == 1:
        color.reshape(-1)[hit] = packed[0]
    else:
        color.reshape(-1)[hit] = packed[(hit_keys & np.uint64(0xFFFFFFFF)).astype(np.intp)]
    return 0


@kernel(numpy_twin=_splat_numpy)
def _splat(px, py, pz, m, zr, x0, y0, radii, two_px_per_radius, perspective, max_diameter, packed,
           keys, color, depth, extent):
    height, width = keys.shape
    empty = np.uint64(0xFFFFFFFFFFFFFFFF)
    for r in range(height):
        for c in range(width):
            keys[r, c] = empty
    bits = np.zeros(1, np.float32)
    bits_u = bits.view(np.uint32)
    fx0, fy0 = np.float32(x0), np.float32(y0)
    half, one = np.float32(0.5), np.float32(1.0)
    per_point = radii.shape[0] > 1
    margin = max_diameter
    # every in-bounds footprint pixel gets a key: their bounding box is the drawn region
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
        key = (np.uint64(bits_u[0]) << np.uint64(32)) | np.uint64(i)
        start = np.float32(0.5 - n / 2.0)
        # floor by truncation and a correction: math.floor on float32 costs a libm call per point
        fx, fy = x + start, y + start
        xi, yi = int(fx), int(fy)
        xi -= fx < xi
        yi -= fy < yi
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
                    continue  # the round sprite's corners
                if key < keys[ys, xs]:
                    keys[ys, xs] = key
    if max_c < 0:
        extent[0], extent[1], extent[2], extent[3] = 0, 0, 0, 0
        return 0
    extent[0], extent[1], extent[2], extent[3] = min_c, min_r, max_c + 1, max_r + 1
    shared = packed.shape[0] == 1
    for r in range(min_r, max_r + 1):
        for c in range(min_c, max_c + 1):
            key = keys[r, c]
            if key == empty:
                color[r, c] = 0
                depth[r, c] = one
            else:
                bits_u[0] = np.uint32(key >> np.uint64(32))
                depth[r, c] = bits[0]
                color[r, c] = packed[0] if shared else packed[np.intp(key & np.uint64(0xFFFFFFFF))]
    return 0


def splat_points(columns, fb_from_local, to_ndc_z, origin, shape, radii, px_per_radius: float, packed_colors, *,
                 perspective: bool = False, max_diameter: int = 4, keys=None):
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
    keys : (height * width,) uint64, optional
        Scratch buffer to reuse (at least that long).

    Returns
    -------
    (color, depth, extent) or None
        ``extent`` (4,) int64 ``(c0, r0, c1, r1)``: the columns/rows of the rectangle holding every drawn pixel
        (all 0 when none); ``color`` (r1 - r0, c1 - c0) uint32 (RGBA8 bytes, 0 where no point landed) and
        ``depth`` (r1 - r0, c1 - c0, 1) float32 (1.0 where none landed) cover that part only. None when a visible
        point is wider than ``max_diameter`` (draw with GL).
    """
    height, width = (int(v) for v in shape)
    if keys is None or keys.shape[0] < height * width:
        keys = np.empty(height * width, np.uint64)
    keys2d = keys[: height * width].reshape(height, width)
    color = np.empty((height, width), np.uint32)
    depth = np.empty((height, width, 1), np.float32)
    extent = np.zeros(4, np.int64)
    px, py, pz = (np.ascontiguousarray(c, dtype=np.float32) for c in columns)
    m = np.ascontiguousarray(fb_from_local, dtype=np.float32)
    zr = np.ascontiguousarray(to_ndc_z, dtype=np.float32)
    radii = np.ascontiguousarray(radii, dtype=np.float32).reshape(-1)
    packed = np.ascontiguousarray(packed_colors, dtype=np.uint32).reshape(-1)
    status = _splat(px, py, pz, m, zr, int(origin[0]), int(origin[1]), radii, np.float32(2.0 * px_per_radius),
                    bool(perspective), int(max_diameter), packed, keys2d, color, depth[:, :, 0], extent)
    if status < 0:
        return None
    c0, r0, c1, r1 = (int(v) for v in extent)
    return color[r0:r1, c0:c1], depth[r0:r1, c0:c1], extent
