"""Shared-memory segments for big frames: the viewer keeps them in its store without copying.

A frame of at least :data:`SEGMENT_MIN_BYTES` is written by the producer straight into a segment
(a file in ``/dev/shm`` mapped by both sides) instead of the ring, and the ring carries only a
SEGMENT record naming it. The viewer maps the segment once (then unlinks its name) and hands the
store an Arrow buffer over it: no second copy, which halves the work of a big frame. The segment is
busy until the store lets go of every buffer over it; the viewer then writes the use's generation
into the ring header, and the producer may reuse the segment for a later frame (already faulted in).

Ring header slots (u64, see :mod:`rerun.transport.ring`), one pair per segment index ``i``:
``SLOT_SEG_PUBLISHED + i`` (producer: generation of the latest use) and ``SLOT_SEG_RELEASED + i``
(viewer: generation of the latest use it released). A segment is free when the two are equal.

SEGMENT record data (after the ring's record header)::

    u32 index, u32 name length, u64 generation, u64 segment bytes, u64 frame bytes, name (ASCII)

A record with 0 frame bytes only announces a new segment: the viewer maps it and unlinks its name
at once (every segment is announced as soon as it is made), so names never outlive a crash by long.

Trust: the viewer validates the frame when it arrives and the producer does not write a segment
again before its release, so a well-behaved producer cannot change data under the store. A
same-user process that breaks that rule could as well write into the viewer through
``/proc/<pid>/mem``; segments are not a boundary between users (both files are mode 0600).

The producer trusts no acknowledgement it has not seen: a segment whose release never comes (the
store keeps the frame, the viewer died) is simply never reused, and once :data:`MAX_SEGMENTS` or the
byte bound are in use, frames go through the ring again.
"""

from __future__ import annotations

import itertools
import mmap
import os
import struct

import numpy as np

from rerun.transport.buffers import prefault

MAX_SEGMENTS = 128
SLOT_SEG_PUBLISHED = 256
SLOT_SEG_RELEASED = 384
SEGMENT_REF = struct.Struct("<IIQQQ")
#: Frames at least this big go through a segment (when one is free); smaller ones through the ring.
SEGMENT_MIN_BYTES = 1 << 20
#: Default bound on the bytes of all segments of one producer (env ``RERUN_SEGMENT_BYTES``): 1 GiB,
#: or an eighth of the RAM if less. Segments the store has let go of stay mapped for reuse until
#: the connection closes, so this is also what an idle stream may keep.
try:
    DEFAULT_SEGMENT_BYTES = min(1 << 30, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 8)
except (ValueError, OSError, AttributeError):
    DEFAULT_SEGMENT_BYTES = 1 << 30
_GRANULE = 1 << 20


def segment_size_for(nbytes: int) -> int:
    """Size of a new segment for a frame of ``nbytes`` (rounded up to 1 MiB)."""
    return (nbytes + _GRANULE - 1) // _GRANULE * _GRANULE


def max_segment_for(nbytes: int) -> int:
    """Largest segment a frame of ``nbytes`` may take: the store keeps the whole segment as long as
    the frame, so a small frame must not pin a big one (at most 2x, or 4 MiB more)."""
    return max(2 * nbytes, nbytes + (4 << 20))


class Segment:
    """One producer-side segment: its index, name, mapping, and whether the name still exists."""

    __slots__ = ("index", "name", "path", "size", "mmap", "array", "linked", "consumed_at", "reserved")

    def __init__(self, index: int, name: str, path: str, size: int, mapping: mmap.mmap) -> None:
        self.index = index
        self.name = name
        self.path = path
        self.size = size
        self.mmap = mapping
        self.array = np.frombuffer(mapping, dtype=np.uint8)
        self.linked = True
        self.consumed_at: int | None = None  # ring head after the record that first named it
        self.reserved = False  # being filled outside the owner's lock: not to be reused or closed

    def unlink(self) -> None:
        if self.linked:
            self.linked = False
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def close(self, keep_name: bool = False) -> None:
        if not keep_name:
            self.unlink()
        self.array = None
        try:
            self.mmap.close()
        except BufferError:
            pass  # a view is still alive; the mapping goes with it


