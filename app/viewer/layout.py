"""The ImGui dock layout: panels left / right / bottom, space views in the centre, views that appear later
docked as the start-up layout would have placed them."""

from __future__ import annotations

from imgui_bundle import imgui
from imgui_bundle.imgui import internal

from rerun_app.viewer import panels
from rerun_app.views.heuristics import SpaceViewSpec


class DockLayout:
    """Docks the panels and the space views' windows into the window-filling dockspace."""

    def __init__(self) -> None:
        self._docked: set[str] = set()
        self._side_node: int | None = None  # dock node of the second and later views (split off the centre)
        self._layout_done = False

    def reset(self) -> None:
        """Dock the panels and views as at start-up (on the next frame)."""
        self._layout_done = False

    def forget_views(self) -> None:
        """Another recording is shown: its views get a fresh start-up layout."""
        self._layout_done = False
        self._docked.clear()

    def draw(self, specs: list[SpaceViewSpec]) -> None:
        """The dockspace over the whole window; (re)builds the layout when needed and docks new views."""
        dock_id = imgui.get_id("rerun-dockspace")
        imgui.push_style_color(imgui.Col_.window_bg, imgui.ImVec4(0, 0, 0, 0))  # pitfall 4
        imgui.dock_space_over_viewport(dock_id, imgui.get_main_viewport(), imgui.DockNodeFlags_.passthru_central_node)
        imgui.pop_style_color()
        if not self._layout_done:
            self._initial_layout(dock_id, specs)
            self._layout_done = True
        new = [spec for spec in specs if spec.name not in self._docked]
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

    def _initial_layout(self, dock_id: int, specs: list[SpaceViewSpec]) -> None:
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
