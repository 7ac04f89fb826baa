"""The viewer window: ImGui chrome (dock layout, panels) around docked vispy space views, fed by the store.

The main loop never redraws continuously: it waits on window events with a timeout, polls the store's generation
(ingest runs on its own threads) and redraws only when data, the time cursor, the UI state or the input changed.

The window wires together: :class:`~rerun_app.viewer.shown.ShownRecording` (which recording, the time cursor),
:class:`~rerun_app.viewer.view_sync.SpaceViews` (the views and their sync with the store),
:class:`~rerun_app.viewer.layout.DockLayout`, :class:`~rerun_app.viewer.picking.Picker`, and the panels, which
draw from a :class:`~rerun_app.viewer.context.PanelContext`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

import numpy as np
from imgui_bundle import imgui
from rerun import components as C

from rerun_scene.points_path import configure_points_path

from rerun_app.viewer import blueprint_panel, highlight, panels, plot_views, tensor_overlay, toolbars
from rerun_app.viewer.blueprint_panel import BlueprintView
from rerun_app.viewer.auto_dock import content_size_2d
from rerun_app.viewer.context import PanelContext
from rerun_app.viewer.imgui_canvas import ImguiSceneCanvas
from rerun_app.viewer.kernel_warmup import KernelWarmUp
from rerun_app.viewer.layout import DockLayout
from rerun_app.viewer.picking import Picker
from rerun_app.viewer.shown import ShownRecording
from rerun_app.viewer.state import ViewerState
from rerun_app.viewer.tooltip import Tooltip
from rerun_app.viewer.view_sync import SpaceViews
from rerun_app.views.blueprint_tree import group_entities, space_path

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.1  # store polling period when nothing happens (idle CPU stays far below 5 %)
#: Store polling period while data streams in: ingest threads cannot wake glfw's wait, and a 100 ms nap would
#: skip two of three frames of a 30 fps stream and add their age to the latency.
LIVE_POLL_SECONDS = 0.002
SETTLE_FRAMES = 3  # ImGui needs a couple of frames to settle hover/layout after an input event
MIN_FRAME_SECONDS = 1 / 60  # frame cap while playing or streaming
LIVE_QUIET_SECONDS = 1.0  # no new data for this long (or a paused cursor): not live any more
_VIEW_FLAGS = (
    imgui.WindowFlags_.no_background | imgui.WindowFlags_.no_scrollbar | imgui.WindowFlags_.no_scroll_with_mouse
)


#: The component a plot view's entities carry (their common top-level path may name the view).
_PLOT_COMPONENT = {"timeseries": C.SCALAR, "textlog": C.TEXT_ENTRY}


def _row_of_instance(host, path: str | None, instance: int) -> tuple[str, int] | None:
    """(layer, row) of instance key ``instance`` of ``path`` in a view's point layers, or None."""
    layers = host.entity_layers.get(path) if path is not None else None
    if layers is None:
        return None
    for layer, info in layers.pick_info.items():
        keys, positions = info.instance_keys, info.positions
        if positions is None:
            continue
        if keys is None:
            if 0 <= instance < len(positions):
                return layer, instance
            continue
        rows = np.flatnonzero(np.asarray(keys) == instance)
        if rows.size:
            return layer, int(rows[0])
    return None


