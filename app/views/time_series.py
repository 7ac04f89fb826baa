"""Time-series view builder: the scalars of one entity over a timeline → plot runs with per-sample style.

Rerun 0.4 semantics (``view_time_series/scene.rs``): every ``log_scalar`` row is one sample; its label, colour,
radius and ``scattered`` flag are the latest ones logged on the entity at or before the sample's time (styles
persist until changed). Consecutive samples that share ``scattered`` and radius form one *run*: a line (a new line
run starts at the previous line run's last sample, so a line stays continuous) or a set of markers without a line.
Colours stay per sample (the drawer passes them as per-point/per-segment arrays).

Pure numpy/pyarrow: the ImGui/ImPlot drawing is in ``rerun_app.viewer.plot_views``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from rerun import components as C

from rerun_app.views import auto_colors, values
from rerun_app.views.column_reader import read_column

NANOS_PER_SECOND = 1_000_000_000
#: Time values at or above this (nanoseconds, i.e. after 1971) are epoch times: the x axis shows dates.
EPOCH_THRESHOLD_NS = 365 * 24 * 3600 * NANOS_PER_SECOND
#: Rerun 0.4's default scalar radius (UI points); lines are 2 × radius wide, markers 2 × radius in radius.
DEFAULT_RADIUS = 0.75
#: Margin left and right of the data range on the x axis (fraction of the range), so end markers are not cut.
X_MARGIN = 0.02


@dataclass(frozen=True)
class PlotRun:
    """Consecutive samples drawn one way: ``kind`` ``"line"`` or ``"scatter"``; (N,) xs/ys, (N, 4) uint8 colours,
    (N,) radii in UI points."""

    kind: str
    xs: np.ndarray
    ys: np.ndarray
    colors: np.ndarray
    radii: np.ndarray


@dataclass(frozen=True)
class PlotSeries:
    """One entity's series: its legend label (latest ``rerun.label``, else the entity path) and its runs."""

    entity_path: str
    label: str
    runs: tuple[PlotRun, ...]


def axis_kind(timeline_type: str, time_range: tuple[int, int] | None) -> str:
    """``"sequence"``, ``"datetime"`` (a time timeline holding epoch nanoseconds) or ``"seconds"``."""
    if timeline_type != "time":
        return "sequence"
    if time_range is not None and time_range[0] >= EPOCH_THRESHOLD_NS:
        return "datetime"
    return "seconds"


def to_axis(times: np.ndarray, kind: str) -> np.ndarray:
    """Store times (int64) as x-axis values: sequence numbers as-is, seconds (since the epoch for dates)."""
    times = np.asarray(times, dtype=np.int64)
    if kind == "sequence":
        return times.astype(np.float64)
    seconds, nanos = np.divmod(times, NANOS_PER_SECOND)  # exact split: epoch nanos do not fit a float64
    return seconds.astype(np.float64) + nanos.astype(np.float64) / NANOS_PER_SECOND


def from_axis(x: float, kind: str) -> int:
    """Inverse of :func:`to_axis` for one value (dragging the cursor line)."""
    return int(round(x)) if kind == "sequence" else int(round(x * NANOS_PER_SECOND))


def snap_to_data(time: int, times_with_data: np.ndarray) -> int:
    """The time in the sorted ``times_with_data`` nearest to ``time`` (the earlier on a tie); ``time`` itself when
    there is none (a click in the plot moves the cursor to a time that has data)."""
    times = np.asarray(times_with_data, dtype=np.int64)
    if not len(times):
        return int(time)
    i = int(np.searchsorted(times, time))
    candidates = times[max(i - 1, 0):i + 1]
    return int(candidates[np.argmin(np.abs(candidates - time))])


def x_limits(time_range: tuple[int, int] | None, kind: str) -> tuple[float, float] | None:
    """The x-axis range that follows the timeline's data range (with a small margin), or None without data."""
    if time_range is None:
        return None
    lo, hi = (float(v) for v in to_axis(np.array(time_range, dtype=np.int64), kind))
    span = hi - lo if hi > lo else 1.0
    return lo - X_MARGIN * span, hi + X_MARGIN * span


def _latest_index(sample_times: np.ndarray, style_times: np.ndarray) -> np.ndarray:
    """For each sample, the index of the newest style row at or before it (-1: none yet)."""
    return np.searchsorted(style_times, sample_times, side="right") - 1


def _style_column(store, path, component, timeline, sample_times, decode, default):
    """Per-sample values of a style component (the latest at each sample's time; ``default`` before the first
    one), or None when the entity never logged it on ``timeline``."""
    column = read_column(store, path, component, timeline)
    if column is None:
        return None
    style_times, decoded = column.times, decode(column.firsts())
    idx = _latest_index(sample_times, style_times)
    picked = decoded[np.maximum(idx, 0)]  # fancy indexing: a new array, safe to fill
    picked[idx < 0] = default
    return picked


