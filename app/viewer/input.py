"""Mouse and keyboard routing between Dear ImGui and the vispy space views (one glfw window).

Every event is fed to ImGui. A mouse press goes to vispy only when it lands inside a space view's content rectangle
and no other ImGui window covers that point (decided from the event position and last frame's window list, never
from ``io.want_capture_mouse``, which is one frame stale — reference/ui_integration.md §1, pitfall 7). A "vispy drag"
latch holds from press to release. We own glfw's cursor and button callbacks so that button events use the
position of the last motion event and no motion is throttled while a button is held (pitfall 6).

Tests inject events by calling the ``on_*`` methods exactly as glfw would.
"""

from __future__ import annotations

import time
from typing import Callable

import glfw
from imgui_bundle import imgui
from vispy.util import keys as vkeys

from rerun_app.viewer.vispy_glfw import GlfwCanvasBackend

Rect = tuple[float, float, float, float]
DOUBLE_CLICK_SECONDS = 0.35

_VISPY_BUTTON = {glfw.MOUSE_BUTTON_LEFT: 1, glfw.MOUSE_BUTTON_RIGHT: 2, glfw.MOUSE_BUTTON_MIDDLE: 3}
_IMGUI_BUTTON = {glfw.MOUSE_BUTTON_LEFT: 0, glfw.MOUSE_BUTTON_RIGHT: 1, glfw.MOUSE_BUTTON_MIDDLE: 2}
_VISPY_MODS = ((glfw.MOD_SHIFT, vkeys.SHIFT), (glfw.MOD_CONTROL, vkeys.CONTROL), (glfw.MOD_ALT, vkeys.ALT))


def _imgui_key_map() -> dict[int, "imgui.Key"]:
    k = imgui.Key
    table = {
        glfw.KEY_TAB: k.tab, glfw.KEY_LEFT: k.left_arrow, glfw.KEY_RIGHT: k.right_arrow, glfw.KEY_UP: k.up_arrow,
        glfw.KEY_DOWN: k.down_arrow, glfw.KEY_PAGE_UP: k.page_up, glfw.KEY_PAGE_DOWN: k.page_down,
        glfw.KEY_HOME: k.home, glfw.KEY_END: k.end, glfw.KEY_INSERT: k.insert, glfw.KEY_DELETE: k.delete,
        glfw.KEY_BACKSPACE: k.backspace, glfw.KEY_SPACE: k.space, glfw.KEY_ENTER: k.enter,
        glfw.KEY_ESCAPE: k.escape, glfw.KEY_KP_ENTER: k.keypad_enter,
        glfw.KEY_LEFT_CONTROL: k.left_ctrl, glfw.KEY_RIGHT_CONTROL: k.right_ctrl,
        glfw.KEY_LEFT_SHIFT: k.left_shift, glfw.KEY_RIGHT_SHIFT: k.right_shift,
        glfw.KEY_LEFT_ALT: k.left_alt, glfw.KEY_RIGHT_ALT: k.right_alt,
        glfw.KEY_LEFT_SUPER: k.left_super, glfw.KEY_RIGHT_SUPER: k.right_super,
    }
    for i in range(26):
        table[glfw.KEY_A + i] = getattr(k, chr(ord("a") + i))
    for i in range(10):
        table[glfw.KEY_0 + i] = getattr(k, f"_{i}")
    return table


def _contains(rect: Rect, x: float, y: float) -> bool:
    rx, ry, rw, rh = rect
    return rx <= x < rx + rw and ry <= y < ry + rh


def topmost_imgui_window(x: float, y: float):
    """Name of the front-most ImGui window under (x, y) as of the last frame, or None.

    Honours the dockspace's pass-through hole (``hit_test_hole_*``) and skips tooltips and inactive windows.
    """
    ctx = imgui.get_current_context()
    for window in reversed(list(ctx.windows)):
        if not (window.was_active or window.active) or window.hidden:
            continue
        if window.flags & imgui.WindowFlags_.tooltip:
            continue
        r = window.rect()
        if not (r.min.x <= x < r.max.x and r.min.y <= y < r.max.y):
            continue
        hole = window.hit_test_hole_size
        if hole.x > 0 and hole.y > 0:
            off = window.hit_test_hole_offset
            hx, hy = window.pos.x + off.x, window.pos.y + off.y
            if hx <= x < hx + hole.x and hy <= y < hy + hole.y:
                continue
        return window.name
    return None


