"""The sink that streams to a viewer: over a shared-memory ring on this host, else over TCP.

The calling thread never waits on the viewer. A LOG batch goes straight into the ring when it has
room and nothing is queued before it; otherwise its frame is serialised into memory owned by the
sink (the caller may overwrite its arrays once ``send_log`` returns) and queued for a background
thread, which connects, performs the handshake, writes to the ring or the socket, reconnects after
a viewer restart, and waits for ring space by blocking on the wake-up eventfd (or control socket).
Frames of 1 MiB or more go into shared-memory segments when one is free (the viewer keeps them
without a copy; :mod:`rerun.transport.segments`), which a background thread makes ahead of need. The queue is bounded
in bytes: past the bound the oldest queued LOG frames are dropped (control frames never are),
counted in :meth:`stats`, and one warning is logged.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time

import numpy as np
import pyarrow as pa

from rerun.sinks.base import Sink
from rerun.transport.address import Address
from rerun.transport import process_hooks
from rerun.transport.buffers import default_pool
from rerun.transport.connection import CALLER_WAIT_S, Connection, connect, wait_to_write
from rerun.transport.ring import DEFAULT_RING_BYTES, RingWriter
from rerun.transport.segment_spares import SegmentSpares
from rerun.transport.segments import DEFAULT_SEGMENT_BYTES, SEGMENT_MIN_BYTES
from rerun.wire.frames import FrameKind, encode_frame_header, encode_json_frame, frame_size, seal_frame
from rerun.wire.log_table import log_payload_size, write_log_payload

logger = logging.getLogger("rerun")

DEFAULT_BUFFER_BYTES = 256 << 20
RECONNECT_DELAY_S = (0.05, 1.0)  # first and largest delay between connection attempts
_SMALL_FRAME = 256 << 10
_COALESCE_BYTES = 1 << 20
#: Longest a log call waits for room in a full queue while the viewer is still taking frames.
PACING_LIMIT_S = 1.0

def _env_bytes(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(float(value))
    except ValueError:
        logger.warning("ignoring %s=%r: expected a number of bytes", name, value)
        return default


def serialize_log_frame(batch: pa.RecordBatch, payload_size: int | None = None) -> np.ndarray:
    """A whole LOG frame (header + Arrow IPC payload + XXH3) in a new uint8 array owned by the caller."""
    if payload_size is None:
        payload_size = log_payload_size(batch)
    frame = default_pool.take(frame_size(payload_size))
    writer = pa.FixedSizeBufferWriter(pa.py_buffer(frame))
    writer.write(encode_frame_header(FrameKind.LOG, payload_size, checksum=True))
    write_log_payload(batch, writer)
    writer.close()
    seal_frame(frame)
    return frame


class _Item:
    __slots__ = ("frame", "control")

    def __init__(self, frame: np.ndarray, control: bool) -> None:
        self.frame = frame
        self.control = control


class ViewerSink(Sink):
    """Streams a session to a viewer at ``address``.

    Parameters
    ----------
    address : Address
        Where the viewer listens.
    transport : {"auto", "ring", "tcp"}
        ``"auto"`` (default, or env ``RERUN_TRANSPORT``) uses the shared-memory ring when the
        address is this host's loopback and TCP otherwise; ``"ring"`` falls back to TCP if the
        viewer cannot attach the ring.
    ring_bytes : int, optional
        Ring data size (env ``RERUN_RING_BYTES``; default 256 MiB).
    buffer_bytes : int, optional
        Bound of the queue of unsent frames (env ``RERUN_SINK_BUFFER_BYTES``; default 256 MiB).
    recording_id : str, optional
        Sent in the handshake, for the viewer's log lines.
    """

    def __init__(
        self,
        address: Address,
        *,
        transport: str | None = None,
        ring_bytes: int | None = None,
        buffer_bytes: int | None = None,
        recording_id: str | None = None,
    ) -> None:
        super().__init__()
        transport = transport or os.environ.get("RERUN_TRANSPORT") or "auto"
        if transport not in ("auto", "ring", "tcp"):
            raise ValueError(f"transport: expected 'auto', 'ring' or 'tcp', got {transport!r}")
        self.address = address
        self.transport = transport
        self._want_ring = transport == "ring" or (transport == "auto" and address.is_local())
        self.ring_bytes = ring_bytes or _env_bytes("RERUN_RING_BYTES", DEFAULT_RING_BYTES)
        self.buffer_bytes = buffer_bytes or _env_bytes("RERUN_SINK_BUFFER_BYTES", DEFAULT_BUFFER_BYTES)
        self.segment_bytes = _env_bytes("RERUN_SEGMENT_BYTES", DEFAULT_SEGMENT_BYTES)
        self.recording_id = recording_id
        self._init_state()
        self._connections_made = 0
        self._last_begin: np.ndarray | None = None
        process_hooks.track(self)
        self._start_worker()

    def _init_state(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue: collections.deque[_Item] = collections.deque()
        self._queued_bytes = 0
        self._inflight: list[_Item] | None = None
        self._conn: Connection | None = None
        self._closing = False
        self._closed = False
        self._warned_drop = False
        self._warned_connect = False
        self._stalled_at: int | None = None  # sent bytes when a wait for room found the viewer taking nothing
        self._worker: threading.Thread | None = None
        self._last_error: str | None = None
        self._last_connect_failed = False
        self._reconnect_lazily = False  # the viewer closed us while idle: reconnect once there is data
        self._spares = SegmentSpares(self._cond, f"rerun-sink-segments {self.address}", self._spare_status)

    def _start_worker(self) -> None:
        self._worker = threading.Thread(target=self._run, name=f"rerun-sink {self.address}", daemon=True)
        self._worker.start()

    # -- the caller's side ------------------------------------------------------------------
    def send_log(self, batch: pa.RecordBatch) -> None:
        payload_size = log_payload_size(batch)
        with self._lock:
            if self._closed:
                self._count_drop(frame_size(payload_size))
                return
            conn = self._conn
            if conn is not None and conn.ring is not None and conn.alive and not self._queue and self._inflight is None:
                if self._write_log_segment(conn, batch, payload_size) or self._write_log_waiting(conn, batch, payload_size):
                    self._sent_messages += 1
                    self._sent_bytes += frame_size(payload_size)
                    conn.wake_consumer()
                    return
        frame = serialize_log_frame(batch, payload_size)  # copy: the caller may reuse its arrays
        self._enqueue(_Item(frame, control=False))

    def _write_log_segment(self, conn: Connection, batch: pa.RecordBatch, payload_size: int) -> bool:
        """Big frames: straight into a free shared-memory segment (the viewer keeps it, no copy).
        When none is free, the spare thread is asked for one and this frame takes the ring (lock held)."""
        ring = conn.ring
        frame_len = frame_size(payload_size)
        if ring.segments is None or frame_len < SEGMENT_MIN_BYTES:
            return False
        if ring.segments.has_free(frame_len) and ring.try_write_log_segment(batch, payload_size):
            if not ring.segments.has_free(frame_len):
                self._spares.want(frame_len)
            return True
        self._spares.want(frame_len)
        return False

    def _spare_status(self) -> tuple:
        """For the spare-segment thread (lock held): the connection, whether closed, whether the writer
        thread is writing."""
        return self._conn, self._closed, self._inflight is not None

    @staticmethod
    def _write_log_waiting(conn: Connection, batch: pa.RecordBatch, payload_size: int) -> bool:
        """Write into the ring, waiting up to :data:`CALLER_WAIT_S` for the consumer to free space.

        A short wait beats the alternative (copying the frame aside and writing it again later)
        whenever the viewer keeps up; a viewer that does not is not waited for any longer.
        """
        ring = conn.ring
        if ring.try_write_log(batch, payload_size):
            return True
        return wait_to_write(conn, frame_size(payload_size), ring.try_write_log, batch, payload_size)

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        frame = np.frombuffer(encode_json_frame(kind, obj, checksum=True), dtype=np.uint8)
        if kind == FrameKind.BEGIN_RECORDING:
            self._last_begin = frame
        with self._lock:
            if self._closed:
                self._count_drop(frame.nbytes)
                return
            conn = self._conn
            if conn is not None and conn.ring is not None and conn.alive and not self._queue and self._inflight is None:
                if conn.ring.try_write_frame(frame):
                    self._sent_messages += 1
                    self._sent_bytes += frame.nbytes
                    conn.wake_consumer()
                    return
        self._enqueue(_Item(frame, control=True))

    def _enqueue(self, item: _Item) -> None:
        with self._lock:
            if self._closed:
                self._count_drop(item.frame.nbytes)
                return
            if self._queued_bytes + item.frame.nbytes > self.buffer_bytes:
                self._wait_for_room(item.frame.nbytes)
            self._queue.append(item)
            self._queued_bytes += item.frame.nbytes
            if self._queued_bytes > self.buffer_bytes:
                self._drop_oldest()
            self._cond.notify_all()

    def _wait_for_room(self, nbytes: int) -> None:
        """The queue is full: wait while the viewer takes frames (each sent frame gives it another
        :data:`CALLER_WAIT_S`, up to :data:`PACING_LIMIT_S` in all), so a logger faster than a live viewer
        is slowed to its pace instead of losing frames; a viewer that takes nothing for ``CALLER_WAIT_S``
        (stopped, gone) is not waited for: the oldest unsent frames are dropped, and later calls do not wait
        until it takes one again (lock held)."""
        if self._stalled_at == self._sent_bytes:
            return  # nothing sent since a wait found the viewer taking nothing: do not wait again
        now = time.monotonic()
        deadline, give_up = now + CALLER_WAIT_S, now + PACING_LIMIT_S
        sent = self._sent_bytes
        while self._queued_bytes + nbytes > self.buffer_bytes and not self._closed and self._conn is not None and self._conn.alive:
            now = time.monotonic()
            if self._sent_bytes != sent:
                sent, deadline = self._sent_bytes, now + CALLER_WAIT_S
            remaining = min(deadline, give_up) - now
            if remaining <= 0:
                if deadline <= give_up:
                    self._stalled_at = sent
                return
            self._cond.wait(remaining)

    def _drop_oldest(self) -> None:
        """Drop queued LOG frames, oldest first, until the queue is within its bound (lock held)."""
        kept: collections.deque[_Item] = collections.deque()
        newest = self._queue[-1]
        while self._queue and self._queued_bytes > self.buffer_bytes:
            item = self._queue.popleft()
            if item.control or item is newest:
                kept.append(item)
                continue
            self._queued_bytes -= item.frame.nbytes
            self._count_drop(item.frame.nbytes)
        kept.extend(self._queue)
        self._queue = kept

    def _count_drop(self, nbytes: int) -> None:
        self._dropped_messages += 1
        self._dropped_bytes += nbytes
        if not self._warned_drop:
            self._warned_drop = True
            logger.warning(
                "rerun: the viewer at %s is not keeping up or is unreachable; dropping the oldest unsent "
                "log messages (queue bound %d MiB). rr.get_sink_stats() counts them.",
                self.address,
                self.buffer_bytes >> 20,
            )

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued frame is handed to the ring or the socket.

        Gives up after ``timeout`` seconds, or after 2 s in which connecting to the viewer kept
        failing (nothing listens). Returns True if the queue drained.
        """
        deadline = time.monotonic() + timeout
        unconnected_since = None
        with self._lock:
            while self._queue or self._inflight is not None:
                now = time.monotonic()
                worker_gone = self._worker is None or not self._worker.is_alive()
                if worker_gone or (self._conn is None and self._last_connect_failed):
                    unconnected_since = unconnected_since or now
                    if now - unconnected_since > 2.0:
                        return False
                else:
                    unconnected_since = None
                if now >= deadline:
                    return False
                self._cond.wait(min(0.05, deadline - now))
        return True

    def close(self, goodbye: dict | None = None) -> None:
        """Flush (bounded), send GOODBYE, stop the background thread and release the connection."""
        with self._lock:
            if self._closed or self._closing:
                return
            self._closing = True
        self.send_control(FrameKind.GOODBYE, goodbye or {})
        self.flush()
        with self._lock:
            self._closed = True
            for item in self._queue:
                self._count_drop(item.frame.nbytes)
            self._queue.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=2.0)
        self._spares.join(timeout=2.0)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        process_hooks.forget(self)

    def stats(self) -> dict:
        stats = super().stats()
        with self._lock:
            stats.update(
                address=str(self.address),
                transport=self._conn.kind if self._conn is not None else None,
                connected=self._conn is not None and self._conn.alive,
                queued_messages=len(self._queue) + len(self._inflight or ()),
                queued_bytes=self._queued_bytes,
                last_error=self._last_error,
            )
        return stats

    # -- the background thread --------------------------------------------------------------
    def _run(self) -> None:
        delay = RECONNECT_DELAY_S[0]
        while True:
            with self._lock:
                if self._closed:
                    return
                conn = self._conn
            if conn is None:
                with self._lock:
                    if self._reconnect_lazily and not self._queue and not self._closed:
                        # The viewer closed this idle connection (to admit another): come back with data,
                        # not at once (idle loggers reconnecting at once would push each other out).
                        self._cond.wait(0.25)
                        continue
                if not self._connect():
                    with self._lock:
                        if self._closed:
                            return
                        self._cond.wait(delay)
                    delay = min(delay * 2, RECONNECT_DELAY_S[1])
                    continue
                delay = RECONNECT_DELAY_S[0]
                continue
            with self._lock:
                while not self._queue and not self._closed and conn.alive:
                    if not self._cond.wait(0.25):
                        break
                if self._closed:
                    return
                items = self._take_items(tcp=conn.ring is None)
                if items:
                    self._inflight = items
            if not items:
                conn.poll_socket(0)  # notice a viewer that went away, or closed us while we were idle
                if not conn.alive:
                    self._disconnect(conn, "the viewer closed the connection", idle=True)
                continue
            try:
                ok = self._write(conn, items)
            except OSError as exc:
                ok = False
                conn.alive = False
                self._last_error = str(exc)
            with self._lock:
                self._inflight = None
                if conn.alive and conn.ring is not None and conn.ring.segments is not None and conn.ring.segments.unannounced():
                    conn.ring.announce_segments()
                if ok:
                    self._sent_messages += len(items)
                    self._sent_bytes += sum(item.frame.nbytes for item in items)
                elif not self._closed:
                    for item in reversed(items):  # resend on the next connection, in order
                        self._queue.appendleft(item)
                        self._queued_bytes += item.frame.nbytes
                self._cond.notify_all()
                del items
            if not ok:
                self._disconnect(conn, self._last_error or "the viewer closed the connection")

    def _take_items(self, tcp: bool) -> list[_Item]:
        """Pop the next frame, plus (for TCP) the small frames behind it, into one send (lock held)."""
        if not self._queue:
            return []
        items = [self._queue.popleft()]
        total = items[0].frame.nbytes
        if tcp and total < _SMALL_FRAME:
            while self._queue and self._queue[0].frame.nbytes < _SMALL_FRAME and total < _COALESCE_BYTES:
                items.append(self._queue.popleft())
                total += items[-1].frame.nbytes
        self._queued_bytes -= total
        return items

    def _write(self, conn: Connection, items: list[_Item]) -> bool:
        if not conn.alive:
            return False  # requeued, and sent again on the next connection
        if conn.ring is None:
            frames = [item.frame for item in items]
            conn.sock.sendall(frames[0] if len(frames) == 1 else np.concatenate(frames))
            return True
        (item,) = items
        frame = item.frame
        ring = conn.ring
        if ring.segments is not None and frame.nbytes >= SEGMENT_MIN_BYTES and self._write_frame_segment(ring, frame):
            conn.wake_consumer()
            return True
        if frame.nbytes <= ring.max_record_data():
            while not ring.try_write_frame(frame):
                if not self._wait_for_space(conn):
                    return False
            conn.wake_consumer()
            return True
        offset = 0
        while offset < frame.nbytes:
            taken = ring.write_chunk(frame[offset:])
            if taken:
                offset += taken
                conn.wake_consumer()
            elif not self._wait_for_space(conn):
                return False
        return True

    def _write_frame_segment(self, ring: RingWriter, frame: np.ndarray) -> bool:
        """Copy a queued big frame into a free segment (the copy outside the lock); False if none."""
        pool = ring.segments
        with self._lock:
            seg = pool.acquire(frame.nbytes, create=False)
            if seg is None:
                self._spares.want(frame.nbytes)
                return False
            seg.reserved = True
        try:
            np.copyto(seg.array[: frame.nbytes], frame)
            with self._lock:
                done = ring.publish_segment(seg, frame.nbytes)
                if not pool.has_free(frame.nbytes):
                    self._spares.want(frame.nbytes)
        finally:
            seg.reserved = False
        return done

    def _wait_for_space(self, conn: Connection) -> bool:
        """Block (on the socket, not spinning) until the consumer frees space; False if it is gone."""
        ring = conn.ring
        ring.set_producer_waiting(True)
        try:
            if ring.free_bytes() < ring.capacity // 4:  # re-check after raising the flag
                conn.poll_socket(0.02)  # short timeout: covers a wake-up lost to store/load reordering
        finally:
            ring.set_producer_waiting(False)
        with self._lock:
            closed_hard = self._closed
        return conn.alive and not closed_hard

    def _connect(self) -> bool:
        try:
            conn = connect(self.address, self._want_ring, self.ring_bytes, self.segment_bytes, self.recording_id)
        except (OSError, ValueError) as exc:
            self._last_error = f"{type(exc).__name__}: {exc}"
            self._last_connect_failed = True
            if not self._warned_connect:
                self._warned_connect = True
                refused = "refused the connection" in str(exc)  # a viewer answered, and said no
                logger.log(
                    logging.WARNING if refused else logging.INFO,
                    "rerun: cannot reach the viewer at %s yet (%s); will keep trying", self.address, exc,
                )
            return False
        with self._lock:
            if self._closed:
                conn.close()
                return False
            if self._connections_made and self._last_begin is not None:
                self._queue.appendleft(_Item(self._last_begin, control=True))  # a new viewer needs it
                self._queued_bytes += self._last_begin.nbytes
            self._connections_made += 1
            self._reconnect_lazily = False
            self._conn = conn
            self._warned_connect = False
            self._last_connect_failed = False
            self._cond.notify_all()
        return True

    def _disconnect(self, conn: Connection, reason: str, idle: bool = False) -> None:
        with self._lock:
            if self._conn is conn:
                self._conn = None
            closing = self._closing
            # Nothing was lost: a viewer at its --max-connections closes the connection idle the longest.
            self._reconnect_lazily = idle and not self._queue
        conn.close()
        if closing:
            return
        if self._reconnect_lazily:
            logger.info("rerun: the viewer at %s closed this idle connection; reconnecting when there is data to send", self.address)
        else:
            logger.warning("rerun: lost the connection to the viewer at %s (%s); reconnecting", self.address, reason)

    # -- fork -----------------------------------------------------------------------------------
    def reopen_after_fork(self) -> None:
        """In a forked child (called by :func:`rerun.transport.process_hooks.reopen_in_forked_child`): forget
        the parent's connection and queue, open our own lazily."""
        inherited = self._conn
        self._init_state()
        self._sent_messages = self._sent_bytes = self._dropped_messages = self._dropped_bytes = 0
        self._connections_made = 1  # so the recording's BEGIN is re-sent on our own connection
        if inherited is not None:
            # Closing our copies (no shutdown) leaves the parent's connection and ring untouched.
            try:
                inherited.close(forked_copy=True)
            except (OSError, BufferError, ValueError):
                pass
        self._start_worker()
