"""The state one :class:`~rerun_app.store.store.Store` holds, shared by its write, read, GC and stats parts.

An entity keeps, per component, a sorted :class:`~rerun_app.store.time_index.TimeIndex` per timeline (and one of
timeless rows) of row keys; a row key is ``arrival seq << ROW_BITS | row`` and locates its cell in a
:class:`~rerun_app.store.chunk.Chunk`.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from typing import Iterator

import numpy as np

from rerun_app.store.budget import MemoryBudget
from rerun_app.store.chunk import ROW_BITS, ROW_MASK, Chunk
from rerun_app.store.paths import EntityNode
from rerun_app.store.time_index import ByteMeter, TimeIndex
from rerun_app.store.timeline import Timeline

NEG_INF = float("-inf")  # the "time" of a timeless row: older than every timed one
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class ComponentIndex:
    """One component of one entity: its row keys sorted by time, per timeline, and its timeless rows."""

    __slots__ = ("timed", "timeless", "scalar")

    def __init__(self, scalar: bool, meter: ByteMeter) -> None:
        self.timed: dict[Timeline, TimeIndex] = {}
        self.timeless = TimeIndex(meter=meter)
        #: float64 cells: the indices also keep each row's first value, for plots.
        self.scalar = scalar


class EntityData:
    """One entity: its rows per timeline, its components, counters and its not yet compacted small chunks."""

    __slots__ = ("rows", "components", "num_rows", "timeless_rows", "nbytes", "generation", "run")

    def __init__(self) -> None:
        #: The latest small timed chunks with one schema, waiting to be compacted into one.
        self.run: list[Chunk] = []
        self.rows: dict[Timeline, TimeIndex] = {}
        self.components: dict[str, ComponentIndex] = {}
        self.num_rows = 0
        self.timeless_rows = 0
        self.nbytes = 0
        self.generation = 0

    def indices(self) -> Iterator[TimeIndex]:
        yield from self.rows.values()
        for component in self.components.values():
            yield from component.timed.values()


class ClearIndex:
    """Clears logged on one path: per timeline, every clear (``own``) and the recursive ones."""

    __slots__ = ("own", "recursive", "timeless_own", "timeless_recursive")

    def __init__(self) -> None:
        self.own: dict[Timeline, TimeIndex] = {}
        self.recursive: dict[Timeline, TimeIndex] = {}
        self.timeless_own = -1
        self.timeless_recursive = -1


def locked(method):
    """Run ``method`` under the store's lock (ingest and queries may come from different threads)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


def clamp_int64(value) -> int:
    """``value`` as an int inside the int64 range (a cursor past the end is just "everything")."""
    return min(max(int(value), INT64_MIN), INT64_MAX)


class StoreState:
    """The fields every part of the store works on (each part is a base class of
    :class:`~rerun_app.store.store.Store`; all of them hold ``_lock`` around their public methods)."""

    def __init__(self, info: dict | None, budget: MemoryBudget, compact_below_bytes: int, compact_count: int) -> None:
        self._compact_below = compact_below_bytes
        self._compact_count = compact_count
        self.info: dict = dict(info or {})
        self._lock = threading.RLock()
        self._budget = budget
        self._entities: dict[str, EntityData] = {}
        self._rows: dict[Timeline, TimeIndex] = {}
        self._clears: dict[str, ClearIndex] = {}
        #: Arrival sequence number -> (chunk holding its rows, row offset of its first row there).
        self._chunks: dict[int, tuple[Chunk, int]] = {}
        self._timed_chunks: deque[Chunk] = deque()
        self._dead_timed = 0  # compacted-away chunks still waiting in _timed_chunks
        self._timeless_chunks: deque[Chunk] = deque()
        self._generation = 0
        self._bytes = 0  # chunks: their buffers and objects
        #: What the indices and the times_with_data caches really hold (capacity included).
        self._meter = ByteMeter()
        self._evicted_rows = 0
        self._evicted_bytes = 0
        self._tree: tuple[int, EntityNode] | None = None
        self._unique_cache: dict[int, tuple[int, int, np.ndarray, TimeIndex]] = {}
        self._subtree_cache: dict[tuple, tuple[int, np.ndarray]] = {}

    def _locate(self, key: int) -> tuple[Chunk, int]:
        """The chunk holding row ``key`` and the row's position in it."""
        chunk, base = self._chunks[key >> ROW_BITS]
        return chunk, base + (key & ROW_MASK)

    def _cell(self, component: str, key: int):
        chunk, row = self._locate(key)
        return chunk.cell(component, row)
