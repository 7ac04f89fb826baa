"""Column-wise range results: every row's instances of one component in one flat Arrow array.

:meth:`Store.range <rerun_app.store.Store.range>` hands out one Arrow slice per row, which costs a
few microseconds per row in Python. Views that read whole series (plots, the text log: 100 k rows
on every store change while data streams in) use :meth:`Store.range_column` instead, which gathers
the rows chunk by chunk (a zero-copy slice for a contiguous run of rows in a stored batch, else one
``take`` per batch) and returns a :class:`RangeColumn`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rerun_app.store.chunk import ROW_BITS, ROW_MASK


@dataclass(frozen=True)
class RangeColumn:
    """The timed rows of one component in a time window, in time order (ties: log order).

    Row ``i`` was logged at ``times[i]``; its instances are ``values[offsets[i]:offsets[i + 1]]``.
    A row whose cell is an empty list has no instances (``counts[i] == 0``); rows where the component
    was not logged (null cells) are not part of the column, as in :meth:`Store.range`.

    Attributes
    ----------
    times : np.ndarray
        (R,) int64, read-only, non-decreasing.
    offsets : np.ndarray
        (R + 1,) int64, read-only; ``offsets[0] == 0`` and ``offsets[-1] == len(values)``.
    values : pa.Array
        Every instance of every row, row by row, of the component's instance type (``pa.null()``
        only for an empty column when no row of the component is stored on that timeline).
    rows : np.ndarray
        (R,) int64, read-only: the identity of each row's log call; the columns of two components
        logged in one call have equal ``rows`` entries (e.g. a text entry and its colour).
    """

    times: np.ndarray
    offsets: np.ndarray
    values: pa.Array
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.times)

    @property
    def counts(self) -> np.ndarray:
        """(R,) int64: the number of instances of each row."""
        return np.diff(self.offsets)

    def cell(self, row: int) -> pa.Array:
        """Row ``row``'s instances (a zero-copy slice of :attr:`values`)."""
        start = int(self.offsets[row])
        return self.values.slice(start, int(self.offsets[row + 1]) - start)

    def nonempty(self) -> RangeColumn:
        """The same column without its rows of zero instances (``self`` when there are none)."""
        counts = self.counts
        keep = counts > 0
        if keep.all():
            return self
        return RangeColumn(_readonly(self.times[keep]), _readonly(_offsets_of(counts[keep])), self.values,
                           _readonly(self.rows[keep]))

    def firsts(self) -> pa.Array:
        """(R,) the first instance of every row (null for a row of zero instances)."""
        starts = self.offsets[:-1]
        empty = self.counts == 0
        if not empty.any():
            if len(starts) == len(self.values):
                return self.values  # one instance per row
            return self.values.take(pa.array(starts))
        return self.values.take(pa.array(starts, mask=empty))


def empty_column(value_type: pa.DataType | None = None) -> RangeColumn:
    """A column of no rows (``value_type`` defaults to ``pa.null()``)."""
    return RangeColumn(
        _readonly(np.empty(0, dtype=np.int64)),
        _readonly(np.zeros(1, dtype=np.int64)),
        pa.array([], type=value_type or pa.null()),
        _readonly(np.empty(0, dtype=np.int64)),
    )


def gather(chunks: dict, component: str, times: np.ndarray, keys: np.ndarray) -> RangeColumn:
    """The column of rows ``keys`` (row keys in time order, see :mod:`rerun_app.store.chunk`).

    ``chunks`` maps an arrival sequence number to ``(chunk, row offset of its first row)`` (the
    store's lookup table); the caller holds the store's lock. ``times`` is returned as given.
    """
    if len(keys) == 0:
        return empty_column()
    seqs = keys >> ROW_BITS
    starts = np.flatnonzero(np.r_[True, seqs[1:] != seqs[:-1]])
    placed = [chunks[seq] for seq in seqs[starts].tolist()]
    # Row of each entry inside its stored batch (a compacted batch answers for several sequence
    # numbers, each from its own row offset).
    bases = np.fromiter((base for _, base in placed), dtype=np.int64, count=len(placed))
    rows_all = np.repeat(bases, np.diff(np.r_[starts, len(keys)])) + (keys & ROW_MASK)
    # Consecutive entries in one stored batch form one group.
    groups: list[tuple[object, np.ndarray]] = []
    lo = 0
    for i in range(1, len(placed) + 1):
        if i == len(placed) or placed[i][0] is not placed[lo][0]:
            end = len(keys) if i == len(placed) else int(starts[i])
            groups.append((placed[lo][0], rows_all[int(starts[lo]) : end]))
            lo = i
    parts, part_counts = [], []
    for chunk, rows in groups:
        cells = chunk.cells(component)
        counts = cells.lengths()[rows]
        part_counts.append(counts)
        first, last = int(rows[0]), int(rows[-1])
        if last - first + 1 == len(rows) and bool((rows[1:] > rows[:-1]).all()):
            # A contiguous run of rows: their instances are one zero-copy slice. (The index holds
            # no null cells, so no hidden values of a null cell lie inside the run.)
            start = int(cells.offsets[first])
            parts.append(cells.values.slice(start, int(cells.offsets[last + 1]) - start))
            continue
        present = counts > 0
        starts, counts = cells.offsets[rows][present], counts[present]
        if not len(counts):
            parts.append(cells.values.slice(0, 0))
            continue
        if (counts == 1).all():
            take = starts
        else:  # every instance index of every row, in order
            take = np.repeat(starts - _offsets_of(counts)[:-1], counts) + np.arange(int(counts.sum()))
        parts.append(cells.values.take(pa.array(take)))
    values = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)
    return RangeColumn(times, _readonly(_offsets_of(np.concatenate(part_counts))), values,
                       _readonly(np.asarray(keys, dtype=np.int64)))


def _offsets_of(counts: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view