class InputRouter:
    """Owns the glfw input callbacks of ``canvas`` and routes each event.

    Parameters
    ----------
    canvas : ImguiSceneCanvas
        The glfw-backed canvas (reached through :class:`~rerun_app.viewer.vispy_glfw.GlfwCanvasBackend`).
    view_rects : callable
        Returns ``{imgui window name: content rect}`` of the visible space views (last frame).
    on_input : callable
        Called after every event (the viewer schedules redraws).
    on_shortcut : callable
        ``on_shortcut(glfw_key, mods) -> bool`` for keys ImGui does not want (time stepping, play …).
    """

    def __init__(self, canvas, view_rects: Callable[[], dict[str, Rect]], on_input: Callable[[], None],
                 on_shortcut: Callable[[int, int], bool], on_double_click: Callable[[tuple], None] | None = None):
        self.canvas = canvas
        self.backend = GlfwCanvasBackend(canvas)
        self.window = self.backend.window
        self.view_rects = view_rects
        self.on_input = on_input
        self.on_shortcut = on_shortcut
        self.pos = (0.0, 0.0)
        self.vispy_drag = False
        self.vispy_buttons: list[int] = []
        self.mods = 0
        self.events_to_vispy = 0
        self.events_to_imgui_only = 0
        self._keys = _imgui_key_map()
        self.on_double_click = on_double_click
        self._last_view_press: tuple[float, tuple[float, float]] | None = None
        glfw.set_cursor_pos_callback(self.window, self.on_cursor_pos)
        glfw.set_mouse_button_callback(self.window, self.on_mouse_button)
        glfw.set_scroll_callback(self.window, self.on_scroll)
        glfw.set_key_callback(self.window, self.on_key)
        glfw.set_char_callback(self.window, self.on_char)

    # -- routing -----------------------------------------------------------------------------------------
    def view_under(self, x: float, y: float) -> str | None:
        """The space view window that should receive a press at (x, y), or None (ImGui keeps it)."""
        top = topmost_imgui_window(x, y)
        for name, rect in self.view_rects().items():
            if _contains(rect, x, y) and (top is None or top == name):
                return name
        return None

    def _vispy_mods(self) -> list:
        return [vk for gm, vk in _VISPY_MODS if self.mods & gm]

    # -- glfw callbacks ----------------------------------------------------------------------------------
    def on_cursor_pos(self, _window, x: float, y: float) -> None:
        """glfw cursor-position callback."""
        self.pos = (float(x), float(y))
        imgui.get_io().add_mouse_pos_event(float(x), float(y))
        self.backend.mouse_move(self.pos, list(self.vispy_buttons), self._vispy_mods(), keep_every_move=self.vispy_drag)
        self.on_input()

    def on_mouse_button(self, _window, button: int, action: int, mods: int) -> None:
        """glfw mouse-button callback; uses the last motion position (pitfall 6a)."""
        self.mods = mods
        if button in _IMGUI_BUTTON:
            imgui.get_io().add_mouse_button_event(_IMGUI_BUTTON[button], action == glfw.PRESS)
        vb = _VISPY_BUTTON.get(button)
        if vb is not None:
            if action == glfw.PRESS:
                if self.vispy_drag or self.view_under(*self.pos) is not None:
                    self.vispy_drag = True
                    self.vispy_buttons.append(vb)
                    self.events_to_vispy += 1
                    self.backend.mouse_press(self.pos, vb, list(self.vispy_buttons), self._vispy_mods())
                    self._detect_double_click(vb)
                else:
                    self.events_to_imgui_only += 1
            elif action == glfw.RELEASE and vb in self.vispy_buttons:
                self.vispy_buttons.remove(vb)
                self.backend.mouse_release(self.pos, vb, list(self.vispy_buttons), self._vispy_mods())
                self.vispy_drag = bool(self.vispy_buttons)
        self.on_input()

    def _detect_double_click(self, button: int) -> None:
        # vispy's own detection reports a wrong position with injected/positioned presses; do it here.
        now = time.monotonic()
        last = self._last_view_press
        self._last_view_press = (now, self.pos) if button == 1 else None
        if (button == 1 and last is not None and now - last[0] <= DOUBLE_CLICK_SECONDS
                and abs(last[1][0] - self.pos[0]) <= 4 and abs(last[1][1] - self.pos[1]) <= 4):
            self._last_view_press = None
            if self.on_double_click is not None:
                self.on_double_click(self.pos)

    def on_scroll(self, _window, dx: float, dy: float) -> None:
        """glfw scroll callback: ImGui always, vispy only over a view."""
        imgui.get_io().add_mouse_wheel_event(float(dx), float(dy))
        if self.view_under(*self.pos) is not None:
            self.events_to_vispy += 1
            self.canvas.events.mouse_wheel(pos=self.pos, delta=(float(dx), float(dy)),
                                           buttons=list(self.vispy_buttons), modifiers=self._vispy_mods())
        self.on_input()

    def on_key(self, _window, key: int, scancode: int, action: int, mods: int) -> None:
        """glfw key callback: ImGui first; viewer shortcuts when ImGui does not want the keyboard."""
        self.mods = mods
        io = imgui.get_io()
        io.add_key_event(imgui.Key.mod_ctrl, bool(mods & glfw.MOD_CONTROL))
        io.add_key_event(imgui.Key.mod_shift, bool(mods & glfw.MOD_SHIFT))
        io.add_key_event(imgui.Key.mod_alt, bool(mods & glfw.MOD_ALT))
        io.add_key_event(imgui.Key.mod_super, bool(mods & glfw.MOD_SUPER))
        if key in self._keys and action in (glfw.PRESS, glfw.RELEASE):
            io.add_key_event(self._keys[key], action == glfw.PRESS)
        if action in (glfw.PRESS, glfw.REPEAT) and not io.want_capture_keyboard:
            self.on_shortcut(key, mods)
        self.on_input()

    def on_char(self, _window, codepoint: int) -> None:
        """glfw character callback (text input)."""
        imgui.get_io().add_input_character(int(codepoint))
        self.on_input()
