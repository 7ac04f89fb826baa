"""The viewer's time-indexed store: entity path × component × timeline (interface E).

``Store`` holds one recording; ``StoreHub`` maps recording ids to stores under one memory limit.
Ingest keeps the Arrow batches zero copy; latest-at and range queries are binary searches over
per-(entity, component, timeline) sorted indices. No GL or UI imports here.

Typical use by the viewer::

    # --memory-limit: the store's byte count reacts at once, the resident-memory check catches the rest
    hub = StoreHub(memory_limit=store_budget_for_process_limit(limit_bytes), process_memory_limit=limit_bytes)
    hub.add_events(recording.events())          # a whole file: small batches are concatenated first
    hub.add_event(event)                        # live: a rerun.wire.events BeginRecording / LogEvent / ClearEvent
    store = hub.active
    frame = Timeline("frame", "sequence")
    shown = store.latest_at("world/points", frame, cursor, primary="rerun.point3d")
    if shown is not None:
        xyz = shown.numpy("rerun.point3d")      # (N, 3) float32, zero copy
        rgba = shown.numpy("rerun.colorrgba")   # (N, 4) uint8; a splat is a broadcast view
    times, values = store.range_scalars("plot/value", frame, t0, t1)   # time-series view
    log = store.range_column("log", "rerun.text_entry", frame, t0, t1)   # text log / style columns:
    bodies = log.values.field("body")           # every row's instances in one array; row i is log.cell(i),
                                                # logged at log.times[i] (offsets: log.offsets)
    key = ("world/points", store.generation("world/points"), frame, cursor)   # view cache key

Entity paths are keyed in ``rerun.entity_path``'s display form (``"world/points"``, root ``"/"``);
queries also accept a leading or trailing ``/``. Timelines are ``Timeline(name, type)``; a bare
name works when only one type uses it.

Map of the package (``Store`` is split the way Rerun's store crate is: write / read / GC / stats):

- ``store``: :class:`Store`, assembled from ``store_write`` (LOG batches, clears), ``store_gc`` (compaction,
  eviction), ``store_structure`` (entities, components, timelines, times with data), ``store_read_latest``
  (latest-at with clears, joins and splats), ``store_read_range`` (range, range_column, range_scalars) and
  ``store_stats``; ``store_state`` holds the fields they share;
- ``columns`` (an incoming batch's timeline and component columns), ``chunk`` (a stored batch and its row keys),
  ``time_index`` (sorted time → row key arrays), ``latest_at`` (latest-at results), ``range_column``
  (column-wise range results), ``paths`` (entity paths and tree), ``timeline``;
- ``budget``: the memory limit shared by the stores of a hub; ``hub``: :class:`StoreHub`, recording id → store.
"""

from rerun_app.store.budget import MemoryBudget, process_rss_bytes, store_budget_for_process_limit, trim_c_heap
from rerun_app.store.chunk import INSTANCE_KEY, SPLAT_KEY
from rerun_app.store.hub import StoreHub
from rerun_app.store.latest_at import LatestAt, array_to_numpy
from rerun_app.store.paths import EntityNode, canonical_entity_path
from rerun_app.store.range_column import RangeColumn
from rerun_app.store.store import EntityStats, Store, StoreStats
from rerun_app.store.timeline import Timeline, parse_time_point

__all__ = [
    "INSTANCE_KEY",
    "SPLAT_KEY",
    "EntityNode",
    "EntityStats",
    "LatestAt",
    "MemoryBudget",
    "RangeColumn",
    "Store",
    "StoreHub",
    "StoreStats",
    "Timeline",
    "array_to_numpy",
    "canonical_entity_path",
    "parse_time_point",
    "process_rss_bytes",
    "store_budget_for_process_limit",
    "trim_c_heap",
]
