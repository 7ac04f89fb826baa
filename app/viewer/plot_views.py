"""Non-spatial views drawn with ImGui / ImPlot: time series (scalars), text log, bar chart (1-D tensors).

Each ``draw_*`` fills the body of the view's docked window (called between ``begin`` and ``end``), reading the
store through the range queries (the scalar fast path returns float64 arrays straight for ImPlot). The ``viewer``
argument is a :class:`~rerun_app.viewer.context.PanelContext`.
"""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot
from rerun import components as C

from rerun_app.views import bar_chart as bc
from rerun_app.views import text_log as tl
from rerun_app.views import time_series as ts
from rerun_app.views import values


def _imgui_id(spec) -> str:
    """The view's part of its widgets' ImGui ids. Not ``spec.name``: ImGui hashes only what follows a ``###``, so
    every label ending in the name (the plot, the maximise button, each level checkbox) got one and the same id."""
    return spec.window_id.lstrip("#")


def _entities_with(viewer, spec, component: str) -> list[str]:
    """The view's entities with ``component``, less those hidden everywhere or switched off in this view."""
    store = viewer.store
    hidden = viewer.state.hidden_for_view(spec.name)
    return [p for p in store.entity_paths()
            if spec.contains(p) and not hidden(p) and component in store.components(p)]


def draw_time_series(viewer, spec) -> None:
    """Every scalar entity of the view as lines and/or markers with per-sample colour and radius, a legend of
    their labels, a date-time axis on epoch time timelines, and the time cursor as a draggable vertical line.

    The x axis follows the timeline's data range (re-fitted whenever it changes, e.g. while data streams in);
    in between, the user may pan and zoom; y fits the samples inside the shown x range.
    """
    store, key = viewer.store, viewer.timeline_key()
    if store is None or key is None:
        imgui.text("no timeline data")
        return
    time_range = viewer.time_range()
    kind = ts.axis_kind(key[1], time_range)
    series = _series_of_view(viewer, spec, store, key, kind)
    x_lim = ts.x_limits(time_range, kind)
    follow_key = (id(store), key, time_range)
    refit = _FOLLOWED.get(spec.name) != follow_key
    _FOLLOWED[spec.name] = follow_key
    size = imgui.get_content_region_avail()
    implot.push_style_var(implot.StyleVar_.fit_padding, imgui.ImVec2(0.0, 0.08))  # markers at the extremes show whole
    if not implot.begin_plot(f"##plot:{_imgui_id(spec)}", imgui.ImVec2(size.x, max(size.y, 50))):
        implot.pop_style_var()
        return
    x_title = {"sequence": key[0], "seconds": key[0] + " (s)", "datetime": key[0] + " (UTC)"}[kind]
    implot.setup_axes(x_title, "", 0, implot.AxisFlags_.auto_fit | implot.AxisFlags_.range_fit)
    if kind == "datetime":
        implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.time)  # date/time tick labels (UTC)
    if x_lim is not None:
        implot.setup_axis_limits(implot.ImAxis_.x1, x_lim[0], x_lim[1],
                                 implot.Cond_.always if refit else implot.Cond_.once)
    implot.setup_legend(implot.Location_.south_east)  # the original's legend corner: bottom right
    for s in series:
        for run in s.runs:
            _plot_run(f"{s.label}##{s.entity_path}", run)
    hovered = _hover_readout(viewer, series, kind)
    if viewer.time.time is not None:
        x = float(ts.to_axis(np.array([viewer.time.time]), kind)[0])
        result = implot.drag_line_x(0, x, _CURSOR_COLOUR, 2.0)
        if result[0]:
            viewer.time.pause()
            viewer.time.set_time(ts.from_axis(result[1], kind), time_range)
            viewer.on_time_changed()
    _click_to_time(viewer, spec, kind, time_range)
    frame = _plot_frame(series, kind)
    frame["hover"] = hovered
    viewer.plot_frames[spec.name] = frame
    implot.end_plot()
    implot.pop_style_var()


