"""The viewer window: ImGui chrome (dock layout, panels) around docked vispy space views, fed by the store.

The main loop never redraws continuously: it waits on window events with a timeout, polls the store's generation
(ingest runs on its own threads) and redraws only when data, the time cursor, the UI state or the input changed.
"""

from __future__ import annotations

import contextlib
import os
import logging
import threading
import time

import numpy as np
from imgui_bundle import imgui
from imgui_bundle.imgui import internal

from rerun_app.time_control import TimeControl
from rerun_app.viewer import panels, plot_views, toolbars
from rerun_app.viewer.imgui_canvas import ImguiSceneCanvas
from rerun_app.viewer.view_coordinates import right_axis, up_axis
from rerun_app.viewer.state import Hover, ViewerState
from rerun_app.viewer.view_host import ViewHost
from rerun_app.views.heuristics import SpaceViewSpec, choose_space_views
from rerun_app.views.tensor_view import classify_tensor
from rerun_app.views.values import transform as decode_transform

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.1  # store polling period when nothing happens (idle CPU stays far below 5 %)
#: Store polling period while data streams in: ingest threads cannot wake glfw's wait, and a 100 ms nap would
#: skip two of three frames of a 30 fps stream and add their age to the latency.
LIVE_POLL_SECONDS = 0.002
VIEW_RECHECK_SECONDS = 0.25  # how often a stream's new components / transform kinds may re-run the view heuristics
SETTLE_FRAMES = 3  # ImGui needs a couple of frames to settle hover/layout after an input event
HOVER_PICK_MAX_POINTS = 300_000  # hover picks (CPU, in rerun_scene) on every mouse move; bigger views: clicks only
MIN_FRAME_SECONDS = 1 / 60  # frame cap while playing or streaming
#: While data streams in live (or plays back), depth clouds back-project every n-th pixel to stay within this many
#: points per cloud, so a huge depth stream keeps its rate on software GL; the full cloud returns once the stream
#: pauses. A 640x480 stream stays whole: it is shown at 30 fps in full (bench/viewer.py depth: 1.00 of the frames
#: after the first second, log->pixels p50 28 ms); a 1920x1080 stream is thinned to every 2nd pixel.
#: Env ``RERUN_LIVE_DEPTH_POINTS`` overrides it (e.g. lower on a slow machine).
LIVE_DEPTH_POINT_BUDGET = int(os.environ.get("RERUN_LIVE_DEPTH_POINTS", "1000000"))
LIVE_QUIET_SECONDS = 1.0  # no new data for this long (or a paused cursor): not live any more
_VIEW_FLAGS = (
    imgui.WindowFlags_.no_background | imgui.WindowFlags_.no_scrollbar | imgui.WindowFlags_.no_scroll_with_mouse
)


