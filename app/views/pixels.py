"""Image and depth conversions for the views: thin wrappers over ``rerun_kernels`` (numba, with numpy twins)."""

from __future__ import annotations

import numpy as np
import rerun_kernels


def depth_cloud(depth, intrinsics, meter: float, *, step: int = 1, color_image=None, colormap: str | None = None,
                radius_scale: float | None = 1.0):
    """Back-project every ``step``-th pixel (in both directions) of ``depth`` under a row-major pinhole
    ``intrinsics``; colours from ``color_image`` (nearest pixel, any resolution) or ``colormap`` of depth; world-unit
    radii of ``radius_scale`` × half a (``step``-pixel) footprint, so a decimated cloud still closes its surfaces.

    Returns ``rerun_kernels.DepthCloud`` (``points`` (N, 3) float32 in the camera frame, ``colors``, ``radii``).
    """
    return rerun_kernels.depth_cloud(depth, np.asarray(intrinsics, dtype=np.float64), meter, step=step,
                                     color_image=color_image,
                                     colormap=colormap, radius_scale=radius_scale)


def source_pixel(intrinsics, point) -> tuple[int, int]:
    """(column, row) of the depth pixel that :func:`depth_cloud` back-projected to camera-frame ``point`` (it
    back-projects pixel centres: the point projects inside its pixel)."""
    projected = np.asarray(intrinsics, np.float64) @ np.asarray(point, np.float64)[:3]
    if not projected[2] > 0:
        raise ValueError(f"point: expected a point in front of the camera (z > 0), got {tuple(point)}")
    return int(np.floor(projected[0] / projected[2])), int(np.floor(projected[1] / projected[2]))


def apply_colormap(values: np.ndarray, name: str = "turbo", vmin=None, vmax=None, *,
                   ignore_zero: bool = False) -> np.ndarray:
    """(..., 4) uint8 colours for scalar ``values`` (auto range from the finite values when vmin/vmax are None;
    with ``ignore_zero`` zeros are invalid too, as in depth images); invalid values are transparent black."""
    return rerun_kernels.apply_colormap(values, name, vmin=vmin, vmax=vmax, ignore_zero=ignore_zero)


def to_rgba8(image: np.ndarray) -> np.ndarray:
    """(H, W, 4) uint8 display colours for an (H, W), (H, W, 1|3|4) image of any logged dtype."""
    return rerun_kernels.to_rgba8(image)


def image_shape(array) -> tuple[int, int, int] | None:
    """(H, W, C) when ``array`` (or a shape tuple) is image-shaped (H×W, H×W×1/3/4; 1-dims squeezed), else None."""
    shape = list(getattr(array, "shape", array))
    while len(shape) > 2 and shape[0] == 1:
        shape.pop(0)
    while len(shape) > 3 and shape[-1] == 1:
        shape.pop()
    if len(shape) == 2:
        return shape[0], shape[1], 1
    if len(shape) == 3 and shape[2] in (1, 3, 4):
        return shape[0], shape[1], shape[2]
    return None
