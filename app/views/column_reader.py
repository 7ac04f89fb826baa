"""Read one component of an entity over a timeline column-wise: every row's instances in one Arrow array.

``Store.range`` hands out one cell (an Arrow slice) per row, which costs a few microseconds per row in Python; the
plot and text views read whole series (100 k rows) on every store change while data streams in. This reader
takes the store's chunks one at a time instead (one ``take`` per chunk) and falls back to ``Store.range`` when the
store's internal layout is not the one it knows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_app.store.chunk import ROW_BITS, ROW_MASK


@dataclass(frozen=True)
class Column:
    """Rows of one component with at least one instance, in time order.

    ``times`` (R,) int64; ``counts`` (R,) instances per row; ``values`` all instances (sum(counts)), row by row.
    """

    times: np.ndarray
    counts: np.ndarray
    values: pa.Array

    def firsts(self) -> pa.Array:
        """The first instance of every row."""
        starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)
        return self.values.take(pa.array(starts))


def read_column(store, path: str, component: str, timeline) -> Column | None:
    """Every non-empty cell of ``component`` on ``timeline`` (the store's ``(name, type)``); None if none."""
    try:
        return _chunkwise(store, path, component, timeline)
    except (AttributeError, KeyError, TypeError):
        return _public(store, path, component, timeline)


def _chunkwise(store, path, component, timeline) -> Column | None:
    index = store._range_index(path, component, timeline)
    if index is None:
        return None
    keys, times = np.asarray(index.keys), np.asarray(index.times)
    seqs = keys >> ROW_BITS
    bounds = np.flatnonzero(np.diff(seqs)) + 1
    parts, part_times, part_counts = [], [], []
    for lo, hi in zip([0, *bounds.tolist()], [*bounds.tolist(), len(keys)]):
        chunk, base = store._chunks[int(seqs[lo])]
        cells = chunk.cells(component)
        rows = base + (keys[lo:hi] & ROW_MASK)
        counts = cells.lengths()[rows]
        keep = counts > 0
        rows, counts = rows[keep], counts[keep]
        if not rows.size:
            continue
        starts = cells.offsets[rows]
        if (counts == 1).all():
            take = starts
        else:  # several instances in a row: every index of every row, in order
            take = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(counts.sum())
        parts.append(cells.values.take(pa.array(take)))
        part_times.append(times[lo:hi][keep])
        part_counts.append(counts)
    if not parts:
        return None
    return Column(np.concatenate(part_times), np.concatenate(part_counts).astype(np.int64), pa.concat_arrays(parts))


def _public(store, path, component, timeline) -> Column | None:
    times, cells = store.range(path, component, timeline)
    keep = [i for i, c in enumerate(cells) if len(c)]
    if not keep:
        return None
    return Column(np.asarray(times)[keep], np.array([len(cells[i]) for i in keep], np.int64),
                  pa.concat_arrays([cells[i] for i in keep]))
