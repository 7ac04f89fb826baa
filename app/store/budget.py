"""The memory limit: accounted bytes across one or more stores, dropping the oldest data first.

Rows are dropped whole chunks at a time, oldest arrival first, timed data before any timeless data.
When the total passes the limit, chunks are dropped until it is below ``low_water × limit``, so a
steady stream pays for eviction in occasional batches rather than on every frame.

Two limits can be set, alone or together: ``limit`` on the bytes the stores account for, and
``process_limit`` on the resident memory of the whole process (checked every ``rss_interval``
seconds at most); past the latter, enough of the oldest data goes to bring the process back under
``low_water × process_limit``, whatever else (GL, caches) grew meanwhile.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import heapq
import itertools
import os
import threading
import time
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import pyarrow as pa

if TYPE_CHECKING:
    from rerun_app.store.chunk import Chunk
    from rerun_app.store.store import Store


class MemoryBudget:
    """Shared arrival counter and byte budget of the stores registered with it.

    Parameters
    ----------
    limit : int or None
        Bytes the stores may hold together (None: no limit).
    low_water : float
        Fraction of ``limit`` to drop down to once it is exceeded (0 < low_water <= 1).
    process_limit : int or None
        Resident bytes the whole process may use (None: not watched).
    rss_interval : float
        Seconds between two reads of the process's resident memory.
    """

    def __init__(
        self, limit: int | None = None, low_water: float = 0.9, process_limit: int | None = None, rss_interval: float = 0.02
    ) -> None:
        for name, value in (("memory_limit", limit), ("process_memory_limit", process_limit)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                raise ValueError(f"{name}: expected a positive int of bytes or None, got {value!r}")
        if not 0 < low_water <= 1:
            raise ValueError(f"low_water: expected a fraction in (0, 1], got {low_water!r}")
        self.limit = limit
        self.low_water = low_water
        self.process_limit = process_limit
        self._rss_interval = rss_interval
        self._next_rss_check = 0.0
        self._seq = itertools.count(1)  # next() is atomic under the GIL: stores on other threads share it
        self._stores: list["Store"] = []
        self._lock = threading.Lock()
        #: Called (no arguments) after each eviction: e.g. the receive side reclaims the buffers of evicted frames.
        self.after_eviction: list[Callable[[], None]] = []

    @property
    def bounded(self) -> bool:
        """True when a store or process limit is set (the data held must then be memory the stores can free)."""
        return self.limit is not None or self.process_limit is not None

    @property
    def bytes(self) -> int:
        """Accounted bytes of every registered store together."""
        return sum(store.accounted_bytes for store in list(self._stores))

    def register(self, store: "Store") -> None:
        self._stores = self._stores + [store]

    def unregister(self, store: "Store") -> None:
        self._stores = [s for s in self._stores if s is not store]

    def next_seq(self) -> int:
        """A new arrival sequence number (grows across every store of this budget)."""
        return next(self._seq)

    def enforce(self) -> None:
        """Drop the oldest chunks of the registered stores until both limits are met with room to spare.

        Called by a store after ingest, outside its own lock (eviction takes each store's lock in turn).
        """
        over = 0
        if self.limit is not None:
            held = self.bytes
            if held > self.limit:
                over = held - int(self.limit * self.low_water)
        if self.process_limit is not None:
            now = time.monotonic()
            if now >= self._next_rss_check:
                self._next_rss_check = now + self._rss_interval
                rss = process_rss_bytes()
                if rss > self.process_limit:
                    over = max(over, rss - int(self.process_limit * self.low_water))
        self._drop(over)

    def make_room(self, incoming: int) -> None:
        """Drop the oldest chunks until ``incoming`` more bytes (frames being received) fit under both limits.

        Without this, data kept plus frames in flight could take twice the limit: the receive
        budget alone only bounds the frames.
        """
        over = 0
        if self.limit is not None:
            over = self.bytes + incoming - self.limit
        if self.process_limit is not None:
            over = max(over, process_rss_bytes() + incoming - self.process_limit)
        self._drop(over)

    def _drop(self, over: int) -> None:
        if over <= 0:
            return
        try:
            with self._lock:
                goal = self.bytes - over
                # Chunk sizes include an estimate of their index share; the real index arrays
                # shrink only after removal, so re-check and go on until at the goal.
                for _ in range(16):
                    excess = self.bytes - goal
                    if excess <= 0 or not self._evict_oldest(excess):
                        break
        finally:
            # Arrow's allocator (mimalloc / jemalloc) keeps freed pages for reuse; hand them back so
            # the limit holds for the process's resident memory, not just for the store's accounting.
            pa.default_memory_pool().release_unused()
            trim_c_heap()
            for callback in self.after_eviction:
                callback()

    def _evict_oldest(self, excess: int) -> bool:
        """Evict the oldest timed chunks (timeless ones once no timed chunk is left) worth
        ``excess`` bytes; return whether anything was evicted."""
        stores = self._stores
        for timeless in (False, True):
            cutoffs: dict[int, int] = {}
            queues = [_tagged(i, store.chunks_in_arrival_order(timeless)) for i, store in enumerate(stores)]
            for seq, i, chunk in heapq.merge(*queues):
                cutoffs[i] = seq + 1
                excess -= chunk.footprint
                if excess <= 0:
                    break
            if cutoffs:
                for i, cutoff in cutoffs.items():
                    stores[i].evict_below(cutoff, timeless)
                return True
        return False


def _load_malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_malloc_trim = _load_malloc_trim()


def trim_c_heap() -> None:
    """Give the C heap's free pages back to the OS (glibc keeps the index arrays numpy freed).

    Also what keeps a big file's load from leaving holes resident: glibc's dynamic mmap threshold rises to the
    largest block freed, so after the first few MiB-sized temporaries (decompressed records, Arrow payloads) the
    next ones come from the heap, between the arrays the store keeps, and their pages stay resident once freed.
    ``malloc_trim(0)`` hands back every whole free page of every arena; without glibc it does nothing.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def _tagged(store_index: int, chunks: Iterable[Chunk]) -> Iterator[tuple[int, int, Chunk]]:
    for chunk in chunks:
        yield chunk.seq, store_index, chunk


def process_rss_bytes() -> int:
    """Resident memory of this process that the memory limit is about, in bytes (0 where unknown).

    Private and file-backed pages (``RssAnon + RssFile`` of ``/proc/self/status``), not shared
    memory: a producer's ring is a mapping both sides share, a transport buffer and not data this
    viewer keeps (256 MiB of it once touched), and the frames the store keeps in shared-memory
    segments are counted by the store's own byte accounting.
    """
    try:
        with open("/proc/self/status", "rb") as f:
            text = f.read()
    except OSError:
        return 0
    total = 0
    found = 0
    for line in text.splitlines():
        if line.startswith((b"RssAnon:", b"RssFile:")):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                total += int(parts[1]) * 1024  # the kernel writes kB
                found += 1
    return total if found == 2 else _statm_rss_bytes()


def _statm_rss_bytes() -> int:
    """All resident pages (``/proc/self/statm``), for kernels without the split counters."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def store_budget_for_process_limit(process_limit: int, headroom: float = 0.05) -> int:
    """Bytes to give the store so that the whole process stays under ``process_limit``.

    Subtracts the memory the process already uses (interpreter, libraries, GL) and a ``headroom``
    share for allocator slack and transient buffers.

    Raises
    ------
    ValueError
        If the process already uses more than the limit allows.
    """
    budget = int(process_limit * (1 - headroom)) - process_rss_bytes()
    if budget <= 0:
        raise ValueError(
            f"memory limit of {process_limit} bytes is below what the viewer already uses ({process_rss_bytes()} bytes)"
        )
    return budget