class SegmentPool:
    """The producer's segments of one ring (not thread-safe: the ring's owner serialises calls).

    Parameters
    ----------
    slots : np.ndarray
        The ring header as uint64 slots (holds the published / released generations).
    name_prefix : str
        Segment names are ``<name_prefix>-s<number>`` (the ring's name as prefix, so a crashed
        producer's leftovers are swept with its ring).
    max_bytes : int
        Bound on the bytes of all segments together.
    """

    def __init__(self, slots: np.ndarray, name_prefix: str, max_bytes: int = DEFAULT_SEGMENT_BYTES) -> None:
        self._slots = slots
        self._prefix = name_prefix
        self.max_bytes = max_bytes
        self._segments: list[Segment | None] = [None] * MAX_SEGMENTS
        self._counter = itertools.count(1)
        self.failed = False  # creating a segment failed (no room in /dev/shm): stop trying

    def total_bytes(self) -> int:
        return sum(s.size for s in self._segments if s is not None)

    def is_free(self, index: int) -> bool:
        return int(self._slots[SLOT_SEG_PUBLISHED + index]) == int(self._slots[SLOT_SEG_RELEASED + index])

    def unlink_consumed(self, tail: int) -> None:
        """Remove the names the viewer has mapped by now (it read the record naming them)."""
        for seg in self._segments:
            if seg is not None and seg.linked and seg.consumed_at is not None and tail >= seg.consumed_at:
                seg.unlink()

    def acquire(self, nbytes: int, create: bool = True) -> Segment | None:
        """A free segment of at least ``nbytes`` (reused, else new if ``create``), or None."""
        best = None
        largest = max_segment_for(nbytes)
        for index, seg in enumerate(self._segments):
            if seg is not None and nbytes <= seg.size <= largest and not seg.reserved and self.is_free(index) and (best is None or seg.size < best.size):
                best = seg
        if best is not None or not create:
            return best
        size = segment_size_for(nbytes)
        index = self.slot_for(size)
        if index is None:
            return None
        mapping = self.make_mapping(size)
        return None if mapping is None else self.adopt(index, size, mapping)

    def unannounced(self) -> list[Segment]:
        """Segments no record has named yet (their names wait in /dev/shm for the viewer)."""
        return [seg for seg in self._segments if seg is not None and seg.consumed_at is None]

    def has_free(self, nbytes: int) -> bool:
        return self.acquire(nbytes, create=False) is not None

    def count_free(self, nbytes: int) -> int:
        """Free segments that could hold ``nbytes``."""
        largest = max_segment_for(nbytes)
        return sum(
            1 for i, seg in enumerate(self._segments)
            if seg is not None and nbytes <= seg.size <= largest and not seg.reserved and self.is_free(i)
        )

    def slot_for(self, size: int, evict: bool = True) -> int | None:
        """An index for a new segment of ``size`` bytes within the bounds, or None.

        To make room it may close (when ``evict``) a free segment of a size that a frame needing
        ``size`` could not use; never one it could use (that would only trade a free segment for
        a new one of the same kind).
        """
        if self.failed:
            return None
        total = self.total_bytes()
        largest = max_segment_for(size)
        victim = None
        for index, seg in enumerate(self._segments):
            if seg is None:
                if total + size <= self.max_bytes:
                    return index
                continue
            unusable = seg.size < size or seg.size > largest
            if unusable and not seg.reserved and self.is_free(index) and total - seg.size + size <= self.max_bytes:
                if victim is None or seg.size < victim.size:
                    victim = seg
        if victim is None:
            return None
        if evict:
            victim.close()
            self._segments[victim.index] = None
        return victim.index

    def make_mapping(self, size: int) -> tuple[str, mmap.mmap] | None:
        """Create, allocate and map a new segment file (the slow part: call it without locks held)."""
        name = f"{self._prefix}-s{next(self._counter)}"
        path = os.path.join("/dev/shm", name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            self.failed = True
            return None
        try:
            os.posix_fallocate(fd, 0, size)  # fails now (ENOSPC) rather than SIGBUS later
            mapping = mmap.mmap(fd, size, flags=mmap.MAP_SHARED)
            prefault(mapping)  # not MAP_POPULATE: CPython holds the GIL inside mmap()
        except OSError:
            self.failed = True
            os.close(fd)
            try:
                os.unlink(path)
            except OSError:
                pass
            return None
        os.close(fd)
        return name, mapping

    def adopt(self, index: int, size: int, made: tuple[str, mmap.mmap]) -> Segment:
        """Put a mapping from :meth:`make_mapping` at ``index`` (from :meth:`slot_for`)."""
        name, mapping = made
        seg = Segment(index, name, os.path.join("/dev/shm", name), size, mapping)
        self._segments[index] = seg
        return seg

    def next_generation(self, seg: Segment) -> int:
        return int(self._slots[SLOT_SEG_PUBLISHED + seg.index]) + 1

    def publish(self, seg: Segment, generation: int) -> None:
        """Mark ``seg`` busy for the use ``generation`` (from :meth:`next_generation`)."""
        self._slots[SLOT_SEG_PUBLISHED + seg.index] = generation

    def close(self, tail: int, viewer_alive: bool, unlink: bool = True) -> None:
        """Unmap every segment (the viewer keeps its own mappings while it uses them) and unlink
        their names, except those the viewer has yet to open (named in a record past ``tail``)
        while it is alive: it drains the ring after we leave, and removes them when it is done.
        ``unlink=False`` (a forked child dropping its copies of the parent's mappings) removes none."""
        for index, seg in enumerate(self._segments):
            if seg is not None:
                pending = seg.consumed_at is not None and seg.consumed_at > tail
                seg.close(keep_name=not unlink or (pending and viewer_alive))
                self._segments[index] = None


def encode_segment_ref(seg: Segment, generation: int, frame_len: int) -> bytes:
    """The data of a SEGMENT record for ``frame_len`` bytes in ``seg``."""
    name = seg.name.encode("ascii")
    return SEGMENT_REF.pack(seg.index, len(name), generation, seg.size, frame_len) + name
