"""Memory for frames being received: committed as their bytes arrive, reserved against one shared budget.

A frame header announces a payload length; a peer may then send nothing more. The buffer for the
payload is therefore a lazily committed mapping (a page costs memory only once bytes land in it),
and the announced length is first reserved against a budget that every connection shares, so the
frames in flight together never hold more than the memory limit. A connection waits for room (its
peer is held back by TCP flow control meanwhile); the reservation and the memory go with the
frame, or with the connection. Reserving whole frames (not the bytes as they come) means two big
frames can never each hold half of the budget and wait on each other for ever; frames that do not
fit together are received one after the other, in arrival order, with no deadline on the wait (the
frames ahead are bounded by their own stall timeout). Admitting a frame also makes room for it in
the store: received data and data kept share one memory limit.

A connection may keep its last frame's buffer once nothing else references it (ingest-only, or the
frame was dropped), so that a stream of big frames lands in memory already faulted in: a first
touch costs a page fault per 4 KiB (the TCP receive ran ~3x slower into fresh mappings). A kept
buffer counts against the same budget, goes when its connection goes, and is dropped at once when
another frame needs the room.

A frame that holds back others must keep arriving at a minimum pace (see
:mod:`rerun_app.ingest.frame_pace`, which asks :meth:`ReceiveBudget.held_back`), so a peer that
trickles a huge frame cannot make the frames behind it wait for ever.

A frame the store keeps (zero-copy) holds its buffer until the store evicts it. Such a buffer is
*lent*: :meth:`ReceiveBudget.reclaim` (after each frame, and whenever the store evicted data) finds
the lent buffers nothing references any more and makes them *free* for any connection's next
frame, within the same cap as kept buffers; the rest are let go at once, so evicted data never
stays resident for long. Pooled buffers already count in the process's resident memory, so a
frame that lands in one asks the store for no room (``make_room`` is told only the fresh bytes).
"""

from __future__ import annotations

import mmap
import sys
import threading
import time
from collections import deque
from typing import Callable

import numpy as np

from rerun.transport.buffers import MIN_POOLED_BYTES


class NoRoom(Exception):
    """The budget had no room for a frame within the wait allowed (other connections hold it)."""


class Withdrawn(Exception):
    """A frame waiting for room was withdrawn: its peer left before the frame was admitted."""


#: While a frame waits for room, how often it asks whether its peer is still there.
WITHDRAW_CHECK_S = 0.5


#: Buffers kept for reuse hold at most this much in total without a limit (a quarter of it with one).
UNLIMITED_KEPT_BYTES = 256 << 20
#: Lent buffers watched for reuse at most (each is checked after every frame).
MAX_LENT = 64


