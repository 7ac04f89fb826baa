"""Input events from a page applied to a headless viewer, as the window's glfw callbacks would (GL thread only).

Every event goes to ImGui. A press goes to vispy only inside a space view's rectangle not covered by another ImGui
window (the same rule as the window's :class:`~rerun_app.viewer.input.InputRouter`); a drag that started in a view
stays there until release. Keys reach the viewer's shortcuts only when ImGui does not want the keyboard and the
last press was not in a panel (``want_capture_keyboard`` is stale when a click and keys arrive together).
"""

from __future__ import annotations

import glfw
from imgui_bundle import imgui
from vispy.util import keys as vkeys

from rerun_app.viewer.input import topmost_imgui_window
from rerun_app.viewer.vispy_glfw import VispyCanvasBackend
from rerun_app.web.input_events import Char, InputEvent, Key, Pointer, Resize, Wheel

#: Browser wheel units (pixels) per ImGui / vispy wheel step.
WHEEL_PIXELS_PER_STEP = 100.0
_IMGUI_BUTTON = {1: 0, 2: 1, 3: 2}
_VISPY_MODS = {"Shift": vkeys.SHIFT, "Control": vkeys.CONTROL, "Alt": vkeys.ALT, "Meta": vkeys.META}
_GLFW_MODS = {"Shift": glfw.MOD_SHIFT, "Control": glfw.MOD_CONTROL, "Alt": glfw.MOD_ALT, "Meta": glfw.MOD_SUPER}
_NAMED_KEYS = {
    "Tab": ("tab", glfw.KEY_TAB), "ArrowLeft": ("left_arrow", glfw.KEY_LEFT),
    "ArrowRight": ("right_arrow", glfw.KEY_RIGHT), "ArrowUp": ("up_arrow", glfw.KEY_UP),
    "ArrowDown": ("down_arrow", glfw.KEY_DOWN), "PageUp": ("page_up", glfw.KEY_PAGE_UP),
    "PageDown": ("page_down", glfw.KEY_PAGE_DOWN), "Home": ("home", glfw.KEY_HOME), "End": ("end", glfw.KEY_END),
    "Insert": ("insert", glfw.KEY_INSERT), "Delete": ("delete", glfw.KEY_DELETE),
    "Backspace": ("backspace", glfw.KEY_BACKSPACE), " ": ("space", glfw.KEY_SPACE), "Enter": ("enter", glfw.KEY_ENTER),
    "Escape": ("escape", glfw.KEY_ESCAPE), "Control": ("left_ctrl", glfw.KEY_LEFT_CONTROL),
    "Shift": ("left_shift", glfw.KEY_LEFT_SHIFT), "Alt": ("left_alt", glfw.KEY_LEFT_ALT),
    "Meta": ("left_super", glfw.KEY_LEFT_SUPER),
}


def key_codes(key: str) -> tuple["imgui.Key | None", int | None]:
    """(ImGui key, glfw key code) for a ``KeyboardEvent.key`` value; (None, None) for keys we do not map."""
    if key in _NAMED_KEYS:
        name, code = _NAMED_KEYS[key]
        return getattr(imgui.Key, name), code
    if len(key) == 1 and key.isascii() and key.isalpha():
        return getattr(imgui.Key, key.lower()), glfw.KEY_A + ord(key.lower()) - ord("a")
    if len(key) == 1 and key.isdigit():
        return getattr(imgui.Key, f"_{key}"), glfw.KEY_0 + int(key)
    return None, None


