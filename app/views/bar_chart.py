"""Bar-chart view builder: a 1-D tensor (any shape with one dimension above 1) → one bar per element."""

from __future__ import annotations

import numpy as np

from rerun_app.views import values

#: Width of a bar in index units (gaps between neighbours).
BAR_WIDTH = 0.8


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
