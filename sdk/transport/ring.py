"""The shared-memory ring: layout shared by both sides, and the producer's writer.

Layout of a ring segment (a file in ``/dev/shm``, mapped by exactly one producer and one consumer)::

    bytes 0..4096       header, u64 slots (each hot slot on its own 64-byte line):
        slot 0  magic b"RRRING01"            slot 1  capacity of the data area (bytes)
        slot 2  creator pid
        slot 8  head: bytes ever written      (producer writes, consumer reads)
        slot 16 tail: bytes ever consumed     (consumer writes, producer reads)
        slot 24 consumer_waiting (1 while the consumer is about to block; producer then wakes it)
        slot 32 producer_waiting (1 while the producer waits for space; consumer then wakes it)
        slots 256..511  generations of the big-frame segments (see :mod:`rerun.transport.segments`)
    bytes 4096..        data area of ``capacity`` bytes, used as a circular buffer

Records in the data area start at multiples of 64 bytes and never straddle its end::

    u32 type (RECORD_FRAME / RECORD_CHUNK / RECORD_WRAP), u32 zero, u64 data length, then the data.

A FRAME record holds one whole wire frame (16-byte frame header + payload + XXH3 trailer, see
:mod:`rerun.wire`; every frame is sealed where it is written, so damage in shared memory is caught).
A frame too big for the ring travels as consecutive CHUNK records whose concatenation is the frame
(the first chunk starts with the frame header, which gives the total). WRAP means "the rest of the
data area is unused; continue at offset 0". SEGMENT names a shared-memory segment holding a whole
frame (big frames, when the viewer accepts segments: it then keeps them without a copy).

Head and tail only grow (positions modulo ``capacity``). The producer writes a record, then stores
the new head; the consumer copies a record out, then stores the new tail. Each side writes only its
own slot, so no lock is shared between processes; aligned 8-byte numpy stores are single
instructions, and x86's store ordering keeps the record visible before the head that publishes it.
The SDK copies big frames with non-temporal stores and fences them (``sfence``) before the head is
stored, so they too are visible first. Neither side spins: each blocks (``select``) on its wake-up
eventfd, passed to the viewer over its Unix socket, or else on the connection's control socket, and is woken by a write to it; the
waiting flags in the header make wake-ups happen only when the other side sleeps.
"""

from __future__ import annotations

import mmap
import os
import secrets
import struct

import numpy as np
import pyarrow as pa

from rerun.wire.frames import frame_size
from rerun.transport.buffers import prefault
from rerun.transport.frame_encoder import LogFrameEncoder
from rerun.transport.segments import SEGMENT_MIN_BYTES, Segment, SegmentPool, encode_segment_ref

RING_MAGIC = b"RRRING01"
RING_MAGIC_U64 = int.from_bytes(RING_MAGIC, "little")
HEADER_BYTES = 4096
SHM_DIR = "/dev/shm"
NAME_PREFIX = "rerun-ring-"

SLOT_MAGIC, SLOT_CAPACITY, SLOT_PID = 0, 1, 2
SLOT_HEAD, SLOT_TAIL = 8, 16
SLOT_CONSUMER_WAITING, SLOT_PRODUCER_WAITING = 24, 32

RECORD_FRAME, RECORD_CHUNK, RECORD_WRAP, RECORD_SEGMENT = 1, 2, 3, 4
RECORD_HEADER = struct.Struct("<IIQ")
RECORD_ALIGN = 64

#: Default data-area size: a 64 MiB frame fits whole with room to spare for the next one.
DEFAULT_RING_BYTES = 256 << 20
MIN_RING_BYTES = 64 << 10


def align_record(nbytes: int) -> int:
    """Size a record of ``nbytes`` data bytes occupies in the ring (header included, 64-aligned)."""
    return (RECORD_HEADER.size + nbytes + RECORD_ALIGN - 1) & ~(RECORD_ALIGN - 1)


