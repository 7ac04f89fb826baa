"""CPU z-buffered splatting of points into colour + depth images.

Mesa's software GL spends ~0.3-0.5 us per GL_POINTS vertex; projecting and z-buffering the same
points in one compiled pass (``rerun_kernels.splat``, numba with a numpy twin) costs a fraction of
that for small screen footprints. :class:`PointsVisual` uses this for big opaque clouds; the result
feeds the impostor cache's depth-writing quad, so occlusion with GL-drawn layers stays exact per
pixel. Only the view's rectangle is cleared and z-buffered, and only the part the points cover is
handed back for upload.
"""

from __future__ import annotations

import os
import threading
from typing import NamedTuple

import numpy as np
from rerun_kernels.splat import empty_keys, locality_order, scratch_pixels, splat_points

#: Splatting pays only for small footprints; larger points go to GL.
MAX_SPLAT_DIAMETER_PX = 4

#: Clouds with at least this many points are splatted by one thread per CPU core (at most ``MAX_SPLAT_THREADS``);
#: below it, handing work to a second thread costs more than it saves.
THREADED_MIN_POINTS = 200_000
MAX_SPLAT_THREADS = 2

#: Clouds with at least this many points are put in a cache-friendly order (``rerun_kernels.splat.locality_order``)
#: when they are splatted a second time (the camera moved): a stream of new clouds, each splatted once, does not pay
#: for it, and smaller clouds' pixels stay in cache in any order.
LOCALITY_MIN_POINTS = 200_000


def _splat_threads(points: int) -> int:
    if points < THREADED_MIN_POINTS:
        return 1
    return max(1, min(MAX_SPLAT_THREADS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


class _KeyScratch:
    """The z-buffer scratch every splatter in the process shares (the kernels leave it all-empty after each call,
    so it needs no clearing and any rectangle can reuse it): one buffer per thread, as big as the largest rectangle
    splatted so far. A lock keeps a background warm-up from splatting into it at the same time as a frame."""

    def __init__(self):
        self.lock = threading.Lock()
        self._keys = empty_keys(0, 0)

    def get(self, layers: int, pixels: int) -> np.ndarray:
        """The buffer (hold ``lock`` while using it), grown to ``layers`` x ``pixels`` if smaller."""
        if self._keys.shape[0] < layers or self._keys.shape[1] < pixels:
            self._keys = empty_keys(max(layers, self._keys.shape[0]), max(pixels, self._keys.shape[1]))
        return self._keys


_SCRATCH = _KeyScratch()


class Splat(NamedTuple):
    """A CPU rendering of a rectangle of the framebuffer, in GL row order (row 0 at the bottom)."""

    color: np.ndarray  #: (h, w, 4) uint8 RGBA, alpha 0 where no point landed
    depth: np.ndarray  #: (h, w, 1) float32 window depth, 1.0 where no point landed
    x0: int  #: framebuffer column of the images' first column
    y0: int  #: framebuffer row of the images' first row


class PointSplatter:
    """Columns (colours, radii) of one point cloud, kept for splatting it many times.

    The picture does not depend on the order of the points (equal depths go to the lower colour value), so from
    its second splat on a big cloud is kept in :func:`~rerun_kernels.splat.locality_order`, and threads may
    z-buffer shares of it in any order.

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
        self.radii = np.ascontiguousarray(radii.reshape(1) if radii.ndim == 0 else radii[keep])
        self.splats = 0  #: calls of :meth:`splat` so far
        self.in_locality_order = False

    def _put_in_locality_order(self) -> None:
        order = locality_order(self.columns)
        self.columns = [c[order] for c in self.columns]
        if self.packed.shape[0] > 1:
            self.packed = self.packed[order]
        if self.radii.shape[0] > 1:
            self.radii = self.radii[order]
        self.in_locality_order = True

    def every(self, step: float) -> "PointSplatter":
        """A splatter of every ``ceil(step)``-th point (a level-of-detail subset; itself when step <= 1)."""
        k = int(np.ceil(step))
        if k <= 1:
            return self
        subset = PointSplatter.__new__(PointSplatter)
        subset.columns = [np.ascontiguousarray(c[::k]) for c in self.columns]
        subset.packed = self.packed if self.packed.shape[0] == 1 else np.ascontiguousarray(self.packed[::k])
        subset.radii = self.radii if self.radii.shape[0] == 1 else np.ascontiguousarray(self.radii[::k])
        subset.splats, subset.in_locality_order = 0, self.in_locality_order
        return subset

    def splat(self, fb_from_local, to_ndc_z, size, rect, px_per_radius: float, perspective: bool = False):
        """Render the points that fall in ``rect``; return the part of it they cover.

        Returns a :class:`Splat` (colour + window depth of the smallest rectangle holding every drawn pixel,
        inside ``rect`` clamped to the framebuffer; empty images when nothing is drawn), or None when some
        visible point would be wider than ``MAX_SPLAT_DIAMETER_PX`` (the caller then draws with GL). Only
        ``rect`` is cleared and z-buffered (``rerun_kernels.splat``: numba, or its numpy twin), and only what
        the points cover is returned to upload: a view covering part of a window costs its own area.

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
        points = self.columns[0].shape[0]
        self.splats += 1
        if self.splats == 2 and points >= LOCALITY_MIN_POINTS and not self.in_locality_order:
            self._put_in_locality_order()
        threads = _splat_threads(points)
        with _SCRATCH.lock:
            result = splat_points(self.columns, fb_from_local, to_ndc_z, (x0, y0), (y1 - y0, x1 - x0), self.radii,
                                  px_per_radius, self.packed, perspective=perspective,
                                  max_diameter=MAX_SPLAT_DIAMETER_PX, threads=threads,
                                  keys=_SCRATCH.get(threads, scratch_pixels((y1 - y0, x1 - x0), MAX_SPLAT_DIAMETER_PX)))
        if result is None:
            return None
        color, depth, (c0, r0, _, _) = result
        h, w = color.shape
        return Splat(color.view(np.uint8).reshape(h, w, 4), depth, x0 + int(c0), y0 + int(r0))


def warm_up() -> None:
    """Compile (or load from numba's cache) the splat kernels now, e.g. from a background thread at window start:
    the first CPU-splatted frame otherwise waits ~0.25 s (cached) to ~1 s (first run after install) for them."""
    splatter = PointSplatter(np.zeros((1, 3), np.float32), np.zeros(4, np.uint8), 0.5, None)
    splatter.splat(np.eye(4), np.eye(4)[2], (2, 2), (0, 0, 2, 2), 1.0)
    splatter._put_in_locality_order()  # what a big cloud's second splat runs