def _hover_readout(viewer, series, kind) -> dict | None:
    """With the mouse near a sample (as the original's plot): a ring on the sample and a tooltip with its time on
    the timeline and its series' value. Returns what is shown (state dumps), or None."""
    if not implot.is_plot_hovered():
        return None
    pos, size, limits = implot.get_plot_pos(), implot.get_plot_size(), implot.get_plot_limits()
    (x0, x1), (y0, y1) = (limits.x.min, limits.x.max), (limits.y.min, limits.y.max)
    if x1 <= x0 or y1 <= y0:
        return None

    def to_pixels(xs, ys):
        return pos.x + (xs - x0) / (x1 - x0) * size.x, pos.y + (y1 - ys) / (y1 - y0) * size.y

    mouse = imgui.get_mouse_pos()
    found = ts.nearest_sample(series, to_pixels, (mouse.x, mouse.y))
    if found is None:
        return None
    timeline = viewer.time.timeline
    lines = ts.hover_lines(timeline.name if timeline is not None else "time",
                           viewer.time.format_time(ts.from_axis(found.x, kind)), found.label, found.y)
    px, py = to_pixels(np.array([found.x]), np.array([found.y]))
    implot.get_plot_draw_list().add_circle(imgui.ImVec2(float(px[0]), float(py[0])), 6.0, _HOVER_RING, 0, 2.0)
    imgui.set_tooltip("\n".join(lines))
    return {"entity": found.entity_path, "x": found.x, "y": found.y, "lines": lines,
            "at": [float(px[0]), float(py[0])]}


_HOVER_RING = 0xFFFFFFFF  # white (ImU32 ABGR)


def _click_to_time(viewer, spec, kind, time_range) -> None:
    """A left click (press and release without moving) inside the plot moves the time cursor to the clicked x,
    snapped to the nearest time with data, and pauses playback (a drag still pans the plot)."""
    pos, size = implot.get_plot_pos(), implot.get_plot_size()
    viewer.item_rects[f"plot-area:{spec.name}"] = (pos.x, pos.y, size.x, size.y)  # for scripted clicks (tests)
    hovered = implot.is_plot_hovered()
    if hovered and imgui.is_mouse_clicked(0):
        mouse = imgui.get_mouse_pos()
        _PRESSED_AT[spec.name] = (mouse.x, mouse.y)
    if not imgui.is_mouse_released(0):
        return
    pressed = _PRESSED_AT.pop(spec.name, None)
    if pressed is None or not hovered:
        return
    mouse = imgui.get_mouse_pos()
    if (mouse.x - pressed[0]) ** 2 + (mouse.y - pressed[1]) ** 2 > _CLICK_SLOP_PX ** 2:
        return  # a pan, not a click
    clicked = ts.from_axis(implot.get_plot_mouse_pos().x, kind)
    viewer.time.pause()
    viewer.time.set_time(ts.snap_to_data(clicked, viewer.times_with_data()), time_range)
    viewer.on_time_changed()


_CLICK_SLOP_PX = 3.0
_PRESSED_AT: dict[str, tuple[float, float]] = {}  # view name → where a left press inside the plot began
_CURSOR_COLOUR = imgui.ImVec4(1.0, 0.35, 0.3, 1.0)
_FOLLOWED: dict[str, tuple] = {}  # view name → the data range the x axis was last fitted to
_SERIES: dict[tuple, ts.PlotSeries | None] = {}  # (store, path, generation, timeline, axis) → built series


def _series_of_view(viewer, spec, store, key, kind) -> list[ts.PlotSeries]:
    """The built series of the view's visible scalar entities (rebuilt only for entities whose data changed)."""
    out = []
    for path in _entities_with(viewer, spec, C.SCALAR):
        cache_key = (id(store), path, store.generation(path), key, kind)
        if cache_key not in _SERIES:
            if len(_SERIES) > 1024:
                _SERIES.clear()
            _SERIES[cache_key] = ts.build_series(store, path, key, kind)
        if _SERIES[cache_key] is not None:
            out.append(_SERIES[cache_key])
    return out