class Viewer:
    """One viewer window over a :class:`~rerun_app.store.StoreHub`.

    Parameters
    ----------
    hub : StoreHub
        Where ingest puts the data; the active recording is shown.
    ingest : Ingest, optional
        Its ``lock`` is held while the UI reads the store.
    size : (int, int)
        Window size in logical pixels.
    headless : bool
        Render into an EGL pbuffer (screenshots) instead of a window.
    reuse_unchanged_scene : bool
        A frame where only the ImGui chrome changed puts back a copy of the last scene picture instead of drawing
        the space views again (see :class:`~rerun_app.viewer.imgui_canvas.ImguiSceneCanvas`).
    """

    def __init__(self, hub, ingest=None, size=(1600, 1000), headless: bool = False, title: str = "Rerun",
                 reuse_unchanged_scene: bool = False) -> None:
        self.hub = hub
        self.ingest = ingest
        self.lock = ingest.lock if ingest is not None else threading.RLock()
        self.headless = headless
        self.state = ViewerState()
        self.shown = ShownRecording(hub)
        self.layout = DockLayout()
        self.view_rects: dict[str, tuple[float, float, float, float]] = {}  # spatial views' vispy areas
        self.view_windows: dict[str, tuple[float, float, float, float]] = {}  # every view's window this frame
        self.highlights: list[dict] = []  # hover / selection outlines drawn this frame (state dumps read them)
        self.tooltip = Tooltip()
        self._titles: dict = {}  # spec → (data key, title)
        self._blueprint_trees: dict = {}  # spec → (its entity list, the Blueprint panel's groups of it)
        self._window_names: dict[str, str] = {}  # spec.name → the full ImGui name its window was begun with
        self.view_titles: dict[str, str] = {}  # window name → the title shown (state dumps read it)
        self.should_close = False
        self.live = False  # data streaming in under a following (or playing) cursor: depth clouds are decimated
        self._shown_store = None
        self._redraw_frames = SETTLE_FRAMES
        self._seen_generation = -1
        self._seen_state_version = -1
        self._last_tick = time.perf_counter()
        self._last_data_change = -np.inf
        self.canvas = ImguiSceneCanvas(
            self._build_ui, self._update_views, size=size, title=title, show=not headless,
            bgcolor=(0.07, 0.07, 0.09, 1.0), fixed_delta_time=1 / 60 if headless else None,
            reuse_unchanged_scene=reuse_unchanged_scene,
        )
        self.canvas.set_current()
        # CPU splat on software GL, GL_POINTS on a GPU; a window draws big clouds coarser while the camera moves
        self.points_path = configure_points_path(interactive=not headless)
        self.space_views = SpaceViews(self.canvas)
        self.panel = PanelContext(self.shown, self.state, lambda: self.space_views.views, self.request_redraw,
                                  self.layout.reset, lambda path, message: self.space_views.warn(path, message),
                                  self._views_showing, lambda spec: self.space_views.entities_of.get(spec, []))
        self.picker = Picker(lambda: self.space_views.views, self.state, self.request_redraw)
        self.input = None
        self.kernel_warm_up = KernelWarmUp()
        if not headless:
            import glfw

            self.kernel_warm_up.start()

            from rerun_app.viewer.input import InputRouter

            self.input = InputRouter(self.canvas, self.view_rects_by_window, self.request_redraw, self._shortcut,
                                     self.picker.double_click)
            glfw.set_window_close_callback(self.input.window, self._on_close)
        self.canvas.events.mouse_move.connect(self._on_mouse_move)
        self.canvas.events.mouse_release.connect(self._on_mouse_release)

    # -- what the script hook and tests read (what the panels drew: ``panel``) ------------------------------
    @property
    def store(self):
        """The recording shown (see :class:`ShownRecording`); None before data."""
        return self.shown.store

    @property
    def time(self):
        """The time cursor of the shown recording."""
        return self.shown.time

    @property
    def views(self) -> dict:
        """Spatial views: spec → :class:`~rerun_app.viewer.view_host.ViewHost`."""
        return self.space_views.views

    @property
    def plot_views(self) -> list:
        """Views drawn with ImGui / ImPlot (time series, text log, bar chart)."""
        return self.space_views.plot_views

    # -- redraw scheduling -------------------------------------------------------------------------------
    def request_redraw(self, frames: int = SETTLE_FRAMES) -> None:
        """Draw at least ``frames`` more frames."""
        self._redraw_frames = max(self._redraw_frames, frames)

    def reset_layout(self) -> None:
        """Dock the panels and views as at start-up (on the next frame)."""
        self.layout.reset()

    def poll(self) -> bool:
        """Check the store and the playback clock; schedule a redraw when something changed."""
        now = time.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        store = self.store
        changed = False
        with self.lock:
            generation = -1 if store is None else store.generation()
            if generation != self._seen_generation:
                self._seen_generation = generation
                self._last_data_change = now
                changed = True
                self.time.set_timelines(store.timelines() if store is not None else [])
            if store is not None and self.time.timeline is not None:
                time_range = store.time_range(self.shown.timeline_key())
                changed |= self.time.update_range(time_range)
                changed |= self.time.tick(dt, time_range)
        live = not self.headless and (self.time.playing or (
            self.time.following and now - self._last_data_change < LIVE_QUIET_SECONDS))
        if live != self.live:
            self.live = live
            changed = True
        if self.state.version != self._seen_state_version:
            self._seen_state_version = self.state.version
            changed = True
        if changed or self.time.playing:
            self.request_redraw(1 if self.time.playing else SETTLE_FRAMES)
        return changed

    # -- per-frame UI ------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        ctx = self.panel
        with self.lock:
            toolbars.draw_menu_bar(ctx)
            self._switch_recording_if_needed()
            self.space_views.ensure(self.store, self.shown.timeline_key())
            self.layout.draw([s for s in self.space_views.specs() if s.name not in self.layout.hidden],
                             self._content_size_2d, self._view_title)
            self._draw_blueprint(ctx)
            panels.draw_entity_tree(ctx)
            panels.draw_selection(ctx)
            panels.draw_timeline(ctx)
            self.layout.set_time_panel_expanded(ctx.time_panel_expanded)
            self._draw_view_windows(ctx)

    def _draw_blueprint(self, ctx) -> None:
        """The left panel's top: the Blueprint tree of space views with their entities."""
        if imgui.begin(panels.ENTITIES)[0]:
            if imgui.small_button("reset##blueprint"):  # the original's "re-populate the viewport" button
                self.layout.reset_views()
                self.state.reset_view_visibility()
                self.request_redraw()
            ctx.record_item("blueprint-reset")
            if imgui.is_item_hovered():
                imgui.set_tooltip("show every space view in the automatic grid again, with all their entities")
            views = []
            for spec in self.space_views.specs():
                entities = self.space_views.entities_of.get(spec, [])
                cached = self._blueprint_trees.get(spec)
                if cached is None or cached[0] is not entities:  # regrouped only when the view's entities change
                    cached = self._blueprint_trees[spec] = (entities, group_entities(space_path(spec, entities), entities))
                tree = cached[1]
                views.append(BlueprintView(spec.name, self._view_title(spec), spec.kind, spec.root, tree,
                                           spec.name not in self.layout.hidden))
            blueprint_panel.draw_blueprint(ctx, views, self._set_view_shown)
        imgui.end()

    def _set_view_shown(self, name: str, shown: bool) -> None:
        self.layout.set_view_visible(name, shown)
        self.request_redraw()

    def _draw_view_windows(self, ctx) -> None:
        """Each space view's window: the grid's docked windows, or the maximised view alone over the view area."""
        maximised = self.layout.maximised
        hidden = self.layout.hidden
        rects, windows = {}, {}
        self.highlights = []
        for spec, host in self.views.items():
            if (maximised is not None and spec.name != maximised) or spec.name in hidden:
                continue
            imgui.push_style_var(imgui.StyleVar_.window_padding, imgui.ImVec2(0, 0))
            opened = self._begin_view_window(spec, _VIEW_FLAGS)
            imgui.pop_style_var()
            if opened:
                toolbars.draw_view_toolbar(ctx, spec, host)
                imgui.same_line()
                self._maximise_button(ctx, spec)
                pos = imgui.get_cursor_screen_pos()
                avail = imgui.get_content_region_avail()
                rects[spec.name] = (pos.x, pos.y, avail.x, avail.y)
                windows[spec.name] = self._window_content_rect()
                self._draw_highlights(spec, host)
                if spec.kind == "tensor":
                    tensor_overlay.draw_axis_captions(ctx, spec, host)
            imgui.end()
        self.view_rects = rects
        for spec in self.plot_views:
            if (maximised is not None and spec.name != maximised) or spec.name in hidden:
                continue
            self._draw_plot_view(ctx, spec, windows)
        self.view_windows = windows
        self.layout.note_view_area(list(windows.values()))
        hover = self.state.hover
        host = next((h for s, h in self.views.items() if hover is not None and s.name == hover.view), None)
        self.tooltip.draw(self.store, self.shown.cursor(), hover if host is not None and host.visible else None, host)
        if self.tooltip.rect is not None:
            ctx.item_rects["tooltip"] = self.tooltip.rect

    def _draw_plot_view(self, ctx, spec, windows: dict) -> None:
        """One plot / text / bar view; if its data makes it raise, the other views are still drawn and
        the view's root entity says why (its ImGui state is rolled back to before it began)."""
        state = imgui.internal.ErrorRecoveryState()
        imgui.internal.error_recovery_store_state(state)
        try:
            if self._begin_view_window(spec, 0):
                self._maximise_button(ctx, spec)
                windows[spec.name] = self._window_content_rect()
                plot_views.DRAWERS[spec.kind](ctx, spec)
            imgui.end()
        except Exception as exc:  # noqa: BLE001 - one view's data must not blank the window
            self.space_views.warn(spec.root, f"{spec.kind} view {spec.name!r} not drawn: {type(exc).__name__}: {exc}")
            imgui.get_io().config_error_recovery_enable_assert = False
            imgui.internal.error_recovery_try_to_recover_state(state)

    def _draw_highlights(self, spec, host) -> None:
        """Outline the hovered and the selected instance in this view (drawn over its picture)."""
        shapes = []
        hover, state = self.state.hover, self.state
        if hover is not None and hover.view == spec.name:
            shape = None
            if hover.pixel is not None:  # an image pixel (a depth cloud's point has one too, and a row)
                shape = highlight.pixel_outline(host, hover.entity_path, hover.layer, *hover.pixel)
            if shape is None and hover.layer is not None and hover.row is not None:
                shape = highlight.point_ring(host, hover.entity_path, hover.layer, hover.row)
            elif shape is None and hover.layer is not None and hover.instance is not None:
                shape = highlight.instance_segments(host, hover.entity_path, hover.layer, hover.instance)
            if shape is not None:
                shapes.append(("hover", shape))
        if state.selected_view == spec.name and state.selected_instance is not None:
            row = _row_of_instance(host, state.selected, state.selected_instance)
            shape = None if row is None else highlight.point_ring(host, state.selected, row[0], row[1])
            layers = host.entity_layers.get(state.selected)
            for layer in ([] if shape is not None or layers is None else layers.batches):
                shape = highlight.instance_segments(host, state.selected, layer, state.selected_instance)
                if shape is not None:
                    break
            if shape is not None:
                shapes.append(("selected", shape))
        draw_list = imgui.get_window_draw_list()
        for kind, shape in shapes:
            highlight.draw(draw_list, shape, highlight.HOVER_RGBA if kind == "hover" else highlight.SELECT_RGBA)
            self.highlights.append({"view": spec.name, "kind": kind,
                                    "shape": list(shape) if isinstance(shape, tuple) else np.asarray(shape).tolist()})

    def _begin_view_window(self, spec, flags: int) -> bool:
        """Begin a view's window: docked in the grid, or (maximised) undocked over the whole view area."""
        if self.layout.maximised == spec.name and self.layout.view_area is not None:
            x, y, w, h = self.layout.view_area
            imgui.set_next_window_pos(imgui.ImVec2(x, y))
            imgui.set_next_window_size(imgui.ImVec2(w, h))
            flags |= (imgui.WindowFlags_.no_docking | imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_resize
                      | imgui.WindowFlags_.no_collapse | imgui.WindowFlags_.no_saved_settings)
            self._window_names[spec.name] = f"{self._view_title(spec)}###maximised"
            return imgui.begin(self._window_names[spec.name], None, flags)[0]
        self._window_names[spec.name] = self._view_title(spec) + spec.window_id
        opened = imgui.begin(self._window_names[spec.name], None, flags)[0]
        self.layout.note_window(spec.name, imgui.get_window_dock_id())
        return opened

    def view_rects_by_window(self) -> dict:
        """The spatial views' areas keyed by the name their ImGui window had last frame (input routing compares
        it with the window under the mouse; the title part changes with the data, and when maximised)."""
        return {self._window_names.get(name, name): rect for name, rect in self.view_rects.items()}

    def _view_title(self, spec) -> str:
        """The view's title as the original would give it, from the entities it shows (cached per data change)."""
        store, host = self.store, self.views.get(spec)
        key = (id(store), None if store is None else store.generation(),
               None if host is None else id(host.entity_layers))
        cached = self._titles.get(spec)
        if cached is not None and cached[0] == key:
            return cached[1]
        if host is not None:
            shown = [p for p, layers in host.entity_layers.items() if layers.batches]
        elif store is not None and spec.kind in _PLOT_COMPONENT:
            shown = [p for p in store.entity_paths() if spec.contains(p) and _PLOT_COMPONENT[spec.kind] in
                     store.components(p)]
        elif spec.kind == "barchart":
            shown = self.space_views.entities_of.get(spec, [])
        else:
            shown = []
        title = spec.title_for(shown)
        self._titles[spec] = (key, title)
        self.view_titles[spec.name] = title
        return title

    def _views_showing(self, path: str) -> list[tuple[str, str]]:
        """(window name, title) of the space views that show entity ``path`` (spatial: it has drawn layers there;
        plots: it holds the view's component; bar chart and tensor views: it is their entity)."""
        store, out = self.store, []
        if store is None:
            return out
        for spec in self.space_views.specs():
            host = self.views.get(spec)
            if host is not None and spec.kind != "tensor":
                shown = path in host.entity_layers and bool(host.entity_layers[path].batches)
            elif spec.kind in _PLOT_COMPONENT:
                shown = spec.contains(path) and _PLOT_COMPONENT[spec.kind] in store.components(path)
            elif spec.kind == "barchart":
                shown = path.strip("/") in {p.strip("/") for p in self.space_views.entities_of.get(spec, [])}
            else:
                shown = spec.root.strip("/") == path.strip("/")
            if shown:
                out.append((spec.name, self._view_title(spec)))
        return out

    def _maximise_button(self, ctx, spec) -> None:
        """The view's maximise / restore button (as the original's), right-aligned on the current row when it
        fits there (call after ``same_line``), else on a row of its own."""
        label = "restore" if self.layout.maximised == spec.name else "maximise"
        width = imgui.calc_text_size(label).x + 2 * imgui.get_style().frame_padding.x
        avail = imgui.get_content_region_avail().x
        if avail < width + 8:
            imgui.new_line()
            avail = imgui.get_content_region_avail().x
        x, y = imgui.get_cursor_pos().x, imgui.get_cursor_pos().y
        imgui.set_cursor_pos(imgui.ImVec2(x + max(avail - width - 4, 0), y))
        # the id is the view window's own: a label ending in spec.name ("…###kind:root") would hash to the same id as
        # every other widget labelled so in the window
        if imgui.small_button(f"{label}##max"):
            self.layout.toggle_maximise(spec.name)
            self.request_redraw()
        ctx.record_item(f"maximise:{spec.name}")

    @staticmethod
    def _window_content_rect() -> tuple[float, float, float, float]:
        lo = imgui.get_window_pos()
        size = imgui.get_window_size()
        return (lo.x, lo.y, size.x, size.y)

    def _content_size_2d(self, spec):
        """A 2D view's picture size (its grid tile's aspect ratio)."""
        store = self.store
        return None if store is None else content_size_2d(store, spec, self.shown.timeline_key())

    def _switch_recording_if_needed(self) -> None:
        """A different recording is shown: drop the old views and cursor (they belong to the old data)."""
        store = self.store
        if store is self._shown_store:
            return
        first = self._shown_store is None
        self._shown_store = store
        if first:
            return
        self.space_views.clear()
        self.layout.forget_views()
        self.state.warnings = {}
        self.shown.reset_time()
        self._seen_generation = -1

    def _update_views(self) -> None:
        """Lay the ViewBoxes out in their windows and sync their layers with the store at the cursor."""
        store = self.store
        with self.lock:
            if not self.headless:  # a window (headless runs warm nothing)
                self.kernel_warm_up.saw_store(store)
            self.state.warnings = self.space_views.update(store, self.shown.cursor(), self.state, self.live,
                                                          self.view_rects)

    # -- input -------------------------------------------------------------------------------------------
    def _shortcut(self, key: int, mods: int) -> bool:
        import glfw

        if key == glfw.KEY_RIGHT:
            self.time.step(+1, self.shown.times_with_data())
        elif key == glfw.KEY_LEFT:
            self.time.step(-1, self.shown.times_with_data())
        elif key == glfw.KEY_SPACE:
            self.time.toggle_play(self.shown.time_range())
        elif key == glfw.KEY_HOME:
            times = self.shown.times_with_data()
            if times.size:
                self.time.set_time(int(times[0]))
        elif key == glfw.KEY_END:
            self.time.follow()
        elif key == glfw.KEY_ESCAPE:
            for host in self.views.values():
                if host.looking_through is not None:
                    host.reset_camera()
        else:
            return False
        self.request_redraw()
        return True

    def _on_mouse_release(self, event) -> None:
        press = getattr(event, "press_event", None)  # a vispy MouseEvent; None without a press inside the canvas
        if press is None or event.button != 1:
            return
        self.picker.click(event.pos, press.pos)

    def _on_mouse_move(self, event) -> None:
        if event.is_dragging or self.input is None or self.input.view_under(*event.pos) is None:
            self.picker.set_hover(None)  # left the views, or moving the camera: no tooltip, no hover outline
            return
        self.picker.hover(event.pos)

    def _on_close(self, _window) -> None:
        self.should_close = True

    # -- remote front ends (the web viewer drives a headless viewer through these) ------------------------
    def take_redraw(self) -> bool:
        """Consume one pending redraw: True when a frame should be drawn now (the window's loop does the same)."""
        if self._redraw_frames <= 0:
            return False
        self._redraw_frames -= 1
        return True

    def shortcut(self, key: int, mods: int) -> bool:
        """Apply a viewer keyboard shortcut (glfw key code); False when ``key`` is not one."""
        return self._shortcut(key, mods)

    def double_click(self, pos) -> None:
        """A double click at ``pos`` inside a view (focus the point under it, or reset the camera)."""
        self.picker.double_click(pos)

    # -- loop --------------------------------------------------------------------------------------------
    def draw_frame(self) -> None:
        """Draw one frame now (used by the loop, screenshots and tests)."""
        from vispy import app

        self.canvas.update()
        app.process_events()

    def run(self, max_seconds: float | None = None, on_frame=None) -> None:
        """Run until the window closes (or ``max_seconds``), drawing only when something changed."""
        import glfw
        from vispy import app

        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        next_frame = 0.0
        while not self.should_close and (deadline is None or time.monotonic() < deadline):
            self.poll()
            if self._redraw_frames > 0:
                wait = next_frame - time.perf_counter()
                if wait > 0:  # frame cap: input arriving meanwhile is handled by the callbacks
                    glfw.wait_events_timeout(wait)
                    continue
                next_frame = time.perf_counter() + MIN_FRAME_SECONDS
                self._redraw_frames -= 1
                self.canvas.update()
                app.process_events()
                if on_frame is not None:
                    on_frame(self)
            else:
                glfw.wait_events_timeout(LIVE_POLL_SECONDS if self.live else IDLE_POLL_SECONDS)
        self.close()

    def close(self) -> None:
        """Release GL and the window."""
        with contextlib.suppress(Exception):
            self.canvas.shutdown_imgui()
        with contextlib.suppress(Exception):
            self.canvas.close()
