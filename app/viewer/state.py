"""UI state shared by the panels and views: visibility, selection, hover, per-entity properties and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from rerun_app.views.spatial import EntityProperties
from rerun_app.views.transforms import join_parts, path_parts


@dataclass
class Hover:
    """What the mouse is over in a view."""

    entity_path: str
    instance: int | None
    label: str | None
    position: tuple[float, ...] | None
    layer: str | None = None  # the view layer hit ("points", "image" …)
    row: int | None = None  # the instance's row in that layer's pick info
    pixel: tuple[int, int] | None = None  # (column, row) of the image pixel under the mouse
    view: str | None = None  # window name of the view it is in


@dataclass
class ViewerState:
    """Mutable UI state (pure Python; tests read it through the state dump)."""

    hidden: set[str] = field(default_factory=set)
    selected: str | None = None
    selected_instance: int | None = None  # an instance of ``selected`` picked in a view (None: the whole entity)
    selected_view: str | None = None  # the view it was picked in (its outline is drawn there)
    hover: Hover | None = None
    properties: dict[str, EntityProperties] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    version: int = 0  # bumps on every change that affects what views show

    def is_hidden(self, path: str) -> bool:
        """Hidden itself or through a hidden ancestor (per-subtree toggle)."""
        parts = path_parts(path)
        return any(join_parts(parts[:depth]) in self.hidden for depth in range(len(parts) + 1))

    def set_visible(self, path: str, visible: bool) -> None:
        """Show or hide ``path`` and its subtree."""
        if visible:
            self.hidden.discard(path)
        else:
            self.hidden.add(path)
        self.version += 1

    def props(self, path: str) -> EntityProperties:
        """Properties of ``path`` (created with defaults on first use)."""
        found = self.properties.get(path)
        if found is None:
            found = self.properties[path] = EntityProperties()
        return found

    def select(self, path: str | None, instance: int | None = None, view: str | None = None) -> None:
        """Select an entity, or one of its instances picked in ``view`` (None clears the selection)."""
        self.selected = path
        self.selected_instance = None if path is None else instance
        self.selected_view = None if path is None else view