def _packed(colors: np.ndarray) -> np.ndarray:
    """(N, 4) uint8 RGBA → ImGui's packed ImU32 (0xAABBGGRR)."""
    return np.ascontiguousarray(colors, dtype=np.uint8).view("<u4").ravel()


def _plot_run(label_id: str, run: ts.PlotRun) -> None:
    spec = implot.Spec()
    r, g, b, a = (int(v) / 255 for v in run.colors[0])
    spec.line_color = spec.marker_fill_color = spec.marker_line_color = imgui.ImVec4(r, g, b, a)
    if run.kind == "scatter":
        spec.marker = implot.Marker_.circle
        spec.marker_sizes = np.ascontiguousarray(run.radii * 2, dtype=np.float32)
        spec.marker_fill_colors = spec.marker_line_colors = _packed(run.colors)
        implot.plot_scatter(label_id, run.xs, run.ys, spec)
    else:
        spec.line_weight = float(run.radii[0]) * 2
        spec.line_colors = _packed(np.roll(run.colors, -1, axis=0))  # segment i (point i → i+1): point i+1's colour
        implot.plot_line(label_id, run.xs, run.ys, spec)


def _plot_frame(series, kind) -> dict:
    """Where the plot area is on the canvas and which values its edges show (state dumps; pixel tests)."""
    pos, size, limits = implot.get_plot_pos(), implot.get_plot_size(), implot.get_plot_limits()
    return {
        "rect": [pos.x, pos.y, size.x, size.y],
        "x": [limits.x.min, limits.x.max],
        "y": [limits.y.min, limits.y.max],
        "axis": kind,
        "series": [{"entity": s.entity_path, "label": s.label, "runs": [r.kind for r in s.runs]} for s in series],
    }


def draw_text_log(viewer, spec) -> None:
    """Text entries of the view's entities: a time column per timeline of the recording (named after it, ``log_time``
    included, each in the original's format), entity path, level, body; levels coloured; level and entity filters
    above the table; rows after the cursor dimmed, the cursor's row highlighted and scrolled to."""
    store, key = viewer.store, viewer.timeline_key()
    if store is None or key is None:
        imgui.text("no timeline data")
        return
    paths = _entities_with(viewer, spec, C.TEXT_ENTRY)
    cache_key = (id(store), tuple((p, store.generation(p)) for p in paths), key, tuple(store.timelines()))
    cached = _TEXT_ROWS.get(spec.name)
    if cached is None or cached[0] != cache_key:
        cached = _TEXT_ROWS[spec.name] = (cache_key, tl.text_rows(store, paths, key))
    table = cached[1]
    for path, why in table.failures:  # that entity is left out; the others' entries are shown
        viewer.warn_entity(path, why)
    flt = text_filter(spec.name)
    _text_filters(viewer, spec, flt, table, paths)
    shown = tl.filter_rows(table, flt)
    _text_table(viewer, spec, table, shown, tl.cursor_row(table.times[shown], viewer.time.time), flt)


_TEXT_ROWS: dict[str, tuple] = {}  # view name → (entities and their generations, timeline) and all rows
_TEXT_FILTERS: dict[str, tl.TextLogFilter] = {}
_SCROLLED_TO: dict[str, tuple] = {}  # view name → the (cursor row, filter, row count) last scrolled to


def text_filter(view_name: str) -> tl.TextLogFilter:
    """The level/entity filter of a text-log view (created empty: everything shown)."""
    return _TEXT_FILTERS.setdefault(view_name, tl.TextLogFilter())


def _rgba(colour) -> imgui.ImVec4:
    return imgui.ImVec4(*(v / 255 for v in colour))


