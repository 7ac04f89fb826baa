"""Where decoded messages go: the viewer's ``StoreHub``, or a plain recorder (tests, tools).

A target is an :class:`IngestTarget`: a :class:`rerun.wire.events.EventHandler` (``on_begin(info)``,
``on_log(entity_path, recording_id, batch)``, ``on_clear(info)``, called by :func:`rerun.wire.events.deliver`
with the ingest lock held) that also reports ``stats()``.
"""

from __future__ import annotations

from typing import Protocol

import pyarrow as pa
from rerun.wire.events import BeginRecording, ClearEvent, Event, EventHandler, LogEvent


class IngestTarget(EventHandler, Protocol):
    """What :class:`rerun_app.ingest.Ingest` feeds: the event handler methods, plus ``stats()`` for reports."""

    def stats(self) -> dict: ...

    def make_room(self, incoming: int) -> None:
        """Drop the oldest data kept so that ``incoming`` more bytes (frames being received) fit the memory limit."""

    def watch_evictions(self, callback) -> None:
        """Call ``callback()`` after the target dropped data for the memory limit."""


class RecordingTarget:
    """Keeps every event in arrival order (:class:`BeginRecording`, :class:`LogEvent`, :class:`ClearEvent`)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def on_begin(self, info: dict) -> None:
        self.events.append(BeginRecording(info))

    def on_log(self, entity_path: str, recording_id: str, batch: pa.RecordBatch) -> None:
        self.events.append(LogEvent(entity_path, recording_id, batch))

    def on_clear(self, info: dict) -> None:
        self.events.append(ClearEvent(info))

    def make_room(self, incoming: int) -> None:
        pass  # no memory limit

    def watch_evictions(self, callback) -> None:
        pass  # never evicts

    def stats(self) -> dict:
        rows: dict[str, int] = {}
        for event in self.events:
            if isinstance(event, LogEvent):
                rows[event.entity_path] = rows.get(event.entity_path, 0) + event.batch.num_rows
        return {"rows_per_entity": rows}


class DiscardTarget:
    """Decodes and counts, keeps nothing (``--ingest-only``: measuring the transport alone)."""

    def on_begin(self, info: dict) -> None:
        pass

    def on_log(self, entity_path: str, recording_id: str, batch: pa.RecordBatch) -> None:
        pass

    def on_clear(self, info: dict) -> None:
        pass

    def make_room(self, incoming: int) -> None:
        pass  # no memory limit

    def watch_evictions(self, callback) -> None:
        pass  # never evicts

    def stats(self) -> dict:
        return {}


class HubTarget:
    """Feeds a ``rerun_app.store.StoreHub`` (one store per recording id)."""

    def __init__(self, hub) -> None:
        self.hub = hub

    def on_begin(self, info: dict) -> None:
        self.hub.on_begin(info)

    def on_log(self, entity_path: str, recording_id: str, batch: pa.RecordBatch) -> None:
        self.hub.on_log(entity_path, recording_id, batch)

    def on_clear(self, info: dict) -> None:
        self.hub.on_clear(info)

    def make_room(self, incoming: int) -> None:
        self.hub.make_room(incoming)

    def watch_evictions(self, callback) -> None:
        self.hub.budget.after_eviction.append(callback)

    def stats(self) -> dict:
        """Rows per entity of every recording, plus evictions (for the headless report)."""
        out: dict[str, dict] = {}
        for recording_id in self.hub.recording_ids():
            try:
                store = self.hub.store(recording_id)
                stats = store.stats()
                out[recording_id] = {
                    "rows_per_entity": {path: e.rows + e.timeless_rows for path, e in stats.entities.items()},
                    "total_bytes": stats.total_bytes,
                    "evicted_rows": stats.evicted_rows,
                    # (first, last) time with data still held, per "type:name" timeline: what a memory limit kept.
                    "time_ranges": {f"{tl.type}:{tl.name}": list(store.time_range(tl) or ()) for tl in store.timelines()},
                }
            except Exception as exc:  # noqa: BLE001 - stats must never take the viewer down
                out[recording_id] = {"error": f"{type(exc).__name__}: {exc}"}
        return {"recordings": out}
