"""Pending rows of one entity, and turning them into one LOG ``pa.RecordBatch`` (the session's batching).

Three row layouts: :class:`ScalarRows` and :class:`TextRows` (the ``log_scalar`` / ``log_text_entry`` fast paths,
kept column by column) and :class:`GenericRows` (any components). :func:`scalar_batch`, :func:`text_batch` and
:func:`generic_batch` build the batch of each; every batch has a ``log_time`` column, null for timeless rows.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pyarrow as pa

from rerun.components import RGBA_TYPE, SCALAR_PLOT_PROPS_TYPE, TEXT_ENTRY_TYPE
from rerun.wire.log_table import ENTITY_PATH_KEY, LOG_TIME, RECORDING_ID_KEY, timeline_column_name

MAX_PENDING_ROWS = 4096


class ScalarRows:
    """Pending ``log_scalar`` rows of one entity, column by column.

    ``points``, ``log_times`` and ``scalars`` get one item per row; ``extras`` holds
    (row, label, color, radius, scattered) only for rows that gave one of those. Columns instead of a
    tuple per row: a row tuple holds the (GC-tracked) time point, so each one was a tracked
    allocation, and garbage collection took ~25% of a ``set_time_sequence`` + ``log_scalar`` loop.
    """

    __slots__ = ("points", "log_times", "scalars", "extras")

    def __init__(self) -> None:
        self.points: list = []
        self.log_times: list = []
        self.scalars: list = []
        self.extras: list = []

    def __len__(self) -> int:
        return len(self.scalars)


class TextRows:
    """Pending text rows of one entity, column by column (see ``ScalarRows`` for why)."""

    __slots__ = ("points", "log_times", "bodies", "levels", "colors")

    def __init__(self) -> None:
        self.points: list = []
        self.log_times: list = []
        self.bodies: list = []
        self.levels: list = []
        self.colors: list = []

    def __len__(self) -> int:
        return len(self.bodies)


class GenericRows(list):
    """Pending generic rows of one entity: (point, log_time, {component: array}); tracks types and bytes."""

    __slots__ = ("nbytes", "types")

    def __init__(self) -> None:
        super().__init__()
        self.nbytes = 0
        self.types: dict[str, pa.DataType] = {}


_INT32_ONE_CELL: dict[int, pa.Buffer] = {}
_INT64 = pa.int64()


def single_cell(array: pa.Array) -> pa.Array:
    """A one-row list array whose only cell is ``array`` (zero copy)."""
    n = len(array)
    if n < (1 << 31):
        offsets = _INT32_ONE_CELL.get(n)
        if offsets is None:
            offsets = pa.py_buffer(np.array([0, n], dtype=np.int32))
            if len(_INT32_ONE_CELL) < 64:
                _INT32_ONE_CELL[n] = offsets
        return pa.Array.from_buffers(pa.list_(array.type), 1, [None, offsets], children=[array])
    return pa.LargeListArray.from_arrays(pa.array(np.array([0, n], dtype=np.int64)), array)


def one_int64(value) -> pa.Array:
    """A one-element int64 array (null for None), without pa.array's per-call overhead."""
    if value is None:
        return pa.array([None], type=_INT64)
    return pa.Array.from_buffers(_INT64, 1, [None, pa.py_buffer(value.to_bytes(8, "little", signed=True))])


_SCHEMA_CACHE: dict[tuple, tuple] = {}
_TIMELINE_COLUMN_NAMES: dict[tuple, str] = {}
_SCHEMA_CACHE_LIMIT = 4096


def make_batch(entity_path: str, recording_id: str, timelines: dict, cells: dict) -> pa.RecordBatch:
    """A LOG batch: timeline columns (sorted) then component cells, with the entity path and recording id in
    the schema metadata."""
    names, arrays = [], []
    for key in sorted(timelines):
        name = _TIMELINE_COLUMN_NAMES.get(key)
        if name is None:
            name = timeline_column_name(*key)
            if len(_TIMELINE_COLUMN_NAMES) < 4096:
                _TIMELINE_COLUMN_NAMES[key] = name
        names.append(name)
        arrays.append(timelines[key])
    for name, array in cells.items():
        names.append(name)
        arrays.append(array)
    types = tuple([a.type for a in arrays])
    # Building a schema costs more than the batch itself; entities keep their layout from call to call.
    key = (entity_path, recording_id, tuple(names))
    cached = _SCHEMA_CACHE.get(key)
    if cached is not None and cached[0] == types:
        schema = cached[1]
    else:
        metadata = {ENTITY_PATH_KEY: entity_path.encode("utf-8"), RECORDING_ID_KEY: key[1].encode("utf-8")}
        schema = pa.schema([pa.field(n, t) for n, t in zip(names, types)], metadata=metadata)
        if len(_SCHEMA_CACHE) >= _SCHEMA_CACHE_LIMIT:
            _SCHEMA_CACHE.clear()
        _SCHEMA_CACHE[key] = (types, schema)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


_OFFSETS_CACHE = pa.array(np.arange(MAX_PENDING_ROWS + 1, dtype=np.int32))


