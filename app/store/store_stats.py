"""Store statistics: live rows and accounted bytes per entity, and what the memory limit dropped."""

from __future__ import annotations

from dataclasses import dataclass

from rerun_app.store.store_state import StoreState, locked


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


class StoreStatistics(StoreState):
    """:meth:`stats` and the byte count the memory budget reads."""

    @property
    def memory_limit(self) -> int | None:
        return self._budget.limit

    @property
    def accounted_bytes(self) -> int:
        """Bytes this store counts against the memory limit: its chunks plus its indices' arrays."""
        return self._bytes + self._meter.bytes

    @locked
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