def _text_filters(viewer, spec, flt, table, paths) -> None:
    """One checkbox per level present (in its colour), and an entity filter popup."""
    for level in tl.levels_of(table):
        shown = level not in flt.hidden_levels
        colour = tl.LEVEL_COLOURS.get(level.upper())
        if colour is not None:
            imgui.push_style_color(imgui.Col_.text, _rgba(colour))
        changed, shown = imgui.checkbox(f"{level or '(no level)'}##lv:{_imgui_id(spec)}", shown)
        if colour is not None:
            imgui.pop_style_color()
        viewer.record_item(f"text-level:{level}")
        if changed:
            (flt.hidden_levels.discard if shown else flt.hidden_levels.add)(level)
            viewer.request_redraw()
        imgui.same_line()
    hidden = len(flt.hidden_entities & set(paths))
    if imgui.small_button(f"entities ({len(paths) - hidden}/{len(paths)})##ent:{_imgui_id(spec)}"):
        imgui.open_popup(f"##entities:{_imgui_id(spec)}")
    viewer.record_item("text-entities")
    if imgui.begin_popup(f"##entities:{_imgui_id(spec)}"):
        for path in paths:
            changed, shown = imgui.checkbox(path, path not in flt.hidden_entities)
            if changed:
                (flt.hidden_entities.discard if shown else flt.hidden_entities.add)(path)
                viewer.request_redraw()
        imgui.end_popup()
    imgui.same_line()
    hidden = len(flt.hidden_columns & set(_optional_columns(table)))
    if imgui.small_button(f"columns ({len(_optional_columns(table)) - hidden + 1}/{len(_optional_columns(table)) + 1})"
                          f"##cols:{_imgui_id(spec)}"):
        imgui.open_popup(f"##columns:{_imgui_id(spec)}")
    viewer.record_item("text-columns")
    if imgui.begin_popup(f"##columns:{_imgui_id(spec)}"):  # the original's column filters: each timeline, path, level
        for name in _optional_columns(table):
            changed, shown = imgui.checkbox(name, name not in flt.hidden_columns)
            viewer.record_item(f"text-column:{name}")
            if changed:
                (flt.hidden_columns.discard if shown else flt.hidden_columns.add)(name)
                viewer.request_redraw()
        imgui.end_popup()


def _optional_columns(table) -> list[str]:
    """The columns a user may switch off: one per timeline, the entity path and the level (not the body)."""
    return [name for name, _kind in table.timelines] + ["Entity path", "Level"]


