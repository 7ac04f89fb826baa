"""One recording's data: entity path → component → timeline index over zero-copy record batches.

Ingest appends the batch as a :class:`~rerun_app.store.chunk.Chunk` and updates sorted
:class:`~rerun_app.store.time_index.TimeIndex` es (append fast path for in-order logs). Queries are
binary searches over those indices; cells are zero-copy slices of the kept batches.
"""

from __future__ import annotations

from rerun_app.store.budget import MemoryBudget
from rerun_app.store.store_gc import StoreGc
from rerun_app.store.store_read_latest import PRIMARY_COMPONENTS, StoreReadLatest
from rerun_app.store.store_read_range import StoreReadRange
from rerun_app.store.store_state import StoreState
from rerun_app.store.store_stats import EntityStats, StoreStatistics, StoreStats
from rerun_app.store.store_structure import StoreStructure
from rerun_app.store.store_write import StoreWrite

__all__ = ["PRIMARY_COMPONENTS", "EntityStats", "Store", "StoreStats"]


class Store(StoreWrite, StoreGc, StoreStructure, StoreReadLatest, StoreReadRange, StoreStatistics):
    """The data of one recording, as the viewer queries it.

    Thread safe: every public method holds the store's lock, so an ingest thread may feed it while
    the UI thread queries. Query results reference the stored (immutable) Arrow buffers and stay
    valid after the data is evicted.

    Parameters
    ----------
    info : dict, optional
        The BEGIN_RECORDING dict (``recording_id``, ``application_id``, …), kept as :attr:`info`.
    memory_limit : int, optional
        Bytes this store may hold; past it the oldest rows are dropped (timed before timeless).
    budget : MemoryBudget, optional
        A budget shared with other stores (then give no limits here).
    process_memory_limit : int, optional
        Resident bytes the whole process may use; past it the oldest rows are dropped.
    compact_below_bytes, compact_count : int
        Timed batches smaller than ``compact_below_bytes`` (a scalar or text stream batched every
        few ms) are concatenated ``compact_count`` at a time into one chunk: each record batch
        costs about 8 KiB of objects beyond its buffers, so thousands of tiny ones would cost far
        more than their data. Row keys stay as they were, so indices are not touched.
    """

    def __init__(
        self,
        info: dict | None = None,
        memory_limit: int | None = None,
        *,
        budget: MemoryBudget | None = None,
        process_memory_limit: int | None = None,
        compact_below_bytes: int = 64 << 10,
        compact_count: int = 32,
    ) -> None:
        if budget is not None and (memory_limit is not None or process_memory_limit is not None):
            raise ValueError("give either memory limits or a shared budget, not both")
        if compact_count < 2:
            raise ValueError(f"compact_count: expected at least 2, got {compact_count!r}")
        StoreState.__init__(self, info, budget if budget is not None else
                            MemoryBudget(memory_limit, process_limit=process_memory_limit),
                            compact_below_bytes, compact_count)
        self._budget.register(self)
