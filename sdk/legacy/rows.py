"""Rows decoded from Rerun 0.4 messages, splat merging, and grouping rows into LOG batches.

Rerun 0.4 writes one message per log call (two when a call has splats). Turning each into its own record
batch costs tens of microseconds and a kilobyte or two of schema per row, which adds up on a recording
of tens of thousands of scalars. So rows of one entity that have the same columns are grouped into one
batch, as our own SDK batches small rows. Ordering guarantees:

- the rows of one entity keep their file order, within and across batches;
- every row logged before a clear or a new BeginRecordingMsg is emitted before it (the reader calls
  :meth:`RowGrouper.flush_all` there), and every row after it, after it;
- between those points, batches of *different* entities may come out in another order than their rows
  were written (the store indexes by time, not by arrival).

Rows with large components (images, big point clouds) are emitted on their own at once, without copying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pyarrow as pa

from rerun.wire.events import LogEvent
from rerun.wire.log_table import LOG_TIME, build_log_batch

SPLAT_INSTANCE_KEY = 2**64 - 1

TimePoint = dict  # {(name, "sequence" | "time"): int}


@dataclass
class Row:
    """One 0.4 message row, its components already converted to our types."""

    entity_path: str
    time_point: TimePoint
    components: dict[str, pa.Array] = field(default_factory=dict)
    #: Bytes the row took on the wire (its share of the message): decides grouping versus a batch of its own.
    nbytes: int = 0

    @property
    def is_splat(self) -> bool:
        """Whether this row holds the splatted components of a log call (instance key ``2**64 - 1``)."""
        keys = self.components.get("rerun.instance_key")
        return keys is not None and len(keys) == 1 and keys[0].as_py() == SPLAT_INSTANCE_KEY

    def signature(self) -> tuple:
        """What must match for two rows to share a batch: timelines, component names and types."""
        return (tuple(self.time_point), tuple(self.components), tuple(v.type for v in self.components.values()))


def merge_splat(splat: Row, row: Row) -> bool:
    """Merge ``splat`` into the instanced ``row`` when they belong to one log call; return whether it did.

    They do when they have the same time point apart from ``log_time`` (0.4 stamps each message with
    its own wall clock) and no component in common other than the instance keys. The splat's sentinel
    instance key is dropped; ``row`` keeps its own keys, if any, and its ``log_time``.
    """
    if row.is_splat:
        return False

    def without_log_time(point: TimePoint) -> TimePoint:
        return {key: value for key, value in point.items() if key != LOG_TIME}

    if without_log_time(splat.time_point) != without_log_time(row.time_point):
        return False
    if (set(splat.components) & set(row.components)) - {"rerun.instance_key"}:
        return False
    merged = {name: values for name, values in splat.components.items() if name != "rerun.instance_key"}
    merged.update(row.components)
    row.components = merged
    row.nbytes += splat.nbytes
    return True


@dataclass
class _Group:
    recording_id: str
    signature: tuple
    rows: list[Row]
    nbytes: int


class RowGrouper:
    """Collects rows per entity and emits runs of rows with the same columns as one LOG batch each.

    Parameters
    ----------
    max_group_rows : int
        A group is emitted when it reaches this many rows.
    max_pending_bytes : int
        All groups are emitted when together they hold more component bytes than this.
    own_batch_bytes : int
        A row holding at least this many component bytes is emitted alone, zero copy.
    """

    def __init__(self, max_group_rows: int = 4096, max_pending_bytes: int = 8 << 20, own_batch_bytes: int = 64 << 10):
        self.max_group_rows = max_group_rows
        self.max_pending_bytes = max_pending_bytes
        self.own_batch_bytes = own_batch_bytes
        self._groups: dict[str, _Group] = {}
        self._pending_bytes = 0

    def add(self, row: Row, recording_id: str) -> Iterator[tuple]:
        """Take ``row``; yield the ``("log", entity_path, recording_id, batch)`` events now due."""
        size = row.nbytes
        group = self._groups.get(row.entity_path)
        signature = row.signature()
        if group is not None and (group.signature != signature or group.recording_id != recording_id):
            yield self._emit(row.entity_path)
            group = None
        if size >= self.own_batch_bytes:
            if group is not None:
                yield self._emit(row.entity_path)
            yield _batch_event(row.entity_path, recording_id, [row])
            return
        if group is None:
            group = self._groups[row.entity_path] = _Group(recording_id, signature, [], 0)
        group.rows.append(row)
        group.nbytes += size
        self._pending_bytes += size
        if len(group.rows) >= self.max_group_rows:
            yield self._emit(row.entity_path)
        if self._pending_bytes > self.max_pending_bytes:
            yield from self.flush_all()

    def flush_all(self) -> Iterator[tuple]:
        """Yield every pending group, oldest first."""
        for entity_path in list(self._groups):
            yield self._emit(entity_path)

    def _emit(self, entity_path: str) -> tuple:
        group = self._groups.pop(entity_path)
        self._pending_bytes -= group.nbytes
        return _batch_event(entity_path, group.recording_id, group.rows)


def _batch_event(entity_path: str, recording_id: str, rows: list[Row]) -> tuple:
    timelines = {
        key: pa.array([row.time_point[key] for row in rows], type=pa.int64()) for key in rows[0].time_point
    }
    components = {name: _list_column([row.components[name] for row in rows]) for name in rows[0].components}
    return LogEvent(entity_path, recording_id, build_log_batch(entity_path, recording_id, timelines, components))


def _list_column(cells: list[pa.Array]) -> pa.Array:
    """A ``list<T>`` array with one cell per element of ``cells`` (no copy for a single cell)."""
    # int32 offsets suffice: a group holds at most max_pending_bytes of small rows, a big row is alone.
    offsets = np.zeros(len(cells) + 1, dtype=np.int32)
    np.cumsum([len(cell) for cell in cells], out=offsets[1:])
    values = cells[0] if len(cells) == 1 else pa.concat_arrays(cells)
    return pa.ListArray.from_arrays(pa.array(offsets), values)
