"""Free shared-memory segments made ahead of need, off the logging thread, for a viewer sink's big frames.

Creating and faulting in a segment costs more than copying a frame into the ring (64 MiB: ~100 ms against
~5 ms), and a burst of big frames outruns the viewer's releases by a few frames: a frame that finds no free
segment takes the two-copy path (the ring) while this thread makes one for the next.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from rerun.transport.segments import segment_size_for

#: Free segments of the size of the last big frame kept ready: up to SPARE_SEGMENTS, fewer for huge
#: frames (at most SPARE_BYTES of them, but at least 2).
SPARE_SEGMENTS = 4
SPARE_BYTES = 256 << 20


def spares_for(size: int) -> int:
    """How many free segments of ``size`` bytes to keep ready."""
    return max(2, min(SPARE_SEGMENTS, SPARE_BYTES // max(size, 1)))


class SegmentSpares:
    """The spare-segment thread of one sink, started on the first :meth:`want`.

    Parameters
    ----------
    cond : threading.Condition
        The sink's condition (over its lock); :meth:`want` is called with it held, and it is notified
        when the sink closes or connects.
    name : str
        Thread name.
    status : callable
        Called with the lock held: ``(connection or None, closed, writer_busy)`` of the sink; a busy
        writer thread announces new segments itself after its write.
    """

    def __init__(self, cond: threading.Condition, name: str, status: Callable[[], tuple]) -> None:
        self._cond = cond
        self._name = name
        self._status = status
        self._size = 0  # a segment of this size is wanted
        self._thread: threading.Thread | None = None

    def want(self, nbytes: int) -> None:
        """Ask for free segments of ``nbytes`` (lock held)."""
        self._size = nbytes
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def join(self, timeout: float) -> None:
        """Wait for the thread to end after the sink closed. It may be making a segment: let it finish and
        remove it, or a process exiting now would freeze it (a daemon thread) and leave the file in /dev/shm."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=timeout)

    def _take_request(self, size: int) -> int:
        if self._size:
            size, self._size = segment_size_for(self._size), 0
        return size

    def _pool(self):
        conn, closed, _ = self._status()
        return conn, closed, conn.ring.segments if conn is not None and conn.ring is not None else None

    def _loop(self) -> None:
        """Up to :func:`spares_for` free segments of the size last asked for, within the pool's bounds."""
        size = 0
        while True:
            with self._cond:
                size = self._take_request(size)
                conn, closed, pool = self._pool()
                while not closed and (pool is None or not size or pool.count_free(size) >= spares_for(size)
                                      or pool.slot_for(size, evict=False) is None):
                    self._cond.wait(1.0)
                    size = self._take_request(size)
                    conn, closed, pool = self._pool()
                if closed:
                    return
            made = pool.make_mapping(size)  # slow: outside the lock
            if made is None:
                size = 0
                continue
            with self._cond:
                current, closed, writer_busy = self._status()
                index = pool.slot_for(size) if current is conn and conn.alive and not closed else None
                if index is None:
                    made[1].close()
                    try:
                        os.unlink(os.path.join("/dev/shm", made[0]))
                    except OSError:
                        pass
                    continue
                pool.adopt(index, size, made)
                if not writer_busy:  # else the writer thread writes the ring, and announces after
                    conn.ring.announce_segments()
                    conn.wake_consumer()
