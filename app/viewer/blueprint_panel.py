"""The Blueprint panel (left): every space view, named by its title, expandable to the entities it shows.

As in Rerun 0.4: views sorted by their space path; each view and each group of entities
(:mod:`rerun_app.views.blueprint_tree`) has a visibility toggle; an entity's toggle hides it in that view only
(the entity tree below the views hides an entity in every view). Clicking a view's name selects the view, clicking
an entity selects the entity; the selection panel then describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from imgui_bundle import imgui

from rerun_app.views.blueprint_tree import BlueprintGroup

_DIM = imgui.ImVec4(0.6, 0.6, 0.6, 1.0)
_KIND_NAMES = {"3d": "3D", "2d": "2D", "timeseries": "Time Series", "textlog": "Text", "barchart": "Bar Chart",
               "tensor": "Tensor"}


@dataclass(frozen=True)
class BlueprintView:
    """One space view as the panel shows it: window name, title, kind, space root and its entity groups."""

    name: str
    title: str
    kind: str
    root: str
    tree: BlueprintGroup
    shown: bool  # in the viewport's grid (not switched off)

    @property
    def kind_name(self) -> str:
        """The view kind in words ("3D", "Time Series" …)."""
        return _KIND_NAMES.get(self.kind, self.kind)


_POP = object()  # on the drawing stack: close the tree node opened before its children


def draw_blueprint(ctx, views: list[BlueprintView], set_shown: Callable[[str, bool], None]) -> None:
    """The views' tree, drawn into the current window (the left panel).

    Parameters
    ----------
    ctx : PanelContext
    views : list of BlueprintView
    set_shown : callable
        ``set_shown(view name, shown)`` switches a view into or out of the grid.
    """
    ctx.blueprint = {view.name: view for view in views}
    for view in sorted(views, key=lambda v: (v.tree.path, v.title, v.name)):
        imgui.push_id(view.name)
        changed, shown = imgui.checkbox("##view-visible", view.shown)
        ctx.record_item(f"view-checkbox:{view.name}")
        if changed:
            set_shown(view.name, shown)
            ctx.request_redraw()
        if imgui.is_item_hovered():
            imgui.set_tooltip(("hide" if shown else "show") + f" the {view.kind_name} view '{view.title}'")
        imgui.same_line()
        flags = imgui.TreeNodeFlags_.open_on_arrow | imgui.TreeNodeFlags_.span_avail_width
        if ctx.state.selected_space_view == view.name:
            flags |= imgui.TreeNodeFlags_.selected
        imgui.set_next_item_open(view.tree.default_open, imgui.Cond_.once)
        if not shown:
            imgui.push_style_color(imgui.Col_.text, _DIM)
        opened = imgui.tree_node_ex(f"{view.title}###view", flags)
        if not shown:
            imgui.pop_style_color()
        ctx.record_item(f"blueprint-view:{view.name}")
        if imgui.is_item_clicked() and not imgui.is_item_toggled_open():
            ctx.state.select_space_view(view.name)
            ctx.request_redraw()
        if opened:
            _draw_group_body(ctx, view, shown)
            imgui.tree_pop()
        imgui.pop_id()


def _draw_group_body(ctx, view: BlueprintView, view_shown: bool) -> None:
    """The view's entities and groups, with an explicit stack (a path can be thousands of parts deep)."""
    visibility = ctx.state.view_visibility.get(view.name)
    stack: list = [("body", view.tree, view_shown)]
    while stack:
        item = stack.pop()
        if item is _POP:
            imgui.tree_pop()
            continue
        what, group, enabled = item
        if what == "body":  # a group's entities, then its subgroups (the first one on top of the stack)
            for path in group.entities:
                _entity_row(ctx, view, path, enabled)
            stack.extend(("row", child, enabled) for child in reversed(group.children))
            continue
        on = visibility is None or group.path not in visibility.hidden_groups
        if _group_row(ctx, view, group, enabled, on):
            stack.append(_POP)
            stack.append(("body", group, enabled and on))


