"""Compile every kernel for the signatures the viewer uses, filling numba's on-disk cache.

Run ``python -m rerun_kernels.warmup`` once after installing (CI does, before the tests): later processes
then load each kernel from the cache in milliseconds instead of compiling it for about a second.
"""
from __future__ import annotations

import sys
import time

import numpy as np

from . import _dispatch
from .classes import class_color_table, class_ids_to_rgba
from .color import bgr_to_rgb, to_rgba8
from .colormaps import apply_colormap, value_range
from .depth import backproject_depth, depth_cloud
from .points import bounds, finite_mask, voxel_downsample
from .splat import locality_order, splat_points
from .srgb import linear_to_srgb8, srgb_to_linear
from .tensor import slice_tensor
from .yuv import i420_to_rgb, nv12_to_rgb, yuyv_to_rgb

_INTRINSICS = np.array([[4.0, 0.0, 2.0], [0.0, 4.0, 2.0], [0.0, 0.0, 1.0]])


def exercise_all_kernels() -> None:
    """Call every public kernel once per common dtype/layout, on tiny inputs (compiles or loads each)."""
    for dtype in (np.uint16, np.uint32, np.float32, np.float64):
        depth = np.ones((4, 4), dtype)
        backproject_depth(depth, _INTRINSICS, 1.0)
        depth_cloud(depth, _INTRINSICS, 1.0, color_image=np.zeros((4, 4, 3), np.uint8), radius_scale=1.0)
        depth_cloud(depth, _INTRINSICS, 1.0, colormap="turbo")
    for dtype in (np.uint8, np.uint16, np.float32, np.float64, np.int32):
        for channels in (1, 3, 4):
            to_rgba8(np.zeros((2, 2, channels), dtype))
        to_rgba8(np.zeros((2, 2), dtype))
    for dtype in (np.uint8, np.uint16):
        srgb_to_linear(np.zeros((2, 2, 3), dtype), rgba=True)
        srgb_to_linear(np.zeros((2, 2, 4), dtype))
        class_ids_to_rgba(np.zeros((2, 2), dtype), class_color_table({1: (255, 0, 0)}))
    for dtype in (np.float32, np.float64):
        linear_to_srgb8(np.zeros((2, 2, 3), dtype))
        bounds(np.zeros((3, 3), dtype))
        finite_mask(np.zeros((3, 3), dtype))
        voxel_downsample(np.zeros((3, 3), dtype), 0.1)
    for dtype in (np.uint8, np.uint16, np.int32, np.float32, np.float64):
        values = np.zeros((2, 3, 4), dtype)
        apply_colormap(values[0], "viridis")
        apply_colormap(values[:, 1, :], "turbo")  # strided view (tensor slices)
        value_range(values[:, 1, :], ignore_zero=True)
        slice_tensor(values, 0, 2, {1: 0})
        slice_tensor(np.zeros((2, 3, 4, 3), dtype), 0, 1, {2: 1}, color_axis=3)
    bgr_to_rgb(np.zeros((2, 2, 3), np.uint8))
    points = tuple(np.zeros(1, np.float32) for _ in range(3))
    for perspective in (False, True):
        splat_points(points, np.eye(4), np.eye(4)[2], (0, 0), (2, 2), np.ones(1, np.float32), 1.0,
                     np.zeros(1, np.uint32), perspective=perspective)
    locality_order(points)
    frame = np.zeros(4 * 2 * 3 // 2, np.uint8)
    nv12_to_rgb(frame, 4, 2)
    i420_to_rgb(frame, 4, 2, alpha=True)
    yuyv_to_rgb(np.zeros(4 * 2 * 2, np.uint8), 4, 2)


def exercise_each_kernel_once() -> None:
    """Call each kernel once with the inputs a viewer meets first (what a viewer start pays for)."""
    backproject_depth(np.ones((4, 4), np.uint16), _INTRINSICS, 1000.0)
    to_rgba8(np.zeros((2, 2, 3), np.uint8))
    to_rgba8(np.zeros((2, 2), np.uint16))
    to_rgba8(np.zeros((2, 2, 3), np.float32))
    to_rgba8(np.zeros((2, 2), np.int32))
    bgr_to_rgb(np.zeros((2, 2, 3), np.uint8))
    linear_to_srgb8(np.zeros((2, 2, 3), np.float32))
    srgb_to_linear(np.zeros((2, 2, 3), np.uint8))
    apply_colormap(np.zeros((2, 2), np.float32), "turbo")
    class_ids_to_rgba(np.zeros((2, 2), np.uint16))
    nv12_to_rgb(np.zeros(4 * 2 * 3 // 2, np.uint8), 4, 2)
    points = np.zeros((3, 3), np.float32)
    finite_mask(points)
    voxel_downsample(points, 0.1)  # also runs bounds


def main() -> int:
    """Warm every kernel and print how long it took; exit status 0 (also when numba is unavailable)."""
    if not _dispatch.numba_available():
        print("rerun_kernels.warmup: numba unavailable or NUMBA_DISABLE_JIT set; the numpy twins need no warm-up")
        return 0
    started = time.perf_counter()
    with _dispatch.use_backend("numba"):
        exercise_all_kernels()
    elapsed = time.perf_counter() - started
    signatures = sum(len(k.compiled().signatures) for k in _dispatch.REGISTRY if k.is_compiled)
    import numba

    print(f"rerun_kernels.warmup: {len(_dispatch.REGISTRY)} kernels, {signatures} signatures ready in "
          f"{elapsed:.2f} s (NUMBA_CACHE_DIR={numba.config.CACHE_DIR or '<next to the sources>'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