def build_series(store, entity_path: str, timeline, kind: str, default_color=None) -> PlotSeries | None:
    """The series of ``entity_path`` on ``timeline`` (the store's ``(name, type)``), x in ``kind`` axis units.

    Parameters
    ----------
    store : Store
        Interface E (``range_scalars``, ``range_column``).
    entity_path : str
    timeline : (str, str)
    kind : str
        From :func:`axis_kind`.
    default_color : 4 ints, optional
        Colour of samples logged without one (and before the first logged colour); default: the entity path's
        automatic colour, as the original's.

    Returns
    -------
    PlotSeries or None
        None when the entity has no scalar on the timeline.
    """
    if default_color is None:
        default_color = auto_colors.path_color(entity_path)
    times, ys = store.range_scalars(entity_path, timeline)
    n = len(times)
    if n == 0:
        return None
    times = np.asarray(times, dtype=np.int64)
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    try:
        colors = _style_column(store, entity_path, C.COLOR, timeline, times, values.colors_rgba8,
                               np.asarray(default_color, np.uint8))
    except values.ComponentError:
        colors = None
    if colors is None:
        colors = np.broadcast_to(np.asarray(default_color, np.uint8), (n, 4))
    radii = _style_column(store, entity_path, C.RADIUS, timeline, times,
                          lambda a: values.scalars(a, np.float32), DEFAULT_RADIUS)
    radii = np.full(n, DEFAULT_RADIUS, np.float32) if radii is None else radii.astype(np.float32)
    radii = np.where(np.isfinite(radii) & (radii >= 0), radii, DEFAULT_RADIUS).astype(np.float32)
    scattered = _style_column(store, entity_path, C.SCALAR_PLOT_PROPS, timeline, times,
                              lambda a: np.array([bool((r or {}).get("scattered")) for r in a.to_pylist()]), False)
    scattered = np.zeros(n, bool) if scattered is None else scattered.astype(bool)
    labels = _style_column(store, entity_path, C.LABEL, timeline, times,
                           lambda a: np.array(a.to_pylist(), dtype=object), None)
    label = entity_path
    if labels is not None and labels[-1] is not None:
        label = str(labels[-1])
    xs = to_axis(times, kind)
    return PlotSeries(entity_path, label, tuple(_runs(xs, ys, np.asarray(colors), radii, scattered)))


def _runs(xs, ys, colors, radii, scattered) -> list[PlotRun]:
    """Split the samples where ``scattered`` or the radius changes (a line run re-uses the previous line's end)."""
    n = len(xs)
    change = np.flatnonzero((scattered[1:] != scattered[:-1]) | (radii[1:] != radii[:-1])) + 1
    bounds = [0, *change.tolist(), n]
    runs: list[PlotRun] = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if scattered[start]:
            runs.append(PlotRun("scatter", xs[start:stop], ys[start:stop], colors[start:stop], radii[start:stop]))
            continue
        lo = start - 1 if start > 0 and not scattered[start - 1] else start  # continuous with the previous line
        run_colors = np.ascontiguousarray(colors[lo:stop])
        if lo < start:
            run_colors = run_colors.copy()
            run_colors[0] = colors[start]  # the joining segment takes the new run's style
        runs.append(PlotRun("line", xs[lo:stop], ys[lo:stop], run_colors, np.full(stop - lo, radii[start], np.float32)))
    return runs


def y_limits(series: list[PlotSeries], x_range: tuple[float, float] | None) -> tuple[float, float] | None:
    """The y range of the finite samples within ``x_range`` (all when None), padded 5 %; None without samples."""
    lo, hi = np.inf, -np.inf
    for s in series:
        for run in s.runs:
            ys = run.ys
            if x_range is not None:
                ys = ys[(run.xs >= x_range[0]) & (run.xs <= x_range[1])]
            ys = ys[np.isfinite(ys)]
            if ys.size:
                lo, hi = min(lo, float(ys.min())), max(hi, float(ys.max()))
    if not np.isfinite(lo):
        return None
    pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi) * 0.05, 0.5)
    return lo - pad, hi + pad


#: A sample is hovered when the mouse is within this many pixels of it (the original's plot: 16 points).
HOVER_RADIUS_PX = 16.0


@dataclass(frozen=True)
class HoveredSample:
    """The sample nearest the mouse: its series (legend label), x in axis units and y value."""

    entity_path: str
    label: str
    x: float
    y: float


def nearest_sample(series: list[PlotSeries], to_pixels, mouse: tuple[float, float],
                   radius_px: float = HOVER_RADIUS_PX) -> HoveredSample | None:
    """The finite sample whose on-screen position (``to_pixels(xs, ys) -> (px, py)``) is nearest ``mouse``, if
    within ``radius_px``; None otherwise."""
    best, best_d2 = None, radius_px * radius_px
    for s in series:
        for run in s.runs:
            ok = np.isfinite(run.ys)
            if not ok.any():
                continue
            xs, ys = run.xs[ok], run.ys[ok]
            px, py = to_pixels(xs, ys)
            d2 = (px - mouse[0]) ** 2 + (py - mouse[1]) ** 2
            i = int(np.argmin(d2))
            if d2[i] <= best_d2:
                best, best_d2 = HoveredSample(s.entity_path, s.label, float(xs[i]), float(ys[i])), float(d2[i])
    return best


def hover_lines(timeline_name: str, time_text: str, label: str, y: float) -> list[str]:
    """The original's plot readout: ``frame: #52`` then ``label: -0.41391`` (5 decimals, none for whole
    numbers)."""
    decimals = 0 if float(y).is_integer() else 5
    return [f"{timeline_name}: {time_text}", f"{label or 'y'}: {y:.{decimals}f}"]
