"""Writing to the store: LOG batches (zero copy, indexed per timeline) and clears."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from rerun.wire.log_table import ENTITY_PATH_KEY

from rerun_app.store.chunk import ROW_BITS, Chunk
from rerun_app.store.columns import and_masks, first_values, is_ascending, split_columns, time_column
from rerun_app.store.paths import canonical_entity_path, is_descendant_or_self
from rerun_app.store.store_state import ClearIndex, ComponentIndex, EntityData, StoreState, locked
from rerun_app.store.time_index import TimeIndex
from rerun_app.store.timeline import Timeline, parse_time_point

_INDEX_ENTRY_BYTES = 24  # per index entry: time + key, a value for scalars, growth slack


class StoreWrite(StoreState):
    """Ingest: :meth:`begin_recording`, :meth:`add_log_batch`, :meth:`clear`."""

    @property
    def recording_id(self) -> str | None:
        return self.info.get("recording_id")

    @locked
    def begin_recording(self, info: dict) -> None:
        """Record the BEGIN_RECORDING dict (later keys overwrite earlier ones)."""
        if not isinstance(info, dict):
            raise TypeError(f"info: expected a dict, got {type(info).__name__}")
        self.info.update(info)
        self._generation += 1

    def add_log_batch(self, entity_path: str | None, batch: pa.RecordBatch | pa.Table) -> None:
        """Ingest one LOG batch (rows = log calls on ``entity_path``), keeping its buffers zero copy.

        Parameters
        ----------
        entity_path : str or None
            The entity; None reads it from the batch's ``rerun.entity_path`` metadata.
        batch : pa.RecordBatch or pa.Table
            In the log-table layout: ``timeline:<type>:<name>`` int64 columns, then ``list<T>``
            component columns with one cell per row (null = not logged in that row).

        Raises
        ------
        TypeError
            If ``batch`` is not a record batch or a column has the wrong type.
        ValueError
            If there is no entity path.
        """
        with self._lock:
            if isinstance(batch, pa.Table):
                for part in batch.to_batches():
                    self._add(entity_path, part)
            else:
                self._add(entity_path, batch)
        self._budget.enforce()

    def _add(self, entity_path: str | None, batch: pa.RecordBatch) -> None:
        if not isinstance(batch, pa.RecordBatch):
            raise TypeError(f"batch: expected a pyarrow RecordBatch in the log-table layout, got {type(batch).__name__}")
        if entity_path is None:
            meta = batch.schema.metadata or {}
            if ENTITY_PATH_KEY not in meta:
                raise ValueError("entity_path: not given and the batch has no rerun.entity_path metadata")
            entity_path = meta[ENTITY_PATH_KEY].decode("utf-8")
        path = canonical_entity_path(entity_path)
        n = batch.num_rows
        if n == 0:
            return
        timelines, components = split_columns(batch)
        times: dict[Timeline, tuple[np.ndarray, np.ndarray | None]] = {}
        every_row_timed = False
        timed_rows: np.ndarray | None = None  # rows with a value on at least one timeline
        for timeline, column in timelines:
            values, valid = time_column(batch.column(column), timeline)
            times[timeline] = (values, valid)
            if valid is None:
                every_row_timed = True
            else:
                timed_rows = valid.copy() if timed_rows is None else (timed_rows | valid)
        if every_row_timed or (timed_rows is not None and timed_rows.all()):
            times = {tl: (values, valid, is_ascending(values, valid)) for tl, (values, valid) in times.items()}
            self._ingest(path, batch, components, times, timeless=False)
        elif timed_rows is None or not timed_rows.any():
            self._ingest(path, batch, components, {}, timeless=True)
        else:
            # A batch mixing timeless and timed rows is split, so the memory limit can drop the
            # timed part without touching the timeless one.
            self._ingest(path, batch.filter(pa.array(~timed_rows)), components, {}, timeless=True)
            timed_part = batch.filter(pa.array(timed_rows))
            times = {}
            for tl, c in timelines:
                values, valid = time_column(timed_part.column(c), tl)
                times[tl] = (values, valid, is_ascending(values, valid))
            self._ingest(path, timed_part, components, times, timeless=False)

    def _ingest(self, path: str, batch: pa.RecordBatch, components: list[str], times: dict, timeless: bool) -> None:
        n = batch.num_rows
        seq = self._budget.next_seq()
        keys = np.arange(seq << ROW_BITS, (seq << ROW_BITS) + n, dtype=np.int64)
        entity = self._entities.get(path)
        if entity is None:
            entity = self._entities[path] = EntityData()
        chunk = Chunk(seq, batch, path, timeless, components)
        entries = 0
        for name in components:
            column = batch.column(name)
            component = entity.components.get(name)
            if component is None:
                scalar = pa.types.is_float64(column.type.value_type)
                component = entity.components[name] = ComponentIndex(scalar, self._meter)
            valid = None if column.null_count == 0 else column.is_valid().to_numpy(zero_copy_only=False)
            firsts = first_values(column) if component.scalar else None
            if timeless:
                selected = keys if valid is None else keys[valid]
                component.timeless.append(np.zeros(len(selected), dtype=np.int64), selected)
                entries += len(selected)
                continue
            for timeline, (values, on_timeline, ascending) in times.items():
                mask = and_masks(valid, on_timeline)
                index = component.timed.get(timeline)
                if index is None:
                    index = component.timed[timeline] = TimeIndex(with_values=component.scalar, meter=self._meter)
                if mask is None:
                    index.append(values, keys, firsts, ascending)
                    entries += n
                else:
                    index.append(values[mask], keys[mask], None if firsts is None else firsts[mask], ascending)
                    entries += int(np.count_nonzero(mask))
        if timeless:
            entity.timeless_rows += n
            self._timeless_chunks.append(chunk)
        else:
            for timeline, (values, on_timeline, ascending) in times.items():
                row_times = values if on_timeline is None else values[on_timeline]
                row_keys = keys if on_timeline is None else keys[on_timeline]
                for rows in (self._rows, entity.rows):
                    index = rows.get(timeline)
                    if index is None:
                        index = rows[timeline] = TimeIndex(meter=self._meter)
                    index.append(row_times, row_keys, None, ascending)
                entries += 2 * len(row_keys)
            self._timed_chunks.append(chunk)
        chunk.index_bytes = _INDEX_ENTRY_BYTES * entries
        self._chunks[seq] = (chunk, 0)
        entity.num_rows += n
        entity.nbytes += chunk.footprint
        entity.generation += 1
        self._bytes += chunk.nbytes
        self._generation += 1
        if not timeless:
            self._maybe_compact(entity, chunk)

    def clear(self, entity_path: str, recursive: bool, time_point: Any) -> None:
        """Apply ``log_cleared``: hide the entity's components (and with ``recursive`` its
        descendants') for latest-at queries at times >= the clear's time, until newer data.

        Parameters
        ----------
        entity_path : str
            The cleared entity.
        recursive : bool
            Also clear every entity below it (including ones that appear later).
        time_point
            When the clear happened: ``[[name, type, value], ...]`` (the CLEAR frame's
            ``time_point``), a ``{(name, type): value}`` dict, or empty/None for a timeless clear
            (which hides the timeless data logged before it).
        """
        with self._lock:
            self._clear(entity_path, recursive, time_point)
        self._budget.enforce()  # a clear's index entries count too

    def _clear(self, entity_path: str, recursive: bool, time_point: Any) -> None:
        if not isinstance(recursive, (bool, np.bool_)):
            raise TypeError(f"recursive: expected a bool, got {type(recursive).__name__} ({recursive!r})")
        path = canonical_entity_path(entity_path)
        point = parse_time_point(time_point)
        key = self._budget.next_seq() << ROW_BITS
        clears = self._clears.get(path)
        if clears is None:
            clears = self._clears[path] = ClearIndex()
        if not point:
            clears.timeless_own = key
            if recursive:
                clears.timeless_recursive = key
        one_key = np.array([key], dtype=np.int64)
        for timeline, value in point.items():
            targets = (clears.own, clears.recursive) if recursive else (clears.own,)
            for by_timeline in targets:
                index = by_timeline.get(timeline)
                if index is None:
                    index = by_timeline[timeline] = TimeIndex(meter=self._meter)
                index.append(np.array([value], dtype=np.int64), one_key)
        for other, entity in self._entities.items():
            if other == path or (recursive and is_descendant_or_self(other, path)):
                entity.generation += 1
        self._generation += 1