def _one_per_row(values: pa.Array) -> pa.Array:
    """List cells of exactly one instance each."""
    n = len(values)
    offsets = _OFFSETS_CACHE.slice(0, n + 1) if n < len(_OFFSETS_CACHE) else pa.array(np.arange(n + 1, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, values)


def _optional_cells(column: tuple, build) -> pa.Array | None:
    """List cells of one instance where the row gave a value, null cells elsewhere (None if no row did)."""
    n = len(column)
    missing = column.count(None)
    if missing == n:
        return None
    if missing == 0:
        return _one_per_row(build(column))
    values = build([v for v in column if v is not None])
    mask = np.fromiter((v is None for v in column), dtype=bool, count=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(~mask, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(mask))


def _int64_column(values) -> pa.Array:
    """An int64 column from a list of Python ints (numpy converts ~1.5x faster than pa.array)."""
    try:
        return pa.array(np.array(values, dtype=np.int64))
    except (TypeError, ValueError, OverflowError):  # None inside (timeless rows), or odd values
        return pa.array(values, type=_INT64)


def _timeline_columns(points, log_times) -> dict:
    """Timeline columns of a batch: one per (name, type) in any row's point, plus ``log_time``.

    Rows usually share one point object (no ``set_time_*`` between calls) or hold points with the
    same timelines (``set_time_*`` before every call); both are built with C-level loops.
    """
    n = len(points)
    timelines = {LOG_TIME: _int64_column(log_times)}
    first = points[0]
    if points[-1] is first and points[n // 2] is first and points.count(first) == n:
        # One shared point, or points equal to it (count() tests identity before equality, so it
        # is a C loop over pointers; the last and middle rows rule out most other cases first).
        for key, value in (first or {}).items():
            if key != LOG_TIME:
                timelines[key] = pa.array(np.full(n, value, dtype=np.int64))
        return timelines
    if first:
        # Same timelines in every row: every point is as long as the first and has all its keys.
        try:
            width = len(first)
            same = list(map(len, points)).count(width) == n
        except TypeError:  # a timeless row (None)
            same = False
        if same:
            try:
                for key in first:
                    if key != LOG_TIME:
                        timelines[key] = _int64_column(list(map(operator.itemgetter(key), points)))
                return timelines
            except KeyError:
                for key in list(timelines):
                    if key != LOG_TIME:
                        del timelines[key]
    keys = set(itertools.chain.from_iterable(filter(None, points)))
    keys.discard(LOG_TIME)
    for key in keys:
        try:
            values = list(map(operator.itemgetter(key), points))
        except (KeyError, TypeError):  # a row without this timeline, or a timeless row (None)
            values = [(p.get(key) if p else None) for p in points]
        timelines[key] = pa.array(values, type=_INT64)
    return timelines


def _build_colors(colors: list) -> pa.Array:
    raw = np.frombuffer(b"".join(colors), dtype=np.uint8)
    return pa.FixedSizeListArray.from_arrays(pa.array(raw), type=RGBA_TYPE)


def scalar_batch(entity_path: str, recording_id: str, rows: ScalarRows) -> pa.RecordBatch:
    points, log_times, scalars = rows.points, rows.log_times, rows.scalars
    n = len(scalars)
    labels = colors = radii = scattered = (None,) * n
    if rows.extras:
        columns = [[None] * n for _ in range(4)]
        for index, *values in rows.extras:
            for column, value in zip(columns, values):
                column[index] = value
        labels, colors, radii, scattered = map(tuple, columns)
    try:
        scalar_values = pa.array(scalars, type=pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # numpy scalars, bools: coerce one by one
        scalar_values = pa.array([None if s is None else float(s) for s in scalars], type=pa.float64())
    cells = {"rerun.scalar": _one_per_row(scalar_values)}
    optional = (
        ("rerun.label", labels, lambda v: pa.array(v, type=pa.utf8())),
        ("rerun.colorrgba", colors, _build_colors),
        ("rerun.radius", radii, lambda v: pa.array(v, type=pa.float32())),
        (
            "rerun.scalar_plot_props",
            scattered,
            lambda v: pa.StructArray.from_arrays([pa.array(v, type=pa.bool_())], fields=list(SCALAR_PLOT_PROPS_TYPE)),
        ),
    )
    for name, column, build in optional if rows.extras else ():
        built = _optional_cells(column, build)
        if built is not None:
            cells[name] = built
    return make_batch(entity_path, recording_id, _timeline_columns(points, log_times), cells)


def text_batch(entity_path: str, recording_id: str, rows: TextRows) -> pa.RecordBatch:
    points, log_times, bodies, levels, colors = rows.points, rows.log_times, rows.bodies, rows.levels, rows.colors
    entries = pa.StructArray.from_arrays(
        [pa.array(bodies, type=pa.utf8()), pa.array(levels, type=pa.utf8())], fields=list(TEXT_ENTRY_TYPE)
    )
    cells = {"rerun.text_entry": _one_per_row(entries)}
    color_cells = _optional_cells(colors, _build_colors)
    if color_cells is not None:
        cells["rerun.colorrgba"] = color_cells
    return make_batch(entity_path, recording_id, _timeline_columns(points, log_times), cells)


def generic_batch(entity_path: str, recording_id: str, rows: GenericRows) -> pa.RecordBatch:
    pending = rows
    points = [r[0] for r in rows]
    log_times = [r[1] for r in rows]
    cells = {}
    n = len(rows)
    for name, typ in pending.types.items():
        column = [r[2].get(name) for r in rows]
        present = [a for a in column if a is not None]
        lengths = np.fromiter((len(a) if a is not None else 0 for a in column), dtype=np.int64, count=n)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        values = pa.concat_arrays(present) if present else pa.array([], type=typ)
        mask = None
        if len(present) != n:
            mask = pa.array(np.fromiter((a is None for a in column), dtype=bool, count=n))
        if offsets[-1] < (1 << 31):
            cells[name] = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values, mask=mask)
        else:
            cells[name] = pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=mask)
    return make_batch(entity_path, recording_id, _timeline_columns(points, log_times), cells)
