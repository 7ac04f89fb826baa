"""The ImGui panels around the space views: entity tree, selection inspector, timeline.

Each ``draw_*`` function draws one window from a :class:`~rerun_app.viewer.context.PanelContext` (its ``viewer``
argument); they are called inside the viewer's ``build_ui`` while the ingest lock is held (store reads are
consistent).
"""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui
from rerun import components as C

from rerun_app.time_control import LoopMode
from rerun_app.viewer import blueprint_panel, hover_info, streams_panel
from rerun_app.views import values
from rerun_app.views.annotations import AnnotationContext

ENTITIES = "Blueprint###entities"  # the left panel: space views with their entities, then every entity
SELECTION = "Selection###selection"
TIMELINE = "Timeline###timeline"

_WARN = imgui.ImVec4(1.0, 0.75, 0.2, 1.0)
_DIM = imgui.ImVec4(0.6, 0.6, 0.6, 1.0)
_COLORMAPS = ["turbo", "viridis", "plasma", "magma", "inferno", "grayscale"]


# -- entity tree -------------------------------------------------------------------------------------------
def draw_entity_tree(viewer) -> None:
    """Path hierarchy with a visibility checkbox per entity / subtree (in every view); clicking a name selects it.
    Drawn below the Blueprint panel's views (the same window)."""
    if imgui.begin(ENTITIES)[0]:
        imgui.separator_text("All entities")
        store = viewer.store
        if store is None:
            imgui.text_colored(_DIM, "waiting for data…")
        else:
            _draw_tree(viewer, store.entity_tree())
    imgui.end()


def _canonical(path: str) -> str:
    return path.strip("/") or "/"


_TREE_POP = object()  # on the drawing stack: close the tree node (and id) opened before its children


def _draw_tree(viewer, tree) -> None:
    """Every node below the root, with an explicit stack instead of recursion: the depth of the tree
    is the wire's choice (an entity path 2000 parts deep raised RecursionError here)."""
    stack: list = [(child, 0) for child in reversed(tree.children.values())]
    while stack:
        item = stack.pop()
        if item is _TREE_POP:
            imgui.tree_pop()
            imgui.pop_id()
            continue
        node, depth = item
        if _tree_node(viewer, node, depth):
            stack.append(_TREE_POP)
            stack.extend((child, depth + 1) for child in reversed(node.children.values()))
        else:
            imgui.pop_id()


def _tree_node(viewer, node, depth: int) -> bool:
    """Draw one node; returns whether it is open (its id stays pushed either way: the caller pops it)."""
    path = _canonical(node.path)
    state = viewer.state
    imgui.push_id(path)
    hidden_self = path in state.hidden
    changed, visible = imgui.checkbox("##visible", not hidden_self)
    if changed:
        state.set_visible(path, visible)
        viewer.request_redraw()
    if imgui.is_item_hovered():
        imgui.set_tooltip(("hide " if visible else "show ") + path + (" and its children" if node.children else ""))
    viewer.record_item("tree-checkbox:" + path)
    imgui.same_line()
    flags = imgui.TreeNodeFlags_.open_on_arrow | imgui.TreeNodeFlags_.span_avail_width
    if not node.children:
        flags |= imgui.TreeNodeFlags_.leaf
    if state.selected == path:
        flags |= imgui.TreeNodeFlags_.selected
    if depth < 2:
        imgui.set_next_item_open(True, imgui.Cond_.once)
    label = node.name if state.is_hidden(path) is False else f"{node.name} (hidden)"
    if path in state.warnings and state.warnings[path]:
        label += "  (!)"
    opened = imgui.tree_node_ex(label + "###node", flags)
    viewer.record_item("tree-label:" + path)
    if imgui.is_item_clicked() and not imgui.is_item_toggled_open():
        state.select(path)
    return opened


