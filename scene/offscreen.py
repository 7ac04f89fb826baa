"""Headless rendering through EGL: a SceneCanvas without a window, read back as RGBA8.

Call :func:`use_headless` before anything creates a canvas (it selects vispy's ``egl`` app, which
is process-wide: do it in the process that renders, e.g. a screenshot subprocess, not in a
process that also opens glfw windows).
"""

from __future__ import annotations

import os
from typing import Callable

import numpy as np


def use_headless() -> None:
    """Select vispy's EGL backend (surfaceless Mesa when no platform is set).

    Raises RuntimeError naming the backend already chosen if this process picked another one.
    """
    os.environ.setdefault("EGL_PLATFORM", "surfaceless")
    from vispy import app

    try:
        app.use_app("egl")
    except RuntimeError as exc:
        raise RuntimeError(
            f"headless rendering needs vispy's 'egl' app, but this process chose another ({exc}); "
            "render in a separate process"
        ) from exc


def create_canvas(size: tuple[int, int] = (640, 480), bgcolor="black"):
    """A hidden :class:`vispy.scene.SceneCanvas` of ``size`` = (width, height) on the EGL backend."""
    use_headless()
    from vispy import scene

    width, height = (int(v) for v in size)
    if width <= 0 or height <= 0:
        raise ValueError(f"size: expected positive (width, height), got {size!r}")
    return scene.SceneCanvas(size=(width, height), show=False, bgcolor=bgcolor)


def read_pixels(canvas) -> np.ndarray:
    """Draw ``canvas`` now and return its pixels as an (H, W, 4) uint8 array, row 0 at the top."""
    image = canvas.render(alpha=True)
    return np.ascontiguousarray(image, dtype=np.uint8)


def render(build: Callable, size: tuple[int, int] = (640, 480), bgcolor="black") -> np.ndarray:
    """Create a headless canvas, let ``build(canvas)`` fill it, and return one rendered frame.

    Example
    -------
    >>> def build(canvas):
    ...     view = SpaceView3D(canvas)
    ...     view.set_layer("cloud", PointBatch(positions))
    >>> image = render(build, (1280, 720))
    """
    canvas = create_canvas(size, bgcolor)
    try:
        build(canvas)
        return read_pixels(canvas)
    finally:
        canvas.close()
