"""Image and depth conversions for the views, through ``rerun_kernels`` (numba) when it provides them.

The small numpy fallbacks keep the viewer usable while a kernel is missing (e.g. a partial install); they follow
the kernels' documented contracts (reference: briefs for ``rerun_kernels``) but are not tuned for speed.
"""

from __future__ import annotations

import numpy as np


def _kernel(name: str):
    try:
        import rerun_kernels
    except ImportError:
        return None
    return getattr(rerun_kernels, name, None)


def backproject_depth(depth: np.ndarray, intrinsics: np.ndarray, meter: float) -> np.ndarray:
    """(N, 3) float32 camera-frame points (x right, y down, z forward) of the valid pixels, row-major order."""
    fn = _kernel("backproject_depth")
    if fn is not None:
        return fn(depth, intrinsics, meter=meter)
    k = np.asarray(intrinsics, dtype=np.float64)
    z = np.asarray(depth, dtype=np.float64) / float(meter)
    valid = np.isfinite(z) & (z > 0)
    rows, cols = np.nonzero(valid)
    zv = z[rows, cols]
    x = (cols + 0.5 - k[0, 2]) * zv / k[0, 0]
    y = (rows + 0.5 - k[1, 2]) * zv / k[1, 1]
    return np.stack([x, y, zv], axis=1).astype(np.float32)


def valid_depth_values(depth: np.ndarray, meter: float) -> np.ndarray:
    """Depth in metres of the valid pixels, in the order :func:`backproject_depth` emits points."""
    z = np.asarray(depth, dtype=np.float64) / float(meter)
    return z[np.isfinite(z) & (z > 0)]


def apply_colormap(values: np.ndarray, name: str = "turbo", vmin=None, vmax=None) -> np.ndarray:
    """(..., 4) uint8 colours for scalar ``values`` (robust auto range when vmin/vmax are None)."""
    fn = _kernel("apply_colormap")
    if fn is not None:
        return fn(values, name, vmin=vmin, vmax=vmax)
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    lo = float(finite.min()) if vmin is None and finite.size else float(vmin or 0.0)
    hi = float(finite.max()) if vmax is None and finite.size else float(vmax or 1.0)
    t = np.clip((v - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    t = np.nan_to_num(t)
    g = (t * 255).astype(np.uint8)
    return np.stack([g, g, g, np.full_like(g, 255)], axis=-1)


def to_rgba8(image: np.ndarray) -> np.ndarray:
    """(H, W, 4) uint8 display colours for an (H, W), (H, W, 1|3|4) image of any logged dtype."""
    fn = _kernel("to_rgba8")
    if fn is not None:
        return fn(image)
    img = np.asarray(image)
    if img.ndim == 2:
        img = img[..., None]
    if img.dtype == np.uint8:
        u8 = img
    elif img.dtype == np.uint16:
        u8 = (img >> 8).astype(np.uint8)
    elif img.dtype.kind == "f":
        u8 = (np.clip(np.nan_to_num(img), 0, 1) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8)
    else:
        u8 = np.clip(img, 0, 255).astype(np.uint8)
    h, w, c = u8.shape
    out = np.empty((h, w, 4), dtype=np.uint8)
    if c == 1:
        out[..., :3] = u8
        out[..., 3] = 255
    elif c == 3:
        out[..., :3] = u8
        out[..., 3] = 255
    else:
        out[...] = u8[..., :4]
    return out


def image_shape(array: np.ndarray) -> tuple[int, int, int] | None:
    """(H, W, C) when ``array`` is image-shaped (H×W, H×W×1/3/4, trailing 1-dims squeezed), else None."""
    shape = list(array.shape)
    while len(shape) > 2 and shape[0] == 1:
        shape.pop(0)
    while len(shape) > 3 and shape[-1] == 1:
        shape.pop()
    if len(shape) == 2:
        return shape[0], shape[1], 1
    if len(shape) == 3 and shape[2] in (1, 3, 4):
        return shape[0], shape[1], shape[2]
    return None
