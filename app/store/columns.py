"""Reading an incoming LOG batch's layout: which columns are timelines, which are components, their values."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from rerun.wire.log_table import TIMELINE_PREFIX, parse_timeline_column

from rerun_app.store.timeline import Timeline

_LAYOUT_CACHE: dict[tuple[str, ...], tuple[list[tuple[Timeline, str]], list[str]]] = {}


def split_columns(batch: pa.RecordBatch) -> tuple[list[tuple[Timeline, str]], list[str]]:
    """(timeline, column name) pairs and component names of a batch (by column name; cached)."""
    names = tuple(batch.schema.names)
    layout = _LAYOUT_CACHE.get(names)
    if layout is None:
        timelines: list[tuple[Timeline, str]] = []
        components: list[str] = []
        for name in names:
            timeline = parse_timeline_column(name)
            if timeline is not None:
                timelines.append((Timeline(*timeline), name))
            elif name.startswith(TIMELINE_PREFIX):
                raise ValueError(f"batch column {name!r}: expected 'timeline:<sequence|time>:<name>'")
            else:
                components.append(name)
        layout = (timelines, components)
        if len(_LAYOUT_CACHE) < 4096:
            _LAYOUT_CACHE[names] = layout
    for name in layout[1]:
        if not isinstance(batch.column(name), (pa.ListArray, pa.LargeListArray)):
            raise TypeError(
                f"batch column {name!r}: expected a component column of type list<T> (one cell per row), got {batch.schema.field(name).type}"
            )
    return layout


def time_column(column: pa.Array, timeline: Timeline) -> tuple[np.ndarray, np.ndarray | None]:
    """(int64 values, validity mask or None when every row has a value)."""
    if column.type != pa.int64():
        if not (pa.types.is_integer(column.type) or pa.types.is_timestamp(column.type)):
            raise TypeError(f"timeline column for {timeline.name!r}: expected int64, got {column.type}")
        column = column.cast(pa.int64())
    if column.null_count == 0:
        return column.to_numpy(), None
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    return column.fill_null(0).to_numpy(), valid


def is_ascending(values: np.ndarray, valid: np.ndarray | None) -> bool:
    """Whether the times present (``valid``) are non-decreasing; any subset of them then is too."""
    if valid is not None:
        values = values[valid]
    return len(values) < 2 or bool((values[1:] >= values[:-1]).all())


def and_masks(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def first_values(column: pa.Array) -> np.ndarray:
    """Each row's first instance as float64 (NaN for an empty or null cell or a null value)."""
    offsets = column.offsets.to_numpy()
    n = len(column)
    first, last = int(offsets[0]), int(offsets[-1])
    if column.null_count == 0 and last - first == n and (n == 1 or bool((np.diff(offsets) == 1).all())):
        # The usual scalar batch: exactly one value per row.
        return column.values.slice(first, n).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    values = column.values.to_numpy(zero_copy_only=False)
    starts = offsets[:-1]
    has_value = offsets[1:] > starts
    if column.null_count:
        has_value &= column.is_valid().to_numpy(zero_copy_only=False)
    out = np.full(n, np.nan)
    if len(values):
        out[has_value] = values[starts[has_value]]
    return out

