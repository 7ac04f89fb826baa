"""Read one component of an entity over a timeline column-wise, for the plot and text views.

A thin layer over the store's public :meth:`Store.range_column <rerun_app.store.Store.range_column>`
(every row's instances in one Arrow array, no Python object per row): the views want only the rows
that hold at least one instance, and None when there are none.
"""

from __future__ import annotations

from rerun_app.store import RangeColumn

#: Rows of one component with at least one instance, in time order: ``times`` (R,) int64, ``counts`` (R,)
#: instances per row, ``values`` all instances row by row, ``firsts()`` the first instance of every row.
Column = RangeColumn


def read_column(store, path: str, component: str, timeline) -> Column | None:
    """Every non-empty cell of ``component`` on ``timeline`` (the store's ``(name, type)``); None if none."""
    column = store.range_column(path, component, timeline).nonempty()
    return column if len(column) else None
