"""The viewer's end of a shared-memory ring: attach (then unlink), copy frames out, release space."""

from __future__ import annotations

import mmap
import os
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa

from rerun.transport.ring import (
    HEADER_BYTES,
    MIN_RING_BYTES,
    NAME_PREFIX,
    RECORD_CHUNK,
    RECORD_FRAME,
    RECORD_HEADER,
    RECORD_SEGMENT,
    RECORD_WRAP,
    RING_MAGIC_U64,
    SHM_DIR,
    SLOT_CAPACITY,
    SLOT_CONSUMER_WAITING,
    SLOT_HEAD,
    SLOT_MAGIC,
    SLOT_PID,
    SLOT_PRODUCER_WAITING,
    SLOT_TAIL,
    align_record,
    ring_path,
)
from rerun.transport.buffers import MIN_POOLED_BYTES, default_pool
from rerun.transport.segments import MAX_SEGMENTS, SEGMENT_REF, SLOT_SEG_RELEASED
from rerun.wire.frames import FRAME_HEADER, MAX_FRAME_BYTES, WireError, parse_frame_header

from rerun_app.ingest.receive_budget import ReceiveBudget, lazy_buffer

#: Rings larger than this are refused (a hostile or corrupt handshake must not make us map 1 TB).
MAX_RING_BYTES = 16 << 30
#: Segments larger than this are refused, and so is mapping more than this of one producer's.
MAX_SEGMENT_BYTES = 16 << 30


_ANNOUNCED = np.empty(0, dtype=np.uint8)  # what _segment_frame returns for an announcement


def _close_and_unlink(fd: int, path: str) -> None:
    """Close a shared-memory file opened to be mapped and remove its name (a mapping keeps the memory)."""
    os.close(fd)
    try:
        os.unlink(path)
    except OSError:
        pass


def ring_owner_pid(name: str) -> int | None:
    """The process id a ring's name carries (``rerun-ring-<pid>-<token>``), or None."""
    pid_text = name[len(NAME_PREFIX) :].split("-", 1)[0]
    return int(pid_text) if pid_text.isdigit() else None


class SegmentUnavailable(WireError):
    """A segment named in a record cannot be opened (gone, or of the wrong size): that frame is lost."""


class _SegmentLease:
    """Owner of the memory of one frame in a segment: Arrow buffers over the frame keep it alive;
    when the last goes (the store let go of the frame), the segment is released to the producer."""

    __slots__ = ("slots", "index", "generation", "mapping")

    def __init__(self, slots: np.ndarray, index: int, generation: int, mapping: mmap.mmap) -> None:
        self.slots = slots
        self.index = index
        self.generation = generation
        self.mapping = mapping  # keeps the mapping alive as long as the frame

    def __del__(self) -> None:
        try:
            self.slots[SLOT_SEG_RELEASED + self.index] = self.generation
        except Exception:  # noqa: BLE001 - a finaliser must not raise
            pass