def _text_table(viewer, spec, table, shown, cursor_index, flt) -> None:
    """The table of the entries ``table[shown]``; ``cursor_index`` indexes ``shown``."""
    flags = imgui.TableFlags_.row_bg | imgui.TableFlags_.resizable | imgui.TableFlags_.scroll_y
    info = {"rows": len(shown), "cursor_row": cursor_index, "shown": [0, 0]}
    viewer.plot_frames[spec.name] = info
    fixed, stretch = imgui.TableColumnFlags_.width_fixed, imgui.TableColumnFlags_.width_stretch
    # the original's columns: one per timeline, named after it ("frame", "log_time", "sim_time" …), sorted by name
    # (fixed columns of width 0 fit their content, as the original's auto columns)
    columns = [(name, fixed, k) for k, (name, _kind) in enumerate(table.timelines)]
    columns += [("Entity path", fixed, "entity"), ("Level", fixed, "level"), ("Body", stretch, "body")]
    columns = [c for c in columns if c[0] not in flt.hidden_columns or c[2] == "body"]
    info["columns"] = [c[0] for c in columns]
    # the id names the shown columns: ImGui keeps each set's widths apart
    if not imgui.begin_table(f"##log:{_imgui_id(spec)}:{'|'.join(info['columns'])}", len(columns), flags):
        return
    for title, col_flags, _what in columns:
        imgui.table_setup_column(title, col_flags, 0)
    imgui.table_setup_scroll_freeze(0, 1)
    imgui.table_headers_row()
    header_bottom = imgui.get_item_rect_max().y
    target = (cursor_index, flt.key(), len(shown) if viewer.time.following else None)
    scroll = cursor_index >= 0 and _SCROLLED_TO.get(spec.name) != target
    cursor_time = viewer.time.time
    timeline = viewer.timeline_key()
    highlight = imgui.color_convert_float4_to_u32(_HIGHLIGHT)
    clipper = imgui.ListClipper()  # only the visible rows are submitted (thousands of entries stay cheap)
    clipper.begin(len(shown))
    if scroll:
        clipper.include_item_by_index(cursor_index)
    first = last = clicked_time = None
    click_y = _row_click_y(header_bottom)
    while clipper.step():
        for index in range(clipper.display_start, clipper.display_end):
            row = table.row(int(shown[index]))
            imgui.table_next_row()
            if index == cursor_index:
                imgui.table_set_bg_color(imgui.TableBgTarget_.row_bg1, highlight)
                if scroll:
                    imgui.set_scroll_here_y(0.5)
                    _SCROLLED_TO[spec.name] = target
            future = cursor_time is not None and row.time > cursor_time
            if future:
                imgui.push_style_var(imgui.StyleVar_.alpha, 0.45)  # after the cursor: not yet happened
            row_top = imgui.get_cursor_screen_pos().y
            time_cell = None
            times = table.time_cells(int(shown[index]))
            for _title, _flags, what in columns:
                imgui.table_next_column()
                if what == "entity":
                    imgui.text(row.entity_path)
                elif what == "level":
                    colour = tl.level_colour(row)
                    imgui.text_colored(_rgba(colour), row.level) if colour is not None else imgui.text(row.level)
                elif what == "body":
                    imgui.text(row.body)
                else:
                    imgui.text(times[what])
                    if time_cell is None or table.timelines[what] == timeline:
                        time_cell = (imgui.get_item_rect_min(), imgui.get_item_rect_max())
            visible = imgui.is_item_visible()  # the body: inside the table's scrolled area (state dumps, tests)
            if time_cell is None:  # every time column switched off: the body cell stands for the row
                time_cell = (imgui.get_item_rect_min(), imgui.get_item_rect_max())
            if ("\n" in row.body or len(row.body) > 80) and imgui.is_item_hovered():
                imgui.set_tooltip(row.body)
            if future:
                imgui.pop_style_var()
            if click_y is not None and row_top <= click_y < imgui.get_item_rect_max().y:
                clicked_time = row.time  # Rerun: clicking an entry moves the time cursor to it and pauses
            if visible:
                lo, hi = time_cell  # the row's time cell (scripted clicks, tests)
                viewer.item_rects[f"text-row:{spec.name}:{index}"] = (lo.x, lo.y, hi.x - lo.x, hi.y - lo.y)
                first = index if first is None else min(first, index)
                last = index if last is None else max(last, index)
    clipper.end()
    info["shown"] = [first if first is not None else -1, last if last is not None else -1]
    if cursor_index >= 0:
        row = table.row(int(shown[cursor_index]))
        info["cursor_entry"] = [row.time, row.entity_path, row.level, row.body]
        times = table.time_cells(int(shown[cursor_index]))
        by_kind = {"entity": row.entity_path, "level": row.level, "body": row.body}
        info["cursor_cells"] = [by_kind[what] if isinstance(what, str) else times[what] for _t, _f, what in columns]
    imgui.end_table()
    viewer.record_item(f"text-table:{spec.name}")
    if clicked_time is not None:
        viewer.time.pause()
        viewer.time.set_time(clicked_time)
        viewer.on_time_changed()


def _row_click_y(header_bottom: float) -> float | None:
    """The y of a left click on the table's rows this frame (not the frozen header, not the scrollbar), or None."""
    if not (imgui.is_mouse_clicked(0) and imgui.is_window_hovered(_ROW_CLICK_HOVER)):
        return None
    mouse = imgui.get_mouse_pos()
    right = imgui.get_window_pos().x + imgui.get_window_width() - imgui.get_style().scrollbar_size
    return mouse.y if mouse.y > header_bottom and mouse.x < right else None


_HIGHLIGHT = imgui.ImVec4(0.25, 0.35, 0.6, 0.6)


