"""Latest-at reads: what an entity shows at a time (per component the newest row, timeless fallback, clears,
instance-key joins and splats)."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
from rerun import components as C

from rerun_app.store import latest_at as _la
from rerun_app.store.chunk import INSTANCE_KEY
from rerun_app.store.paths import ancestors, canonical_entity_path
from rerun_app.store.store_state import NEG_INF, StoreState, clamp_int64, locked
from rerun_app.store.timeline import Timeline

#: Components that say what an entity *is*; the first one present sets the instance count of a
#: latest-at result when the caller names no primary (as each Rerun view queries with its own).
PRIMARY_COMPONENTS = (
    C.POINT3D,
    C.POINT2D,
    C.BOX3D,
    C.RECT2D,
    C.LINESTRIP3D,
    C.LINESTRIP2D,
    C.ARROW3D,
    C.MESH3D,
    C.TENSOR,
    C.SCALAR,
    C.TEXT_ENTRY,
    C.TRANSFORM,
)


class StoreReadLatest(StoreState):
    """:meth:`latest_at`."""

    @locked
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
            The cursor; ``timeline=None`` (or one the store has never seen) shows timeless data only
            (``time`` is not read then, so a viewer passes its cursor as it is).
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
            time = clamp_int64(time)
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
                hit = (NEG_INF, int(component.timeless.keys[-1]))
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
                hit = (NEG_INF, timeless_key)
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

    def _resolve(self, path: str, hits: dict[str, tuple[Any, int]], primary: str | None) -> _la.LatestAt:
        cells = {}
        for name, (time, key) in hits.items():
            chunk, row = self._locate(key)
            cells[name] = (chunk, row, chunk.cell(name, row), None if time == NEG_INF else time)
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