# -- selection ---------------------------------------------------------------------------------------------
def draw_selection(viewer) -> None:
    """Components of the selected entity at the cursor, its warnings and view properties; the hovered point."""
    viewer.selection_lines = []
    if imgui.begin(SELECTION)[0]:
        _hover_section(viewer)
        path = viewer.state.selected
        store = viewer.store
        view = viewer.blueprint.get(viewer.state.selected_space_view)
        if view is not None:
            blueprint_panel.draw_view_selection(viewer, view)
        elif path is None or store is None:
            imgui.text_colored(_DIM, "click an entity in the tree or a view")
        else:
            _entity_section(viewer, store, path)
    imgui.end()


def _hover_section(viewer) -> None:
    hover = viewer.state.hover
    if hover is None:
        return
    imgui.separator_text("Hovered")
    imgui.text(f"entity: {hover.entity_path}")
    if hover.instance is not None:
        imgui.text(f"instance: {hover.instance}")
    if hover.label:
        imgui.text(f"label: {hover.label}")
    if hover.position is not None:
        imgui.text("position: (" + ", ".join(f"{v:.3f}" for v in hover.position) + ")")
    if hover.pixel is not None:
        imgui.text(f"pixel: {hover.pixel}")


def _entity_section(viewer, store, path: str) -> None:
    """As the original's selection panel: what is selected, its data at the cursor (short component names,
    full-precision values, colour swatches), then the blueprint part (the views showing it, view properties)."""
    instance = viewer.state.selected_instance
    title = f"Entity instance: {path}[{instance}]" if instance is not None else f"Entity: {path}"
    imgui.text(title)
    viewer.selection_lines.append(title)
    shown_in = viewer.views_showing(path)
    picked_in = [t for name, t in shown_in if name == viewer.state.selected_view]
    if picked_in:  # picked in a view: the original names it
        imgui.text(f"in Space View: {picked_in[0]}")
        viewer.selection_lines.append(f"in Space View: {picked_in[0]}")
    for warning in viewer.state.warnings.get(path, []):
        imgui.text_colored(_WARN, "warning: " + warning)
        viewer.selection_lines.append("warning: " + warning)
    timeline, time = viewer.cursor()
    latest = store.latest_at(path, timeline, time)
    imgui.set_next_item_open(True, imgui.Cond_.once)
    if imgui.collapsing_header("Data"):
        if latest is None:
            imgui.text_colored(_DIM, "no data at this time")
        elif instance is not None:  # an instance picked in a view: its own values, as the original shows
            _data_grid(viewer, hover_info.instance_component_rows(latest, instance))
        else:
            _data_grid(viewer, hover_info.entity_rows(latest), latest.components.get(C.TENSOR))
    imgui.set_next_item_open(True, imgui.Cond_.once)
    if imgui.collapsing_header("Blueprint"):
        if shown_in:
            imgui.text("Is shown in:")
            for _, view_title in shown_in:
                imgui.bullet_text(view_title)
            viewer.selection_lines.append("Is shown in: " + ", ".join(t for _, t in shown_in))
        else:
            imgui.text_colored(_DIM, "(Not shown in any Space View)")
            viewer.selection_lines.append("(Not shown in any Space View)")
        _properties_section(viewer, path, latest)


def _data_grid(viewer, rows, latest_tensor=None) -> None:
    """Component name | value rows; a colour as a swatch before its hex; several values as a collapsible list; an
    image tensor (``latest_tensor``, its component array) with a small preview before its summary."""
    if not imgui.begin_table("##data", 2, imgui.TableFlags_.sizing_fixed_fit):
        return
    imgui.table_setup_column("name", imgui.TableColumnFlags_.width_fixed)
    imgui.table_setup_column("value", imgui.TableColumnFlags_.width_stretch)
    for row in rows:
        imgui.table_next_row()
        imgui.table_next_column()
        imgui.text(row.name)
        imgui.table_next_column()
        if row.color is not None:
            imgui.color_button(f"##swatch{row.name}", imgui.ImVec4(*(v / 255 for v in row.color)),
                               imgui.ColorEditFlags_.alpha_preview_half, imgui.ImVec2(32, 16))
            viewer.record_item(f"selection-swatch:{row.name}")
            imgui.same_line()
        if row.name == "tensor" and latest_tensor is not None:
            _thumbnail(viewer, latest_tensor)
        if row.instances:
            if imgui.tree_node(f"{row.value}###list{row.name}"):
                for key, text in row.instances:
                    imgui.text_wrapped(f"#{key}: {text}")
                imgui.tree_pop()
        else:
            imgui.text_wrapped(row.value)
        listed = ", ".join(f"#{k}: {t}" for k, t in row.instances[:8])
        viewer.selection_lines.append(f"{row.name}: {row.value}" + (f" ({listed})" if listed else ""))
    imgui.end_table()


