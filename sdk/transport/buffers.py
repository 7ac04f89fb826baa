"""A pool of large byte buffers, recycled once nothing references them any more.

Fresh memory costs a page fault per 4 KiB page (on the development machine a first touch runs at
0.2-4 GB/s against 12 GB/s for a reused buffer), so a stream of big frames should not allocate a
new buffer per frame. The pool owns each buffer's base array and hands out views; a base whose
reference count shows no view alive (the store evicted the batch, the sender finished) is reused.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

MIN_POOLED_BYTES = 1 << 20
_GRANULE = 1 << 20


class BufferPool:
    """Hands out uint8 arrays of an exact length, reusing released buffers of a similar size.

    Parameters
    ----------
    max_tracked_bytes : int
        Buffers tracked (in use or free) at most; beyond it buffers are plain allocations.
    max_free_bytes : int
        Free buffers kept for reuse at most; beyond it released buffers go back to the OS.
    """

    def __init__(self, max_tracked_bytes: int = 64 << 30, max_free_bytes: int = 256 << 20) -> None:
        self.max_tracked_bytes = max_tracked_bytes
        self.max_free_bytes = max_free_bytes
        self._owners: list[np.ndarray] = []
        self._tracked_bytes = 0
        self._lock = threading.Lock()
        self.reused = 0
        self.allocated = 0

    def take(self, nbytes: int) -> np.ndarray:
        """A writable uint8 array of ``nbytes`` (contents undefined)."""
        if nbytes < MIN_POOLED_BYTES:
            return np.empty(nbytes, dtype=np.uint8)
        with self._lock:
            # A free owner is referenced only by our list, the comprehension variable and
            # getrefcount's argument; any live view or Arrow buffer adds one more.
            free = [o for o in self._owners if sys.getrefcount(o) <= 3]
            fitting = [o for o in free if nbytes <= o.nbytes <= nbytes + nbytes // 4 + _GRANULE]
            if fitting:
                self.reused += 1
                return min(fitting, key=lambda o: o.nbytes)[:nbytes]
            if sum(o.nbytes for o in free) > self.max_free_bytes:
                self._forget(sorted(free, key=lambda o: -o.nbytes))
            size = (nbytes + _GRANULE - 1) // _GRANULE * _GRANULE
            owner = np.empty(size, dtype=np.uint8)
            self.allocated += 1
            if self._tracked_bytes + size <= self.max_tracked_bytes:
                self._owners.append(owner)
                self._tracked_bytes += size
            return owner[:nbytes]

    def _forget(self, free_largest_first: list[np.ndarray]) -> None:
        """Stop tracking free buffers until half the free bound is left (lock held)."""
        free_bytes = sum(o.nbytes for o in free_largest_first)
        dropped = set()
        for owner in free_largest_first:
            if free_bytes <= self.max_free_bytes // 2:
                break
            dropped.add(id(owner))
            self._tracked_bytes -= owner.nbytes
            free_bytes -= owner.nbytes
        self._owners = [o for o in self._owners if id(o) not in dropped]


#: One pool per process (the logging side and the viewer side each have their own).
default_pool = BufferPool()