def warm_up_kernels() -> None:
    """Load numba and the compiled depth/colour kernels now (a background thread at window start), so the first
    depth frame of a stream does not stall the window for the import and the cache load (~0.3-0.5 s)."""
    try:
        from rerun_app.views import pixels

        depth = np.full((4, 4), 1000, np.uint16)
        pixels.depth_cloud(depth, np.array([[2.0, 0, 2], [0, 2.0, 2], [0, 0, 1]]), 1000.0, colormap="turbo")
        pixels.depth_cloud(depth, np.array([[2.0, 0, 2], [0, 2.0, 2], [0, 0, 1]]), 1000.0,
                           color_image=np.zeros((4, 4, 3), np.uint8))
        pixels.apply_colormap(depth, "turbo", ignore_zero=True)
        pixels.to_rgba8(np.zeros((4, 4, 3), np.uint8))
        from rerun_scene.visuals.splat import warm_up as warm_up_point_splat

        warm_up_point_splat()
    except Exception:  # noqa: BLE001 (an optimisation only: the real call reports any problem)
        log.debug("kernel warm-up failed", exc_info=True)


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
    """

    def __init__(self, hub, ingest=None, size=(1600, 1000), headless: bool = False, title: str = "Rerun") -> None:
        self.hub = hub
        self.ingest = ingest
        self.lock = getattr(ingest, "lock", None) or threading.RLock()
        self.headless = headless
        self.time = TimeControl()
        self.state = ViewerState()
        self.views: dict[SpaceViewSpec, ViewHost] = {}
        self.plot_views: list[SpaceViewSpec] = []
        self.pinned_recording: str | None = None
        self._shown_store = None
        self.view_rects: dict[str, tuple[float, float, float, float]] = {}
        self.item_rects: dict[str, tuple[float, float, float, float]] = {}
        self.drag_select_start = None
        self.density_cache: dict = {}  # timeline panel: per-entity tick positions
        self._summary: tuple = (None, "")
        self.plot_frames: dict[str, dict] = {}  # plot view name → plot area rect and axis limits (state dumps)
        self.selection_lines: list[str] = []  # what the selection panel shows (state dumps read it)
        self.should_close = False
        self._redraw_frames = SETTLE_FRAMES
        self._seen_generation = -1
        self._seen_state_version = -1
        self._views_signature = None
        self._views_generation = -1
        self._views_checked = -np.inf
        self._docked: set[str] = set()
        self._side_node: int | None = None  # dock node of the second and later views (split off the centre)
        self._layout_done = False
        self._last_tick = time.perf_counter()
        self._last_data_change = -np.inf
        self.live = False  # data streaming in under a following (or playing) cursor: depth clouds are decimated
        self._times_cache = (None, None, np.empty(0, np.int64))
        self.canvas = ImguiSceneCanvas(
            self._build_ui, self._update_views, size=size, title=title, show=not headless,
            bgcolor=(0.07, 0.07, 0.09, 1.0), fixed_delta_time=1 / 60 if headless else None,
        )
        self.input = None
        if not headless:
            import glfw

            threading.Thread(target=warm_up_kernels, name="rerun-kernel-warmup", daemon=True).start()

            from rerun_app.viewer.input import InputRouter

            self.input = InputRouter(self.canvas, lambda: self.view_rects, self.request_redraw, self._shortcut,
                                     self._on_double_click)
            glfw.set_window_close_callback(self.canvas._backend._id, self._on_close)
        self.canvas.events.mouse_move.connect(self._on_mouse_move)
        self.canvas.events.mouse_release.connect(self._on_mouse_release)

    # -- store access ------------------------------------------------------------------------------------
    @property
    def store(self):
        """The recording shown: the one picked in the Recordings menu, else the hub's newest; None before data."""
        if self.pinned_recording is not None and self.pinned_recording in self.hub:
            return self.hub.store(self.pinned_recording)
        return self.hub.active

    def timeline_key(self):
        """The current timeline as the store's ``(name, type)`` pair, or None."""
        tl = self.time.timeline
        return None if tl is None else (tl.name, tl.type)

    def time_range(self):
        """(first, last) time with data on the current timeline, or None."""
        store, key = self.store, self.timeline_key()
        return None if store is None or key is None else store.time_range(key)

    def cursor(self):
        """(timeline, time) for store queries; (None, None) shows timeless data only."""
        if self.time.timeline is None or self.time.time is None:
            return None, None
        return (self.time.timeline.name, self.time.timeline.type), self.time.time

    def times_with_data(self) -> np.ndarray:
        """Sorted times with any data on the current timeline (cached per store generation)."""
        store = self.store
        if store is None or self.time.timeline is None:
            return np.empty(0, np.int64)
        key = (store.generation(), self.time.timeline)
        if self._times_cache[0] != key:
            tl = (self.time.timeline.name, self.time.timeline.type)
            self._times_cache = (key, None, store.times_with_data(tl))
        return self._times_cache[2]

    # -- redraw scheduling -------------------------------------------------------------------------------
    def request_redraw(self, frames: int = SETTLE_FRAMES) -> None:
        """Draw at least ``frames`` more frames."""
        self._redraw_frames = max(self._redraw_frames, frames)

    def on_time_changed(self) -> None:
        """The cursor or timeline changed (panels call this)."""
        self.request_redraw()

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
                tl = (self.time.timeline.name, self.time.timeline.type)
                time_range = store.time_range(tl)
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
    def record_item(self, name: str) -> None:
        """Remember the last ImGui item's screen rectangle under ``name`` (the test hook clicks on them)."""
        lo, hi = imgui.get_item_rect_min(), imgui.get_item_rect_max()
        self.item_rects[name] = (lo.x, lo.y, hi.x - lo.x, hi.y - lo.y)

    def _build_ui(self) -> None:
        with self.lock:
            toolbars.draw_menu_bar(self)
            self._switch_recording_if_needed()
            self._ensure_views()
            self._dockspace()
            panels.draw_entity_tree(self)
            panels.draw_selection(self)
            panels.draw_timeline(self)
            rects = {}
            for spec, host in self.views.items():
                imgui.push_style_var(imgui.StyleVar_.window_padding, imgui.ImVec2(0, 0))
                opened = imgui.begin(spec.name, None, _VIEW_FLAGS)[0]
                imgui.pop_style_var()
                if opened:
                    toolbars.draw_view_toolbar(self, spec, host)
                    pos = imgui.get_cursor_screen_pos()
                    avail = imgui.get_content_region_avail()
                    rects[spec.name] = (pos.x, pos.y, avail.x, avail.y)
                imgui.end()
            self.view_rects = rects
            for spec in self.plot_views:
                if imgui.begin(spec.name)[0]:
                    plot_views.DRAWERS[spec.kind](self, spec)
                imgui.end()

    def reset_layout(self) -> None:
        """Dock the panels and views as at start-up (on the next frame)."""
        self._layout_done = False

    def store_summary(self) -> str:
        """"N entities · rows · MB" of the shown recording (recomputed only when the store changed)."""
        store = self.store
        if store is None:
            return ""
        key = (id(store), store.generation())
        if self._summary[0] != key:
            stats = store.stats()
            self._summary = (key, f"{len(store.entity_paths())} entities · {stats.total_rows} rows · "
                                  f"{stats.total_bytes / 1e6:.1f} MB")
        return self._summary[1]

    def _switch_recording_if_needed(self) -> None:
        """A different recording is shown: drop the old views and cursor (they belong to the old data)."""
        store = self.store
        if store is self._shown_store:
            return
        first = self._shown_store is None
        self._shown_store = store
        if first:
            return
        for host in self.views.values():
            host.viewbox.parent = None
        self.views.clear()
        self.plot_views.clear()
        self._views_signature = None
        self._layout_done = False
        self._docked.clear()
        self.state.warnings = {}
        self.time = TimeControl(fps=self.time.fps)
        self._seen_generation = -1

    def _dockspace(self) -> None:
        dock_id = imgui.get_id("rerun-dockspace")
        imgui.push_style_color(imgui.Col_.window_bg, imgui.ImVec4(0, 0, 0, 0))  # pitfall 4
        imgui.dock_space_over_viewport(dock_id, imgui.get_main_viewport(), imgui.DockNodeFlags_.passthru_central_node)
        imgui.pop_style_color()
        if not self._layout_done:
            self._initial_layout(dock_id)
            self._layout_done = True
        new = [spec for spec in [*self.views, *self.plot_views] if spec.name not in self._docked]
        if new:
            self._dock_new_views(dock_id, new)

    def _dock_new_views(self, dock_id: int, new: list[SpaceViewSpec]) -> None:
        """Dock views that appeared after the first layout (live streams) as the start-up layout would have.

        The first view fills the centre; the second splits it (side by side, so a 3D view is not hidden behind a
        2D tab); later ones join the second one's node as tabs. A node the user has closed or merged is not reused.
        """
        central = internal.dock_builder_get_central_node(dock_id)
        if central is None:
            return
        for spec in new:
            target = self._side_node if self._side_node is not None else None
            if target is not None and internal.dock_builder_get_node(target) is None:
                target = self._side_node = None
            if target is None:
                if not self._docked & {s.name for s in [*self.views, *self.plot_views]}:
                    target = central.id_  # the first view: the whole centre
                else:
                    split = internal.dock_builder_split_node(central.id_, imgui.Dir.right, 0.5)
                    target = self._side_node = split.id_at_dir
                    central = internal.dock_builder_get_central_node(dock_id) or central
            internal.dock_builder_dock_window(spec.name, target)
            self._docked.add(spec.name)
        internal.dock_builder_finish(dock_id)

    def _initial_layout(self, dock_id: int) -> None:
        viewport = imgui.get_main_viewport()
        internal.dock_builder_remove_node(dock_id)
        internal.dock_builder_add_node(dock_id, internal.DockNodeFlagsPrivate_.dock_space)
        internal.dock_builder_set_node_size(dock_id, viewport.size)
        left = internal.dock_builder_split_node(dock_id, imgui.Dir.left, 0.18)
        right = internal.dock_builder_split_node(left.id_at_opposite_dir, imgui.Dir.right, 0.24)
        bottom = internal.dock_builder_split_node(right.id_at_opposite_dir, imgui.Dir.down, 0.26)
        internal.dock_builder_dock_window(panels.ENTITIES, left.id_at_dir)
        internal.dock_builder_dock_window(panels.SELECTION, right.id_at_dir)
        internal.dock_builder_dock_window(panels.TIMELINE, bottom.id_at_dir)
        center = bottom.id_at_opposite_dir
        specs = [*self.views, *self.plot_views]
        self._side_node = None
        if len(specs) >= 2:
            split = internal.dock_builder_split_node(center, imgui.Dir.left, 0.5)
            targets = [split.id_at_dir] + [split.id_at_opposite_dir] * (len(specs) - 1)
            self._side_node = split.id_at_opposite_dir
        else:
            targets = [center] * len(specs)
        for spec, node in zip(specs, targets):
            internal.dock_builder_dock_window(spec.name, node)
            self._docked.add(spec.name)
        internal.dock_builder_finish(dock_id)

    # -- views -------------------------------------------------------------------------------------------
    def _ensure_views(self) -> None:
        """Create space views for new data.

        Re-evaluated when the entity set changes, and (at most every ``VIEW_RECHECK_SECONDS`` while data arrives)
        when an entity gains a component kind or its transform changes kind — e.g. a pinhole logged later on a
        path that had only points, which then gets its 2D view and becomes a camera in the 3D one.
        """
        store = self.store
        if store is None:
            return
        paths = store.entity_paths()
        generation = store.generation()
        now = time.monotonic()
        quick = (id(store), tuple(paths))
        if self._views_signature is not None and self._views_signature[0] == quick:
            if generation == self._views_generation or now - self._views_checked < VIEW_RECHECK_SECONDS:
                return
        self._views_generation, self._views_checked = generation, now
        # Judge entities by everything logged so far (the end of the timeline), not by the cursor.
        timeline, time_ = self.timeline_key(), np.iinfo(np.int64).max

        def transform_kind(path: str):
            found = store.latest_at(path, timeline, time_, components=["rerun.transform"]) if timeline else \
                store.latest_at(path, None, None, components=["rerun.transform"])
            if found is None or "rerun.transform" not in found.components or not len(found.components["rerun.transform"]):
                return None
            return decode_transform(found.components["rerun.transform"]).kind

        def tensor_kind(path: str) -> str | None:
            found = store.latest_at(path, timeline, time_, components=["rerun.tensor"]) if timeline else \
                store.latest_at(path, None, None, components=["rerun.tensor"])
            if found is None or "rerun.tensor" not in found.components:
                return "image"
            row = found.components["rerun.tensor"][0]
            return classify_tensor([int(d) for d in row["shape"].as_py()], row["dtype"].as_py())

        components = {p: frozenset(store.components(p)) for p in paths}
        kinds = tuple((p, transform_kind(p)) for p in paths if "rerun.transform" in components[p])
        signature = (quick, tuple(components.values()), kinds)
        if signature == self._views_signature:
            return
        self._views_signature = signature
        for spec in choose_space_views(paths, components.__getitem__, transform_kind, tensor_kind):
            if not spec.spatial:
                if spec not in self.plot_views:
                    self.plot_views.append(spec)
            elif spec not in self.views:
                try:
                    self.views[spec] = ViewHost(spec, self.canvas)
                except Exception:  # noqa: BLE001
                    log.exception("could not create the %s view of %s", spec.kind, spec.root)

    def _update_views(self) -> None:
        """Lay the ViewBoxes out in their windows and sync their layers with the store at the cursor."""
        store = self.store
        with self.lock:
            warnings: dict[str, list[str]] = {}
            timeline, time_ = self.cursor()
            for spec, host in self.views.items():
                host.place(self.view_rects.get(spec.name))
                if store is None or not host.visible:
                    continue  # a view first syncs once it has its size (its camera fits to the content then)
                host.builder.depth_point_budget = LIVE_DEPTH_POINT_BUDGET if self.live else None
                if spec.kind == "3d":
                    host.set_up(*self._up_axis_of(store, spec.root))
                    extent = host.scene_extent()
                    host.builder.default_image_plane_distance = max(extent * 0.05, 0.05) if extent else 1.0
                if spec.kind == "tensor":  # Fill mode stretches the slice to the view's aspect
                    host.builder.view_size = None if host.rect is None else (host.rect[2], host.rect[3])
                signature = (id(store), store.generation(), timeline, time_, self.state.version, host.up,
                             host.builder.default_image_plane_distance, host.builder.depth_point_budget,
                             getattr(host.builder, "view_size", None))
                if signature == host.synced_signature:
                    layers = host.entity_layers  # nothing changed since the last frame: no queries, no uploads
                else:
                    layers = host.builder.update(store, timeline, time_, self.state.is_hidden, self.state.props)
                    host.sync(layers)
                    host.synced_signature = signature
                    if getattr(host.builder, "needs_fit", False):  # a tensor slice changed its extent
                        host.builder.needs_fit = False
                        host.reset_camera()
                for path, entity_layers in layers.items():
                    if entity_layers.warnings:
                        warnings.setdefault(path, []).extend(w for w in entity_layers.warnings
                                                             if w not in warnings.get(path, []))
            self.state.warnings = warnings

    def _up_axis_of(self, store, root: str) -> tuple[str | None, str | None]:
        """World up and right axes from ``rerun.view_coordinates`` on the space root or one of its top-level entities."""
        timeline, time_ = self.cursor()
        from rerun_app.views.transforms import path_parts

        depth = len(path_parts(root))
        candidates = [root] + [p for p in store.entity_paths() if len(path_parts(p)) == depth + 1
                               and path_parts(p)[:depth] == path_parts(root)]
        for path in candidates:
            found = store.latest_at(path, timeline, time_, components=["rerun.view_coordinates"]) if timeline else \
                store.latest_at(path, None, None, components=["rerun.view_coordinates"])
            if found is not None and "rerun.view_coordinates" in found.components and len(found.components["rerun.view_coordinates"]):
                code = found.components["rerun.view_coordinates"][0].as_py()
                return up_axis(code), right_axis(code)
        return None, None

    # -- input -------------------------------------------------------------------------------------------
    def _shortcut(self, key: int, mods: int) -> bool:
        import glfw

        if key == glfw.KEY_RIGHT:
            self.time.step(+1, self.times_with_data())
        elif key == glfw.KEY_LEFT:
            self.time.step(-1, self.times_with_data())
        elif key == glfw.KEY_SPACE:
            self.time.toggle_play(self.time_range())
        elif key == glfw.KEY_HOME:
            times = self.times_with_data()
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
        self.on_time_changed()
        return True

    def _host_at(self, pos):
        for spec, host in self.views.items():
            r = host.rect
            if r is not None and host.visible and r[0] <= pos[0] < r[0] + r[2] and r[1] <= pos[1] < r[1] + r[3]:
                return host
        return None

    def _pick(self, pos, max_points: int = 2_000_000):
        host = self._host_at(pos)
        if host is None:
            return None, None
        if host.point_count() > max_points:
            return host, None
        try:
            return host, host.pick(pos[0], pos[1])
        except Exception:  # noqa: BLE001 (picking is best effort)
            log.debug("pick failed", exc_info=True)
            return host, None

    def _on_mouse_release(self, event) -> None:
        press = getattr(event, "press_event", None)
        if press is None or event.button != 1 or self._host_at(event.pos) is None:
            return
        if np.hypot(*(np.asarray(event.pos, float) - np.asarray(press.pos, float))) > 3:
            return  # a drag (camera), not a click
        _, hit = self._pick(event.pos)
        self.state.select(None if hit is None else hit[0][0])
        self.request_redraw()

    def _on_double_click(self, pos) -> None:
        """Double-click in a view: focus the camera on the point under the mouse, or reset it on empty space."""
        host, hit = self._pick(pos)
        if host is None:
            return
        if hit is None:
            reset = getattr(host.scene_view, "reset", None)
            if reset is not None:
                reset()
        else:
            (path, layer), index = hit
            self.state.select(path)
            info = host.entity_layers.get(path)
            pick = info.pick_info.get(layer) if info else None
            focus = getattr(host.scene_view, "focus", None)
            if pick is not None and pick[2] is not None and focus is not None and index < len(pick[2]):
                batch = info.batches[layer]
                p = np.append(pick[2][index][:3], 1.0) if pick[2].shape[1] == 3 else np.array([*pick[2][index], 0, 1])
                focus((np.asarray(batch.transform) @ p)[:3])
        self.request_redraw()

    def _on_mouse_move(self, event) -> None:
        if event.is_dragging or self.input is None or self.input.view_under(*event.pos) is None:
            return
        host, hit = self._pick(event.pos, max_points=HOVER_PICK_MAX_POINTS)
        hover = None
        if hit is not None:
            (path, layer), index = hit
            info = host.entity_layers.get(path)
            pick = info.pick_info.get(layer) if info else None
            label = position = instance = None
            if pick is not None:
                keys, labels, positions = pick
                instance = int(keys[index]) if keys is not None and index < len(keys) else int(index)
                label = labels[index] if labels is not None and index < len(labels) else None
                position = tuple(float(v) for v in positions[index]) if positions is not None else None
            hover = Hover(path, instance, label, position)
        if hover != self.state.hover:
            self.state.hover = hover
            self.request_redraw()

    def _on_close(self, _window) -> None:
        self.should_close = True

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