def _thumbnail(viewer, tensor_arr) -> None:
    """The original's small preview of an image next to its summary, drawn as one rectangle per sample."""
    picture = hover_info.thumbnail(tensor_arr)
    if picture is None:
        return
    h, w = picture.shape[:2]
    origin = imgui.get_cursor_screen_pos()
    draw_list = imgui.get_window_draw_list()
    packed = (0xFF000000 | (picture[..., 2].astype(np.uint32) << 16) | (picture[..., 1].astype(np.uint32) << 8)
              | picture[..., 0].astype(np.uint32))
    for r in range(h):
        for c in range(w):
            x, y = origin.x + c, origin.y + r
            draw_list.add_rect_filled(imgui.ImVec2(x, y), imgui.ImVec2(x + 1, y + 1), int(packed[r, c]))
    imgui.dummy(imgui.ImVec2(w, h))
    viewer.record_item("selection-thumbnail:tensor")
    imgui.same_line()


_POINT_COMPONENTS = frozenset({C.POINT2D, C.POINT3D})


def _is_depth_image(latest) -> bool:
    arr = None if latest is None else latest.components.get(C.TENSOR)
    if arr is None or not len(arr):
        return False
    try:
        return arr[0]["meaning"].as_py() == "depth"
    except (KeyError, TypeError, IndexError):  # not a tensor struct: its own warning says so elsewhere
        return False


def _is_pinhole(latest) -> bool:
    arr = latest.components.get(C.TRANSFORM)
    if arr is None or not len(arr):
        return False
    try:
        return values.transform(arr).kind == "pinhole"
    except Exception:  # noqa: BLE001 (a bad transform shows its own warning elsewhere)
        return False


def _default_image_plane_distance(viewer) -> float:
    """The distance frustums get without an edited one: 5 % of the first 3D view's scene (1.0 without one)."""
    for spec, host in viewer.views.items():
        if spec.kind == "3d":
            return float(host.builder.default_image_plane_distance)
    return 1.0


def _properties_section(viewer, path: str, latest) -> None:
    """The entity's view properties that apply to its data: visible history always; the image plane distance for
    a pinhole camera; the back-projection options for a depth image; the radius scale for points and depth."""
    props = viewer.state.props(path)
    components = set(latest.components) if latest is not None else set()
    is_depth = _is_depth_image(latest)
    changed = False
    if latest is not None and _is_pinhole(latest):  # Rerun 0.4: the image plane at 5 % of the scene size unless the user sets it per camera
        distance = props.image_plane_distance or _default_image_plane_distance(viewer)
        c, distance = imgui.drag_float("image plane distance", distance, max(distance * 0.01, 1e-4), 1e-4, 1e6, "%.4g")
        viewer.record_item(f"image-plane-distance:{path}")
        if c and distance > 0:
            props.image_plane_distance = float(distance)
            changed = True
        if props.image_plane_distance is not None:
            imgui.same_line()
            if imgui.small_button("auto"):
                props.image_plane_distance = None
                changed = True
    c, props.visible_history = imgui.input_int("visible history", props.visible_history, 1, 10)
    viewer.record_item("property:visible history")
    changed |= c
    props.visible_history = max(0, props.visible_history)
    if is_depth:
        c, props.backproject_depth = imgui.checkbox("back-project depth", props.backproject_depth)
        viewer.record_item("property:back-project depth")
        changed |= c
        c, props.color_depth_from_image = imgui.checkbox("colour depth cloud from image",
                                                         props.color_depth_from_image)
        changed |= c
        current = _COLORMAPS.index(props.depth_colormap) if props.depth_colormap in _COLORMAPS else 0
        c, index = imgui.combo("depth colormap", current, _COLORMAPS)
        if c:
            props.depth_colormap = _COLORMAPS[index]
            changed = True
    if is_depth or components & _POINT_COMPONENTS:
        c, props.point_radius_scale = imgui.drag_float("radius scale", props.point_radius_scale, 0.01, 0.0, 100.0)
        viewer.record_item("property:radius scale")
        changed |= c
    if changed:
        viewer.state.version += 1
        viewer.request_redraw()


