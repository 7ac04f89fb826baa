"""A vispy ``SceneCanvas`` with Dear ImGui drawn on top in the same GL context (approach A).

See reference/ui_integration.md. Per frame, :meth:`ImguiSceneCanvas.on_draw`:

1. feeds ImGui the frame inputs (display size, framebuffer scale, delta time);
2. runs ``build_ui`` (the owner's callback) inside ImGui's error-recovery guard (pitfall 8), which returns the
   content rectangles of the space views;
3. lets the owner lay its ViewBoxes out in those rectangles;
4. draws the vispy scene, then **flushes vispy's GLIR queue** (pitfall 1) and draws ImGui over it.

With ``reuse_unchanged_scene``, step 4 draws the scene only when it changed since the last frame (a node of the
scene asked for an update, the scene graph or the canvas size changed); otherwise it puts back a copy of the last
scene picture (:class:`~rerun_app.viewer.scene_cache.SceneFramebufferCache`) and draws ImGui over that: a hover,
a typed character or a button press does not re-render an unchanged 3D view.

Works with the glfw backend (a window) and the EGL backend (a pbuffer, for screenshots): ImGui needs no window,
only a GL context, so a headless screenshot shows the same layout as the window.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import numpy as np
from imgui_bundle import imgui
from imgui_bundle.imgui import internal
from vispy import gloo, scene

from rerun_app.viewer.vispy_glfw import reopen_update_scheduling

log = logging.getLogger(__name__)

Rect = tuple[float, float, float, float]  # x, y, width, height in logical pixels, origin top-left


def _default_font_path() -> Path | None:
    import imgui_bundle

    path = Path(imgui_bundle.__file__).parent / "assets" / "fonts" / "Roboto" / "Roboto-Regular.ttf"
    return path if path.exists() else None


class ImguiSceneCanvas(scene.SceneCanvas):
    """SceneCanvas that draws an ImGui user interface over its vispy scene.

    Parameters
    ----------
    build_ui : callable
        Called once per frame between ``imgui.new_frame()`` and ``imgui.render()``; draws the panels.
    before_scene : callable, optional
        Called after ``build_ui`` and before the vispy scene draws (lay out ViewBoxes here).
    fixed_delta_time : float, optional
        Seconds per frame told to ImGui instead of the measured wall-clock time (headless screenshots: nothing
        in the image may depend on how fast frames were drawn).
    reuse_unchanged_scene : bool
        Keep a copy of the scene's picture and reuse it while the scene is unchanged (see the module docstring).
    **kwargs
        Passed to :class:`vispy.scene.SceneCanvas` (``size``, ``title``, ``show``, ``bgcolor`` …).
    """

    def __init__(self, build_ui: Callable[[], None], before_scene: Callable[[], None] | None = None,
                 fixed_delta_time: float | None = None, reuse_unchanged_scene: bool = False, **kwargs):
        kwargs.setdefault("keys", None)
        super().__init__(**kwargs)
        self.unfreeze()
        self._build_ui = build_ui
        self._before_scene = before_scene
        self._fixed_delta_time = fixed_delta_time
        self._last_frame_time = time.perf_counter()
        self.frame_count = 0
        self.ui_errors = 0
        self.scene_errors = 0
        self.last_image: np.ndarray | None = None
        self.capture_next_frame = False
        self.reuse_unchanged_scene = reuse_unchanged_scene
        self.scene_renders = 0  # frames that drew the vispy scene
        self.scene_reuses = 0  # frames that put back the cached scene picture instead
        self.last_frame_rendered_scene = False
        self._scene_changed = True
        self._scene_cache = None
        if reuse_unchanged_scene:
            from rerun_app.viewer.scene_cache import SceneFramebufferCache

            self._scene_cache = SceneFramebufferCache()
            # a node added to or removed from the scene root (a removed node can no longer update the canvas)
            self.scene.events.children_change.connect(lambda _event: self.mark_scene_changed())

        self.imgui_context = imgui.create_context()
        from imgui_bundle import implot

        self.implot_context = implot.create_context()
        io = imgui.get_io()
        io.config_flags |= imgui.ConfigFlags_.docking_enable
        io.set_ini_filename(None)
        font = _default_font_path()
        self.set_current()
        if font is not None:
            io.fonts.add_font_from_file_ttf(str(font), 15.0)
        imgui.style_colors_dark()
        # The C++ OpenGL3 backend is ~3x cheaper than the Python one (ui_integration.md §4) and needs no
        # PyOpenGL platform setup, so it works identically on glfw and EGL contexts.
        imgui.backends.opengl3_init("#version 330")
        self._renderer_alive = True
        # The EGL backend never emits a resize event, which leaves the canvas→framebuffer transforms unset and
        # ViewBoxes drawn off-target; configure them explicitly (harmless for glfw, which resizes anyway).
        self._update_transforms()
        self.freeze()

    # -- frame -------------------------------------------------------------------------------------------
    def on_draw(self, event):  # noqa: D102  (vispy handler)
        now = time.perf_counter()
        io = imgui.get_io()
        width, height = self.size
        io.display_size = imgui.ImVec2(float(width), float(height))
        pw, ph = self.physical_size
        io.display_framebuffer_scale = imgui.ImVec2(pw / max(width, 1), ph / max(height, 1))
        io.delta_time = self._fixed_delta_time or max(now - self._last_frame_time, 1e-4)
        self._last_frame_time = now

        imgui.backends.opengl3_new_frame()
        imgui.new_frame()
        self._guarded_build_ui()
        # Whatever fails below, the ImGui frame must still be rendered (or the next new_frame() asserts).
        scene_drawn = failed = False
        try:
            if self._before_scene is not None:
                self._before_scene()  # lays the views out and syncs their layers: may change the scene
            if not self._put_back_unchanged_scene():
                self._scene_changed = False
                scene_drawn = True
                super().on_draw(event)
        except Exception:  # noqa: BLE001 (vispy would swallow it silently; log it and keep the UI alive)
            self.scene_errors += 1
            failed = True
            log.exception("error while drawing the space views")
        try:
            self.context.flush_commands()  # pitfall 1: vispy's queued GL must run before ImGui's raw GL
        except Exception:  # noqa: BLE001
            self.scene_errors += 1
            failed = True
            log.exception("error while flushing the space views' GL commands")
        self.last_frame_rendered_scene = scene_drawn
        if scene_drawn:
            self.scene_renders += 1
        if failed:
            self._scene_changed = True  # never reuse a half-drawn picture
        elif scene_drawn and self._scene_cache is not None:
            self._keep_scene_picture()
        imgui.render()
        imgui.backends.opengl3_render_draw_data(imgui.get_draw_data())
        self.frame_count += 1
        if self.capture_next_frame:
            self.capture_next_frame = False
            self.last_image = self.read_pixels()

    # -- unchanged-scene reuse ----------------------------------------------------------------------------
    def update(self, node=None):  # noqa: D102  (vispy: a node changed, or someone asks for a frame)
        if node is not None:  # also during the scene's draw: a visual asking for another pass (level of detail)
            self._scene_changed = True
        super().update(node)

    def on_resize(self, event):  # noqa: D102
        self._scene_changed = True
        super().on_resize(event)

    def mark_scene_changed(self) -> None:
        """Draw the scene on the next frame even if no vispy node reported a change."""
        self._scene_changed = True

    def _put_back_unchanged_scene(self) -> bool:
        """Blit the cached scene picture when the scene did not change since it was taken; False: draw it."""
        if self._scene_cache is None or self._scene_changed:
            return False
        self.context.flush_commands()  # queued GL (uploads, state) runs before the raw blit, in order
        if not self._scene_cache.restore(*self.physical_size):
            return False
        self.scene_reuses += 1
        reopen_update_scheduling(self)
        return True

    def _keep_scene_picture(self) -> None:
        """After a scene render: copy its picture (before ImGui draws over it)."""
        try:
            self._scene_cache.store(*self.physical_size)
        except Exception:  # noqa: BLE001 (an optimisation only: without a copy every frame draws the scene)
            self._scene_cache.invalidate()
            log.exception("could not keep a copy of the scene picture; the scene is drawn every frame")

    def _guarded_build_ui(self) -> None:
        state = internal.ErrorRecoveryState()
        internal.error_recovery_store_state(state)
        try:
            self._build_ui()
        except Exception:  # pitfall 8: vispy swallows draw-handler errors and the UI would freeze
            self.ui_errors += 1
            log.exception("error while building the viewer UI; recovering")
            io = imgui.get_io()
            io.config_error_recovery_enable_assert = False
            internal.error_recovery_try_to_recover_state(state)

    def read_pixels(self) -> np.ndarray:
        """The current framebuffer as an (H, W, 4) uint8 array, row 0 at the top."""
        self.set_current()
        pw, ph = self.physical_size
        return gloo.read_pixels((0, 0, pw, ph), alpha=True, out_type="unsigned_byte")

    def shutdown_imgui(self) -> None:
        """Release ImGui's GL objects and context (call before closing the canvas)."""
        if self._renderer_alive:
            self.set_current()
            if self._scene_cache is not None:
                self._scene_cache.release()
            imgui.backends.opengl3_shutdown()
            from imgui_bundle import implot

            implot.destroy_context(self.implot_context)
            imgui.destroy_context(self.imgui_context)
            self._renderer_alive = False
