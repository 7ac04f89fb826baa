"""CPU z-buffered splatting of points into colour + depth images (numpy only).

Mesa's software GL spends ~0.3-0.5 us per GL_POINTS vertex; projecting and z-buffering the same
points with whole-array numpy operations (``np.minimum.at`` is a tight loop in numpy 2) costs a
fraction of that for small screen footprints. :class:`PointsVisual` uses this for big opaque
clouds with one shared pixel radius; the result feeds the impostor cache's depth-writing quad,
so occlusion with GL-drawn layers stays exact per pixel.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)

#: Splatting pays only for small footprints; larger points go to GL.
MAX_SPLAT_DIAMETER_PX = 4


def footprint(diameter: float) -> tuple[int, list[tuple[int, int]]]:
    """(n, offsets): a point of ``diameter`` px covers an n x n block of pixels starting at
    ``floor(x - n / 2 + 0.5)`` (what GL_POINTS covers for an integer size n), minus the corners
    the GL visual's round sprite discards (n >= 4).
    """
    n = max(int(round(float(diameter))), 1)
    offsets = [(i, j) for j in range(n) for i in range(n)]
    if n >= 4:
        corners = {(0, 0), (n - 1, 0), (0, n - 1), (n - 1, n - 1)}
        offsets = [o for o in offsets if o not in corners]
    return n, offsets


class Splat(NamedTuple):
    """A CPU rendering of a rectangle of the framebuffer, in GL row order (row 0 at the bottom)."""

    color: np.ndarray  #: (h, w, 4) uint8 RGBA, alpha 0 where no point landed
    depth: np.ndarray  #: (h, w, 1) float32 window depth, 1.0 where no point landed
    x0: int  #: framebuffer column of the images' first column
    y0: int  #: framebuffer row of the images' first row


class PointSplatter:
    """Reusable buffers and columns for splatting one point cloud many times.

    Parameters
    ----------
    positions : (N, 3) float32
    colors : (4,) or (N, 4) uint8
    radii : scalar or (N,) float32
        In framebuffer pixels per unit of ``px_per_radius`` passed to :meth:`splat`.
    finite : (N,) bool or None
        Rows to draw.
    """

    def __init__(self, positions: np.ndarray, colors: np.ndarray, radii, finite: np.ndarray | None):
        keep = slice(None) if finite is None else finite
        pts = positions[keep]
        self.columns = [np.ascontiguousarray(pts[:, i], dtype=np.float32) for i in range(3)]
        colors = np.asarray(colors, dtype=np.uint8)
        if colors.ndim == 2:
            colors = colors[keep]
        # RGBA bytes as one uint32 each: (N,) per point, or (1,) shared
        self.packed = np.ascontiguousarray(colors).view(np.uint32).reshape(-1)
        radii = np.asarray(radii, dtype=np.float32)
        self.radii = radii if radii.ndim == 0 else np.ascontiguousarray(radii[keep])
        self._keys = None

    def splat(self, fb_from_local, to_ndc_z, size, rect, px_per_radius: float, perspective: bool = False):
        """Render the points that fall in ``rect`` into images of that rectangle only.

        Returns a :class:`Splat` (colour + window depth of the rectangle, clamped to the framebuffer), or None when
        some visible point would be wider than ``MAX_SPLAT_DIAMETER_PX`` (the caller then draws with GL). Only the
        rectangle is cleared, z-buffered and returned: a view covering part of a window costs its own area.

        Parameters
        ----------
        fb_from_local : (4, 4) vispy framebuffer pixels (GL window coordinates: y up, row 0 at the
            bottom) from local coordinates.
        to_ndc_z : (4,) row giving clip z (so depth = (z / w) * 0.5 + 0.5, the GL window depth).
        size : (width, height) of the framebuffer.
        rect : (x0, y0, x1, y1) framebuffer pixels that may be written (the view's rectangle).
        px_per_radius : framebuffer pixels per unit of radius (at clip w = 1 when ``perspective``).
        perspective : radii are in world units: divide by each point's clip w.
        """
        width, height = size
        x0, y0, x1, y1 = (int(v) for v in rect)
        x0, y0 = min(max(x0, 0), width), min(max(y0, 0), height)
        x1, y1 = min(max(x1, x0), width), min(max(y1, y0), height)
        rect_w, rect_h = x1 - x0, y1 - y0
        if self._keys is None or self._keys.shape[0] < rect_h * rect_w:
            self._keys = np.empty(rect_h * rect_w, dtype=np.uint64)
        keys = self._keys[: rect_h * rect_w]
        keys.fill(_EMPTY)
        px, py, pz = self.columns
        m = np.asarray(fb_from_local, dtype=np.float32)
        zr = np.asarray(to_ndc_z, dtype=np.float32)
        w = px * m[3, 0]
        w += py * m[3, 1]
        w += pz * m[3, 2]
        w += m[3, 3]
        with np.errstate(divide="ignore", invalid="ignore"):
            inv_w = np.float32(1.0) / w
            # x, y relative to the rectangle's corner: the key buffer covers the rectangle only
            x = (px * m[0, 0] + py * m[0, 1] + pz * m[0, 2] + m[0, 3]) * inv_w - np.float32(x0)
            y = (px * m[1, 0] + py * m[1, 1] + pz * m[1, 2] + m[1, 3]) * inv_w - np.float32(y0)
            z = (px * zr[0] + py * zr[1] + pz * zr[2] + zr[3]) * inv_w
        margin = MAX_SPLAT_DIAMETER_PX
        visible = (w > 0) & (z >= -1) & (z <= 1)
        visible &= (x >= -margin) & (x < rect_w + margin) & (y >= -margin) & (y < rect_h + margin)
        idx_visible = np.flatnonzero(visible)
        # Footprint size per point (the GL visual clamps diameters to >= 1 px as well).
        diameter = self.radii * np.float32(2.0 * px_per_radius)
        if diameter.ndim == 1:
            diameter = diameter[idx_visible]
        if perspective:
            diameter = diameter * inv_w[idx_visible]
        sizes = np.maximum(np.rint(diameter), 1).astype(np.intp)
        if sizes.size and sizes.max() > MAX_SPLAT_DIAMETER_PX:
            return None
        xv, yv = x[idx_visible], y[idx_visible]
        zz = z[idx_visible] * np.float32(0.5) + np.float32(0.5)
        # One z-buffer pass per footprint pixel on 64-bit keys (window depth bits << 32 | point
        # index, so clouds are limited to 2**32 points): depths in [0, 1] order like their bit
        # patterns, so the minimum key is the nearest point and carries its index, with no second
        # pass to find the winners.
        point_keys = (zz.view(np.uint32).astype(np.uint64) << np.uint64(32)) | idx_visible.view(np.uint64)
        local = (0, 0, rect_w, rect_h)
        if sizes.ndim == 0:
            self._splat_group(keys, xv, yv, point_keys, int(sizes), local, rect_w)
        else:
            # sizes are 1..MAX_SPLAT_DIAMETER_PX: counting them is cheaper than np.unique's sort/hash
            present = np.flatnonzero(np.bincount(sizes, minlength=MAX_SPLAT_DIAMETER_PX + 1))
            for n in present:
                select = slice(None) if present.size == 1 else sizes == n
                self._splat_group(keys, xv[select], yv[select], point_keys[select], int(n), local, rect_w)
        color = np.zeros(rect_h * rect_w, dtype=np.uint32)
        depth = np.ones(rect_h * rect_w, dtype=np.float32)
        hit = np.flatnonzero(keys != _EMPTY)
        hit_keys = keys[hit]
        depth[hit] = (hit_keys >> np.uint64(32)).astype(np.uint32).view(np.float32)
        packed = self.packed
        if packed.shape[0] == 1:
            color[hit] = packed[0]
        else:
            color[hit] = packed[(hit_keys & np.uint64(0xFFFFFFFF)).view(np.int64)]
        return Splat(color.view(np.uint8).reshape(rect_h, rect_w, 4), depth.reshape(rect_h, rect_w, 1), x0, y0)

    @staticmethod
    def _splat_group(keys, x, y, point_keys, n: int, rect, width: int) -> None:
        """z-buffer points of one footprint size ``n`` into ``keys``."""
        x0, y0, x1, y1 = rect
        _, offsets = footprint(n)
        start = np.float32(0.5 - n / 2.0)
        xi = np.floor(x + start).astype(np.int64)
        yi = np.floor(y + start).astype(np.int64)
        interior = (xi >= x0) & (xi <= x1 - n) & (yi >= y0) & (yi <= y1 - n)
        parts = [(interior, False)]
        if not interior.all():
            parts.append((~interior, True))
        for select, clip in parts:
            xs_sel, ys_sel, k_sel = xi[select], yi[select], point_keys[select]
            base = ys_sel * width + xs_sel
            for dx, dy in offsets:
                if not clip:  # the whole block is inside the rectangle: no bounds checks
                    np.minimum.at(keys, base + (dy * width + dx), k_sel)
                    continue
                xs, ys = xs_sel + dx, ys_sel + dy
                inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
                np.minimum.at(keys, ys[inside] * width + xs[inside], k_sel[inside])
