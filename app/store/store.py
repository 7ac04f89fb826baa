"""One recording's data: entity path → component → timeline index over zero-copy record batches.

Ingest appends the batch as a :class:`~rerun_app.store.chunk.Chunk` and updates sorted
:class:`~rerun_app.store.time_index.TimeIndex` es (append fast path for in-order logs). Queries are
binary searches over those indices; cells are zero-copy slices of the kept batches.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa

from rerun_app.store import latest_at as _la
from rerun_app.store.budget import MemoryBudget
from rerun_app.store.chunk import INSTANCE_KEY, ROW_BITS, ROW_MASK, SEQ_ENTRY_BYTES, Chunk
from rerun_app.store.paths import (
    EntityNode,
    ancestors,
    build_entity_tree,
    canonical_entity_path,
    is_descendant_or_self,
)
from rerun_app.store.range_column import RangeColumn, empty_column, gather
from rerun_app.store.time_index import ByteMeter, TimeIndex
from rerun_app.store.timeline import TIMELINE_TYPES, Timeline, parse_time_point

TIMELINE_PREFIX = "timeline:"
ENTITY_PATH_KEY = b"rerun.entity_path"
_NEG_INF = float("-inf")

#: Components that say what an entity *is*; the first one present sets the instance count of a
#: latest-at result when the caller names no primary (as each Rerun view queries with its own).
PRIMARY_COMPONENTS = (
    "rerun.point3d",
    "rerun.point2d",
    "rerun.box3d",
    "rerun.rect2d",
    "rerun.linestrip3d",
    "rerun.linestrip2d",
    "rerun.arrow3d",
    "rerun.mesh3d",
    "rerun.tensor",
    "rerun.scalar",
    "rerun.text_entry",
    "rerun.transform",
)
_INDEX_ENTRY_BYTES = 24  # per index entry: time + key, a value for scalars, growth slack


@dataclass(frozen=True)
class EntityStats:
    """Live rows and accounted bytes of one entity (its batches and an estimate of its index share).

    ``rows`` counts the timed rows only; ``timeless_rows`` the timeless ones; ``total_rows`` both.
    """

    rows: int
    timeless_rows: int
    bytes: int

    @property
    def total_rows(self) -> int:
        return self.rows + self.timeless_rows


@dataclass(frozen=True)
class StoreStats:
    """What :meth:`Store.stats` reports (``total_rows`` counts timed and timeless rows;
    ``total_bytes`` is what counts against the memory limit: the entities' batches and the
    indices' arrays as allocated)."""

    entities: dict[str, EntityStats]
    total_rows: int
    total_bytes: int
    memory_limit: int | None
    evicted_rows: int
    evicted_bytes: int


class _Component:
    __slots__ = ("timed", "timeless", "scalar")

    def __init__(self, scalar: bool, meter: ByteMeter) -> None:
        self.timed: dict[Timeline, TimeIndex] = {}
        self.timeless = TimeIndex(meter=meter)
        #: float64 cells: the indices also keep each row's first value, for plots.
        self.scalar = scalar


class _Entity:
    __slots__ = ("rows", "components", "num_rows", "timeless_rows", "nbytes", "generation", "run")

    def __init__(self) -> None:
        #: The latest small timed chunks with one schema, waiting to be compacted into one.
        self.run: list[Chunk] = []
        self.rows: dict[Timeline, TimeIndex] = {}
        self.components: dict[str, _Component] = {}
        self.num_rows = 0
        self.timeless_rows = 0
        self.nbytes = 0
        self.generation = 0

    def indices(self) -> Iterator[TimeIndex]:
        yield from self.rows.values()
        for component in self.components.values():
            yield from component.timed.values()


class _Clears:
    """Clears logged on one path: per timeline, every clear (``own``) and the recursive ones."""

    __slots__ = ("own", "recursive", "timeless_own", "timeless_recursive")

    def __init__(self) -> None:
        self.own: dict[Timeline, TimeIndex] = {}
        self.recursive: dict[Timeline, TimeIndex] = {}
        self.timeless_own = -1
        self.timeless_recursive = -1


def _locked(method):
    """Run ``method`` under the store's lock (ingest and queries may come from different threads)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Store:
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
        self._compact_below = compact_below_bytes
        self._compact_count = compact_count
        self.info: dict = dict(info or {})
        self._lock = threading.RLock()
        self._budget = budget if budget is not None else MemoryBudget(memory_limit, process_limit=process_memory_limit)
        self._budget.register(self)
        self._entities: dict[str, _Entity] = {}
        self._rows: dict[Timeline, TimeIndex] = {}
        self._clears: dict[str, _Clears] = {}
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

    # ------------------------------------------------------------------ ingest

    @property
    def recording_id(self) -> str | None:
        return self.info.get("recording_id")

    @_locked
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
        timelines, components = _split_columns(batch)
        times: dict[Timeline, tuple[np.ndarray, np.ndarray | None]] = {}
        every_row_timed = False
        timed_rows: np.ndarray | None = None  # rows with a value on at least one timeline
        for timeline, column in timelines:
            values, valid = _time_column(batch.column(column), timeline)
            times[timeline] = (values, valid)
            if valid is None:
                every_row_timed = True
            else:
                timed_rows = valid.copy() if timed_rows is None else (timed_rows | valid)
        if every_row_timed or (timed_rows is not None and timed_rows.all()):
            times = {tl: (values, valid, _ascending(values, valid)) for tl, (values, valid) in times.items()}
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
                values, valid = _time_column(timed_part.column(c), tl)
                times[tl] = (values, valid, _ascending(values, valid))
            self._ingest(path, timed_part, components, times, timeless=False)

    def _ingest(self, path: str, batch: pa.RecordBatch, components: list[str], times: dict, timeless: bool) -> None:
        n = batch.num_rows
        seq = self._budget.next_seq()
        keys = np.arange(seq << ROW_BITS, (seq << ROW_BITS) + n, dtype=np.int64)
        entity = self._entities.get(path)
        if entity is None:
            entity = self._entities[path] = _Entity()
        chunk = Chunk(seq, batch, path, timeless, components)
        entries = 0
        for name in components:
            column = batch.column(name)
            component = entity.components.get(name)
            if component is None:
                scalar = pa.types.is_float64(column.type.value_type)
                component = entity.components[name] = _Component(scalar, self._meter)
            valid = None if column.null_count == 0 else column.is_valid().to_numpy(zero_copy_only=False)
            firsts = _first_values(column) if component.scalar else None
            if timeless:
                selected = keys if valid is None else keys[valid]
                component.timeless.append(np.zeros(len(selected), dtype=np.int64), selected)
                entries += len(selected)
                continue
            for timeline, (values, on_timeline, ascending) in times.items():
                mask = _and_masks(valid, on_timeline)
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

    def _maybe_compact(self, entity: _Entity, chunk: Chunk) -> None:
        if chunk.nbytes > self._compact_below:
            entity.run = []
            return
        run = entity.run
        if run and not run[-1].batch.schema.equals(chunk.batch.schema):
            run = entity.run = []
        run.append(chunk)
        if len(run) >= self._compact_count:
            entity.run = []
            self._compact(entity, run)

    def _compact(self, entity: _Entity, run: list[Chunk]) -> None:
        """Replace the small chunks of ``run`` (all live, one schema) by one concatenated chunk."""
        try:
            merged = pa.concat_batches([c.batch for c in run])
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return  # schemas that differ only in ways equals() ignores: keep the chunks as they are
        last = run[-1]
        compacted = Chunk(last.seq, merged, last.entity_path, False, last.component_names)
        compacted.seqs = [seq for c in run for seq in c.seqs]
        compacted.index_bytes = sum(c.index_bytes for c in run)
        compacted.nbytes += SEQ_ENTRY_BYTES * len(compacted.seqs)
        base = 0
        freed = 0
        for c in run:
            for seq in c.seqs:
                self._chunks[seq] = (compacted, base + self._chunks[seq][1])
            base += c.num_rows
            freed += c.nbytes
            c.kill()
        entity.nbytes += compacted.nbytes - freed  # the index share moved over unchanged
        self._bytes += compacted.nbytes - freed
        # The compacted chunk takes the newest member's place in arrival order; the dead members
        # stay in the queue until it is pruned (cheaper than removing them from its middle).
        self._timed_chunks.append(compacted)
        self._dead_timed += len(run)
        if self._dead_timed > len(self._timed_chunks) // 2:
            self._timed_chunks = deque(c for c in self._timed_chunks if not c.dead)
            self._dead_timed = 0

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
            clears = self._clears[path] = _Clears()
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

    # ------------------------------------------------------------------ memory limit

    @property
    def memory_limit(self) -> int | None:
        return self._budget.limit

    @property
    def accounted_bytes(self) -> int:
        """Bytes this store counts against the memory limit: its chunks plus its indices' arrays."""
        return self._bytes + self._meter.bytes

    @_locked
    def chunks_in_arrival_order(self, timeless: bool) -> list[Chunk]:
        """Live timed (or timeless) chunks, oldest first (a snapshot, for the memory budget)."""
        return [c for c in (self._timeless_chunks if timeless else self._timed_chunks) if not c.dead]

    @_locked
    def evict_below(self, cutoff_seq: int, timeless: bool) -> None:
        """Drop every timed (or timeless) chunk whose arrival sequence number is below ``cutoff_seq``."""
        queue = self._timeless_chunks if timeless else self._timed_chunks
        affected: set[str] = set()
        popped: list[int] = []
        while queue and queue[0].seq < cutoff_seq:
            chunk = queue.popleft()
            if chunk.dead:
                self._dead_timed -= 1
                continue
            for seq in chunk.seqs:
                del self._chunks[seq]
            popped.extend(chunk.seqs)
            entity = self._entities[chunk.entity_path]
            entity.num_rows -= chunk.num_rows
            entity.nbytes -= chunk.footprint
            if timeless:
                entity.timeless_rows -= chunk.num_rows
            self._bytes -= chunk.nbytes
            self._evicted_rows += chunk.num_rows
            self._evicted_bytes += chunk.footprint
            affected.add(chunk.entity_path)
        if not affected:
            return
        seqs = np.array(sorted(popped), dtype=np.int64)
        if not timeless:
            for index in self._rows.values():
                index.remove_chunks(seqs)
        for path in affected:
            entity = self._entities[path]
            if timeless:
                for component in entity.components.values():
                    component.timeless.remove_chunks(seqs)
            else:
                entity.run = [c for c in entity.run if c.seq >= cutoff_seq]
                for index in entity.indices():
                    index.remove_chunks(seqs)
            entity.generation += 1
        self._generation += 1

    # ------------------------------------------------------------------ queries: structure

    @_locked
    def generation(self, entity_path: str | None = None) -> int:
        """A counter that changes whenever ``entity_path``'s visible data may have changed
        (ingest, clear, eviction); without a path, the store-wide counter. 0 for unknown entities."""
        if entity_path is None:
            return self._generation
        entity = self._entities.get(canonical_entity_path(entity_path))
        return 0 if entity is None else entity.generation

    @_locked
    def entity_paths(self) -> list[str]:
        """Canonical paths of every entity that received data, sorted."""
        return sorted(self._entities)

    @_locked
    def entity_tree(self) -> EntityNode:
        """The entity hierarchy (root ``"/"``), for the entity panel; rebuilt only when entities appear."""
        if self._tree is None or self._tree[0] != len(self._entities):
            self._tree = (len(self._entities), build_entity_tree(self._entities))
        return self._tree[1]

    @_locked
    def components(self, entity_path: str) -> list[str]:
        """Names of the components ever logged on ``entity_path``, sorted (empty if unknown)."""
        entity = self._entities.get(canonical_entity_path(entity_path))
        return [] if entity is None else sorted(entity.components)

    @_locked
    def timelines(self) -> list[Timeline]:
        """Every timeline that received data (``log_time`` included), sorted by (name, type)."""
        return sorted(self._rows)

    def resolve_timeline(self, timeline: Timeline | tuple | str | None) -> Timeline | None:
        """A :class:`Timeline` from a Timeline, a ``(name, type)`` pair or a bare name.

        A bare name must be unambiguous among the known timelines; an unknown name gives None.

        Raises
        ------
        ValueError
            If a bare name matches timelines of both types.
        """
        if timeline is None or isinstance(timeline, Timeline):
            return timeline
        if isinstance(timeline, tuple) and len(timeline) == 2:
            if timeline[1] not in TIMELINE_TYPES:
                raise ValueError(f"timeline: type must be one of {TIMELINE_TYPES}, got {timeline[1]!r}")
            return Timeline(*timeline)
        if isinstance(timeline, str):
            matches = [tl for tl in self._rows if tl.name == timeline]
            if len(matches) > 1:
                raise ValueError(
                    f"timeline: {timeline!r} names both a sequence and a time timeline; pass Timeline({timeline!r}, 'sequence' or 'time')"
                )
            return matches[0] if matches else None
        raise TypeError(f"timeline: expected a Timeline, (name, type) or str, got {type(timeline).__name__} ({timeline!r})")

    @_locked
    def time_range(self, timeline: Timeline | tuple | str) -> tuple[int, int] | None:
        """(first, last) time with data on ``timeline`` across all entities, or None."""
        index = self._rows.get(self.resolve_timeline(timeline))
        if index is None or len(index) == 0:
            return None
        times = index.times
        return int(times[0]), int(times[-1])

    @_locked
    def times_with_data(
        self, timeline: Timeline | tuple | str, entity_path: str | None = None, *, recursive: bool = False
    ) -> np.ndarray:
        """Sorted unique times (int64) at which any row (of ``entity_path``, or of any entity) was logged.

        With ``recursive``, the rows of ``entity_path``'s descendants count too (for a collapsed
        node of the entity tree). Results are cached until the data changes; do not modify them.
        """
        tl = self.resolve_timeline(timeline)
        if entity_path is not None and recursive:
            return self._subtree_times(tl, canonical_entity_path(entity_path))
        if entity_path is None:
            index = self._rows.get(tl)
        else:
            entity = self._entities.get(canonical_entity_path(entity_path))
            index = None if entity is None else entity.rows.get(tl)
        if index is None:
            return np.empty(0, dtype=np.int64)
        return self._unique_times(index)

    def _subtree_times(self, tl: Timeline | None, root: str) -> np.ndarray:
        key = (tl, root)
        cached = self._subtree_cache.get(key)
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        parts = [
            self._unique_times(entity.rows[tl])
            for path, entity in self._entities.items()
            if tl in entity.rows and is_descendant_or_self(path, root)
        ]
        result = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
        result.flags.writeable = False
        self._meter.bytes += result.nbytes - (0 if cached is None else cached[1].nbytes)
        self._subtree_cache[key] = (self._generation, result)
        return result

    def _unique_times(self, index: TimeIndex) -> np.ndarray:
        # Cached per index; an index that only grew by appends extends its cached answer.
        cached = self._unique_cache.get(id(index))
        times = index.times
        if cached is not None and cached[3] is index and cached[0] == index.mutations and cached[1] == len(index):
            return cached[2]
        if cached is not None and cached[0] == index.mutations and cached[1] < len(index) and cached[3] is index:
            tail = _sorted_unique(times[cached[1] :])
            prev = cached[2]
            if len(prev) and len(tail) and tail[0] == prev[-1]:
                tail = tail[1:]
            result = np.concatenate([prev, tail])
        else:
            result = _sorted_unique(times)
        result.flags.writeable = False
        self._meter.bytes += result.nbytes - (0 if cached is None else cached[2].nbytes)
        self._unique_cache[id(index)] = (index.mutations, len(index), result, index)
        return result

    @_locked
    def stats(self) -> StoreStats:
        """Live rows and bytes per entity, totals, and what the memory limit dropped so far."""
        entities = {
            path: EntityStats(rows=e.num_rows - e.timeless_rows, timeless_rows=e.timeless_rows, bytes=e.nbytes)
            for path, e in sorted(self._entities.items())
        }
        return StoreStats(
            entities=entities,
            total_rows=sum(e.num_rows for e in self._entities.values()),
            total_bytes=self.accounted_bytes,
            memory_limit=self._budget.limit,
            evicted_rows=self._evicted_rows,
            evicted_bytes=self._evicted_bytes,
        )

    # ------------------------------------------------------------------ queries: data

    @_locked
    def latest_at(
        self,
        entity_path: str,
        timeline: Timeline | tuple | str | None,
        time: int | None,
        *,
        primary: str | None = None,
        components: Iterable[str] | None = None,
    ) -> _la.LatestAt | None:
        """What ``entity_path`` shows at ``time`` on ``timeline``.

        Per component, the newest row at or before ``time`` with a non-null cell (ties: the last
        logged), falling back to timeless data; components from different log calls combine.
        A clear at or before ``time`` newer than a component's row hides that component.

        Parameters
        ----------
        entity_path : str
            The entity.
        timeline, time
            The cursor; ``timeline=None`` (or one the store has never seen) shows timeless data only.
        primary : str, optional
            Component whose cell sets ``num_instances``. Default: the first of
            :data:`PRIMARY_COMPONENTS` present (points, boxes, rects, lines, arrows, meshes,
            tensors, …), else the longest cell found.
        components : iterable of str, optional
            Only look these up (default: every component of the entity).

        Returns
        -------
        LatestAt or None
            None when nothing is visible.
        """
        path = canonical_entity_path(entity_path)
        entity = self._entities.get(path)
        if entity is None:
            return None
        tl = self.resolve_timeline(timeline)
        if tl is not None:
            if time is None or isinstance(time, bool) or not hasattr(time, "__index__"):
                raise TypeError(f"time: expected an int on timeline {tl.name!r}, got {time!r}")
            time = _clamp_int64(time)
        bound = self._clear_bound(path, tl, time) if self._clears else None
        wanted = entity.components if components is None else {c: entity.components[c] for c in components if c in entity.components}
        hits: dict[str, tuple[Any, int]] = {}
        for name, component in wanted.items():
            hit = None
            if tl is not None:
                index = component.timed.get(tl)
                if index is not None:
                    pos = index.last_at_or_before(time)
                    if pos >= 0:
                        hit = index.entry(pos)
            if hit is None and len(component.timeless):
                hit = (_NEG_INF, int(component.timeless.keys[-1]))
            if hit is None or (bound is not None and bound > hit):
                continue
            hits[name] = hit
        # Instance keys are read from each contributing row, not shown as a component.
        hits.pop(INSTANCE_KEY, None)
        if not hits:
            return None
        return self._resolve(path, hits, primary)

    def _clear_bound(self, path: str, tl: Timeline | None, time: int | None) -> tuple[Any, int] | None:
        """The newest (time, key) of the clears that apply to ``path`` at or before ``time``."""
        best = None
        candidates = [(path, False)] + [(a, True) for a in ancestors(path)]
        for where, inherited in candidates:
            clears = self._clears.get(where)
            if clears is None:
                continue
            timeless_key = clears.timeless_recursive if inherited else clears.timeless_own
            if timeless_key >= 0:
                hit = (_NEG_INF, timeless_key)
                best = hit if best is None or hit > best else best
            if tl is None:
                continue
            index = (clears.recursive if inherited else clears.own).get(tl)
            if index is None:
                continue
            pos = index.last_at_or_before(time)
            if pos >= 0:
                hit = index.entry(pos)
                best = hit if best is None or hit > best else best
        return best

    def _locate(self, key: int) -> tuple[Chunk, int]:
        """The chunk holding row ``key`` and the row's position in it."""
        chunk, base = self._chunks[key >> ROW_BITS]
        return chunk, base + (key & ROW_MASK)

    def _cell(self, component: str, key: int) -> pa.Array:
        chunk, row = self._locate(key)
        return chunk.cell(component, row)

    def _resolve(self, path: str, hits: dict[str, tuple[Any, int]], primary: str | None) -> _la.LatestAt:
        cells = {}
        for name, (time, key) in hits.items():
            chunk, row = self._locate(key)
            cells[name] = (chunk, row, chunk.cell(name, row), None if time == _NEG_INF else time)
        if primary is not None and primary in cells:
            defining = primary
        else:
            defining = next((name for name in PRIMARY_COMPONENTS if name in cells), None)
            if defining is None:
                # No geometry: the longest cell sets the instance count (ties: the newest row).
                defining = max(cells, key=lambda name: (len(cells[name][2]), hits[name]))
        def_chunk, def_row, def_cell, _ = cells[defining]
        n = len(def_cell)
        target_keys = def_chunk.instance_keys(def_row)
        if target_keys is not None and len(target_keys) != n:
            target_keys = None
        resolved: dict[str, _la.ResolvedComponent] = {}
        for name, (chunk, row, cell, time) in cells.items():
            length = len(cell)
            if chunk is def_chunk and row == def_row:
                if length == n:
                    resolved[name] = _la.as_is(cell, time)
                elif length == 1:
                    resolved[name] = _la.splat(cell, time)
                else:
                    resolved[name] = _la.joined(cell, _positional(length, n), time)
                continue
            if chunk.is_splat_row(row) or (length == 1 and n != 1 and chunk.row_instance_count(row) > 1):
                resolved[name] = _la.splat(cell, time)
                continue
            source_keys = chunk.instance_keys(row)
            if source_keys is not None and len(source_keys) != length:
                source_keys = None
            if source_keys is None and target_keys is None:
                resolved[name] = _la.as_is(cell, time) if length == n else _la.joined(cell, _positional(length, n), time)
            else:
                resolved[name] = _la.joined(cell, _join_keys(source_keys, length, target_keys, n), time)
        return _la.LatestAt(path, n, target_keys, resolved)

    @_locked
    def range(
        self, entity_path: str, component: str, timeline: Timeline | tuple | str, t0: int | None = None, t1: int | None = None
    ) -> tuple[np.ndarray, list[pa.Array]]:
        """Every timed cell of ``component`` with ``t0 <= time <= t1`` (None: unbounded), in time order.

        Timeless cells are not part of a range, and clears do not apply (a plot or a trajectory
        shows everything that was logged in the window).

        Returns
        -------
        times : np.ndarray of int64
        cells : list of pa.Array
            Each row's instance array (a zero-copy slice of the stored batch).
        """
        index = self._range_index(entity_path, component, timeline)
        if index is None:
            return np.empty(0, dtype=np.int64), []
        start, stop = _span(index, t0, t1)
        keys = index.keys[start:stop]
        cells = [self._cell(component, k) for k in keys.tolist()]
        return _readonly(index.times[start:stop]), cells

    @_locked
    def range_column(
        self, entity_path: str, component: str, timeline: Timeline | tuple | str, t0: int | None = None, t1: int | None = None
    ) -> RangeColumn:
        """The rows :meth:`range` returns, column-wise: times, per-row offsets, all instances in one array.

        For views that read whole series (plots, the text log): no Python object per row. The
        instances of rows that lie next to each other in one stored batch are a zero-copy slice of
        it (a whole in-order series stored in one batch costs no copy); other rows are gathered
        with one ``take`` per batch and concatenated. The result references the stored (immutable)
        Arrow buffers and stays valid after the memory limit evicts them; rows evicted before the
        call are not part of it.

        Parameters
        ----------
        entity_path : str
            The entity.
        component : str
            The component, e.g. ``"rerun.text_entry"``.
        timeline : Timeline, (name, type) or str
            The timeline (a bare name must be unambiguous).
        t0, t1 : int, optional
            Inclusive time window (None: unbounded).

        Returns
        -------
        RangeColumn
            ``times`` (R,) int64, ``offsets`` (R + 1,) int64 and ``values`` (the flattened
            instances); row ``i`` equals ``range(...)[1][i]``. Empty (``len() == 0``) when the
            entity, component or timeline is unknown or nothing lies in the window.

        Raises
        ------
        TypeError
            If ``component`` is not a str or ``t0`` / ``t1`` is not an int or None.
        """
        if not isinstance(component, str):
            raise TypeError(f"component: expected a component name (str), got {type(component).__name__} ({component!r})")
        index = self._range_index(entity_path, component, timeline)
        if index is None:
            _span_args(t0, t1)
            return empty_column()
        start, stop = _span(index, t0, t1)
        if start == stop:
            # Nothing in the window: still typed like the component's instances when it has rows.
            return empty_column(self._cell(component, int(index.keys[0])).type if len(index) else None)
        return gather(self._chunks, component, _readonly(index.times[start:stop]), index.keys[start:stop])

    @_locked
    def range_scalars(
        self,
        entity_path: str,
        timeline: Timeline | tuple | str,
        t0: int | None = None,
        t1: int | None = None,
        component: str = "rerun.scalar",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Plot fast path: (times int64, values float64) of a one-value-per-row component.

        Each row's first instance is its value; an empty cell or a null value gives NaN. The arrays
        are read-only views (no copy) for float64 components.
        """
        index = self._range_index(entity_path, component, timeline)
        if index is None:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        start, stop = _span(index, t0, t1)
        times = _readonly(index.times[start:stop])
        if index.values is not None:
            return times, _readonly(index.values[start:stop])
        values = np.full(stop - start, np.nan)
        for i, key in enumerate(index.keys[start:stop].tolist()):
            cell = self._cell(component, key)
            if len(cell) and cell[0].is_valid:
                values[i] = float(cell[0].as_py())
        return times, values

    def _range_index(self, entity_path: str, component: str, timeline) -> TimeIndex | None:
        entity = self._entities.get(canonical_entity_path(entity_path))
        if entity is None or component not in entity.components:
            return None
        return entity.components[component].timed.get(self.resolve_timeline(timeline))


# ---------------------------------------------------------------------- helpers


_layout_cache: dict[tuple[str, ...], tuple[list[tuple[Timeline, str]], list[str]]] = {}


def _split_columns(batch: pa.RecordBatch) -> tuple[list[tuple[Timeline, str]], list[str]]:
    """(timeline, column name) pairs and component names of a batch (by column name; cached)."""
    names = tuple(batch.schema.names)
    layout = _layout_cache.get(names)
    if layout is None:
        timelines: list[tuple[Timeline, str]] = []
        components: list[str] = []
        for name in names:
            if name.startswith(TIMELINE_PREFIX):
                typ, sep, tl_name = name[len(TIMELINE_PREFIX) :].partition(":")
                if not sep or typ not in TIMELINE_TYPES:
                    raise ValueError(f"batch column {name!r}: expected 'timeline:<sequence|time>:<name>'")
                timelines.append((Timeline(tl_name, typ), name))
            else:
                components.append(name)
        layout = (timelines, components)
        if len(_layout_cache) < 4096:
            _layout_cache[names] = layout
    for name in layout[1]:
        if not isinstance(batch.column(name), (pa.ListArray, pa.LargeListArray)):
            raise TypeError(
                f"batch column {name!r}: expected a component column of type list<T> (one cell per row), got {batch.schema.field(name).type}"
            )
    return layout


def _time_column(column: pa.Array, timeline: Timeline) -> tuple[np.ndarray, np.ndarray | None]:
    """(int64 values, validity mask or None when every row has a value)."""
    if column.type != pa.int64():
        if not (pa.types.is_integer(column.type) or pa.types.is_timestamp(column.type)):
            raise TypeError(f"timeline column for {timeline.name!r}: expected int64, got {column.type}")
        column = column.cast(pa.int64())
    if column.null_count == 0:
        return column.to_numpy(), None
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    return column.fill_null(0).to_numpy(), valid


def _ascending(values: np.ndarray, valid: np.ndarray | None) -> bool:
    """Whether the times present (``valid``) are non-decreasing; any subset of them then is too."""
    if valid is not None:
        values = values[valid]
    return len(values) < 2 or bool((values[1:] >= values[:-1]).all())


def _and_masks(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _first_values(column: pa.Array) -> np.ndarray:
    """Each row's first instance as float64 (NaN for an empty or null cell or a null value)."""
    offsets = column.offsets.to_numpy()
    n = len(column)
    first, last = int(offsets[0]), int(offsets[-1])
    if column.null_count == 0 and last - first == n and (n == 1 or bool((np.diff(offsets) == 1).all())):
        # The usual scalar batch: exactly one value per row.
        return column.values.slice(first, n).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    values = column.values.to_numpy(zero_copy_only=False)
    starts = offsets[:-1]
    has_value = offsets[1:] > starts
    if column.null_count:
        has_value &= column.is_valid().to_numpy(zero_copy_only=False)
    out = np.full(n, np.nan)
    if len(values):
        out[has_value] = values[starts[has_value]]
    return out


def _positional(length: int, n: int) -> np.ndarray:
    take = np.arange(n, dtype=np.int64)
    take[take >= length] = -1
    return take


def _join_keys(source_keys: np.ndarray | None, length: int, target_keys: np.ndarray | None, n: int) -> np.ndarray:
    """For each target instance key, the index of the same key in the source cell (or -1)."""
    source = np.arange(length, dtype=np.uint64) if source_keys is None else source_keys
    target = np.arange(n, dtype=np.uint64) if target_keys is None else target_keys
    order = np.argsort(source, kind="stable")
    ordered = source[order]
    pos = np.searchsorted(ordered, target)
    pos_clipped = np.minimum(pos, max(length - 1, 0))
    found = (pos < length) & (ordered[pos_clipped] == target) if length else np.zeros(n, dtype=bool)
    return np.where(found, order[pos_clipped], -1).astype(np.int64)


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _clamp_int64(value) -> int:
    """``value`` as an int inside the int64 range (a cursor past the end is just "everything")."""
    return min(max(int(value), _INT64_MIN), _INT64_MAX)


def _span_args(t0: int | None, t1: int | None) -> None:
    for name, bound in (("t0", t0), ("t1", t1)):
        if bound is not None and (isinstance(bound, bool) or not hasattr(bound, "__index__")):
            raise TypeError(f"{name}: expected an int time or None, got {bound!r}")


def _span(index: TimeIndex, t0: int | None, t1: int | None) -> tuple[int, int]:
    _span_args(t0, t1)
    start, stop = index.span(_INT64_MIN if t0 is None else _clamp_int64(t0), _INT64_MAX if t1 is None else _clamp_int64(t1))
    return start, max(start, stop)


def _sorted_unique(times: np.ndarray) -> np.ndarray:
    if len(times) == 0:
        return np.empty(0, dtype=np.int64)
    keep = np.empty(len(times), dtype=bool)
    keep[0] = True
    np.not_equal(times[1:], times[:-1], out=keep[1:])
    return times[keep]


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view
