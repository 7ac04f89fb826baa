"""The viewer's time-indexed store: entity path × component × timeline (interface E).

``Store`` holds one recording; ``StoreHub`` maps recording ids to stores under one memory limit.
Ingest keeps the Arrow batches zero copy; latest-at and range queries are binary searches over
per-(entity, component, timeline) sorted indices. No GL or UI imports here.
"""

from rerun_app.store.budget import MemoryBudget, process_rss_bytes, store_budget_for_process_limit
from rerun_app.store.chunk import INSTANCE_KEY, SPLAT_KEY
from rerun_app.store.hub import StoreHub
from rerun_app.store.latest_at import LatestAt, array_to_numpy
from rerun_app.store.paths import EntityNode, canonical_entity_path
from rerun_app.store.store import EntityStats, Store, StoreStats
from rerun_app.store.timeline import Timeline

__all__ = [
    "INSTANCE_KEY",
    "SPLAT_KEY",
    "EntityNode",
    "EntityStats",
    "LatestAt",
    "MemoryBudget",
    "Store",
    "StoreHub",
    "StoreStats",
    "Timeline",
    "array_to_numpy",
    "canonical_entity_path",
    "process_rss_bytes",
    "store_budget_for_process_limit",
]
