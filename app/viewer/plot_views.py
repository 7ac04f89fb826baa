"""Non-spatial views drawn with ImGui / ImPlot: time series (scalars), text log, bar chart (1-D tensors).

Each ``draw_*`` fills the body of the view's docked window (called between ``begin`` and ``end``), reading the
store through the range queries (the scalar fast path returns float64 arrays straight for ImPlot).
"""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot

from rerun_app.time_control import NANOS_PER_SECOND
from rerun_app.views import values

_MAX_TEXT_ROWS = 2000
_EPOCH_NS = 365 * 24 * 3600 * NANOS_PER_SECOND  # time values past 1971: nanoseconds since the Unix epoch
_LEVEL_COLOURS = {
    "CRITICAL": imgui.ImVec4(1.0, 0.3, 0.9, 1), "ERROR": imgui.ImVec4(1.0, 0.35, 0.35, 1),
    "WARN": imgui.ImVec4(1.0, 0.8, 0.3, 1), "WARNING": imgui.ImVec4(1.0, 0.8, 0.3, 1),
    "DEBUG": imgui.ImVec4(0.6, 0.6, 0.9, 1), "TRACE": imgui.ImVec4(0.6, 0.6, 0.6, 1),
}


def _to_axis(times: np.ndarray, timeline_type: str) -> np.ndarray:
    return times.astype(np.float64) / (NANOS_PER_SECOND if timeline_type == "time" else 1.0)


def _entities_with(viewer, spec, component: str) -> list[str]:
    store = viewer.store
    return [p for p in store.entity_paths()
            if spec.contains(p) and not viewer.state.is_hidden(p) and component in store.components(p)]


def draw_time_series(viewer, spec) -> None:
    """One line per scalar entity over the whole timeline; the time cursor is a draggable vertical line."""
    store, key = viewer.store, viewer.timeline_key()
    if store is None or key is None:
        imgui.text("no timeline data")
        return
    size = imgui.get_content_region_avail()
    if not implot.begin_plot(f"##plot{spec.name}", imgui.ImVec2(size.x, max(size.y, 50))):
        return
    implot.setup_axes(key[0] + (" (s)" if key[1] == "time" else ""), "")
    time_range = viewer.time_range()
    if key[1] == "time" and time_range is not None and time_range[0] >= _EPOCH_NS:
        implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.time)  # date/time tick labels (UTC)
    for path in _entities_with(viewer, spec, "rerun.scalar"):
        times, vals = store.range_scalars(path, key)
        if times.size:
            label, spec_, scattered = _series_style(store, path)
            xs, ys = _to_axis(times, key[1]), np.ascontiguousarray(vals, dtype=np.float64)
            (implot.plot_scatter if scattered else implot.plot_line)(f"{label}##{path}", xs, ys, spec_)
    if viewer.time.time is not None:
        x = float(_to_axis(np.array([viewer.time.time]), key[1])[0])
        result = implot.drag_line_x(0, x, imgui.ImVec4(1.0, 0.35, 0.3, 1.0), 2.0)
        changed, new_x = result[0], result[1]
        if changed:
            viewer.time.pause()
            viewer.time.set_time(new_x * (NANOS_PER_SECOND if key[1] == "time" else 1.0), viewer.time_range())
            viewer.on_time_changed()
    implot.end_plot()


_STYLES: dict[tuple, tuple] = {}  # (store, path, generation) → style: recomputed only when the series changed


def _series_style(store, path: str):
    """(legend label, ImPlot spec, scattered) from the series' latest label / colour / radius / plot props."""
    key = (id(store), path, store.generation(path))
    found = _STYLES.get(key)
    if found is None:
        if len(_STYLES) > 4096:
            _STYLES.clear()
        found = _STYLES[key] = _compute_series_style(store, path)
    return found


def _compute_series_style(store, path: str):
    latest = store.latest_at(path, None, None)  # styles are usually logged with every point; take the newest
    timelines = store.timelines()
    if timelines:
        latest = store.latest_at(path, timelines[0], np.iinfo(np.int64).max) or latest
    label, spec, scattered = path, implot.Spec(), False
    if latest is None:
        return label, spec, scattered
    comps = latest.components
    try:
        if "rerun.label" in comps and len(comps["rerun.label"]) and comps["rerun.label"][0].is_valid:
            label = comps["rerun.label"][0].as_py()
        if "rerun.colorrgba" in comps and len(comps["rerun.colorrgba"]):
            r, g, b, a = values.colors_rgba8(comps["rerun.colorrgba"])[0]
            spec.line_color = imgui.ImVec4(r / 255, g / 255, b / 255, a / 255)
            spec.marker_fill_color = spec.line_color
            spec.marker_line_color = spec.line_color
        if "rerun.radius" in comps and len(comps["rerun.radius"]):
            radius = float(values.scalars(comps["rerun.radius"])[0])
            if np.isfinite(radius) and radius > 0:
                spec.line_weight = radius * 2
                spec.marker_size = radius * 2
        if "rerun.scalar_plot_props" in comps and len(comps["rerun.scalar_plot_props"]):
            scattered = bool((comps["rerun.scalar_plot_props"][0].as_py() or {}).get("scattered"))
    except (values.ComponentError, ValueError, TypeError):
        pass  # a malformed style component keeps the default style
    return label, spec, scattered


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