class ReceiveBudget:
    """Bytes that all connections' frames in flight (announced, not yet handed to the store) may hold together.

    Parameters
    ----------
    limit : int or None
        The shared budget in bytes (None: unbounded).
    make_room : callable(int), optional
        Called (without this budget's lock) with the bytes of every frame in flight each time a
        frame is admitted: the store drops its oldest data so that they will fit beside what it keeps.
    """

    def __init__(self, limit: int | None, make_room: Callable[[int], None] | None = None) -> None:
        if limit is not None and limit <= 0:
            raise ValueError(f"limit: expected a positive number of bytes or None, got {limit!r}")
        self.limit = limit
        self.reserved = 0
        self.peak_reserved = 0
        self.kept_bytes = 0
        self.kept_cap = UNLIMITED_KEPT_BYTES if limit is None else limit // 4
        self._kept: dict[object, np.ndarray] = {}
        self._lent: list[np.ndarray] = []  # buffers of frames the store holds
        self._free: list[np.ndarray] = []  # lent buffers given back: any connection's next frame may land in one
        self.free_bytes = 0
        #: Bytes of frames in flight landing in fresh (not yet committed) memory.
        self.fresh_reserved = 0
        #: Frames admitted into a pooled buffer (pages already committed), and into fresh memory.
        self.reused_frames = 0
        self.fresh_frames = 0
        self._cond = threading.Condition()
        self._make_room = make_room
        self._queue: deque[int] = deque()  # tickets of the frames waiting, in arrival order
        self._wanted: dict[int, int] = {}  # ticket -> bytes that frame waits for
        self._tickets = 0
        #: Frames waiting for room right now.
        self.waiting = 0

    def reserve(
        self, nbytes: int, timeout: float | None = None, key: object = None, peer_gone: Callable[[], bool] | None = None,
    ) -> np.ndarray | None:
        """Take ``nbytes``, waiting in arrival order for the frames in flight to make room; return a pooled
        buffer for the frame (what ``key`` kept, or a free one; pages already committed) or None.

        With ``timeout`` None (the server's choice) a frame waits as long as frames ahead of it hold
        the room: each of those is received at the pace of its peer and dropped by its own stall
        timeout, so the wait ends; an honest big frame is never refused because another big frame
        arrived first. Then the room is made in the store (``make_room``, see the constructor):
        the frames in flight and the data kept must fit the memory limit together.

        Release with :meth:`release` (``fresh``: whether no pooled buffer was returned).

        ``peer_gone`` is asked every :data:`WITHDRAW_CHECK_S` while the frame waits: a frame whose
        peer left gives up its place (the store must not drop data to make room for it).

        Raises
        ------
        NoRoom
            If ``nbytes`` exceeds the whole budget, or no room came within ``timeout``.
        Withdrawn
            If ``peer_gone()`` said so while the frame waited.
        """
        if self.limit is None:
            return self.take_kept(key, nbytes)
        if nbytes > self.limit:
            raise NoRoom(f"a frame of {nbytes} bytes exceeds the receive budget of {self.limit} bytes (the memory limit)")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            ticket = self._tickets
            self._tickets += 1
            self._queue.append(ticket)
            self._wanted[ticket] = nbytes
            try:
                # First come, first served: a stream of small frames cannot starve a big one.
                while self._queue[0] != ticket or self.reserved + nbytes > self.limit:
                    if self._queue[0] == ticket and self._pooled_bytes() and self.reserved + self._pooled_bytes() + nbytes > self.limit:
                        self._drop_kept()  # room for a frame comes before buffers kept for speed
                        continue
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise NoRoom(
                            f"no room for a frame of {nbytes} bytes within {timeout:.0f} s: other connections hold "
                            f"{self.reserved} of the {self.limit}-byte receive budget"
                        )
                    if peer_gone is not None:
                        if peer_gone():
                            raise Withdrawn(f"the peer left while its frame of {nbytes} bytes waited for room")
                        left = WITHDRAW_CHECK_S if left is None else min(left, WITHDRAW_CHECK_S)
                    self.waiting = len(self._queue)
                    self._cond.wait(left)
                if self.reserved + self._pooled_bytes() + nbytes > self.limit:
                    self._drop_kept()
                self.reserved += nbytes
                self.peak_reserved = max(self.peak_reserved, self.reserved)
                buffer = self._take_pooled_locked(key, nbytes)
                if buffer is None:
                    self.fresh_reserved += nbytes
                    self.fresh_frames += 1
                else:
                    self.reused_frames += 1
                in_flight = self.fresh_reserved
            finally:
                self._queue.remove(ticket)
                del self._wanted[ticket]
                self.waiting = len(self._queue)
                self._cond.notify_all()  # the next in line may fit too
        # Small frames leave the store's own check after ingest to keep them within the limit (it reads the
        # process's RSS at most every 20 ms); a frame big enough to pass the limit asks for room first.
        if self._make_room is not None and buffer is None and nbytes >= MIN_POOLED_BYTES:
            self._make_room(in_flight)
            self.reclaim()  # what the store just evicted may be lent buffers
            with self._cond:  # and one of them may fit this very frame (its pages are committed already)
                buffer = self._take_pooled_locked(key, nbytes)
                if buffer is not None:
                    self.fresh_reserved -= nbytes
                    self.fresh_frames -= 1
                    self.reused_frames += 1
        return buffer

    def held_back(self) -> int:
        """Bytes of the first frame in line if the frames in flight leave it no room (0 if none waits, or it fits)."""
        if self.limit is None:
            return 0
        with self._cond:
            if not self._queue:
                return 0
            wanted = self._wanted[self._queue[0]]
            return wanted if self.reserved + wanted > self.limit else 0

    def take_kept(self, key: object, nbytes: int) -> np.ndarray | None:
        """The buffer ``key`` kept (see :meth:`keep`), else a free one, if it fits ``nbytes`` (sliced to it), else None."""
        with self._cond:
            buffer = self._take_pooled_locked(key, nbytes)
            self.reused_frames += buffer is not None
            return buffer

    def _take_pooled_locked(self, key: object, nbytes: int) -> np.ndarray | None:
        kept = self._kept.get(key)
        if kept is not None and _fits(kept, nbytes):
            del self._kept[key]
            self.kept_bytes -= kept.nbytes
            return kept[:nbytes]
        for i, free in enumerate(self._free):
            if _fits(free, nbytes):
                del self._free[i]
                self.free_bytes -= free.nbytes
                return free[:nbytes]
        return None

    def _pooled_bytes(self) -> int:
        return self.kept_bytes + self.free_bytes

    def lend(self, owner: np.ndarray) -> None:
        """Watch ``owner`` (a :func:`lazy_buffer` whose frame the store keeps) to reuse it once the store lets it go."""
        if owner.nbytes < MIN_POOLED_BYTES:
            return
        with self._cond:
            if len(self._lent) < MAX_LENT:
                self._lent.append(owner)

    def reclaim(self) -> None:
        """Make the lent buffers nothing else references free for reuse, within the cap; let the rest go."""
        released: list[np.ndarray] = []  # dropped outside the lock (unmapping takes a while)
        with self._cond:
            lent = self._lent
            for i in range(len(lent) - 1, -1, -1):
                if sys.getrefcount(lent[i]) > 2:  # the list's reference and getrefcount's own
                    continue
                owner = lent.pop(i)
                room = self.kept_cap if self.limit is None else min(self.kept_cap, self.limit - self.reserved)
                if self._pooled_bytes() + owner.nbytes <= room:
                    self._free.append(owner)
                    self.free_bytes += owner.nbytes
                else:
                    released.append(owner)
        released.clear()

    def keep(self, key: object, owner: np.ndarray) -> bool:
        """Keep ``owner`` (a :func:`lazy_buffer` nothing else references) for ``key``'s next frame.

        Replaces what ``key`` kept before; refused (False) when the room is needed by frames or
        would pass the cap on kept bytes. The caller drops its own reference afterwards.
        """
        # The caller's name, the argument and getrefcount's own: any view or Arrow buffer adds one.
        if sys.getrefcount(owner) > 3 or owner.nbytes < MIN_POOLED_BYTES:
            return False
        with self._cond:
            self._forget_locked(key)
            budget = self.kept_cap if self.limit is None else min(self.kept_cap, self.limit - self.reserved)
            if self._pooled_bytes() + owner.nbytes > budget:
                return False
            self._kept[key] = owner
            self.kept_bytes += owner.nbytes
            return True

    def forget(self, key: object) -> None:
        """Drop the buffer ``key`` kept (its connection went): its memory goes back to the system."""
        with self._cond:
            self._forget_locked(key)
            self._cond.notify_all()

    def _forget_locked(self, key: object) -> None:
        kept = self._kept.pop(key, None)
        if kept is not None:
            self.kept_bytes -= kept.nbytes

    def _drop_kept(self) -> None:
        self._kept.clear()
        self.kept_bytes = 0
        self._free.clear()
        self.free_bytes = 0

    def release(self, nbytes: int, fresh: bool = True) -> None:
        """Give back a frame's reservation (``fresh``: it did not land in a pooled buffer)."""
        if self.limit is None:
            return
        with self._cond:
            self.reserved -= nbytes
            if fresh:
                self.fresh_reserved -= nbytes
            self._cond.notify_all()


def _fits(buffer: np.ndarray, nbytes: int) -> bool:
    return nbytes <= buffer.nbytes <= nbytes + nbytes // 4 + (1 << 20)


def lazy_buffer(nbytes: int) -> np.ndarray:
    """A writable uint8 array whose pages are committed only when written (and returned when it goes)."""
    if nbytes < MIN_POOLED_BYTES:
        return np.empty(nbytes, dtype=np.uint8)
    # An anonymous mapping without MAP_POPULATE: nothing is faulted in ahead of the bytes, and the
    # whole mapping is unmapped (not kept by an allocator) once the last view of it is gone.
    return np.frombuffer(mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS), dtype=np.uint8)
