"""The narrow view of the viewer that panels, toolbars and plot views draw from (:class:`PanelContext`).

Panels read the shown store and the cursor, change UI state, ask for redraws and record where their items are
(the script test hook clicks on them); they never see the window, the canvas or the view layout.
"""

from __future__ import annotations

from typing import Callable

from imgui_bundle import imgui

from rerun_app.viewer.shown import ShownRecording
from rerun_app.viewer.state import ViewerState

Rect = tuple[float, float, float, float]


class PanelContext:
    """What a ``draw_*`` function of :mod:`panels`, :mod:`toolbars` or :mod:`plot_views` may use.

    Parameters
    ----------
    shown : ShownRecording
        The shown recording and its time cursor.
    state : ViewerState
        Visibility, selection, hover, per-entity properties.
    views : callable
        Returns the space views (spec → :class:`~rerun_app.viewer.view_host.ViewHost`); the View menu resets
        their cameras.
    request_redraw : callable
        Draw a few more frames.
    reset_layout : callable
        Dock panels and views as at start-up on the next frame.
    warn_entity : callable
        ``warn_entity(path, message)``: keep a warning on an entity whose data a view could not show.
    views_showing : callable
        ``views_showing(path)``: (window name, title) of each space view that shows that entity (the selection
        panel's "Is shown in" and "in Space View").
    entities_of : callable
        ``entities_of(spec)``: the entities space view ``spec`` shows (a bar chart draws one series for each).
    """

    def __init__(self, shown: ShownRecording, state: ViewerState, views: Callable[[], dict],
                 request_redraw: Callable[[], None], reset_layout: Callable[[], None],
                 warn_entity: Callable[[str, str], None],
                 views_showing: Callable[[str], list[tuple[str, str]]],
                 entities_of: Callable[[object], list[str]]) -> None:
        self.shown = shown
        self.state = state
        self._views = views
        self.views_showing = views_showing
        self.entities_of = entities_of
        self.request_redraw = request_redraw
        self.reset_layout = reset_layout
        self.warn_entity = warn_entity
        # what the panels drew last (the state dump of the script hook reads these)
        self.item_rects: dict[str, Rect] = {}
        self.plot_frames: dict[str, dict] = {}  # plot view name → plot area rect and axis limits
        self.selection_lines: list[str] = []  # what the selection panel shows
        self.blueprint: dict = {}  # window name → BlueprintView: the views the Blueprint panel drew last
        # panel memory across frames
        self.drag_select_start = None  # timeline: where a shift-drag selection started
        self.stream_open: dict[str, bool] = {}  # time panel: Streams rows the user opened or closed (by entity path)
        self.stream_cache: dict = {}  # time panel: the Streams rows and each row's tick positions
        self.stream_rows: list[dict] = []  # time panel: the Streams rows drawn last (state dumps read them)
        self.stream_tooltip: str | None = None  # time panel: the hovered component row's tooltip
        self.time_panel_expanded = True  # time panel: the Streams tree shown, or only the time controls

    # -- the shown data ----------------------------------------------------------------------------------
    @property
    def hub(self):
        return self.shown.hub

    @property
    def store(self):
        return self.shown.store

    @property
    def time(self):
        return self.shown.time

    @property
    def pinned_recording(self) -> str | None:
        return self.shown.pinned_recording

    @pinned_recording.setter
    def pinned_recording(self, recording_id: str | None) -> None:
        self.shown.pinned_recording = recording_id

    @property
    def views(self) -> dict:
        return self._views()

    def timeline_key(self):
        return self.shown.timeline_key()

    def time_range(self):
        return self.shown.time_range()

    def cursor(self):
        return self.shown.cursor()

    def times_with_data(self):
        return self.shown.times_with_data()

    def store_summary(self) -> str:
        return self.shown.summary()

    # -- feedback ----------------------------------------------------------------------------------------
    def on_time_changed(self) -> None:
        """The cursor or timeline changed."""
        self.request_redraw()

    def record_item(self, name: str) -> None:
        """Remember the last ImGui item's screen rectangle under ``name`` (the test hook clicks on them)."""
        lo, hi = imgui.get_item_rect_min(), imgui.get_item_rect_max()
        self.item_rects[name] = (lo.x, lo.y, hi.x - lo.x, hi.y - lo.y)