# -- timeline ----------------------------------------------------------------------------------------------
_LOOP_LABELS = ["loop: off", "loop: all", "loop: selection"]
_LOOP_MODES = [LoopMode.OFF, LoopMode.ALL, LoopMode.SELECTION]


def draw_timeline(viewer) -> None:
    """Timeline selector, play controls and the scrub axis with per-entity data density."""
    tc = viewer.time
    store = viewer.store
    viewer.stream_rows = []
    if imgui.begin(TIMELINE)[0]:
        viewer.item_rects["timeline-window"] = (*imgui.get_window_pos(), *imgui.get_window_size())
        if imgui.arrow_button("##time-panel", imgui.Dir.down if viewer.time_panel_expanded else imgui.Dir.right):
            viewer.time_panel_expanded = not viewer.time_panel_expanded
            viewer.request_redraw()
        viewer.record_item("button:time-panel")
        if imgui.is_item_hovered():
            imgui.set_tooltip("collapse the time panel to its controls" if viewer.time_panel_expanded
                              else "expand the time panel: the Streams tree along the timeline")
        imgui.same_line()
        names = [t.name for t in tc.timelines]
        if not names:
            imgui.text_colored(_DIM, "no timelines yet")
        else:
            current = names.index(tc.timeline.name) if tc.timeline in tc.timelines else 0
            imgui.set_next_item_width(140)
            changed, index = imgui.combo("##timeline", current, names)
            if changed:
                tc.select_timeline(tc.timelines[index])
                viewer.on_time_changed()
            imgui.same_line()
            _controls(viewer)
            time_range = store.time_range(viewer.timeline_key()) if store is not None and tc.timeline else None
            _time_axis(viewer, time_range, viewer.time_panel_expanded)
    imgui.end()


def _controls(viewer) -> None:
    tc = viewer.time
    times = viewer.times_with_data()
    if imgui.button("|<"):
        if times.size:
            tc.set_time(int(times[0]))
            viewer.on_time_changed()
    viewer.record_item("button:start")
    imgui.same_line()
    if imgui.button("<"):
        tc.step(-1, times)
        viewer.on_time_changed()
    viewer.record_item("button:step-back")
    imgui.same_line()
    if imgui.button("Pause" if tc.playing else "Play"):
        tc.toggle_play(viewer.time_range())
        viewer.on_time_changed()
    viewer.record_item("button:play")
    imgui.same_line()
    if imgui.button(">"):
        tc.step(+1, times)
        viewer.on_time_changed()
    viewer.record_item("button:step-forward")
    imgui.same_line()
    changed, follow = imgui.checkbox("follow", tc.following)
    if changed:
        tc.follow() if follow else tc.pause()
        viewer.on_time_changed()
    viewer.record_item("checkbox:follow")
    imgui.same_line()
    imgui.set_next_item_width(120)
    changed, index = imgui.combo("##loop", _LOOP_MODES.index(tc.loop), _LOOP_LABELS)
    if changed:
        tc.loop = _LOOP_MODES[index]
    imgui.same_line()
    imgui.set_next_item_width(90)
    changed, tc.speed = imgui.drag_float("speed", tc.speed, 0.01, 0.01, 100.0, "%.2fx")
    if tc.timeline is not None and tc.timeline.type == "sequence":
        imgui.same_line()
        imgui.set_next_item_width(70)
        changed, tc.fps = imgui.drag_float("fps", tc.fps, 0.1, 0.1, 1000.0, "%.1f")
    imgui.same_line()
    imgui.text(tc.format_time())


