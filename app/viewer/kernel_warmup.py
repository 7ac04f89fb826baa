"""Loading numba kernels in a background thread before the first frame that needs them, and only those a
recording can use: the point splat at window start, the depth/colour kernels once an entity has a tensor.

Each set of kernels loaded costs resident memory for good (numba's code and LLVM's state, ~25 MB for the
depth/colour ones), so a recording without images does not pay for them.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
from rerun import components as C

log = logging.getLogger(__name__)


class KernelWarmUp:
    """Starts the warm-up threads; :meth:`saw_store` is called with the shown store every frame (cheap: it looks
    at the components only when the number of entities changed, and not at all once the pixel kernels started)."""

    def __init__(self) -> None:
        self._pixels_started = False
        self._entities_checked = -1

    def start(self) -> None:
        """Warm the point splat now (what the first big cloud's frame would otherwise wait ~0.25-1 s for)."""
        threading.Thread(target=_warm_up_point_splat, name="rerun-kernel-warmup", daemon=True).start()

    def saw_store(self, store) -> None:
        """Warm the depth/colour kernels the first time ``store`` (a ``rerun_app.store.Store`` or None) holds a tensor."""
        if self._pixels_started or store is None:
            return
        paths = store.entity_paths()
        if len(paths) == self._entities_checked:
            return
        self._entities_checked = len(paths)
        if any(C.TENSOR in store.components(path) for path in paths):
            self._pixels_started = True
            threading.Thread(target=warm_up_pixel_kernels, name="rerun-kernel-warmup-pixels", daemon=True).start()


def _warm_up_point_splat() -> None:
    try:
        from rerun_scene.visuals.splat import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 (an optimisation only: the real call reports any problem)
        log.debug("point splat warm-up failed", exc_info=True)


def warm_up_pixel_kernels() -> None:
    """Load the compiled depth/colour kernels now, so the first depth frame of a stream does not stall the window
    for the cache load."""
    try:
        from rerun_app.views import pixels

        depth = np.full((4, 4), 1000, np.uint16)
        intrinsics = np.array([[2.0, 0, 2], [0, 2.0, 2], [0, 0, 1]])
        pixels.depth_cloud(depth, intrinsics, 1000.0, colormap="turbo")
        pixels.depth_cloud(depth, intrinsics, 1000.0, color_image=np.zeros((4, 4, 3), np.uint8))
        pixels.apply_colormap(depth, "turbo", ignore_zero=True)
        pixels.to_rgba8(np.zeros((4, 4, 3), np.uint8))
    except Exception:  # noqa: BLE001 (an optimisation only: the real call reports any problem)
        log.debug("depth/colour kernel warm-up failed", exc_info=True)
