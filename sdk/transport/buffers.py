"""A pool of large byte buffers, recycled once nothing references them any more.

Fresh memory costs a page fault per 4 KiB page (on the development machine a first touch runs at
0.2-4 GB/s against 12 GB/s for a reused buffer), so a stream of big frames should not allocate a
new buffer per frame. The pool owns each buffer's base array and hands out views; a base whose
reference count shows no view alive (the store evicted the batch, the sender finished) is reused.
"""

from __future__ import annotations

import mmap
import os
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
        self._spares = 0
        self._wanted_size = 0
        self._refill = threading.Event()

    def keep_spares(self, count: int = 2) -> None:
        """Keep ``count`` free, already faulted-in buffers of the size last missed, made by a
        background thread, so a stream of same-size frames never faults on the critical path."""
        if self._spares == 0 and count > 0:
            threading.Thread(target=self._refill_loop, name="rerun-buffer-spares", daemon=True).start()
        self._spares = count

    def _refill_loop(self) -> None:
        while True:
            self._refill.wait()
            self._refill.clear()
            size = self._wanted_size
            while True:
                with self._lock:
                    fitting, free_bytes = self._count_free(size)
                    room = free_bytes + size <= self.max_free_bytes
                    if fitting >= self._spares or not room or self._tracked_bytes + size > self.max_tracked_bytes:
                        break
                owner = _fresh_buffer(size, background=True)  # the slow part, outside the lock
                with self._lock:
                    self._owners.append(owner)
                    self._tracked_bytes += owner.nbytes
                del owner

    def _count_free(self, size: int) -> tuple[int, int]:
        """(free buffers fitting ``size``, bytes of all free buffers); builds no list that would
        outlive the call (a lingering reference would make a free buffer look busy)."""
        fitting = free_bytes = 0
        for o in self._owners:
            if sys.getrefcount(o) <= 3:  # the list, ``o`` and getrefcount's argument
                free_bytes += o.nbytes
                fitting += size <= o.nbytes <= size + size // 4 + _GRANULE
        return fitting, free_bytes

    def take_free(self, nbytes: int) -> np.ndarray | None:
        """A free buffer of about ``nbytes`` already owned by the pool (no new memory), or None."""
        if nbytes < MIN_POOLED_BYTES:
            return None
        with self._lock:
            fitting = [o for o in self._owners if sys.getrefcount(o) <= 3 and nbytes <= o.nbytes <= nbytes + nbytes // 4 + _GRANULE]
            if not fitting:
                return None
            self.reused += 1
            return min(fitting, key=lambda o: o.nbytes)[:nbytes]

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
                if self._spares and len(fitting) <= self._spares:
                    self._wanted_size = min(fitting, key=lambda o: o.nbytes).nbytes
                    self._refill.set()  # top the spares up again
                return min(fitting, key=lambda o: o.nbytes)[:nbytes]
            if sum(o.nbytes for o in free) > self.max_free_bytes:
                self._forget(sorted(free, key=lambda o: -o.nbytes))
            size = (nbytes + _GRANULE - 1) // _GRANULE * _GRANULE
            if self._spares:
                self._wanted_size = size
                self._refill.set()
            owner = _fresh_buffer(size)
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


def _fresh_buffer(size: int, background: bool = False) -> np.ndarray:
    """New memory, faulted in by the kernel in one go.

    An anonymous mapping, not ``np.empty``: numpy asks for transparent huge pages on big arrays,
    and on a fragmented machine that makes each first touch wait for memory compaction (measured
    60-70 ms per 12 MB here, against 12 ms for this). In the foreground MAP_POPULATE faults it in
    fastest; in the background :func:`prefault` does, because CPython holds the GIL inside
    ``mmap()`` (a 64 MiB MAP_POPULATE stalled every other thread for 55-100 ms here).
    """
    if background:
        mapping = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        prefault(mapping)
    else:
        mapping = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_POPULATE", 0))
    return np.frombuffer(mapping, dtype=np.uint8)


_PREFAULT_STEP = 16 << 20


def prefault(mapping: mmap.mmap) -> None:
    """Fault in every page of a writable mapping without holding the GIL: the kernel writes zeros
    into it (``readv`` from ``/dev/zero``, which releases the GIL), 16 MiB at a time."""
    view = memoryview(mapping)
    try:
        fd = os.open("/dev/zero", os.O_RDONLY)
    except OSError:
        view[:] = bytes(len(view))  # no /dev/zero: the slow way
        view.release()
        return
    try:
        pos, n = 0, len(view)
        while pos < n:
            got = os.readv(fd, [view[pos : pos + _PREFAULT_STEP]])
            if got <= 0:
                break
            pos += got
    finally:
        os.close(fd)
        view.release()


#: One pool per process (the logging side and the viewer side each have their own).
default_pool = BufferPool()
