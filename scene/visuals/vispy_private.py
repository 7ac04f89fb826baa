"""The one place on the scene side that reads vispy internals: the canvas's current viewport and a node's clippers.

vispy has no public getter for either (``SceneCanvas.push_viewport`` keeps the stack in ``_vp_stack``; a
``ViewBox`` clips its children through ``Node._clippers``); everything else in ``rerun_scene`` goes through
vispy's public API or the hooks a ``Visual`` subclass overrides. The app side has its own adapter for the glfw
backend (``rerun_app.viewer.vispy_glfw``).
"""

from __future__ import annotations

from vispy.scene import Node


def current_viewport(canvas) -> tuple[int, int, int, int]:
    """The GL viewport (x, y, w, h) in framebuffer pixels that ``canvas`` is drawing into right now."""
    stack = canvas._vp_stack
    return tuple(int(v) for v in (stack[-1] if stack else (0, 0, *canvas.physical_size)))


def clippers(visual) -> list:
    """The clippers (``vispy.visuals.filters.Clipper``: ``bounds``, ``transform``) vispy applies to ``visual``:
    the rectangles of the views it is drawn in. None for a visual that is not a scene-graph node."""
    return list(visual._clippers.values()) if isinstance(visual, Node) else []
