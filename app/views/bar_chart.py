"""Bar-chart view builder: a 1-D tensor (any shape with one dimension above 1) → one bar per element."""

from __future__ import annotations

import numpy as np

from rerun_app.views import auto_colors, values

#: Width of a bar in index units (the original's: 0.95, thin gaps between neighbours).
BAR_WIDTH = 0.95
#: The original fills bars with its series colour times this (and outlines none).
FILL_SCALE = 0.75


def series_color(entity_path: str, instance: int = 0) -> tuple[int, int, int, int]:
    """The chart colour of one tensor instance: the automatic colour of ``path[#instance]`` (the original picks it
    by hashing the pair)."""
    return auto_colors.path_color(series_name(entity_path, instance))


def fill_color(entity_path: str, instance: int = 0) -> tuple[int, int, int, int]:
    """The bars' fill: the series colour scaled by :data:`FILL_SCALE`."""
    r, g, b, _ = series_color(entity_path, instance)
    return (round(r * FILL_SCALE), round(g * FILL_SCALE), round(b * FILL_SCALE), 255)


def series_name(entity_path: str, instance: int = 0) -> str:
    """The legend entry, as the original's: ``bars[#0]``."""
    return f"{entity_path.strip('/')}[#{instance}]"


def hover_lines(entity_path: str, index: int, value: float, instance: int = 0) -> list[str]:
    """The original's readout for a hovered bar: ``bars[#0] #4`` then its value (no decimals when whole)."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.6g}"
    return [f"{series_name(entity_path, instance)} #{index}", text]


def bar_at(x: float, y: float, heights: np.ndarray) -> int | None:
    """The bar under plot coordinates (x, y): its index when x is within its width and y between 0 and its
    height, else None."""
    i = int(np.floor(x + 0.5))
    if not (0 <= i < len(heights)) or abs(x - i) > BAR_WIDTH / 2 or not np.isfinite(heights[i]):
        return None
    lo, hi = sorted((0.0, float(heights[i])))
    return i if lo <= y <= hi else None


def bar_values(tensor: values.Tensor) -> np.ndarray:
    """The bar heights (float64, NaN kept) of a decoded ``rerun.tensor``.

    Raises
    ------
    values.ComponentError
        For a JPEG tensor or one with more than one dimension above 1.
    """
    if tensor.array is None:
        raise values.ComponentError("a bar chart needs a numeric 1-D tensor, got JPEG data")
    shape = tensor.array.shape
    if sum(1 for d in shape if d != 1) > 1:
        raise values.ComponentError(f"a bar chart needs a 1-D tensor, got shape {list(shape)}")
    return np.ascontiguousarray(tensor.array.ravel(), dtype=np.float64)


def y_range(heights: np.ndarray) -> tuple[float, float]:
    """The value range a chart of ``heights`` shows: always includes 0 (bars grow from it), padded 5 %."""
    finite = heights[np.isfinite(heights)]
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = max(0.0, float(finite.max())) if finite.size else 1.0
    if hi == lo:
        hi = lo + 1.0
    pad = 0.05 * (hi - lo)
    return lo - (pad if lo < 0 else 0.0), hi + (pad if hi > 0 else 0.0)


#: Index labels on a bar chart's x axis stay at least this many pixels apart.
MIN_TICK_SPACING_PX = 40.0


def index_ticks(count: int, width_px: float) -> list[int]:
    """Whole bar indices to label on the x axis: every bar while they fit ``MIN_TICK_SPACING_PX`` apart, else
    every 2nd, 5th, 10th, 20th, 50th … (a tick at a fractional index names no bar)."""
    if count <= 0:
        return []
    fit = max(int(width_px // MIN_TICK_SPACING_PX), 1)
    step, k = 1, 0
    while -(-count // step) > fit:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return list(range(0, count, step))
