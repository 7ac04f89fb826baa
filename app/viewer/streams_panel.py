"""The time panel's "Streams" tree (Rerun 0.4): the entity tree along the timeline, each row with its event ticks.

Rows come from :func:`rerun_app.views.streams.stream_rows`; each is drawn as an expand arrow and the entity's (or
component's) name in the name column, left of the time axis, and its ticks at the axis' x of each time with data.
Clicking a name selects the entity. Drawn inside the timeline window, below its axis, in a child region that
scrolls while the controls and the axis stay.
"""

from __future__ import annotations

import time

import numpy as np
from imgui_bundle import imgui

from rerun_app.views import values
from rerun_app.views.streams import StreamRow, paths_with_data, stream_rows, timeless_paths

_INDENT = 14.0
TIMELESS_MARK_OFFSET = 4.0  # px left of the time axis: where a row's timeless data is marked
ROWS_REFRESH_SECONDS = 0.5  # rows rebuilt at most this often while only data arrives (2000 entities: ~0.1 s each)
_TICK = imgui.ImVec4(0.45, 0.7, 1.0, 1.0)
_TICK_COMPONENT = imgui.ImVec4(0.6, 0.6, 0.75, 1.0)
_CURSOR = imgui.ImVec4(1.0, 0.35, 0.3, 1.0)


def draw_streams(ctx, x_of, axis_x: float, width: float, name_column: float) -> None:
    """The rows under the time axis; ``x_of`` maps times to screen x, the axis spans ``axis_x .. + width``."""
    store, key = ctx.store, ctx.timeline_key()
    ctx.stream_rows = []
    ctx.stream_tooltip = None
    if store is None or key is None:
        return
    rows = _rows(ctx, store, key)
    avail = imgui.get_content_region_avail()
    if not imgui.begin_child("##streams", imgui.ImVec2(avail.x, max(avail.y, 1.0))):
        imgui.end_child()
        return
    draw = imgui.get_window_draw_list()
    _scrub_area(ctx, x_of, axis_x, width)
    if ctx.time.time is not None:  # the time cursor through the rows, under their ticks
        lo, hi = imgui.get_window_pos(), imgui.get_window_size()
        cx = float(x_of(ctx.time.time))
        draw.add_line(imgui.ImVec2(cx, lo.y), imgui.ImVec2(cx, lo.y + hi.y),
                      imgui.color_convert_float4_to_u32(_CURSOR), 2.0)
    # compact rows, arrows without a button frame (as tree nodes look)
    imgui.push_style_var(imgui.StyleVar_.item_spacing, imgui.ImVec2(imgui.get_style().item_spacing.x, 1.0))
    imgui.push_style_var(imgui.StyleVar_.frame_padding, imgui.ImVec2(2.0, 1.0))
    imgui.push_style_color(imgui.Col_.button, imgui.ImVec4(0, 0, 0, 0))
    row_height = imgui.get_frame_height()
    tick_colour = imgui.color_convert_float4_to_u32(_TICK)
    component_colour = imgui.color_convert_float4_to_u32(_TICK_COMPONENT)
    clipper = imgui.ListClipper()  # only the rows in sight are drawn (a recording may have thousands of entities)
    clipper.begin(len(rows), row_height)
    while clipper.step():
        for index in range(clipper.display_start, clipper.display_end):
            row = rows[index]
            top = imgui.get_cursor_screen_pos()
            _row_label(ctx, row, top, name_column, row_height)
            timeless = False
            if row.shows_ticks:
                xs = _ticks(ctx, store, key, row, x_of, width)
                colour = component_colour if row.component is not None else tick_colour
                for x in xs:
                    draw.add_rect_filled(imgui.ImVec2(x, top.y + 4), imgui.ImVec2(x + 1.5, top.y + row_height - 4),
                                         colour)
                timeless = _is_timeless(ctx, store, row)
                if timeless:  # the original marks timeless data left of the time axis
                    mid = imgui.ImVec2(axis_x - TIMELESS_MARK_OFFSET, top.y + row_height / 2)
                    draw.add_circle_filled(mid, 2.5, colour)
            else:
                xs = []
            ctx.stream_rows.append({"key": row.key, "label": row.label, "depth": row.depth, "open": row.open,
                                    "component": row.component, "ticks": list(xs), "timeless": timeless,
                                    "rect": (axis_x, top.y, width, row_height)})
    clipper.end()
    imgui.pop_style_color()
    imgui.pop_style_var(2)
    imgui.end_child()


def _scrub_area(ctx, x_of, axis_x: float, width: float) -> None:
    """Pressing or dragging over the rows' time area moves the time cursor there (as on the axis, and as the
    original's streams area does); the rows are then laid out from the child's top again."""
    start = imgui.get_cursor_screen_pos()
    size = imgui.get_window_size()
    imgui.set_cursor_screen_pos(imgui.ImVec2(axis_x, imgui.get_window_pos().y))
    imgui.invisible_button("##streams-scrub", imgui.ImVec2(max(width, 1.0), max(size.y, 1.0)))
    ctx.record_item("streams-scrub")
    if imgui.is_item_active():
        t0 = float(x_of(0))
        per_unit = float(x_of(1)) - t0
        time_range = ctx.time_range()
        if per_unit > 0 and time_range is not None:
            x = min(max(imgui.get_mouse_pos().x, axis_x), axis_x + width)
            ctx.time.pause()
            ctx.time.set_time((x - t0) / per_unit, time_range)
            ctx.on_time_changed()
    imgui.set_cursor_screen_pos(start)


