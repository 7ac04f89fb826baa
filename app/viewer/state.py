"""UI state shared by the panels and views: visibility, selection, hover, per-entity properties and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
class ViewVisibility:
    """What the user switched off in one space view (the Blueprint panel's toggles); other views are unaffected."""

    hidden_entities: set[str] = field(default_factory=set)  # an entity alone
    hidden_groups: set[str] = field(default_factory=set)  # a group: every entity at or below its path

    def hides(self, path: str) -> bool:
        """Whether ``path`` is switched off in this view, itself or through a group it lies in."""
        if path in self.hidden_entities:
            return True
        parts = path_parts(path)
        return any(join_parts(parts[:depth]) in self.hidden_groups for depth in range(len(parts) + 1))


@dataclass
class ViewerState:
    """Mutable UI state (pure Python; tests read it through the state dump)."""

    hidden: set[str] = field(default_factory=set)
    selected: str | None = None
    selected_instance: int | None = None  # an instance of ``selected`` picked in a view (None: the whole entity)
    selected_view: str | None = None  # the view it was picked in (its outline is drawn there)
    selected_space_view: str | None = None  # a whole space view selected in the Blueprint panel (its window name)
    view_visibility: dict[str, ViewVisibility] = field(default_factory=dict)  # per space view (window name)
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

    def hidden_in_view(self, view: str, path: str) -> bool:
        """Whether ``path`` is switched off in space view ``view`` only (see :meth:`set_visible_in_view`)."""
        found = self.view_visibility.get(view)
        return found is not None and found.hides(path)

    def hidden_for_view(self, view: str) -> Callable[[str], bool]:
        """``hidden(path)`` for view ``view``: hidden everywhere (entity tree) or switched off in that view."""
        return lambda path: self.is_hidden(path) or self.hidden_in_view(view, path)

    def set_visible_in_view(self, view: str, path: str, visible: bool, group: bool = False) -> None:
        """Show or hide ``path`` in space view ``view`` only; with ``group``, every entity at or below it."""
        found = self.view_visibility.setdefault(view, ViewVisibility())
        target = found.hidden_groups if group else found.hidden_entities
        if visible:
            target.discard(path)
        else:
            target.add(path)
        self.version += 1

    def reset_view_visibility(self) -> None:
        """Switch every entity back on in every space view (the Blueprint panel's reset)."""
        self.view_visibility.clear()
        self.version += 1

    def props(self, path: str) -> EntityProperties:
        """Properties of ``path`` (created with defaults on first use)."""
        found = self.properties.get(path)
        if found is None:
            found = self.properties[path] = EntityProperties()
        return found

    def select_space_view(self, view: str) -> None:
        """Select a whole space view (the selection panel describes it)."""
        self.select(None)
        self.selected_space_view = view

    def select(self, path: str | None, instance: int | None = None, view: str | None = None) -> None:
        """Select an entity, or one of its instances picked in ``view`` (None clears the selection)."""
        self.selected = path
        self.selected_space_view = None
        self.selected_instance = None if path is None else instance
        self.selected_view = None if path is None else view
