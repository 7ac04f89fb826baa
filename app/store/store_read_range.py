"""Range reads: every timed cell of a component inside a time window (plots, text logs, trajectories)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from rerun import components as C

from rerun_app.store.paths import canonical_entity_path
from rerun_app.store.range_column import RangeColumn, empty_column, gather
from rerun_app.store.store_state import INT64_MAX, INT64_MIN, StoreState, clamp_int64, locked
from rerun_app.store.time_index import TimeIndex
from rerun_app.store.timeline import Timeline


class StoreReadRange(StoreState):
    """:meth:`range`, :meth:`range_column` and the plots' :meth:`range_scalars`."""

    @locked
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

    @locked
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

    @locked
    def range_scalars(
        self,
        entity_path: str,
        timeline: Timeline | tuple | str,
        t0: int | None = None,
        t1: int | None = None,
        component: str = C.SCALAR,
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


def _span_args(t0: int | None, t1: int | None) -> None:
    for name, bound in (("t0", t0), ("t1", t1)):
        if bound is not None and (isinstance(bound, bool) or not hasattr(bound, "__index__")):
            raise TypeError(f"{name}: expected an int time or None, got {bound!r}")


def _span(index: TimeIndex, t0: int | None, t1: int | None) -> tuple[int, int]:
    _span_args(t0, t1)
    start, stop = index.span(INT64_MIN if t0 is None else clamp_int64(t0), INT64_MAX if t1 is None else clamp_int64(t1))
    return start, max(start, stop)


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view
