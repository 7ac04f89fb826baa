"""Structure queries: entities, their components and tree, timelines, and the times that hold data."""

from __future__ import annotations

import numpy as np

from rerun_app.store.paths import EntityNode, build_entity_tree, canonical_entity_path, is_descendant_or_self
from rerun_app.store.store_state import StoreState, locked
from rerun_app.store.time_index import TimeIndex
from rerun_app.store.timeline import TIMELINE_TYPES, Timeline


class StoreStructure(StoreState):
    """What the store holds (not the values): the entity panel, the timeline panel and the view heuristics ask."""

    @locked
    def generation(self, entity_path: str | None = None) -> int:
        """A counter that changes whenever ``entity_path``'s visible data may have changed
        (ingest, clear, eviction); without a path, the store-wide counter. 0 for unknown entities."""
        if entity_path is None:
            return self._generation
        entity = self._entities.get(canonical_entity_path(entity_path))
        return 0 if entity is None else entity.generation

    @locked
    def entity_paths(self) -> list[str]:
        """Canonical paths of every entity that received data, sorted."""
        return sorted(self._entities)

    @locked
    def entity_tree(self) -> EntityNode:
        """The entity hierarchy (root ``"/"``), for the entity panel; rebuilt only when entities appear."""
        if self._tree is None or self._tree[0] != len(self._entities):
            self._tree = (len(self._entities), build_entity_tree(self._entities))
        return self._tree[1]

    @locked
    def components(self, entity_path: str) -> list[str]:
        """Names of the components ever logged on ``entity_path``, sorted (empty if unknown)."""
        entity = self._entities.get(canonical_entity_path(entity_path))
        return [] if entity is None else sorted(entity.components)

    @locked
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

    @locked
    def time_range(self, timeline: Timeline | tuple | str) -> tuple[int, int] | None:
        """(first, last) time with data on ``timeline`` across all entities, or None."""
        index = self._rows.get(self.resolve_timeline(timeline))
        if index is None or len(index) == 0:
            return None
        times = index.times
        return int(times[0]), int(times[-1])

    @locked
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

    @locked
    def clear_times(self, timeline: Timeline | tuple | str, entity_path: str | None = None) -> np.ndarray:
        """Sorted unique times (int64) of the ``log_cleared`` calls on ``entity_path`` (None: on any path).

        Clears are no rows (:meth:`times_with_data` leaves them out); the time panel marks them as
        Rerun 0.4 does, where a clear is a logged event like any other.
        """
        tl = self.resolve_timeline(timeline)
        if entity_path is None:
            found = list(self._clears.values())
        else:
            one = self._clears.get(canonical_entity_path(entity_path))
            found = [] if one is None else [one]
        parts = [clears.own[tl].times for clears in found if tl in clears.own]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)

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


def _sorted_unique(times: np.ndarray) -> np.ndarray:
    if len(times) == 0:
        return np.empty(0, dtype=np.int64)
    keep = np.empty(len(times), dtype=bool)
    keep[0] = True
    np.not_equal(times[1:], times[:-1], out=keep[1:])
    return times[keep]
