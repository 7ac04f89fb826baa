"""Memory for frames being received: committed as their bytes arrive, reserved against one shared budget.

A frame header announces a payload length; a peer may then send nothing more. The buffer for the
payload is therefore a lazily committed mapping (a page costs memory only once bytes land in it),
and the announced length is first reserved against a budget that every connection shares, so the
frames in flight together never hold more than the memory limit. A connection waits for room (its
peer is held back by TCP flow control meanwhile); the reservation and the memory go with the
frame, or with the connection. Reserving whole frames (not the bytes as they come) means two big
frames can never each hold half of the budget and wait on each other for ever.
"""

from __future__ import annotations

import mmap
import threading
import time

import numpy as np

from rerun.transport.buffers import MIN_POOLED_BYTES


class NoRoom(Exception):
    """The budget had no room for a frame within the wait allowed (other connections hold it)."""


class ReceiveBudget:
    """Bytes that all connections' frames in flight (announced, not yet handed to the store) may hold together.

    Parameters
    ----------
    limit : int or None
        The shared budget in bytes (None: unbounded).
    """

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit <= 0:
            raise ValueError(f"limit: expected a positive number of bytes or None, got {limit!r}")
        self.limit = limit
        self.reserved = 0
        self.peak_reserved = 0
        self._cond = threading.Condition()

    def reserve(self, nbytes: int, timeout: float | None) -> None:
        """Take ``nbytes``, waiting up to ``timeout`` seconds for other frames to finish.

        Raises
        ------
        NoRoom
            If ``nbytes`` exceeds the whole budget, or no room came within ``timeout``.
        """
        if self.limit is None:
            return
        if nbytes > self.limit:
            raise NoRoom(f"a frame of {nbytes} bytes exceeds the receive budget of {self.limit} bytes (the memory limit)")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self.reserved + nbytes > self.limit:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise NoRoom(
                        f"no room for a frame of {nbytes} bytes within {timeout:.0f} s: other connections hold "
                        f"{self.reserved} of the {self.limit}-byte receive budget"
                    )
                self._cond.wait(left)
            self.reserved += nbytes
            self.peak_reserved = max(self.peak_reserved, self.reserved)

    def release(self, nbytes: int) -> None:
        if self.limit is None:
            return
        with self._cond:
            self.reserved -= nbytes
            self._cond.notify_all()


def lazy_buffer(nbytes: int) -> np.ndarray:
    """A writable uint8 array whose pages are committed only when written (and returned when it goes)."""
    if nbytes < MIN_POOLED_BYTES:
        return np.empty(nbytes, dtype=np.uint8)
    # An anonymous mapping without MAP_POPULATE: nothing is faulted in ahead of the bytes, and the
    # whole mapping is unmapped (not kept by an allocator) once the last view of it is gone.
    return np.frombuffer(mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS), dtype=np.uint8)