def _rows(ctx, store, key) -> list[StreamRow]:
    """The rows for the current data and open states. Rebuilt at once when the entities, timelines or open rows
    change; when only data arrived (a live stream bumps the generation every frame), at most every
    ``ROWS_REFRESH_SECONDS`` (an entity's first data on this timeline, or a new component, shows up by then)."""
    structure = (id(store), len(store.entity_paths()), tuple(store.timelines()), key,
                 tuple(sorted(ctx.stream_open.items())))
    generation, now = store.generation(), time.monotonic()
    cached = ctx.stream_cache.get("rows")
    if cached is not None and cached[0] == structure and \
            (cached[1] == generation or now - cached[2] < ROWS_REFRESH_SECONDS):
        return cached[3]
    shown = paths_with_data(store, key)
    rows = stream_rows(store.entity_tree(), lambda path, default: ctx.stream_open.get(path, default),
                       shown.__contains__, store.components)
    ctx.stream_cache["rows"] = (structure, generation, now, rows)
    ctx.stream_cache["timeless"] = timeless_paths(store)
    return rows


def _row_label(ctx, row: StreamRow, top, name_column: float, row_height: float) -> None:
    """The row's expand arrow and name in the name column; a click on the name selects the entity."""
    imgui.push_id(row.key)
    x = top.x + row.depth * _INDENT
    imgui.set_cursor_screen_pos(imgui.ImVec2(x, top.y))
    if row.expandable:
        if imgui.arrow_button("##open", imgui.Dir.down if row.open else imgui.Dir.right):
            ctx.stream_open[row.path] = not row.open
            ctx.request_redraw()
        ctx.record_item(f"stream-arrow:{row.key}")
        imgui.same_line(0, 2)
    else:
        imgui.set_cursor_screen_pos(imgui.ImVec2(x + row_height + 2, top.y))
        if row.component is not None:  # the original's bullet before a component
            imgui.get_window_draw_list().add_circle_filled(
                imgui.ImVec2(x + row_height / 2, top.y + row_height / 2), 2.0,
                imgui.get_color_u32(imgui.Col_.text))
    label_width = max(top.x + name_column - imgui.get_cursor_screen_pos().x - 6, 10.0)
    selected = row.component is None and ctx.state.selected == row.path
    if imgui.selectable(f"{row.label}##label", selected, 0, imgui.ImVec2(label_width, row_height))[0]:
        ctx.state.select(row.path)
        ctx.request_redraw()
    ctx.record_item(f"stream:{row.key}")
    if row.component is not None and imgui.is_item_hovered():
        ctx.stream_tooltip = _component_tooltip(ctx, row)
        imgui.set_tooltip(ctx.stream_tooltip)
    imgui.set_cursor_screen_pos(imgui.ImVec2(top.x, top.y + row_height))
    imgui.dummy(imgui.ImVec2(0, 0))
    imgui.pop_id()


def _is_timeless(ctx, store, row: StreamRow) -> bool:
    """Whether the row has timeless data: an entity row, when it or an entity below it holds only timeless data;
    a component row, when the component has a timeless value."""
    if row.component is None:
        return row.path in ctx.stream_cache.get("timeless", ())
    cache_key = (row.key, store.generation(row.path))
    cached = ctx.stream_cache.get(("timeless", row.key))
    if cached is None or cached[0] != cache_key:
        latest = store.latest_at(row.path, None, None, components=[row.component])
        cached = ctx.stream_cache[("timeless", row.key)] = (
            cache_key, latest is not None and row.component in latest.components)
    return cached[1]


def _component_tooltip(ctx, row: StreamRow) -> str:
    """The component's path and its value at the time cursor (the original shows the data on hover)."""
    timeline, time_ = ctx.cursor()
    text = f"{row.path}:{row.component}"
    try:
        latest = ctx.store.latest_at(row.path, timeline, time_, components=[row.component])
        if latest is not None and row.component in latest.components:
            text += "\n" + values.describe(latest.components[row.component])
    except Exception as exc:  # noqa: BLE001 (a tooltip must show something for any data)
        text += f"\n<cannot display: {type(exc).__name__}: {exc}>"
    return text


def _ticks(ctx, store, key, row: StreamRow, x_of, width: float) -> list[float]:
    """x of one tick per occupied pixel column of the row's times (its subtree's, or its component's)."""
    generation = store.generation(row.path) if row.component is not None else store.generation()
    x_start = float(x_of(0))
    cache_key = (generation, key, x_start, float(x_of(1)) - x_start, width)
    cached = ctx.stream_cache.get(row.key)
    if cached is not None and cached[0] == cache_key:
        return cached[1]
    if row.component is None:
        times = np.union1d(store.times_with_data(key, row.path, recursive=True), _clear_times(store, key, row.path))
    else:
        times = store.range_column(row.path, row.component, key).times
    xs = np.unique(np.floor(x_of(times)).astype(np.int64)).astype(np.float64).tolist() if len(times) else []
    ctx.stream_cache[row.key] = (cache_key, xs)
    return xs


def _clear_times(store, key, path: str) -> np.ndarray:
    """``log_cleared`` calls on the entity or below it (marked like data, as the original)."""
    if not store.clear_times(key).size:  # no clear anywhere (most recordings): no walk over the entities
        return np.empty(0, np.int64)
    found = [store.clear_times(key, p) for p in store.entity_paths() if p == path or p.startswith(path.rstrip("/") + "/")]
    return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