def _entity_row(ctx, view: BlueprintView, path: str, enabled: bool) -> None:
    state = ctx.state
    visibility = state.view_visibility.get(view.name)
    on = visibility is None or path not in visibility.hidden_entities
    imgui.push_id(path)
    changed, on = imgui.checkbox("##visible", on)
    ctx.record_item(f"blueprint-entity-checkbox:{view.name}:{path}")
    if changed:
        state.set_visible_in_view(view.name, path, on)
        ctx.request_redraw()
    if imgui.is_item_hovered():
        imgui.set_tooltip(("hide " if on else "show ") + f"{path} in '{view.title}' only")
    imgui.same_line()
    flags = imgui.TreeNodeFlags_.leaf | imgui.TreeNodeFlags_.no_tree_push_on_open | \
        imgui.TreeNodeFlags_.span_avail_width
    if state.selected == path and state.selected_view == view.name:
        flags |= imgui.TreeNodeFlags_.selected
    dim = not (enabled and on) or state.is_hidden(path)
    if dim:
        imgui.push_style_color(imgui.Col_.text, _DIM)
    imgui.tree_node_ex(f"{_last_part(path)}###entity", flags)
    if dim:
        imgui.pop_style_color()
    ctx.record_item(f"blueprint-entity:{view.name}:{path}")
    if imgui.is_item_clicked():
        state.select(path, view=view.name)
        ctx.request_redraw()
    imgui.pop_id()


def _group_row(ctx, view: BlueprintView, group: BlueprintGroup, enabled: bool, on: bool) -> bool:
    """A group's toggle and name; returns whether it is open (then the caller pops its tree node)."""
    state = ctx.state
    imgui.push_id(f"group:{group.path}")
    changed, on = imgui.checkbox("##visible", on)
    ctx.record_item(f"blueprint-group-checkbox:{view.name}:{group.path}")
    if changed:
        state.set_visible_in_view(view.name, group.path, on, group=True)
        ctx.request_redraw()
    if imgui.is_item_hovered():
        imgui.set_tooltip(("hide " if on else "show ") + f"{group.path} and everything below it in '{view.title}'")
    imgui.same_line()
    flags = imgui.TreeNodeFlags_.open_on_arrow | imgui.TreeNodeFlags_.span_avail_width
    if state.selected == group.path and state.selected_view == view.name:
        flags |= imgui.TreeNodeFlags_.selected
    imgui.set_next_item_open(group.default_open, imgui.Cond_.once)
    dim = not (enabled and on)
    if dim:
        imgui.push_style_color(imgui.Col_.text, _DIM)
    opened = imgui.tree_node_ex(f"{group.name}###group", flags)
    if dim:
        imgui.pop_style_color()
    ctx.record_item(f"blueprint-group:{view.name}:{group.path}")
    if imgui.is_item_clicked() and not imgui.is_item_toggled_open():
        state.select(group.path, view=view.name)
        ctx.request_redraw()
    imgui.pop_id()
    return opened


def _last_part(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[-1] if parts else "/"


def draw_view_selection(ctx, view: BlueprintView) -> None:
    """The selection panel's description of a selected space view (what the original lists for one)."""
    lines = [f"space view: {view.title}", f"kind: {view.kind_name}", f"space path: {view.tree.path}",
             f"in the viewport: {'yes' if view.shown else 'no (hidden)'}"]
    imgui.separator_text(f"Space view '{view.title}'")
    for line in lines:
        imgui.text_wrapped(line)
    entities = view.tree.all_entities()
    imgui.separator_text(f"entities ({len(entities)})")
    lines.append(f"entities: {len(entities)}")
    for path in sorted(entities):
        off = ctx.state.hidden_for_view(view.name)(path)
        text = path + (" (hidden)" if off else "")
        (imgui.text_colored(_DIM, text) if off else imgui.text(text))
        lines.append(text)
    ctx.selection_lines.extend(lines)
