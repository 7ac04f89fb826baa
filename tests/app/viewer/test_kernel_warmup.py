"""The window warms the depth/colour kernels only once the shown recording has a tensor (each set loaded stays
resident), and the point splat at start."""

from __future__ import annotations

import numpy as np
from _viewer_kit import image, log_row, new_hub, points3d

from rerun_app.viewer import kernel_warmup


def test_pixel_kernels_warm_only_once_a_tensor_is_logged(monkeypatch):
    started: list[str] = []

    class RecordingThread:
        def __init__(self, target, name, daemon):
            self.target, self.name = target, name

        def start(self):
            started.append(self.name)

    monkeypatch.setattr(kernel_warmup.threading, "Thread", RecordingThread)
    hub = new_hub()
    warm = kernel_warmup.KernelWarmUp()
    warm.saw_store(None)
    log_row(hub, "world/points", points3d(np.zeros((3, 3), np.float32)), frame=1)
    warm.saw_store(hub.active)
    assert started == []
    log_row(hub, "world/cam/depth", image(np.full((4, 6), 1000, np.uint16), "depth", 1000.0), frame=1)
    warm.saw_store(hub.active)
    warm.saw_store(hub.active)  # once
    assert started == ["rerun-kernel-warmup-pixels"]
    warm.start()
    assert started == ["rerun-kernel-warmup-pixels", "rerun-kernel-warmup"]

