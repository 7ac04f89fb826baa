"""Which path draws big point clouds: the CPU splat (software GL) or GL_POINTS (a real GPU).

On Mesa's llvmpipe (or any software rasteriser) z-buffering small points on the CPU is several times
faster than GL_POINTS; on a hardware GPU, GL draws millions of points faster than the CPU can splat
them. ``configure_points_path`` reads the context's ``GL_RENDERER`` once and sets
``PointsVisual.cpu_splat``; ``RERUN_POINTS_PATH=splat|gl|auto`` overrides the choice.
"""

from __future__ import annotations

import logging
import os

from .visuals.points import PointsVisual

log = logging.getLogger(__name__)

ENV = "RERUN_POINTS_PATH"
#: Substrings of ``GL_RENDERER`` that name a software rasteriser (lower case).
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "software rasterizer", "swiftshader", "basic render",
                      "lavapipe")


def is_software_renderer(renderer: str) -> bool:
    """True for a CPU rasteriser (Mesa llvmpipe/softpipe, SwiftShader, Microsoft Basic Render...)."""
    name = renderer.lower()
    return any(s in name for s in SOFTWARE_RENDERERS)


def choose_points_path(renderer: str, override: str | None = None) -> str:
    """``"splat"`` or ``"gl"`` for a ``GL_RENDERER`` string; ``override`` (the env value) wins unless ``"auto"``.

    Raises
    ------
    ValueError
        For an override other than ``splat``, ``gl``, ``auto`` or empty.
    """
    if override:
        value = override.strip().lower()
        if value in ("splat", "gl"):
            return value
        if value != "auto":
            raise ValueError(f"{ENV}: expected 'splat', 'gl' or 'auto', got {override!r}")
    return "splat" if is_software_renderer(renderer) else "gl"


def current_renderer() -> str:
    """``GL_RENDERER`` of the current context ("" when none can be read)."""
    try:
        from vispy.gloo import gl

        value = gl.glGetParameter(gl.GL_RENDERER)
    except Exception:  # noqa: BLE001 (no context yet, or a GL binding without the query)
        return ""
    return value.decode() if isinstance(value, bytes) else str(value or "")


#: While the camera moves, a window on the splat path draws every k-th point of bigger clouds (at most this many),
#: then the whole cloud once the camera stops (``PointsVisual.interactive_max_points``). A 1 M-point cloud costs
#: ~20 ms of CPU per splatted frame here (bench/scene.py), so clouds up to that size are drawn whole while moving.
INTERACTIVE_SPLAT_POINTS = 1_000_000


def configure_points_path(renderer: str | None = None, interactive: bool = False) -> str:
    """Set ``PointsVisual.cpu_splat`` for this process from the renderer (default: the current context's) and
    ``RERUN_POINTS_PATH``; returns the path chosen. A bad override is reported and ignored (auto).

    ``interactive`` (a window, not a screenshot): on the splat path, moving frames of clouds bigger than
    ``INTERACTIVE_SPLAT_POINTS`` draw a subset and the full cloud follows when the camera stops.
    """
    renderer = current_renderer() if renderer is None else renderer
    try:
        path = choose_points_path(renderer, os.environ.get(ENV))
    except ValueError as exc:
        log.warning("%s; choosing from the GL renderer", exc)
        path = choose_points_path(renderer)
    PointsVisual.cpu_splat = path == "splat"
    PointsVisual.interactive_max_points = INTERACTIVE_SPLAT_POINTS if interactive and path == "splat" else None
    log.info("point clouds: %s path (GL renderer %r)", path, renderer or "unknown")
    return path


__all__ = ["ENV", "INTERACTIVE_SPLAT_POINTS", "choose_points_path", "configure_points_path", "current_renderer", "is_software_renderer"]