def ring_path(name: str) -> str:
    """Path of the segment called ``name``; refuses names that could escape ``/dev/shm``."""
    if not name.startswith(NAME_PREFIX) or "/" in name or "\0" in name or len(name) > 200:
        raise ValueError(f"ring name must look like '{NAME_PREFIX}<pid>-<token>', got {name!r}")
    return os.path.join(SHM_DIR, name)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_rings() -> list[str]:
    """Unlink ring segments whose creating process is gone (left by a crash); return their names."""
    removed = []
    try:
        names = os.listdir(SHM_DIR)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(NAME_PREFIX):
            continue
        pid_text = name[len(NAME_PREFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            try:
                os.unlink(os.path.join(SHM_DIR, name))
                removed.append(name)
            except OSError:
                pass
    return removed


class RingWriter:
    """The producer's end of one ring: creates, pre-faults and maps the segment.

    Not thread-safe: the owning sink serialises calls. The segment file is unlinked by the
    consumer as soon as it has mapped it (and by :meth:`unlink` here if no consumer ever came), so a
    crash of either side leaves nothing in ``/dev/shm``.

    Parameters
    ----------
    capacity : int
        Size of the data area in bytes (rounded up to a multiple of 64 KiB).
    encoder : LogFrameEncoder, optional
        Writes LOG frames into the ring (default: one using the native copy-and-hash when built).
    """

    def __init__(self, capacity: int = DEFAULT_RING_BYTES, encoder: LogFrameEncoder | None = None) -> None:
        capacity = max(int(capacity), MIN_RING_BYTES)
        capacity = (capacity + (64 << 10) - 1) & ~((64 << 10) - 1)
        self.capacity = capacity
        self.name = f"{NAME_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        self.path = ring_path(self.name)
        size = HEADER_BYTES + capacity
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                os.posix_fallocate(fd, 0, size)  # allocate every page now: no faults while streaming
            except OSError:
                os.ftruncate(fd, size)
            self._mmap = mmap.mmap(fd, size, flags=mmap.MAP_SHARED)
            prefault(self._mmap)  # not MAP_POPULATE: CPython holds the GIL inside mmap(), stalling the logging threads
        except BaseException:
            os.close(fd)
            self.unlink()
            raise
        os.close(fd)
        self._bytes = np.frombuffer(self._mmap, dtype=np.uint8)
        self._data = self._bytes[HEADER_BYTES:]
        self._view = memoryview(self._mmap)[HEADER_BYTES:]
        self._slots = self._bytes[:HEADER_BYTES].view(np.uint64)
        self._slots[SLOT_CAPACITY] = capacity
        self._slots[SLOT_PID] = os.getpid()
        self._slots[SLOT_MAGIC] = RING_MAGIC_U64
        self._head = 0
        self._encoder = encoder if encoder is not None else LogFrameEncoder()
        #: Big-frame segments, once the viewer said it takes them (:meth:`enable_segments`).
        self.segments: SegmentPool | None = None

    def enable_segments(self, max_bytes: int) -> None:
        self.segments = SegmentPool(self._slots, self.name, max_bytes)

    def wants_segment(self, frame_len: int) -> bool:
        """True if a frame of ``frame_len`` bytes should go through a segment (and one is free)."""
        return self.segments is not None and frame_len >= SEGMENT_MIN_BYTES and self.segments.has_free(frame_len)

    # -- space accounting -------------------------------------------------------------------
    @property
    def head(self) -> int:
        return self._head

    def tail(self) -> int:
        """Bytes the consumer has released so far."""
        return int(self._slots[SLOT_TAIL])

    def empty(self) -> bool:
        """True when the consumer has taken everything written."""
        return self.tail() == self._head

    def free_bytes(self) -> int:
        """Bytes the producer may write now (before wrap waste)."""
        return self.capacity - (self._head - self.tail())

    def max_record_data(self) -> int:
        """Largest data length one record may hold (bigger frames go in chunks)."""
        return self.capacity // 2 - RECORD_ALIGN

    def _reserve(self, nbytes: int) -> int | None:
        """Offset for a record of ``nbytes`` data bytes, writing a WRAP if needed; None if no space."""
        need = align_record(nbytes)
        offset = self._head % self.capacity
        waste = self.capacity - offset if offset + need > self.capacity else 0
        if self.capacity - (self._head - self.tail()) < waste + need:
            return None
        if waste:
            RECORD_HEADER.pack_into(self._view, offset, RECORD_WRAP, 0, 0)
            self._head += waste
            offset = 0
        return offset

    def _publish(self, offset: int, record_type: int, nbytes: int) -> None:
        RECORD_HEADER.pack_into(self._view, offset, record_type, 0, nbytes)
        self._head += align_record(nbytes)
        self._slots[SLOT_HEAD] = self._head  # the store that makes the record visible

    # -- writing ----------------------------------------------------------------------------
    def try_write_log(self, batch: pa.RecordBatch, payload_size: int) -> bool:
        """Write a LOG frame for ``batch`` straight into the ring (Arrow writes the buffers there).

        Returns False, writing nothing, if the ring lacks space (or the frame needs chunks).
        """
        frame_len = frame_size(payload_size)
        if frame_len > self.max_record_data():
            return False
        offset = self._reserve(frame_len)
        if offset is None:
            return False
        start = offset + RECORD_HEADER.size
        self._encoder.write(self._view[start : start + frame_len], batch, payload_size)
        self._publish(offset, RECORD_FRAME, frame_len)
        return True

    def try_write_log_segment(self, batch: pa.RecordBatch, payload_size: int) -> bool:
        """Write a LOG frame for ``batch`` into a free segment and name it in a SEGMENT record.

        Returns False, publishing nothing, if no segment is free or the ring lacks the record's room.
        """
        frame_len = frame_size(payload_size)
        seg = self.segments.acquire(frame_len, create=False) if self.segments is not None else None
        if seg is None:
            return False
        self._encoder.write(seg.array[:frame_len], batch, payload_size)
        return self.publish_segment(seg, frame_len)

    def publish_segment(self, seg: Segment, frame_len: int) -> bool:
        """Name ``frame_len`` bytes written at the start of ``seg`` in a SEGMENT record; False
        (nothing published, the segment stays free) if the ring lacks the record's room."""
        pool = self.segments
        pool.unlink_consumed(self.tail())
        generation = pool.next_generation(seg)
        ref = encode_segment_ref(seg, generation, frame_len)
        offset = self._reserve(len(ref))
        if offset is None:
            return False
        start = offset + RECORD_HEADER.size
        self._view[start : start + len(ref)] = ref
        pool.publish(seg, generation)  # busy from now until the viewer releases this generation
        self._publish(offset, RECORD_SEGMENT, len(ref))
        if seg.consumed_at is None:
            seg.consumed_at = self._head
        return True

    def announce_segments(self) -> None:
        """Name every segment not yet named in a record (frame length 0: "map it"), so the viewer
        maps it and removes its name at once: a name in /dev/shm lives for milliseconds, and a
        crash of both sides later leaves nothing. Stops early if the ring is full (retried later)."""
        for seg in self.segments.unannounced():
            ref = encode_segment_ref(seg, self.segments.next_generation(seg) - 1, 0)
            offset = self._reserve(len(ref))
            if offset is None:
                return
            start = offset + RECORD_HEADER.size
            self._view[start : start + len(ref)] = ref
            self._publish(offset, RECORD_SEGMENT, len(ref))
            seg.consumed_at = self._head

    def try_write_frame(self, frame: np.ndarray) -> bool:
        """Copy a whole serialised frame (uint8 array) into one record; False if there's no room."""
        n = frame.nbytes
        if n > self.max_record_data():
            return False
        offset = self._reserve(n)
        if offset is None:
            return False
        start = offset + RECORD_HEADER.size
        np.copyto(self._data[start : start + n], frame)
        self._publish(offset, RECORD_FRAME, n)
        return True

    def write_chunk(self, data: np.ndarray) -> int:
        """Copy the start of ``data`` (up to a quarter of the ring) as one CHUNK record.

        Returns the number of bytes taken, 0 when the ring lacks room for that chunk now.
        """
        n = min(data.nbytes, self.capacity // 4)
        offset = self._reserve(n)
        if offset is None:
            return 0
        start = offset + RECORD_HEADER.size
        np.copyto(self._data[start : start + n], data[:n])
        self._publish(offset, RECORD_CHUNK, n)
        return n

    # -- wake-up flags ------------------------------------------------------------------------
    def consumer_waiting(self) -> bool:
        return bool(self._slots[SLOT_CONSUMER_WAITING])

    def set_producer_waiting(self, waiting: bool) -> None:
        self._slots[SLOT_PRODUCER_WAITING] = 1 if waiting else 0

    # -- teardown -----------------------------------------------------------------------------
    def unlink(self) -> None:
        """Remove the segment's name (the memory lives on while mapped); no error if already gone."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def close(self, viewer_alive: bool = False, unlink: bool = True) -> None:
        """Unmap (the consumer keeps its own mapping and drains what is left).

        ``viewer_alive``: the consumer will still drain the ring, so segments it has yet to open
        keep their names (it removes them when it closes its end). ``unlink=False``: a forked
        child dropping its copy of the parent's ring, removing no name.
        """
        if unlink:
            self.unlink()
        if self.segments is not None:
            self.segments.close(self.tail(), viewer_alive, unlink)
        self._view.release()
        self._bytes = self._data = self._slots = None
        try:
            self._mmap.close()
        except BufferError:
            pass  # a view is still alive somewhere; the mapping goes when it does