class RingReader:
    """Consumer of one ring announced in a handshake.

    The segment is unlinked as soon as it is mapped, so it vanishes when both sides are gone,
    whichever dies first. Frames are copied out into new memory (the store keeps them; the ring
    space is released at once).

    A frame too big for one ring record comes in CHUNK records; it is admitted whole against the
    receive budget ``buffers`` (shared with every TCP connection) before its first chunk is taken
    (a frame of 1 MiB or more in one record, before it is copied out),
    waiting in line like a TCP frame (the producer meanwhile waits for ring space), and its
    reservation is given back once it was dispatched (when the consumer asks for the next frame) or when the reader
    closes with the frame unfinished.

    Parameters
    ----------
    name, capacity : str, int
        From the handshake.
    max_frame_bytes : int
        Largest frame accepted.
    owner_pid : int, optional
        The process that announced the ring: its name and header must carry this id.
    owner_is_peer : callable() -> bool, optional
        Whether ``owner_pid`` is really the connected peer (asked before any file is touched).
    buffers : ReceiveBudget, optional
        The receive budget chunked frames are reserved against (and whose pooled buffers they may land in).

    Raises
    ------
    WireError
        If the segment is missing, of the wrong size, its header is not a ring's, or it is not
        the connected peer's. Only a ring that passed every check has its name removed.
    """

    def __init__(
        self, name: str, capacity: int, max_frame_bytes: int = MAX_FRAME_BYTES, owner_pid: int | None = None, owner_is_peer=None,
        buffers: ReceiveBudget | None = None,
    ) -> None:
        if not isinstance(capacity, int) or not MIN_RING_BYTES <= capacity <= MAX_RING_BYTES:
            raise WireError(f"ring capacity must be an int in {MIN_RING_BYTES}..{MAX_RING_BYTES}, got {capacity!r}")
        try:
            path = ring_path(name) if isinstance(name, str) else ring_path(repr(name))
        except ValueError as exc:
            raise WireError(str(exc)) from None
        if owner_is_peer is not None and not owner_is_peer():
            raise WireError(f"the connected peer is not process {owner_pid!r} on this host; a ring needs a same-host producer")
        if owner_pid is not None and ring_owner_pid(name) != owner_pid:
            raise WireError(f"ring {name!r} is not named after the connected process {owner_pid}")
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise WireError(f"cannot open ring {name!r}: {exc.strerror}") from None
        # The name is removed only once the file proved to be a live ring of the connected process:
        # a peer must not be able to make the viewer delete any other file (issue 9 item 5).
        validated = False
        try:
            stat = os.fstat(fd)
            if stat.st_uid != os.geteuid():
                raise WireError(f"ring {name!r} belongs to another user")
            if stat.st_size != HEADER_BYTES + capacity:
                raise WireError(f"ring {name!r} holds {stat.st_size} bytes, expected {HEADER_BYTES + capacity}")
            # No MAP_POPULATE: CPython holds the GIL inside mmap(), and populating a 256 MiB ring
            # stalled every other source of this viewer; pages fault in during (GIL-free) copies.
            self._mmap = mmap.mmap(fd, stat.st_size, flags=mmap.MAP_SHARED)
            slots = np.frombuffer(self._mmap, dtype=np.uint64, count=HEADER_BYTES // 8)
            header_ok = int(slots[SLOT_MAGIC]) == RING_MAGIC_U64 and int(slots[SLOT_CAPACITY]) == capacity
            pid_ok = owner_pid is None or int(slots[SLOT_PID]) == owner_pid
            del slots
            if not header_ok or not pid_ok:
                self._mmap.close()
                raise WireError(f"ring {name!r} has a bad header (magic, capacity or owner mismatch)")
            validated = True
        finally:
            if validated:
                _close_and_unlink(fd, path)
            else:
                os.close(fd)
        self.name = name
        self.capacity = capacity
        self.max_frame_bytes = max_frame_bytes
        self._bytes = np.frombuffer(self._mmap, dtype=np.uint8)
        self._data = self._bytes[HEADER_BYTES:]
        self._slots = self._bytes[:HEADER_BYTES].view(np.uint64)
        self._tail = int(self._slots[SLOT_TAIL])
        self._partial: np.ndarray | None = None  # a chunked frame being assembled
        self._partial_filled = 0
        #: Where a chunked frame's memory may come from, and go back to (buffers the store let go).
        self.buffers = buffers
        self._partial_owner: np.ndarray | None = None
        self._assembled_owner: np.ndarray | None = None
        # (bytes, fresh) reserved in ``buffers`` for the frame being assembled / assembled and not yet released.
        self._partial_reservation: tuple[int, bool] | None = None
        self._assembled_reservation: tuple[int, bool] | None = None
        #: Bytes of CHUNK records taken so far; how many chunked frames were begun; the size of the current one.
        self.chunk_bytes = 0
        self.partial_serial = 0
        self.partial_size = 0
        self._segments: dict[int, tuple[str, mmap.mmap, int]] = {}  # index -> (name, mapping, address)
        self.segment_frames = 0
        self.last_lost: str | None = None

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

    def frames(self, peer_gone: Callable[[], bool] | None = None) -> Iterator[np.ndarray | None]:
        """Yield every complete frame now available, each copied into its own array (or, from a
        segment, an array over it); None for a frame lost because its segment could not be opened
        (:attr:`last_lost` says why; the stream goes on).

        A chunked frame first waits for its share of the receive budget; ``peer_gone`` is asked
        meanwhile (see :meth:`ReceiveBudget.reserve`).

        Raises
        ------
        WireError
            On an inconsistent head or a corrupt record (the source is then unusable).
        NoRoom, Withdrawn
            From the receive budget, for a chunked frame.
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
            if rtype not in (RECORD_FRAME, RECORD_CHUNK, RECORD_SEGMENT) or offset + size > cap or size > head - self._tail:
                raise WireError(f"ring {self.name!r}: corrupt record (type {rtype}, length {n}) at offset {offset}")
            start = offset + RECORD_HEADER.size
            data = self._data[start : start + n]
            if rtype == RECORD_FRAME:
                if self._partial is not None:
                    raise WireError(f"ring {self.name!r}: whole frame inside an unfinished chunked frame")
                frame = self._whole_frame(data)
                self._release(size)
                yield frame
                frame = None  # the consumer holds it (or let it go); this generator must not keep it alive
                self._take_back()
                continue
            if rtype == RECORD_SEGMENT:
                if self._partial is not None:
                    raise WireError(f"ring {self.name!r}: segment inside an unfinished chunked frame")
                try:
                    frame = self._segment_frame(data)
                except SegmentUnavailable as exc:
                    frame = None
                    self.last_lost = f"lost a frame: {exc}"
                self._release(size)
                if frame is not _ANNOUNCED:
                    self.segment_frames += frame is not None
                    yield frame
                    frame = None  # (an evicted segment frame must release its segment to the producer)
                    self._take_back()
                continue
            frame = self._append_chunk(data, peer_gone)
            self._release(size)
            if frame is not None:
                yield frame
                # Dispatched: not kept alive here (while the next chunked frame waits for room the store may
                # evict this one to make that room, and its buffer must go then), and its reservation given back.
                frame = None
                self._take_back()

    def _whole_frame(self, data: np.ndarray) -> np.ndarray:
        """A frame that came in one record, copied out. One of 1 MiB or more (a ring record holds up to half
        the ring, 128 MiB by default) is first admitted against the receive budget like a chunked frame:
        many rings each copying one at once would otherwise pass the memory limit together. It is in the
        ring whole already, so it is never withdrawn."""
        n = data.nbytes
        frame = None
        if self.buffers is not None and n >= MIN_POOLED_BYTES:
            frame = self.buffers.reserve(n, key=self)
            self._assembled_reservation = (n, frame is None)
            self._assembled_owner = None if frame is None else frame.base
        if frame is None:
            frame = default_pool.take(n)
        np.copyto(frame, data)
        return frame

    def _append_chunk(self, data: np.ndarray, peer_gone: Callable[[], bool] | None) -> np.ndarray | None:
        if self._partial is None:
            if data.nbytes < FRAME_HEADER.size:
                raise WireError(f"ring {self.name!r}: first chunk of {data.nbytes} bytes is shorter than a frame header")
            _kind, length = parse_frame_header(data, 0, self.max_frame_bytes)
            # Admitted whole against the budget every connection shares (waiting in line), then committed
            # as the chunks come (the header announces a length the producer may never send), unless a
            # buffer the store let go (pages already committed) fits.
            size = FRAME_HEADER.size + length
            if self.buffers is not None:
                # A producer that left gives up its place, unless the whole frame may already be in the ring.
                gone = None if peer_gone is None else lambda: self.available() < size and peer_gone()
                self._partial = self.buffers.reserve(size, key=self, peer_gone=gone)
                self._partial_reservation = (size, self._partial is None)
            self._partial_owner = None if self._partial is None else self._partial.base
            if self._partial is None:
                self._partial = default_pool.take_free(size)  # the transport's own pool: not ours to keep
            if self._partial is None:
                self._partial = lazy_buffer(size)
                self._partial_owner = self._partial if size >= MIN_POOLED_BYTES else None
            self._partial_filled = 0
            self.partial_serial += 1
            self.partial_size = size
        self.chunk_bytes += data.nbytes
        end = self._partial_filled + data.nbytes
        if end > self._partial.nbytes:
            raise WireError(f"ring {self.name!r}: chunks overrun their frame of {self._partial.nbytes} bytes")
        np.copyto(self._partial[self._partial_filled : end], data)
        self._partial_filled = end
        if end < self._partial.nbytes:
            return None
        frame, self._partial = self._partial, None
        self._assembled_owner, self._partial_owner = self._partial_owner, None
        self._assembled_reservation, self._partial_reservation = self._partial_reservation, None
        return frame

    def _take_back(self) -> None:
        """Once the frame last yielded was dispatched: a buffer of ours is kept for this ring's next frame if
        nothing holds it, else lent until the store lets it go (as a TCP frame's); its reservation is given
        back (the store accounts for what it keeps); and, after every frame as for TCP, lent buffers the store
        let go meanwhile become free for reuse."""
        owner, self._assembled_owner = self._assembled_owner, None
        reservation, self._assembled_reservation = self._assembled_reservation, None
        if self.buffers is None:
            return
        if owner is not None and not self.buffers.keep(self, owner):
            self.buffers.lend(owner)
        owner = None
        if reservation is not None:
            self.buffers.release(*reservation)
        self.buffers.reclaim()

    def _segment_frame(self, data: np.ndarray) -> np.ndarray:
        """The frame a SEGMENT record names, as an array over the segment (no copy)."""
        if data.nbytes < SEGMENT_REF.size:
            raise WireError(f"ring {self.name!r}: segment record of {data.nbytes} bytes is too short")
        index, name_len, generation, seg_size, frame_len = SEGMENT_REF.unpack_from(data, 0)
        if index >= MAX_SEGMENTS or SEGMENT_REF.size + name_len > data.nbytes:
            raise WireError(f"ring {self.name!r}: bad segment record (index {index}, name of {name_len} bytes)")
        if not (frame_len == 0 or FRAME_HEADER.size <= frame_len <= seg_size) or frame_len > self.max_frame_bytes + FRAME_HEADER.size:
            raise WireError(f"ring {self.name!r}: segment frame of {frame_len} bytes in a segment of {seg_size}")
        name = data[SEGMENT_REF.size : SEGMENT_REF.size + name_len].tobytes().decode("ascii", "replace")
        if not name.startswith(self.name + "-s"):
            raise WireError(f"ring {self.name!r}: segment {name!r} is not this ring's")
        cached = self._segments.get(index)
        if cached is None or cached[0] != name:
            mapped = sum(m.size() for _, m, _ in self._segments.values() if m is not (cached[1] if cached else None))
            if seg_size > MAX_SEGMENT_BYTES or mapped + seg_size > MAX_SEGMENT_BYTES:
                raise WireError(f"ring {self.name!r}: segment of {seg_size} bytes would map more than {MAX_SEGMENT_BYTES}")
            mapping = self._map_segment(name, seg_size)
            address = np.frombuffer(mapping, dtype=np.uint8).ctypes.data
            cached = self._segments[index] = (name, mapping, address)
        _, mapping, address = cached
        if frame_len == 0:
            return _ANNOUNCED  # a new segment, mapped (and its name removed) ahead of its first use
        lease = _SegmentLease(self._slots, index, generation, mapping)
        return np.frombuffer(pa.foreign_buffer(address, frame_len, base=lease), dtype=np.uint8)

    def _map_segment(self, name: str, size: int) -> mmap.mmap:
        try:
            path = ring_path(name)
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (ValueError, OSError) as exc:
            raise SegmentUnavailable(f"cannot open segment {name!r}: {exc}") from None
        try:
            stat = os.fstat(fd)
            if stat.st_uid != os.geteuid():
                raise SegmentUnavailable(f"segment {name!r} belongs to another user")
            if stat.st_size != size:
                raise SegmentUnavailable(f"segment {name!r} holds {stat.st_size} bytes, expected {size}")
            # No MAP_POPULATE: ingest touches few of the pages (decoding reads metadata and offsets).
            return mmap.mmap(fd, size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ)
        finally:
            _close_and_unlink(fd, path)

    def _unlink_segment_names(self) -> None:
        """Remove segments the producer made but never named in a record (it died, or left first):
        nothing else would, and /dev/shm must not keep them."""
        prefix = self.name + "-s"
        try:
            names = [n for n in os.listdir(SHM_DIR) if n.startswith(prefix)]
        except OSError:
            return
        for name in names:
            try:
                os.unlink(os.path.join(SHM_DIR, name))
            except OSError:
                pass

    def _release(self, nbytes: int) -> None:
        self._tail += nbytes
        self._slots[SLOT_TAIL] = self._tail

    def close(self) -> None:
        """Unmap the ring; a chunked frame left unfinished (the producer went) is discarded and its reservation given back."""
        self._partial = self._partial_owner = self._assembled_owner = None
        for reservation in (self._partial_reservation, self._assembled_reservation):
            if reservation is not None:
                self.buffers.release(*reservation)
        self._partial_reservation = self._assembled_reservation = None
        self._segments.clear()  # frames still in the store keep their own mappings
        self._unlink_segment_names()
        self._bytes = self._data = self._slots = None
        try:
            self._mmap.close()
        except BufferError:
            pass
