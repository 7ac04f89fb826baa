"""Depth image + pinhole intrinsics → points in the camera frame (optionally coloured, with radii).

Conventions: pixel (row v, column u) covers [u, u+1) × [v, v+1) in image coordinates and is back-projected
through its centre (u + 0.5, v + 0.5), so a pinhole whose principal point is (width/2, height/2) — what
``log_pinhole`` examples log — looks through the middle of the image (the team's examples generate depth the
same way). The camera frame is x right, y down, z forward (RDF), and z = depth value / meter.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _checks
from ._dispatch import kernel
from .color import parse_value_range, to_rgba8, unpack_rgba
from .colormaps import apply_colormap_packed, colormap_name

class DepthCloud(NamedTuple):
    """Result of :func:`depth_cloud`: points plus the optional per-point attributes that were asked for."""

    points: np.ndarray  #: (N, 3) float32, camera frame
    colors: np.ndarray | None  #: (N, 4) uint8 RGBA, or None
    radii: np.ndarray | None  #: (N,) float32, or None


def _backproject_numpy(depth, inverse_k, scale, max_z, step, colors, radius_factor,
                       out_points, out_colors, out_radii):
    rows, cols = depth.shape
    sub = depth[::step, ::step]
    z_all = sub.astype(np.float64) * scale
    valid = (z_all > 0.0) & (z_all <= max_z)
    r, c = np.nonzero(valid)
    v = (r * step).astype(np.float64)
    u = (c * step).astype(np.float64)
    z = z_all[r, c]
    n = z.size
    out_points[:n, 0] = (inverse_k[0] * u + inverse_k[1] * v + inverse_k[2]) * z
    out_points[:n, 1] = (inverse_k[3] * u + inverse_k[4] * v + inverse_k[5]) * z
    out_points[:n, 2] = z
    if colors.shape[0] > 0 and colors.shape[1] > 0:
        color_rows, color_cols = colors.shape
        cr = ((2 * r * step + 1) * color_rows) // (2 * rows)
        cc = ((2 * c * step + 1) * color_cols) // (2 * cols)
        out_colors[:n] = colors[cr, cc]
    if radius_factor > 0.0:
        out_radii[:n] = z * radius_factor
    return n


@kernel(numpy_twin=_backproject_numpy)
def _backproject(depth, inverse_k, scale, max_z, step, colors, radius_factor,
                 out_points, out_colors, out_radii):
    rows, cols = depth.shape
    color_rows, color_cols = colors.shape
    with_colors = color_rows > 0 and color_cols > 0
    with_radii = radius_factor > 0.0
    a00, a01, a02, a10, a11, a12 = inverse_k[0], inverse_k[1], inverse_k[2], inverse_k[3], inverse_k[4], inverse_k[5]
    # Nearest colour column of each depth column (pixel centres aligned), computed once: no division per pixel.
    color_col = np.zeros(cols if with_colors else 0, np.int64)
    for u in range(0, cols if with_colors else 0, step):
        color_col[u] = ((2 * u + 1) * color_cols) // (2 * cols)
    n = 0
    for v in range(0, rows, step):
        x_row = a01 * v + a02
        y_row = a11 * v + a12
        cr = ((2 * v + 1) * color_rows) // (2 * rows)
        for u in range(0, cols, step):
            z = float(depth[v, u]) * scale
            # Branchless compaction: always write slot n, advance n only for a valid depth (NaN fails both).
            out_points[n, 0] = (a00 * u + x_row) * z
            out_points[n, 1] = (a10 * u + y_row) * z
            out_points[n, 2] = z
            if with_colors:
                out_colors[n] = colors[cr, color_col[u]]
            if with_radii:
                out_radii[n] = z * radius_factor
            n += (z > 0.0) & (z <= max_z)
    return n


def _inverse_intrinsics(intrinsics) -> tuple[np.ndarray, float, float]:
    k = np.asarray(intrinsics, dtype=np.float64) if not isinstance(intrinsics, np.ndarray) else intrinsics
    if k.dtype.kind not in "uif" or k.shape != (3, 3):
        raise ValueError(f"intrinsics: expected a 3x3 real matrix (log_pinhole's child_from_parent, row-major), "
                         f"got shape {np.shape(intrinsics)} and dtype {k.dtype}")
    k = k.astype(np.float64)
    if not np.all(np.isfinite(k)):
        raise ValueError(f"intrinsics: expected finite values, got {k.tolist()}")
    if k[2, 2] == 0.0 or not np.allclose(k[2] / k[2, 2], (0.0, 0.0, 1.0)):
        raise ValueError(f"intrinsics: expected a last row of (0, 0, 1), got {k[2].tolist()}")
    k = k / k[2, 2]
    if k[0, 0] == 0.0 or k[1, 1] == 0.0 or abs(np.linalg.det(k)) < 1e-300:
        raise ValueError(f"intrinsics: expected non-zero focal lengths, got fx={k[0, 0]}, fy={k[1, 1]}")
    inverse = np.linalg.inv(k)
    # The kernels iterate integer pixel indices; fold the half-pixel shift to pixel centres into the constants.
    inverse[:2, 2] += 0.5 * (inverse[:2, 0] + inverse[:2, 1])
    return np.ascontiguousarray(inverse[:2].reshape(6)), float(k[0, 0]), float(k[1, 1])


def _prepare(depth, intrinsics, meter, max_depth, step):
    image = _checks.real_array(depth, "depth")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim != 2:
        raise ValueError(f"depth: expected a 2-D depth image (H, W), got shape {image.shape}")
    inverse_k, fx, fy = _inverse_intrinsics(intrinsics)
    meter = 1.0 if meter is None else _checks.finite_float(meter, "meter")
    if meter <= 0.0:
        raise ValueError(f"meter: expected a positive number of depth units per metre, got {meter}")
    max_z = np.finfo(np.float64).max if max_depth is None else _checks.finite_float(max_depth, "max_depth")
    step = _checks.positive_int(step, "step")
    return image, inverse_k, fx, fy, 1.0 / meter, max_z, step


def _capacity(image, step) -> int:
    return (-(-image.shape[0] // step)) * (-(-image.shape[1] // step))


def backproject_depth(depth, intrinsics, meter=1.0, *, max_depth=None, step=1, out=None) -> np.ndarray:
    """Back-project a depth image to 3-D points in the camera frame.

    Parameters
    ----------
    depth : array_like
        (H, W) depth image of any real dtype (uint16, uint32, float32, float64, ...); views and big-endian
        arrays are accepted. 0, negative, NaN and inf values are skipped.
    intrinsics : array_like
        3x3 pinhole matrix, row-major, as ``log_pinhole(child_from_parent=...)`` takes it. The wire's
        ``rerun.transform`` Pinhole ``image_from_cam`` is column-major: reshape it to 3x3 and transpose first.
    meter : float or None
        Depth units per metre (``log_depth_image``'s ``meter``): z = depth / meter. None means 1.
    max_depth : float, optional
        Skip points whose z (in metres) is beyond this.
    step : int
        Use every ``step``-th pixel in both directions (thins huge images).
    out : numpy.ndarray, optional
        (capacity, 3) float32 scratch buffer to reuse, capacity ≥ ceil(H/step) * ceil(W/step).

    Returns
    -------
    numpy.ndarray
        (N, 3) float32, one point per valid pixel in row-major order (a view of ``out`` when given); pixel
        (v, u) goes through the ray of its centre (u + 0.5, v + 0.5).
    """
    image, inverse_k, _, _, scale, max_z, step = _prepare(depth, intrinsics, meter, max_depth, step)
    capacity = _capacity(image, step)
    if out is None:
        points = np.empty((capacity, 3), np.float32)
    else:
        if not isinstance(out, np.ndarray) or out.dtype != np.float32 or out.ndim != 2 or out.shape[1] != 3 \
                or out.shape[0] < capacity:
            raise ValueError(f"out: expected a float32 array of shape (≥{capacity}, 3), got "
                             f"{getattr(out, 'shape', type(out).__name__)} {getattr(out, 'dtype', '')}")
        points = out
    if capacity == 0:
        return points[:0]
    no_colors = np.zeros((0, 0), np.uint32)
    n = _backproject(image, inverse_k, scale, max_z, step, no_colors, 0.0, points,
                     np.zeros(0, np.uint32), np.zeros(0, np.float32))
    return points[:n]


def depth_cloud(depth, intrinsics, meter=1.0, *, max_depth=None, step=1, color_image=None, colormap=None,
                depth_range=None, radius_scale=None) -> DepthCloud:
    """Back-project a depth image and attach per-point colours and radii.

    Parameters
    ----------
    depth, intrinsics, meter, max_depth, step
        As for :func:`backproject_depth`.
    color_image : array_like, optional
        An image ``to_rgba8`` accepts ((H2, W2), (H2, W2, 3|4), uint8/uint16/float), of the same or another
        resolution covering the same field of view; each point takes the nearest pixel's colour.
    colormap : str, optional
        Colour points by depth through this colormap instead (ignored when ``color_image`` is given).
    depth_range : (float, float), optional
        z range (metres) spanned by the colormap; default: the min/max z of the cloud.
    radius_scale : float, optional
        Give each point a radius of ``radius_scale`` × half its pixel footprint at its depth
        (``0.5 * step * z / sqrt(fx * fy)``): 1.0 makes neighbouring points touch.

    Returns
    -------
    DepthCloud
        ``points`` (N, 3) float32; ``colors`` (N, 4) uint8 or None; ``radii`` (N,) float32 or None.
    """
    image, inverse_k, fx, fy, scale, max_z, step = _prepare(depth, intrinsics, meter, max_depth, step)
    capacity = _capacity(image, step)
    points = np.empty((capacity, 3), np.float32)
    colors_packed = np.zeros((0, 0), np.uint32)
    want_colors = color_image is not None or colormap is not None
    if color_image is not None:
        colors_packed = to_rgba8(color_image).view(np.uint32)[:, :, 0]
        if colors_packed.size == 0:
            raise ValueError(f"color_image: expected at least one pixel, got shape {np.shape(color_image)}")
    if depth_range is not None:
        depth_range = parse_value_range(depth_range, "depth_range")
    if colormap is not None:
        colormap = colormap_name(colormap)
    out_colors = np.empty(capacity if color_image is not None else 0, np.uint32)
    radius_factor = 0.0
    if radius_scale is not None:
        radius_scale = _checks.finite_float(radius_scale, "radius_scale")
        if radius_scale <= 0.0:
            raise ValueError(f"radius_scale: expected a positive number, got {radius_scale}")
        radius_factor = radius_scale * 0.5 * step / np.sqrt(abs(fx * fy))
    out_radii = np.empty(capacity if radius_factor > 0.0 else 0, np.float32)
    n = 0
    if capacity:
        n = _backproject(image, inverse_k, scale, max_z, step, colors_packed, radius_factor,
                         points, out_colors, out_radii)
    points = points[:n]
    colors = None
    if color_image is not None:
        colors = unpack_rgba(out_colors[:n])
    elif want_colors:
        low, high = (None, None) if depth_range is None else depth_range
        colors = unpack_rgba(apply_colormap_packed(points[:, 2], colormap, low, high))
    radii = out_radii[:n] if radius_factor > 0.0 else None
    return DepthCloud(points, colors, radii)
