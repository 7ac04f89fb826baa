"""The ImGui dock layout: panels left / right / bottom, space views in the centre in Rerun 0.4's automatic grid
(every view visible at once, :mod:`rerun_app.viewer.auto_layout`), one view maximised on request.

Until the user moves a view window (docks it elsewhere, tabs it), the grid is rebuilt whenever views appear, as
the original does; afterwards new views are docked beside the existing ones without touching the user's layout.
"""

from __future__ import annotations

from imgui_bundle import imgui
from imgui_bundle.imgui import internal

from typing import Callable

from rerun_app.viewer import panels
from rerun_app.viewer.auto_dock import dock_views
from rerun_app.views.heuristics import SpaceViewSpec

Rect = tuple[float, float, float, float]

TIME_PANEL_HEIGHT = 0.26  # share of the window height the time panel gets at start-up


def collapsed_time_panel_height() -> float:
    """Height of a time panel showing only its controls and the time axis (title bar, two rows, padding)."""
    style = imgui.get_style()
    return imgui.get_frame_height() * 2 + 26.0 + style.window_padding.y * 2 + style.item_spacing.y * 2


class DockLayout:
    """Docks the panels and the space views' windows into the window-filling dockspace."""

    def __init__(self) -> None:
        self._docked: set[str] = set()
        self._side_node: int | None = None  # dock node of later views once the user has edited the layout
        self._layout_done = False
        self._assigned: dict[str, int] = {}  # window → dock node the automatic grid put it in
        self.user_edited = False  # the user moved a view window: stop rebuilding the grid on new views
        self.maximised: str | None = None  # window name of the view shown alone, filling the view area
        self.view_area: Rect | None = None  # the views' area (union of their windows) in the last grid frame
        self.hidden: set[str] = set()  # views the user switched off (the grid is re-tiled without them)
        self._laid_out_titles: tuple = ()  # (view, title) pairs the grid was built for; a title change re-tiles
        self._timeline_node: int | None = None  # dock node of the time panel
        self.time_panel_expanded = True  # False: the time panel is cut down to its controls (original's collapse)
        self._expanded_height: float | None = None  # the time panel's height before it was collapsed

    def reset(self) -> None:
        """Dock the panels and views as at start-up (on the next frame)."""
        self._layout_done = False
        self.user_edited = False

    def forget_views(self) -> None:
        """Another recording is shown: its views get a fresh start-up layout."""
        self._layout_done = False
        self._docked.clear()
        self.user_edited = False
        self.maximised = None

    def toggle_maximise(self, name: str) -> None:
        """Show view ``name`` alone over the whole view area, or (when it already is) bring the grid back."""
        if self.maximised == name:
            self.maximised = None
            if not self.user_edited:
                self.reset()  # the hidden windows' dock nodes may have been merged away meanwhile
        else:
            self.maximised = name

    def reset_views(self) -> None:
        """Every view back in the automatic grid (none switched off or maximised), as at start-up."""
        self.hidden.clear()
        self.maximised = None
        self.reset()

    def set_view_visible(self, name: str, visible: bool) -> None:
        """Show or hide a whole view (the original's eye in the blueprint panel); the grid is re-tiled over the
        visible views unless the user has arranged them himself (then a shown view docks beside the others)."""
        if visible == (name not in self.hidden):
            return
        if visible:
            self.hidden.discard(name)
        else:
            self.hidden.add(name)
            self._docked.discard(name)
            if self.maximised == name:
                self.maximised = None
        if not self.user_edited:
            self._layout_done = False

    def set_time_panel_expanded(self, expanded: bool) -> None:
        """Show the whole time panel, or cut its dock node down to the time controls (the views grow into the
        space), as the original's collapsed time panel."""
        if expanded == self.time_panel_expanded:
            return
        self.time_panel_expanded = expanded
        node = None if self._timeline_node is None else internal.dock_builder_get_node(self._timeline_node)
        if node is None:
            return
        if not expanded:
            self._expanded_height = node.size.y
        height = (self._expanded_height or TIME_PANEL_HEIGHT * imgui.get_main_viewport().size.y) if expanded \
            else collapsed_time_panel_height()
        internal.dock_builder_set_node_size(node.id_, imgui.ImVec2(node.size.x, height))

    def note_window(self, name: str, dock_id: int) -> None:
        """Called inside each view window: a window no longer in the node the grid gave it was moved by the user."""
        assigned = self._assigned.get(name)
        if assigned is not None and dock_id != assigned and self.maximised is None:
            self.user_edited = True

    def note_view_area(self, rects: list[Rect]) -> None:
        """The windows of the grid drawn this frame (the area a maximised view fills)."""
        if rects and self.maximised is None:
            x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
            x1, y1 = max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects)
            self.view_area = (x0, y0, x1 - x0, y1 - y0)

    def draw(self, specs: list[SpaceViewSpec], size_2d: Callable[[SpaceViewSpec], tuple | None],
             title_of: Callable[[SpaceViewSpec], str]) -> None:
        """The dockspace over the whole window; (re)builds the layout when needed and docks new views.

        ``size_2d`` gives a 2D view's content size (width, height), for its tile's aspect ratio; ``title_of`` the
        title a view shows (it decides where the original would root, and so group, the view).
        """
        dock_id = imgui.get_id("rerun-dockspace")
        imgui.push_style_color(imgui.Col_.window_bg, imgui.ImVec4(0, 0, 0, 0))  # pitfall 4
        imgui.dock_space_over_viewport(dock_id, imgui.get_main_viewport(), imgui.DockNodeFlags_.passthru_central_node)
        imgui.pop_style_color()
        if self.maximised is not None and self.maximised not in {s.name for s in specs}:
            self.maximised = None
        new = [spec for spec in specs if spec.name not in self._docked]
        titles = tuple((spec.name, title_of(spec)) for spec in specs)
        if (new or titles != self._laid_out_titles) and not self.user_edited:
            self._layout_done = False  # the original re-tiles on new views until the user edits the layout
        if not self._layout_done:
            self._initial_layout(dock_id, specs, size_2d, title_of)
            self._layout_done = True
            self._laid_out_titles = titles
            new = []
        if new:
            self._dock_new_views(dock_id, new, specs)

    def _dock_new_views(self, dock_id: int, new: list[SpaceViewSpec], specs: list[SpaceViewSpec]) -> None:
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
                if not self._docked & {s.name for s in specs}:
                    target = central.id_  # the first view: the whole centre
                else:
                    split = internal.dock_builder_split_node(central.id_, imgui.Dir.right, 0.5)
                    target = self._side_node = split.id_at_dir
                    central = internal.dock_builder_get_central_node(dock_id) or central
            internal.dock_builder_dock_window(spec.name, target)
            self._docked.add(spec.name)
        internal.dock_builder_finish(dock_id)

    def _initial_layout(self, dock_id: int, specs: list[SpaceViewSpec],
                        size_2d: Callable[[SpaceViewSpec], tuple | None],
                        title_of: Callable[[SpaceViewSpec], str]) -> None:
        viewport = imgui.get_main_viewport()
        internal.dock_builder_remove_node(dock_id)
        internal.dock_builder_add_node(dock_id, internal.DockNodeFlagsPrivate_.dock_space)
        internal.dock_builder_set_node_size(dock_id, viewport.size)
        left = internal.dock_builder_split_node(dock_id, imgui.Dir.left, 0.18)
        right = internal.dock_builder_split_node(left.id_at_opposite_dir, imgui.Dir.right, 0.24)
        share = TIME_PANEL_HEIGHT if self.time_panel_expanded else \
            min(collapsed_time_panel_height() / max(viewport.size.y, 1.0), TIME_PANEL_HEIGHT)
        bottom = internal.dock_builder_split_node(right.id_at_opposite_dir, imgui.Dir.down, share)
        self._timeline_node = bottom.id_at_dir
        internal.dock_builder_dock_window(panels.ENTITIES, left.id_at_dir)
        internal.dock_builder_dock_window(panels.SELECTION, right.id_at_dir)
        internal.dock_builder_dock_window(panels.TIMELINE, bottom.id_at_dir)
        center = bottom.id_at_opposite_dir
        self._side_node = None
        node = internal.dock_builder_get_node(center)
        area = (node.size.x, node.size.y) if node is not None and node.size.x > 0 else \
            (viewport.size.x * 0.82 * 0.76, viewport.size.y * 0.74)
        self._assigned = dock_views(center, specs, size_2d, area, title_of)
        self._docked.update(self._assigned)
        internal.dock_builder_finish(dock_id)