class RemoteInput:
    """Applies page input to ``viewer`` (a headless :class:`~rerun_app.viewer.viewer.Viewer`).

    Also serves as the viewer's ``input`` (it answers :meth:`view_under` for hover picking).
    """

    def __init__(self, viewer) -> None:
        self.viewer = viewer
        self.canvas = viewer.canvas
        self.backend = VispyCanvasBackend(viewer.canvas)
        self.pos = (0.0, 0.0)
        self.vispy_buttons: list[int] = []
        self.focus_in_view = True  # where the last press went: keys go to the 3D view only then
        self.unmapped_keys = 0

    def view_under(self, x: float, y: float) -> str | None:
        """The space view window that takes a press at (x, y), or None (ImGui keeps it)."""
        top = topmost_imgui_window(x, y)
        for name, (rx, ry, rw, rh) in self.viewer.view_rects_by_window().items():
            if rx <= x < rx + rw and ry <= y < ry + rh and (top is None or top == name):
                return name
        return None

    def apply(self, event: InputEvent) -> None:
        """Feed one event to ImGui and, where it belongs, to vispy and the viewer's shortcuts."""
        if isinstance(event, Pointer):
            self._pointer(event)
        elif isinstance(event, Wheel):
            self._wheel(event)
        elif isinstance(event, Key):
            self._key(event)
        elif isinstance(event, Char):
            for ch in event.data:
                imgui.get_io().add_input_character(ord(ch))
        elif isinstance(event, Resize):
            self.resize(event.width, event.height)
        self.viewer.request_redraw()

    def resize(self, width: int, height: int) -> None:
        """Render frames of this size from now on (vispy's EGL backend needs the resize event emitted by hand)."""
        if tuple(self.canvas.size) == (width, height):
            return
        self.canvas.size = (width, height)
        self.canvas.events.resize(size=(width, height), physical_size=(width, height))

    def _mods(self, names) -> list:
        return [_VISPY_MODS[m] for m in names if m in _VISPY_MODS]

    def _pointer(self, event: Pointer) -> None:
        io = imgui.get_io()
        self.pos = (event.x, event.y)
        io.add_mouse_pos_event(event.x, event.y)
        mods = self._mods(event.modifiers)
        if event.kind == "pointer_move":
            # while dragging, keep every move: vispy drops moves < 10 ms apart, and network input comes in bursts
            self.backend.mouse_move(self.pos, list(self.vispy_buttons), mods, keep_every_move=bool(self.vispy_buttons))
            return
        if event.kind == "double_click":
            if self.view_under(*self.pos) is not None:
                self.viewer.double_click(self.pos)
            return
        io.add_mouse_button_event(_IMGUI_BUTTON[event.button], event.kind == "pointer_down")
        if event.kind == "pointer_down":
            in_view = bool(self.vispy_buttons) or self.view_under(*self.pos) is not None
            self.focus_in_view = in_view
            if in_view and event.button not in self.vispy_buttons:
                self.vispy_buttons.append(event.button)
                self.backend.mouse_press(self.pos, event.button, list(self.vispy_buttons), mods)
        elif event.button in self.vispy_buttons:
            self.vispy_buttons.remove(event.button)
            self.backend.mouse_release(self.pos, event.button, list(self.vispy_buttons), mods)

    def _wheel(self, event: Wheel) -> None:
        io = imgui.get_io()
        self.pos = (event.x, event.y)
        io.add_mouse_pos_event(event.x, event.y)
        steps = (-event.dx / WHEEL_PIXELS_PER_STEP, -event.dy / WHEEL_PIXELS_PER_STEP)
        io.add_mouse_wheel_event(*steps)
        if self.view_under(*self.pos) is not None:
            self.canvas.events.mouse_wheel(pos=self.pos, delta=steps, buttons=list(self.vispy_buttons),
                                           modifiers=self._mods(event.modifiers))

    def _key(self, event: Key) -> None:
        io = imgui.get_io()
        for name, imgui_mod in (("Control", imgui.Key.mod_ctrl), ("Shift", imgui.Key.mod_shift),
                                ("Alt", imgui.Key.mod_alt), ("Meta", imgui.Key.mod_super)):
            io.add_key_event(imgui_mod, name in event.modifiers)
        imgui_key, glfw_key = key_codes(event.key)
        if imgui_key is None:
            self.unmapped_keys += 1
            return
        io.add_key_event(imgui_key, event.kind == "key_down")
        if event.kind == "key_down" and self.focus_in_view and not io.want_capture_keyboard:
            mods = 0
            for name in event.modifiers:
                mods |= _GLFW_MODS.get(name, 0)
            self.viewer.shortcut(glfw_key, mods)
