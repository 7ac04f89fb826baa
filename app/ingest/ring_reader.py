"""The viewer's end of a shared-memory ring: attach (then unlink), copy frames out, release space."""

from __future__ import annotations

import mmap
import os
from typing import Iterator

import numpy as np

from rerun.transport.ring import (
    HEADER_BYTES,
    MIN_RING_BYTES,
    RECORD_CHUNK,
    RECORD_FRAME,
    RECORD_HEADER,
    RECORD_WRAP,
    RING_MAGIC_U64,
    SLOT_CAPACITY,
    SLOT_CONSUMER_WAITING,
    SLOT_HEAD,
    SLOT_MAGIC,
    SLOT_PRODUCER_WAITING,
    SLOT_TAIL,
    align_record,
    ring_path,
)
from rerun.transport.buffers import default_pool
from rerun.wire.frames import FRAME_HEADER, MAX_FRAME_BYTES, WireError, parse_frame_header

#: Rings larger than this are refused (a hostile or corrupt handshake must not make us map 1 TB).
MAX_RING_BYTES = 16 << 30


class RingReader:
    """Consumer of one ring announced in a handshake.

    The segment is unlinked as soon as it is mapped, so it vanishes when both sides are gone,
    whichever dies first. Frames are copied out into new memory (the store keeps them; the ring
    space is released at once).

    Raises
    ------
    WireError
        If the segment is missing, of the wrong size, or its header is not a ring's.
    """

    def __init__(self, name: str, capacity: int, max_frame_bytes: int = MAX_FRAME_BYTES) -> None:
        if not isinstance(capacity, int) or not MIN_RING_BYTES <= capacity <= MAX_RING_BYTES:
            raise WireError(f"ring capacity must be an int in {MIN_RING_BYTES}..{MAX_RING_BYTES}, got {capacity!r}")
        try:
            path = ring_path(name) if isinstance(name, str) else ring_path(repr(name))
        except ValueError as exc:
            raise WireError(str(exc)) from None
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise WireError(f"cannot open ring {name!r}: {exc.strerror}") from None
        try:
            size = os.fstat(fd).st_size
            if size != HEADER_BYTES + capacity:
                raise WireError(f"ring {name!r} holds {size} bytes, expected {HEADER_BYTES + capacity}")
            self._mmap = mmap.mmap(fd, size, flags=mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0))
        finally:
            os.close(fd)
            try:
                os.unlink(path)
            except OSError:
                pass
        self.name = name
        self.capacity = capacity
        self.max_frame_bytes = max_frame_bytes
        self._bytes = np.frombuffer(self._mmap, dtype=np.uint8)
        self._data = self._bytes[HEADER_BYTES:]
        self._slots = self._bytes[:HEADER_BYTES].view(np.uint64)
        if int(self._slots[SLOT_MAGIC]) != RING_MAGIC_U64 or int(self._slots[SLOT_CAPACITY]) != capacity:
            self.close()
            raise WireError(f"ring {name!r} has a bad header (magic or capacity mismatch)")
        self._tail = int(self._slots[SLOT_TAIL])
        self._partial: np.ndarray | None = None  # a chunked frame being assembled
        self._partial_filled = 0

    def available(self) -> int:
        """Bytes written by the producer and not yet consumed."""
        return int(self._slots[SLOT_HEAD]) - self._tail

    def set_consumer_waiting(self, waiting: bool) -> None:
        self._slots[SLOT_CONSUMER_WAITING] = 1 if waiting else 0

    def producer_waiting(self) -> bool:
        return bool(self._slots[SLOT_PRODUCER_WAITING])

    @property
    def partial_frame(self) -> bool:
        """True while a chunked frame is incomplete (at EOF it is torn and discarded)."""
        return self._partial is not None

    def frames(self) -> Iterator[np.ndarray]:
        """Yield every complete frame now available, each copied into its own array.

        Raises
        ------
        WireError
            On an inconsistent head or a corrupt record (the source is then unusable).
        """
        cap = self.capacity
        while True:
            head = int(self._slots[SLOT_HEAD])
            if head == self._tail:
                return
            if head < self._tail or head - self._tail > cap:
                raise WireError(f"ring {self.name!r}: head {head} is inconsistent with tail {self._tail}")
            offset = self._tail % cap
            if cap - offset < RECORD_HEADER.size:
                raise WireError(f"ring {self.name!r}: record at {offset} has no room for its header")
            rtype, _zero, n = RECORD_HEADER.unpack_from(self._data, offset)
            if rtype == RECORD_WRAP:
                self._release(cap - offset)
                continue
            size = align_record(n)
            if rtype not in (RECORD_FRAME, RECORD_CHUNK) or offset + size > cap or size > head - self._tail:
                raise WireError(f"ring {self.name!r}: corrupt record (type {rtype}, length {n}) at offset {offset}")
            start = offset + RECORD_HEADER.size
            data = self._data[start : start + n]
            if rtype == RECORD_FRAME:
                if self._partial is not None:
                    raise WireError(f"ring {self.name!r}: whole frame inside an unfinished chunked frame")
                frame = default_pool.take(n)
                np.copyto(frame, data)
                self._release(size)
                yield frame
                continue
            frame = self._append_chunk(data)
            self._release(size)
            if frame is not None:
                yield frame

    def _append_chunk(self, data: np.ndarray) -> np.ndarray | None:
        if self._partial is None:
            if data.nbytes < FRAME_HEADER.size:
                raise WireError(f"ring {self.name!r}: first chunk of {data.nbytes} bytes is shorter than a frame header")
            _kind, length = parse_frame_header(data, 0, self.max_frame_bytes)
            self._partial = default_pool.take(FRAME_HEADER.size + length)
            self._partial_filled = 0
        end = self._partial_filled + data.nbytes
        if end > self._partial.nbytes:
            raise WireError(f"ring {self.name!r}: chunks overrun their frame of {self._partial.nbytes} bytes")
        np.copyto(self._partial[self._partial_filled : end], data)
        self._partial_filled = end
        if end < self._partial.nbytes:
            return None
        frame, self._partial = self._partial, None
        return frame

    def _release(self, nbytes: int) -> None:
        self._tail += nbytes
        self._slots[SLOT_TAIL] = self._tail

    def close(self) -> None:
        self._bytes = self._data = self._slots = None
        try:
            self._mmap.close()
        except BufferError:
            pass
