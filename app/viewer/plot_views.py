"""Non-spatial views drawn with ImGui / ImPlot: time series (scalars), text log, bar chart (1-D tensors).

Each ``draw_*`` fills the body of the view's docked window (called between ``begin`` and ``end``), reading the
store through the range queries (the scalar fast path returns float64 arrays straight for ImPlot).
"""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot

from rerun_app.views import time_series as ts
from rerun_app.views import values

_MAX_TEXT_ROWS = 2000
_LEVEL_COLOURS = {
    "CRITICAL": imgui.ImVec4(1.0, 0.3, 0.9, 1), "ERROR": imgui.ImVec4(1.0, 0.35, 0.35, 1),
    "WARN": imgui.ImVec4(1.0, 0.8, 0.3, 1), "WARNING": imgui.ImVec4(1.0, 0.8, 0.3, 1),
    "DEBUG": imgui.ImVec4(0.6, 0.6, 0.9, 1), "TRACE": imgui.ImVec4(0.6, 0.6, 0.6, 1),
}


def _entities_with(viewer, spec, component: str) -> list[str]:
    store = viewer.store
    return [p for p in store.entity_paths()
            if spec.contains(p) and not viewer.state.is_hidden(p) and component in store.components(p)]


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
    if not implot.begin_plot(f"##plot{spec.name}", imgui.ImVec2(size.x, max(size.y, 50))):
        implot.pop_style_var()
        return
    x_title = {"sequence": key[0], "seconds": key[0] + " (s)", "datetime": key[0] + " (UTC)"}[kind]
    implot.setup_axes(x_title, "", 0, implot.AxisFlags_.auto_fit | implot.AxisFlags_.range_fit)
    if kind == "datetime":
        implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.time)  # date/time tick labels (UTC)
    if x_lim is not None:
        implot.setup_axis_limits(implot.ImAxis_.x1, x_lim[0], x_lim[1],
                                 implot.Cond_.always if refit else implot.Cond_.once)
    implot.setup_legend(implot.Location_.north_west)
    for s in series:
        for run in s.runs:
            _plot_run(f"{s.label}##{s.entity_path}", run)
    if viewer.time.time is not None:
        x = float(ts.to_axis(np.array([viewer.time.time]), kind)[0])
        result = implot.drag_line_x(0, x, _CURSOR_COLOUR, 2.0)
        if result[0]:
            viewer.time.pause()
            viewer.time.set_time(ts.from_axis(result[1], kind), time_range)
            viewer.on_time_changed()
    viewer.plot_frames[spec.name] = _plot_frame(series, kind)
    implot.end_plot()
    implot.pop_style_var()


_CURSOR_COLOUR = imgui.ImVec4(1.0, 0.35, 0.3, 1.0)
_FOLLOWED: dict[str, tuple] = {}  # view name → the data range the x axis was last fitted to
_SERIES: dict[tuple, ts.PlotSeries | None] = {}  # (store, path, generation, timeline, axis) → built series


def _series_of_view(viewer, spec, store, key, kind) -> list[ts.PlotSeries]:
    """The built series of the view's visible scalar entities (rebuilt only for entities whose data changed)."""
    out = []
    for index, path in enumerate(_entities_with(viewer, spec, "rerun.scalar")):
        cache_key = (id(store), path, store.generation(path), key, kind, index)
        if cache_key not in _SERIES:
            if len(_SERIES) > 1024:
                _SERIES.clear()
            _SERIES[cache_key] = ts.build_series(store, path, key, kind, _default_colour(index))
        if _SERIES[cache_key] is not None:
            out.append(_SERIES[cache_key])
    return out


