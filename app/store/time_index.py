"""A growable, time-sorted index of rows: parallel ``times`` / ``keys`` int64 arrays.

Rows are identified by a *key* that grows with arrival order (see :mod:`rerun_app.store.chunk`), so
sorting by ``(time, key)`` puts, among rows logged at the same time, the one that arrived last at the
end: latest-at is then "the last entry with ``time <= t``", one ``np.searchsorted``.

Logs usually arrive in time order, so :meth:`TimeIndex.append` has an append fast path (amortised
O(1) per row, capacity grows by half); an out-of-order batch is merged in O(n).
"""

from __future__ import annotations

import numpy as np

_MIN_CAPACITY = 16


class ByteMeter:
    """A running total of the bytes a set of indices (and caches) hold, for the memory limit."""

    __slots__ = ("bytes",)

    def __init__(self) -> None:
        self.bytes = 0


class TimeIndex:
    """Sorted ``(time, key)`` pairs, optionally with one float64 value per entry (for scalar plots).

    Parameters
    ----------
    with_values : bool
        Keep a parallel float64 array (``values``) filled by :meth:`append`.
    meter : ByteMeter, optional
        Kept up to date with the bytes this index's arrays hold.
    """

    __slots__ = ("_times", "_keys", "_values", "_size", "mutations", "_meter")

    def __init__(self, with_values: bool = False, meter: ByteMeter | None = None) -> None:
        self._times = np.empty(_MIN_CAPACITY, dtype=np.int64)
        self._keys = np.empty(_MIN_CAPACITY, dtype=np.int64)
        self._values = np.empty(_MIN_CAPACITY, dtype=np.float64) if with_values else None
        self._size = 0
        self._meter = meter
        if meter is not None:
            meter.bytes += self.nbytes
        #: Bumped whenever entries are inserted in the middle or removed (not on plain appends),
        #: so caches built over a prefix know whether that prefix is still valid.
        self.mutations = 0

    def __len__(self) -> int:
        return self._size

    @property
    def times(self) -> np.ndarray:
        """Sorted entry times (a view; do not modify)."""
        return self._times[: self._size]

    @property
    def keys(self) -> np.ndarray:
        """Row keys in the same order as :attr:`times` (a view)."""
        return self._keys[: self._size]

    @property
    def values(self) -> np.ndarray | None:
        """Per-entry float64 values (a view), or None when built without values."""
        return None if self._values is None else self._values[: self._size]

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (capacity, not just size)."""
        total = self._times.nbytes + self._keys.nbytes
        return total + (0 if self._values is None else self._values.nbytes)

    def _reserve(self, extra: int) -> None:
        need = self._size + extra
        if need <= len(self._times):
            return
        capacity = max(need, len(self._times) + len(self._times) // 2)
        before = self.nbytes
        self._times = _grow(self._times, capacity, self._size)
        self._keys = _grow(self._keys, capacity, self._size)
        if self._values is not None:
            self._values = _grow(self._values, capacity, self._size)
        if self._meter is not None:
            self._meter.bytes += self.nbytes - before

    def append(self, times: np.ndarray, keys: np.ndarray, values: np.ndarray | None = None, ascending: bool | None = None) -> None:
        """Add entries; ``keys`` must be larger than every key already present (arrival order).

        ``times`` need not be sorted nor later than the existing ones: such batches are merged.
        ``ascending`` says whether ``times`` is already non-decreasing (None: check).
        """
        n = len(times)
        if n == 0:
            return
        size = self._size
        if ascending is None:
            ascending = n == 1 or bool((times[1:] >= times[:-1]).all())
        if ascending and (size == 0 or times[0] >= self._times[size - 1]):
            if size + n > len(self._times):
                self._reserve(n)
            end = size + n
            self._times[size:end] = times
            self._keys[size:end] = keys
            if self._values is not None:
                self._values[size:end] = np.nan if values is None else values
            self._size = end
            return
        if self._values is not None and values is None:
            values = np.full(n, np.nan)
        self._merge(np.asarray(times), np.asarray(keys), values)

    def _merge(self, times: np.ndarray, keys: np.ndarray, values: np.ndarray | None) -> None:
        # Stable sort of the new entries by time keeps their arrival (key) order among equal times;
        # inserting with side="right" puts them after existing entries of the same time, which all
        # arrived earlier.
        order = np.argsort(times, kind="stable")
        times, keys = times[order], keys[order]
        if values is not None:
            values = values[order]
        at = np.searchsorted(self.times, times, side="right")
        new_times = np.insert(self.times, at, times)
        new_keys = np.insert(self.keys, at, keys)
        new_values = None if self._values is None else np.insert(self.values, at, values)
        self._adopt(new_times, new_keys, new_values)

    def _adopt(self, times: np.ndarray, keys: np.ndarray, values: np.ndarray | None) -> None:
        size = len(times)
        capacity = max(_MIN_CAPACITY, size + size // 4)
        before = self.nbytes
        self._times = _grow(times, capacity, size)
        self._keys = _grow(keys, capacity, size)
        if self._values is not None:
            self._values = _grow(values, capacity, size)
        self._size = size
        self.mutations += 1
        if self._meter is not None:
            self._meter.bytes += self.nbytes - before

    def remove_chunks(self, seqs: np.ndarray) -> int:
        """Drop the entries whose chunk sequence number (``key >> 32``) is in sorted ``seqs``;
        return how many were dropped."""
        if self._size == 0 or len(seqs) == 0:
            return 0
        chunk_of = self.keys >> 32
        if chunk_of.min() > seqs[-1] or chunk_of.max() < seqs[0]:
            return 0
        pos = np.minimum(np.searchsorted(seqs, chunk_of), len(seqs) - 1)
        drop = seqs[pos] == chunk_of
        dropped = int(np.count_nonzero(drop))
        if dropped == 0:
            return 0
        keep = ~drop
        self._adopt(
            self.times[keep], self.keys[keep], None if self._values is None else self.values[keep]
        )
        return dropped

    def last_at_or_before(self, time: int) -> int:
        """Position of the newest entry with ``time <= time``, or -1."""
        return int(self._times[: self._size].searchsorted(time, side="right")) - 1

    def entry(self, position: int) -> tuple[int, int]:
        """(time, key) of the entry at ``position``."""
        return int(self._times[position]), int(self._keys[position])

    def span(self, t0: int, t1: int) -> tuple[int, int]:
        """Positions ``[start, stop)`` of the entries with ``t0 <= time <= t1``."""
        times = self._times[: self._size]
        return int(np.searchsorted(times, t0, side="left")), int(np.searchsorted(times, t1, side="right"))


def _grow(array: np.ndarray, capacity: int, size: int) -> np.ndarray:
    out = np.empty(capacity, dtype=array.dtype)
    out[:size] = array[:size]
    return out
