"""The one place in the app that touches vispy's canvas-backend privates: the glfw window handle and injecting
mouse events (into the glfw window's backend, or the headless EGL one the web viewer renders with).

vispy's backends have no public API for either; everything else in the app goes through this adapter (the scene
side has its own, ``rerun_scene.visuals.vispy_private``).
"""

from __future__ import annotations


class VispyCanvasBackend:
    """The backend behind a vispy ``SceneCanvas`` (any backend), and its mouse event entry points."""

    def __init__(self, canvas) -> None:
        self._backend = canvas._backend

    def mouse_move(self, pos, buttons: list, modifiers: list, keep_every_move: bool = False) -> None:
        """Hand vispy a mouse move; ``keep_every_move``: do not let vispy drop moves closer than 10 ms (a drag)."""
        if keep_every_move:
            self._backend._last_time = 0
        self._backend._vispy_mouse_move(pos=pos, buttons=buttons, modifiers=modifiers)

    def mouse_press(self, pos, button: int, buttons: list, modifiers: list) -> None:
        """Hand vispy a mouse press."""
        self._backend._vispy_mouse_press(pos=pos, button=button, buttons=buttons, modifiers=modifiers)

    def mouse_release(self, pos, button: int, buttons: list, modifiers: list) -> None:
        """Hand vispy a mouse release."""
        self._backend._vispy_mouse_release(pos=pos, button=button, buttons=buttons, modifiers=modifiers)


class GlfwCanvasBackend(VispyCanvasBackend):
    """The glfw window behind a vispy ``SceneCanvas`` (``app="glfw"``), and its mouse event entry points."""

    @property
    def window(self):
        """The glfw window handle (for ``glfw.set_*_callback``)."""
        return self._backend._id