_AXIS_HEIGHT = 26.0
_NAME_COLUMN = 200.0  # the Streams tree's names, left of the time axis


def _time_axis(viewer, time_range, streams: bool = True) -> None:
    """The scrub area: all-data ticks, the cursor; drag to scrub, shift-drag to select a loop range. With
    ``streams``, the "Streams" tree below it (the entity tree along the timeline)."""
    tc = viewer.time
    draw = imgui.get_window_draw_list()
    origin = imgui.get_cursor_screen_pos()
    imgui.dummy(imgui.ImVec2(_NAME_COLUMN, _AXIS_HEIGHT))
    if streams:  # the original's title of the tree, left of the axis
        draw.add_text(imgui.ImVec2(origin.x + 2, origin.y + 5), imgui.get_color_u32(imgui.Col_.text), "Streams")
    imgui.same_line(0, 0)
    # ends clear of the Streams rows' scrollbar, so the last time's ticks stay visible in every row
    width = max(imgui.get_content_region_avail().x - imgui.get_style().scrollbar_size - 8.0, 10.0)
    imgui.invisible_button("##time-axis", imgui.ImVec2(width, _AXIS_HEIGHT))
    viewer.record_item("time-axis")
    x0, y0 = origin.x + _NAME_COLUMN, origin.y
    draw.add_rect_filled(imgui.ImVec2(x0, y0), imgui.ImVec2(x0 + width, y0 + _AXIS_HEIGHT),
                         imgui.color_convert_float4_to_u32(imgui.ImVec4(0.16, 0.16, 0.2, 1.0)))
    if time_range is None:
        return
    lo, hi = time_range
    span = max(hi - lo, 1)

    def x_of(t):
        return x0 + (np.asarray(t, dtype=np.float64) - lo) / span * width

    if imgui.is_item_active():
        mx = imgui.get_mouse_pos().x
        t = lo + (min(max(mx, x0), x0 + width) - x0) / width * span
        if imgui.get_io().key_shift:
            start = viewer.drag_select_start if viewer.drag_select_start is not None else t
            viewer.drag_select_start = start
            tc.set_selection(round(start), round(t))
        else:
            tc.pause()
            tc.set_time(t, time_range)
        viewer.on_time_changed()
    else:
        viewer.drag_select_start = None
    if tc.selection is not None:
        s0, s1 = x_of(tc.selection[0]), x_of(tc.selection[1])
        draw.add_rect_filled(imgui.ImVec2(float(s0), y0), imgui.ImVec2(float(s1) + 1, y0 + _AXIS_HEIGHT),
                             imgui.color_convert_float4_to_u32(imgui.ImVec4(0.3, 0.5, 0.9, 0.35)))
    tick = imgui.color_convert_float4_to_u32(imgui.ImVec4(0.7, 0.7, 0.8, 1.0))
    for x in _tick_positions(x_of(viewer.times_with_data()), width):
        draw.add_line(imgui.ImVec2(x, y0 + _AXIS_HEIGHT - 8), imgui.ImVec2(x, y0 + _AXIS_HEIGHT), tick)
    draw.add_text(imgui.ImVec2(x0 + 4, y0 + 2), tick, tc.format_time(lo))
    end_label = tc.format_time(hi)
    draw.add_text(imgui.ImVec2(x0 + width - 8 * len(end_label), y0 + 2), tick, end_label)
    if tc.time is not None:
        cx = float(x_of(tc.time))
        draw.add_line(imgui.ImVec2(cx, y0), imgui.ImVec2(cx, y0 + _AXIS_HEIGHT + 4),
                      imgui.color_convert_float4_to_u32(imgui.ImVec4(1.0, 0.35, 0.3, 1.0)), 2.0)
    if streams:
        streams_panel.draw_streams(viewer, x_of, x0, width, _NAME_COLUMN)


def _tick_positions(xs: np.ndarray, width: float) -> list[float]:
    """One tick per occupied pixel column (millions of times still draw a few hundred lines)."""
    if xs.size == 0:
        return []
    cols = np.unique(np.floor(xs).astype(np.int64))
    return cols.astype(np.float64).tolist()
