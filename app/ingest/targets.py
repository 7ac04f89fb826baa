"""Where decoded messages go: the viewer's ``StoreHub``, or a plain recorder (tests, tools).

A target has three methods, called with the ingest lock held:
``on_begin(info: dict)``, ``on_log(recording_id, entity_path, batch)``, ``on_clear(info: dict)``.
"""

from __future__ import annotations

import pyarrow as pa


class RecordingTarget:
    """Keeps every event in arrival order: ``events`` holds ("begin", info), ("log", rid, path,
    batch) and ("clear", info) tuples."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def on_begin(self, info: dict) -> None:
        self.events.append(("begin", info))

    def on_log(self, recording_id: str, entity_path: str, batch: pa.RecordBatch) -> None:
        self.events.append(("log", recording_id, entity_path, batch))

    def on_clear(self, info: dict) -> None:
        self.events.append(("clear", info))

    def stats(self) -> dict:
        rows: dict[str, int] = {}
        for event in self.events:
            if event[0] == "log":
                rows[event[2]] = rows.get(event[2], 0) + event[3].num_rows
        return {"rows_per_entity": rows}


class DiscardTarget:
    """Decodes and counts, keeps nothing (``--ingest-only``: measuring the transport alone)."""

    def on_begin(self, info: dict) -> None:
        pass

    def on_log(self, recording_id: str, entity_path: str, batch: pa.RecordBatch) -> None:
        pass

    def on_clear(self, info: dict) -> None:
        pass

    def stats(self) -> dict:
        return {}


class HubTarget:
    """Feeds a ``rerun_app.store.StoreHub`` (one store per recording id)."""

    def __init__(self, hub) -> None:
        self.hub = hub

    def on_begin(self, info: dict) -> None:
        self.hub.begin_recording(info)

    def on_log(self, recording_id: str, entity_path: str, batch: pa.RecordBatch) -> None:
        self.hub.add_log_batch(entity_path, batch, recording_id)

    def on_clear(self, info: dict) -> None:
        self.hub.add_clear_event(info)

    def stats(self) -> dict:
        """Rows per entity of every recording, plus evictions (for the headless report)."""
        out: dict[str, dict] = {}
        for recording_id in self.hub.recording_ids():
            try:
                stats = self.hub.store(recording_id).stats()
                out[recording_id] = {
                    "rows_per_entity": {path: e.rows + e.timeless_rows for path, e in stats.entities.items()},
                    "total_bytes": stats.total_bytes,
                    "evicted_rows": stats.evicted_rows,
                }
            except Exception as exc:  # noqa: BLE001 - stats must never take the viewer down
                out[recording_id] = {"error": f"{type(exc).__name__}: {exc}"}
        return {"recordings": out}
