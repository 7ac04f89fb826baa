"""Helpers for the log-function tests: record into a real .rrd file and read it back."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pyarrow as pa

import rerun as rr
from rerun import _session, _time, recording
from rerun.sinks import FileSink


class Recorded:
    """What a :func:`recorded` block wrote, available once the block has ended."""

    recording: recording.Recording

    def table(self, entity_path: str) -> pa.Table:
        return self.recording.table(entity_path)

    def cells(self, entity_path: str, component: str) -> list:
        """The component's cells, one per logged row (None where the row did not log it)."""
        table = self.table(entity_path)
        if component not in table.column_names:
            return [None] * table.num_rows
        return table.column(component).to_pylist()

    def has(self, entity_path: str) -> bool:
        return entity_path in self.recording.entity_paths


@contextlib.contextmanager
def recorded(tmp_path: Path, *, strict: bool = False, frame: int | None = 7):
    """Log inside the block into ``tmp_path/rec.rrd``; read it back when the block ends.

    Whatever an earlier test left in the in-memory backlog goes to a throwaway file first, so the
    recording holds only this block's calls.
    """
    _session.set_enabled(True)
    _session.set_sink(FileSink(tmp_path / "backlog.rrd"))
    path = tmp_path / "rec.rrd"
    rr.save(path)
    _time.reset_time()
    if frame is not None:
        rr.set_time_sequence("frame", frame)
    previous_strict = _session.strict_mode()
    _session.set_strict_mode(strict)
    result = Recorded()
    try:
        yield result
    finally:
        _session.set_strict_mode(previous_strict)
        _time.reset_time()
        rr.disconnect()
    result.recording = recording.load(path)


def flat_values(table: pa.Table, component: str, row: int = 0) -> np.ndarray:
    """The numbers inside one row's cell of a fixed-size-list component, as an (N, K) array."""
    cell = table.column(component).combine_chunks()[row].values
    width = cell.type.list_size
    return cell.flatten().to_numpy(zero_copy_only=False).reshape(-1, width)
