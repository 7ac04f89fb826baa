"""Stores by recording id, fed by the ingest side's events, under one shared memory limit."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import pyarrow as pa
from rerun.wire.events import Event, LogEvent, deliver
from rerun.wire.log_table import RECORDING_ID_KEY

from rerun_app.store.budget import MemoryBudget
from rerun_app.store.store import Store



class StoreHub:
    """Recording id → :class:`Store`, all drawing on one memory limit (the oldest data anywhere goes first).

    Parameters
    ----------
    memory_limit : int, optional
        Bytes all stores may hold together.
    low_water : float
        Fraction of the limit eviction drops down to.
    process_memory_limit : int, optional
        Resident bytes the whole viewer process may use: past it the oldest data goes, however the
        rest of the process grew (what ``--memory-limit`` promises a user). Best used together with
        ``memory_limit=store_budget_for_process_limit(limit)``: the byte count reacts at once to
        bursts of small batches, the resident-memory check to everything else.
    """

    def __init__(self, memory_limit: int | None = None, low_water: float = 0.9, process_memory_limit: int | None = None) -> None:
        self.budget = MemoryBudget(memory_limit, low_water, process_limit=process_memory_limit)
        self._stores: dict[str, Store] = {}
        #: Recording id of the newest recording (the last to begin, or to appear with data): what the
        #: viewer shows by default. Data for an older recording does not switch it back.
        self.active_id: str | None = None

    def __len__(self) -> int:
        return len(self._stores)

    def __contains__(self, recording_id: object) -> bool:
        return recording_id in self._stores

    def __iter__(self) -> Iterator[str]:
        return iter(self._stores)

    def recording_ids(self) -> list[str]:
        """Recording ids in the order they first appeared."""
        return list(self._stores)

    def store(self, recording_id: str | None = None) -> Store | None:
        """The store of ``recording_id`` (default: the active one), or None."""
        rid = self.active_id if recording_id is None else recording_id
        return None if rid is None else self._stores.get(rid)

    @property
    def active(self) -> Store | None:
        """The active store, or None before any data."""
        return self.store()

    def _get_or_create(self, recording_id: str) -> Store:
        if not isinstance(recording_id, str) or not recording_id:
            raise ValueError(f"recording_id: expected a non-empty str, got {recording_id!r}")
        store = self._stores.get(recording_id)
        if store is None:
            store = self._stores[recording_id] = Store({"recording_id": recording_id}, budget=self.budget)
            self.active_id = recording_id
        return store

    def begin_recording(self, info: dict) -> Store:
        """Handle a BEGIN_RECORDING dict (must hold ``recording_id``); returns its store."""
        if not isinstance(info, dict) or "recording_id" not in info:
            raise ValueError(f"info: expected a BEGIN_RECORDING dict with a 'recording_id', got {info!r}")
        store = self._get_or_create(info["recording_id"])
        store.begin_recording(info)
        self.active_id = info["recording_id"]
        return store

    def add_log_batch(self, entity_path: str | None, batch: pa.RecordBatch, recording_id: str | None = None) -> Store:
        """Route a LOG batch to its recording's store (id from the argument or the batch metadata)."""
        if recording_id is None:
            meta = (batch.schema.metadata or {}) if isinstance(batch, (pa.RecordBatch, pa.Table)) else {}
            raw = meta.get(RECORDING_ID_KEY)
            recording_id = raw.decode("utf-8") if raw else self.active_id
        if recording_id is None:
            raise ValueError("recording_id: not given, not in the batch metadata, and no recording has begun")
        store = self._get_or_create(recording_id)
        store.add_log_batch(entity_path, batch)
        return store

    def clear(self, entity_path: str, recursive: bool, time_point: Any, recording_id: str | None = None) -> None:
        """Apply a CLEAR to ``recording_id``'s store (default: the active one)."""
        rid = self.active_id if recording_id is None else recording_id
        if rid is None:
            raise ValueError("recording_id: not given and no recording has begun")
        self._get_or_create(rid).clear(entity_path, recursive, time_point)

    def add_clear_event(self, event: dict) -> None:
        """Apply a CLEAR control dict: ``entity_path``, ``recursive``, ``time_point`` (``[[name, type, value], ...]``)
        and optionally ``recording_id`` (default: the active recording)."""
        if not isinstance(event, dict) or "entity_path" not in event:
            raise ValueError(f"event: expected a CLEAR dict with an 'entity_path', got {event!r}")
        time_point = event.get("time_point", event.get("timelines")) or []
        self.clear(event["entity_path"], bool(event.get("recursive", False)), time_point, event.get("recording_id"))

    # the hub is a rerun.wire.events.EventHandler
    def on_begin(self, info: dict) -> None:
        self.begin_recording(info)

    def on_log(self, entity_path: str | None, recording_id: str | None, batch: pa.RecordBatch) -> None:
        self.add_log_batch(entity_path, batch, recording_id)

    def on_clear(self, info: dict) -> None:
        self.add_clear_event(info)

    def add_event(self, event: Event) -> None:
        """Apply one event of ``rerun.recording.Recording.events()`` (or of the live ingest); a
        :class:`~rerun.wire.events.Goodbye` changes nothing."""
        deliver(event, self)

    def add_events(self, events: Iterable[Event], small_batch_bytes: int = 64 << 10, max_group: int = 4096) -> None:
        """Apply many events in order (a whole file): consecutive small LOG batches of one entity
        with one schema are concatenated first, so one-row-per-message recordings (Rerun 0.4 files)
        load at batch speed rather than paying the per-batch cost for every row.
        """
        group: list[pa.RecordBatch] = []
        group_key: tuple | None = None

        def flush() -> None:
            if not group:
                return
            batch = group[0] if len(group) == 1 else pa.concat_batches(group)
            self.add_log_batch(group_key[1], batch, group_key[0])
            group.clear()

        for event in events:
            if isinstance(event, LogEvent) and event.batch.get_total_buffer_size() <= small_batch_bytes:
                batch = event.batch
                key = (event.recording_id, event.entity_path)
                if group and (key != group_key or len(group) >= max_group or not group[-1].schema.equals(batch.schema)):
                    flush()
                group_key = key
                group.append(batch)
                continue
            flush()
            self.add_event(event)
        flush()

    def make_room(self, incoming: int) -> None:
        """Drop the oldest data (of any recording) so that ``incoming`` more bytes fit the memory limit."""
        self.budget.make_room(incoming)

    def remove(self, recording_id: str) -> None:
        """Forget a recording and free its memory."""
        store = self._stores.pop(recording_id)
        store.evict_below(1 << 62, timeless=False)
        store.evict_below(1 << 62, timeless=True)
        self.budget.unregister(store)
        if self.active_id == recording_id:
            self.active_id = next(reversed(self._stores), None)