def draw_bar_chart(viewer, spec) -> None:
    """Every 1-D tensor of the view at the time cursor as bars (index on x, value on y; bars grow from 0), overlaid
    as the original's bar chart: one series per tensor, each in its entity's automatic colour with its own legend
    entry (``bars[#0]``)."""
    store = viewer.store
    if store is None:
        return
    hidden = viewer.state.hidden_for_view(spec.name)
    entities = [p for p in viewer.entities_of(spec) if not hidden(p)]
    if not entities:
        imgui.text_disabled("every tensor of this view is hidden" if viewer.entities_of(spec) else "no data")
        return
    series = _bar_series(viewer, store, entities)
    if not series:
        imgui.text("no data at this time")
        return
    every = np.concatenate([heights for _path, heights in series])
    count = max(len(heights) for _path, heights in series)
    size = imgui.get_content_region_avail()
    if not implot.begin_plot(f"##bars:{_imgui_id(spec)}", imgui.ImVec2(size.x, max(size.y, 50))):
        return
    implot.setup_axes("index", "value")
    implot.setup_legend(implot.Location_.north_east)  # the original's legend corner for bar charts
    limits = (count, *bc.y_range(every))
    cond = implot.Cond_.always if _BAR_LIMITS.get(spec.name) != limits else implot.Cond_.once
    _BAR_LIMITS[spec.name] = limits
    implot.setup_axis_limits(implot.ImAxis_.x1, -0.5, count - 0.5, cond)
    ticks = bc.index_ticks(count, size.x - _Y_AXIS_ALLOWANCE_PX)  # the plot area is narrower than the widget
    implot.setup_axis_ticks(implot.ImAxis_.x1, [float(t) for t in ticks], [str(t) for t in ticks])
    implot.setup_axis_limits(implot.ImAxis_.y1, limits[1], limits[2], cond)
    for path, heights in series:
        bar_spec = implot.Spec()
        # as the original: the series' automatic colour (legend), bars filled with 3/4 of it and no outline
        bar_spec.fill_color = _rgba(bc.fill_color(path))
        bar_spec.line_color = _rgba(bc.series_color(path))
        bar_spec.line_weight = 0.0
        implot.plot_bars(f"{bc.series_name(path)}##bars:{path}", heights, bc.BAR_WIDTH, 0.0, bar_spec)
    frame = _plot_frame([], "index")
    frame["values"] = count
    frame["series"] = [bc.series_name(path) for path, _heights in series]
    frame["x_ticks"] = ticks
    frame["hover"] = _bar_hover(series)
    viewer.item_rects[f"plot-area:{spec.name}"] = tuple(frame["rect"])  # for scripted moves (tests)
    viewer.plot_frames[spec.name] = frame
    implot.end_plot()


def _bar_series(viewer, store, entities: list[str]) -> list[tuple[str, np.ndarray]]:
    """(entity, bar heights) of each entity with a 1-D tensor at the time cursor; one that cannot be shown is
    warned about on the entity and left out (the others still draw)."""
    timeline, time = viewer.cursor()
    series = []
    for path in entities:
        latest = store.latest_at(path, timeline, time, components=[C.TENSOR])
        if latest is None or C.TENSOR not in latest.components:
            continue
        try:
            series.append((path, bc.bar_values(values.tensor(latest.components[C.TENSOR]))))
        except values.ComponentError as exc:
            viewer.warn_entity(path, f"cannot show it as bars: {exc}")
    return series


def _bar_hover(series: list[tuple[str, np.ndarray]]) -> dict | None:
    """The hovered bar's readout as a tooltip (the original's: ``bars[#0] #4`` and the value); where bars of
    several series overlap, the one drawn last (on top)."""
    if not implot.is_plot_hovered():
        return None
    mouse = implot.get_plot_mouse_pos()
    for path, heights in reversed(series):
        index = bc.bar_at(mouse.x, mouse.y, heights)
        if index is not None:
            lines = bc.hover_lines(path, index, float(heights[index]))
            imgui.set_tooltip("\n".join(lines))
            return {"index": index, "lines": lines}
    return None


_Y_AXIS_ALLOWANCE_PX = 80.0  # at least what the y axis' labels and title take from the chart's width
_BAR_LIMITS: dict[str, tuple] = {}  # view name → (bar count, y range) the axes were last fitted to


DRAWERS = {"timeseries": draw_time_series, "textlog": draw_text_log, "barchart": draw_bar_chart}
_ROW_CLICK_HOVER = imgui.HoveredFlags_.child_windows | imgui.HoveredFlags_.allow_when_blocked_by_active_item