def _default_colour(index: int) -> tuple[int, int, int, int]:
    """ImPlot's colormap colour ``index`` as RGBA8 (the colour a series logged without one gets)."""
    c = implot.get_colormap_color(index)
    return tuple(int(round(v * 255)) for v in (c.x, c.y, c.z, c.w))


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
    """Text entries up to the cursor (newest last): time, entity, level, body."""
    store, key = viewer.store, viewer.timeline_key()
    if store is None:
        return
    cache_key = (id(store), store.generation(), key, viewer.time.time, viewer.state.version)
    cached = _TEXT_ROWS.get(spec.name)
    if cached is not None and cached[0] == cache_key:
        rows = cached[1]
    else:
        rows = _text_rows(viewer, spec, store, key)
        _TEXT_ROWS[spec.name] = (cache_key, rows)
    _text_table(viewer, spec, rows)


_TEXT_ROWS: dict[str, tuple] = {}  # view name → (store generation, cursor …) and the rows shown


def _text_rows(viewer, spec, store, key) -> list[tuple]:
    rows = []
    for path in _entities_with(viewer, spec, "rerun.text_entry"):
        t1 = viewer.time.time if key is not None else None
        times, cells = store.range(path, "rerun.text_entry", key, None, t1) if key is not None else ([], [])
        for t, cell in zip(times[-_MAX_TEXT_ROWS:], cells[-_MAX_TEXT_ROWS:]):
            for entry in values.struct_rows(cell):
                if entry:
                    rows.append((int(t), path, entry.get("level") or "", entry.get("body") or ""))
    rows.sort(key=lambda r: r[0])
    return rows[-_MAX_TEXT_ROWS:]


def _text_table(viewer, spec, rows) -> None:
    flags = imgui.TableFlags_.row_bg | imgui.TableFlags_.resizable | imgui.TableFlags_.scroll_y
    if imgui.begin_table(f"##log{spec.name}", 4, flags):
        fixed, stretch = imgui.TableColumnFlags_.width_fixed, imgui.TableColumnFlags_.width_stretch
        for title, flags, width in (("time", fixed, 110), ("entity", fixed, 140), ("level", fixed, 70),
                                    ("body", stretch, 0)):
            imgui.table_setup_column(title, flags, width)
        imgui.table_setup_scroll_freeze(0, 1)
        imgui.table_headers_row()
        clipper = imgui.ListClipper()  # only the visible rows are submitted (thousands of entries stay cheap)
        clipper.begin(len(rows))
        while clipper.step():
            for t, path, level, body in rows[clipper.display_start : clipper.display_end]:
                imgui.table_next_row()
                imgui.table_next_column()
                imgui.text(viewer.time.format_time(t))
                imgui.table_next_column()
                imgui.text(path)
                imgui.table_next_column()
                colour = _LEVEL_COLOURS.get(level.upper())
                imgui.text_colored(colour, level) if colour is not None else imgui.text(level)
                imgui.table_next_column()
                imgui.text(body)
                if "\n" in body or len(body) > 80:
                    if imgui.is_item_hovered():
                        imgui.set_tooltip(body)
        clipper.end()
        if viewer.time.following:
            imgui.set_scroll_here_y(1.0)
        imgui.end_table()


def draw_bar_chart(viewer, spec) -> None:
    """The latest 1-D tensor of the entity as bars."""
    store = viewer.store
    if store is None:
        return
    timeline, time = viewer.cursor()
    latest = store.latest_at(spec.root, timeline, time, components=["rerun.tensor"]) if timeline else \
        store.latest_at(spec.root, None, None, components=["rerun.tensor"])
    if latest is None or "rerun.tensor" not in latest.components:
        imgui.text("no data at this time")
        return
    try:
        tensor = values.tensor(latest.components["rerun.tensor"])
    except values.ComponentError as exc:
        imgui.text(f"cannot show: {exc}")
        return
    data = np.ascontiguousarray(np.asarray(tensor.array).ravel(), dtype=np.float64)
    size = imgui.get_content_region_avail()
    if implot.begin_plot(f"##bars{spec.name}", imgui.ImVec2(size.x, max(size.y, 50))):
        implot.plot_bars(spec.root, data)
        implot.end_plot()


DRAWERS = {"timeseries": draw_time_series, "textlog": draw_text_log, "barchart": draw_bar_chart}
