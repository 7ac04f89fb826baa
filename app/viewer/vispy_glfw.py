"""The one place in the app that touches vispy's canvas-backend privates: the glfw window handle, injecting
mouse events (into the glfw window's backend, or the headless EGL one the web viewer renders with), and reopening
a SceneCanvas's update scheduling after a frame that did not let vispy draw its scene.

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


def reopen_update_scheduling(canvas) -> None:
    """Do what ``SceneCanvas.on_draw`` does before drawing the scene: let the next ``update()`` schedule a frame
    again (a frame that reuses a cached scene picture instead of calling it must, or no frame is ever drawn again)."""
    canvas._update_pending = False
