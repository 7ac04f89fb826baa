"""Builders for LOG batches in the log-table layout, shared by the store tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun.wire.log_table import build_log_batch

POINT3D = pa.list_(pa.float32(), 3)
COLOR = pa.list_(pa.uint8(), 4)
RADIUS = pa.float32()
SCALAR = pa.float64()
INSTANCE_KEY_TYPE = pa.uint64()
LABEL = pa.utf8()

TYPES = {
    "rerun.point3d": POINT3D,
    "rerun.colorrgba": COLOR,
    "rerun.radius": RADIUS,
    "rerun.scalar": SCALAR,
    "rerun.instance_key": INSTANCE_KEY_TYPE,
    "rerun.label": LABEL,
}


def cells(values: list, value_type: pa.DataType) -> pa.ListArray:
    """A ``list<value_type>`` column; each entry is one row's instances (None = not logged)."""
    return pa.array(values, type=pa.list_(value_type))


def batch(entity_path: str, rows: list[dict], recording_id: str = "rec") -> pa.RecordBatch:
    """One LOG batch from rows like ``{"time": {("frame", "sequence"): 3}, "rerun.radius": [1.0]}``.

    A row without ``"time"`` (or with an empty one) is timeless; a component missing from a row is a
    null cell. Component types come from :data:`TYPES`.
    """
    timelines: dict[tuple[str, str], list] = {}
    for row in rows:
        for key in row.get("time", {}):
            timelines.setdefault(key, [None] * len(rows))
    names: list[str] = []
    for row in rows:
        for name in row:
            if name != "time" and name not in names:
                names.append(name)
    for i, row in enumerate(rows):
        for key, value in row.get("time", {}).items():
            timelines[key][i] = value
    components = {name: cells([row.get(name) for row in rows], TYPES[name]) for name in names}
    return build_log_batch(entity_path, recording_id, timelines, components)


def frame(t: int) -> dict:
    return {("frame", "sequence"): t}


def points(n: int, seed: int = 0) -> list:
    return np.random.default_rng(seed).normal(size=(n, 3)).astype(np.float32).tolist()
