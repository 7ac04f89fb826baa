"""The viewer's TCP listener: plain streams, and handshaken connections that move payloads to a ring."""

from __future__ import annotations

import hmac
import logging
import os
import select
import socket
import threading
import time

import numpy as np

from rerun.transport.handshake import (
    HANDSHAKE_MAGIC,
    is_eventfd,
    unix_socket_name,
    PROTOCOL_VERSION,
    WAKE_SPACE,
    encode_handshake,
    read_handshake_body,
)
from rerun.transport.buffers import default_pool
from rerun.wire.frames import FORMAT_VERSION, FRAME_HEADER, STREAM_MAGIC, WireError, parse_frame_header, parse_stream_header

from rerun_app.ingest.connections import Connection, ConnectionTable
from rerun_app.ingest.dispatch import Dispatcher
from rerun_app.ingest.frame_pace import FramePace, Stalled, TooSlow
from rerun_app.ingest.limits import ConnectionLimits
from rerun_app.ingest.log_limit import ingest_log
from rerun_app.ingest.receive_budget import NoRoom, ReceiveBudget, Withdrawn, lazy_buffer
from rerun_app.ingest.peer_check import peer_is_process
from rerun_app.ingest.ring_reader import RingReader
from rerun_app.ingest.stats import SourceStats

logger = logging.getLogger("rerun_app.ingest")

#: The consumer blocks on the control socket for at most this long before looking at the ring
#: again (covers a wake-up lost to store/load reordering between the two processes).
RING_POLL_S = 0.02
RING_POLL_IDLE_S = 0.5
HANDSHAKE_TIMEOUT_S = 5.0


class _Closed(Exception):
    """The peer closed the connection; ``torn`` tells whether it did so mid-frame."""

    def __init__(self, torn: bool, got: int = 0, wanted: int = 0) -> None:
        super().__init__(f"connection closed after {got} of {wanted} bytes of a frame" if torn else "connection closed")
        self.torn = torn


class _Silent(Exception):
    """The peer sent nothing for longer than its connection's timeout allows."""


def _recv_timed(sock: socket.socket, view: memoryview, frame_started: bool, what: str) -> None:
    """:func:`_recv_into` under the socket's timeout, which turns into :class:`_Silent` naming ``what``."""
    try:
        _recv_into(sock, view, frame_started)
    except TimeoutError:
        raise _Silent(f"{what} for {sock.gettimeout():.0f} s") from None


def _recv_paced(sock: socket.socket, view: memoryview, pace: FramePace) -> None:
    """Fill ``view`` (the rest of a frame) from ``sock``, telling ``pace`` how long each piece took to come:
    it ends a frame silent for the stall timeout (:class:`_Silent`) or too slow while others wait (TooSlow)."""
    pos, n = 0, len(view)
    # Wakes up now and then even while nothing comes, to judge the pace of a peer sending nothing at all.
    poll = min(pace.window_s / 4, pace.stall_s)
    sock.settimeout(poll)
    clock = time.monotonic
    while pos < n:
        started = clock()
        try:
            got = sock.recv_into(view[pos:], n - pos)
        except TimeoutError:
            got = None
        if got == 0:
            raise _Closed(True, pos, n)
        now = clock()
        try:
            pace.record(got or 0, min(now - started, poll), now)  # longer: this process was stopped, not waiting
        except Stalled as exc:
            raise _Silent(str(exc)) from None
        pos += got or 0


def _peer_left(conn: socket.socket) -> bool:
    """Whether a ring producer closed its control connection (the wake-up bytes on it are read and dropped)."""
    try:
        while True:
            if not conn.recv(4096, socket.MSG_DONTWAIT):
                return True
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class _Unauthorised(Exception):
    """The viewer requires a token and the peer did not give the right one."""


def _token_matches(given: object, token: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass"))


def _peer_text(conn: socket.socket, peer) -> str:
    return "unix socket" if conn.family == socket.AF_UNIX else f"{peer[0]}:{peer[1]}"


def _recv_into(sock: socket.socket, view: memoryview, frame_started: bool) -> None:
    pos, n = 0, len(view)
    while pos < n:
        got = sock.recv_into(view[pos:], n - pos)
        if not got:
            raise _Closed(frame_started or pos > 0, pos, n)
        pos += got


class TcpServer:
    """Accepts connections on ``bind:port`` and serves each on its own thread.

    Parameters
    ----------
    dispatcher : Dispatcher
        Receives every frame.
    registry : callable(name, kind) -> SourceStats
        Creates the counters of a new source.
    bind, port : str, int
        Where to listen (port 0 picks a free port; see :attr:`port`).
    limits : ConnectionLimits
        How many connections at once, how long a silent one may stay, how much memory frames in
        flight may take together.
    on_refused : callable(peer, reason, source), optional
        Told about each connection turned away (too many open, ``source`` None) or dropped before
        it completed a frame (``source``: its counters, if it had some yet).

    Raises
    ------
    OSError
        If the port is taken (the message says which and what to do).
    """

    def __init__(
        self, dispatcher: Dispatcher, registry, bind: str = "127.0.0.1", port: int = 9876,
        limits: ConnectionLimits = ConnectionLimits(), on_refused=None,
    ) -> None:
        self.dispatcher = dispatcher
        self.registry = registry
        self.limits = limits
        self.receive_budget = ReceiveBudget(limits.receive_budget_bytes, make_room=dispatcher.make_room)
        dispatcher.target.watch_evictions(self.receive_budget.reclaim)  # evicted frames' buffers: reused or let go
        #: Called with (peer text, reason) for a connection turned away before it became a source.
        self.on_refused = on_refused
        self.refused_connections = 0
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((bind, port))
        except OSError as exc:
            self._sock.close()
            raise OSError(
                exc.errno,
                f"cannot listen on {bind}:{port} ({exc.strerror}); is another viewer running? Use --port to pick another",
            ) from None
        self._sock.listen(64)
        self.bind = bind
        self.port = self._sock.getsockname()[1]
        self._stopping = False
        self._connections = ConnectionTable(limits.max_connections)
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept_loop, args=(self._sock,), name="rerun-ingest-accept", daemon=True)
        self._thread.start()
        self._unix = self._listen_unix()

    def _listen_unix(self) -> socket.socket | None:
        """Also listen on an abstract Unix socket named after the port (Linux): same-host producers
        connect there to hand over eventfds for their ring's wake-ups (a TCP byte costs ~6x more)."""
        if not hasattr(socket, "AF_UNIX") or not hasattr(os, "eventfd"):
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind("\0" + unix_socket_name(self.port))
            sock.listen(64)
        except OSError as exc:
            logger.info("ingest: no Unix socket for same-host producers (%s); they use TCP", exc)
            sock.close()
            return None
        threading.Thread(target=self._accept_loop, args=(sock,), name="rerun-ingest-accept-unix", daemon=True).start()
        return sock

    def open_connections(self) -> int:
        return len(self._connections)

    def stop_accepting(self) -> None:
        """Close the listening socket; connections already open go on."""
        if self._stopping:
            return
        self._stopping = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        if self._unix is not None:
            try:
                self._unix.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._unix.close()
        self._thread.join(timeout=2)

    def close(self, timeout: float = 2.0) -> None:
        """Stop accepting, close every connection and wait (bounded) for their threads to finish."""
        self.stop_accepting()
        with self._lock:
            for conn in self._connections.sockets():
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            threads = list(self._threads)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping:
            try:
                conn, peer = listener.accept()
            except OSError:
                if self._stopping:
                    return
                continue
            # One thread per connection: their number is bounded, not the peers' choice. At the limit the
            # connection idle the longest gives way (connections.py), else the new one is turned away.
            connection, gave_way = self._connections.admit(conn, _peer_text(conn, peer))
            if connection is None:
                self._refuse(conn, peer, f"{self.limits.max_connections} connections are open and none is idle (--max-connections)")
                continue
            if gave_way is not None:
                ingest_log.warning("ingest: %s: %s", gave_way.peer_text, gave_way.gave_way)
            if conn.family != socket.AF_UNIX:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(target=self._serve, args=(conn, peer, connection), name=f"rerun-ingest {peer}", daemon=True)
            with self._lock:
                self._threads.add(thread)
            thread.start()

    def _refuse(self, conn: socket.socket, peer, reason: str) -> None:
        self.refused_connections += 1
        peer_text = _peer_text(conn, peer)
        conn.close()
        ingest_log.warning("ingest: refused a connection from %s: %s", peer_text, reason)
        if self.on_refused is not None:
            self.on_refused(peer_text, reason, None)

    def _serve(self, conn: socket.socket, peer, connection: Connection) -> None:
        unix = conn.family == socket.AF_UNIX
        peer_text = _peer_text(conn, peer)
        source: SourceStats | None = None
        fds: list[int] = []
        try:
            conn.settimeout(HANDSHAKE_TIMEOUT_S)
            magic = bytearray(4)
            if unix:  # a ring handshake brings its wake-up eventfds with its first bytes
                got, fds, _flags, _addr = socket.recv_fds(conn, 4, 2)
                if not got:
                    raise _Closed(False)
                magic[: len(got)] = got
                if len(got) < 4:
                    _recv_into(conn, memoryview(magic)[len(got) :], True)
            else:
                _recv_timed(conn, memoryview(magic), False, "sent nothing")
            if magic == STREAM_MAGIC and self.limits.token is not None:
                raise _Unauthorised("a plain stream carries no token, and this viewer requires one (--token)")
            if magic == STREAM_MAGIC:
                rest = bytearray(4)
                _recv_into(conn, memoryview(rest), True)
                format_version = parse_stream_header(bytes(magic + rest))
                source = self.registry(f"tcp {peer_text}", "tcp")
                source.format_version = format_version  # from 3 on, a frame without a checksum is damaged
                self._serve_stream(conn, source, connection)
            elif magic == HANDSHAKE_MAGIC:
                hello = read_handshake_body(conn)
                source = self._serve_handshake(conn, hello, peer_text, fds, connection)
            else:
                raise WireError(f"not a rerun stream: first bytes {bytes(magic)!r}, expected {STREAM_MAGIC!r} or {HANDSHAKE_MAGIC!r}")
        except (_Silent, NoRoom, TimeoutError, _Unauthorised, TooSlow) as exc:
            source = source or connection.source  # a handshaken source raises out of _serve_handshake
            reason = "no room" if isinstance(exc, NoRoom) else "too slow" if isinstance(exc, TooSlow) else "timed out"
            if source is None or source.frames == 0:
                if self.on_refused is not None:
                    self.on_refused(peer_text, str(exc), source)
                ingest_log.warning("ingest: dropped the connection from %s: %s", peer_text, exc)
                if source is not None:
                    source.end_reason = reason
            else:
                Dispatcher.report_error(source, f"dropping the source: {exc or 'timed out'}")
                source.end_reason = reason
        except _Closed as exc:
            source = source or connection.source
            if source is not None and source.frames == 0 and self.on_refused is not None:
                # Gone before its first frame: one aggregate count, not a source of its own.
                self.on_refused(peer_text, f"closed before its first frame ({exc})", source)
                if exc.torn:
                    ingest_log.warning("ingest: %s closed before its first frame: %s; discarded it", peer_text, exc)
                source.end_reason = "closed before its first frame"
            elif source is not None:
                source.end_reason = "torn frame at disconnect" if exc.torn else (connection.gave_way or "closed")
                if exc.torn:
                    Dispatcher.report_error(source, f"{exc}; the torn frame was discarded")
        except Exception as exc:  # noqa: BLE001 - a bad source is dropped, the viewer keeps serving
            source = source or connection.source
            if source is None:
                source = self.registry(f"tcp {peer_text}", "tcp")
            Dispatcher.report_error(source, f"dropping the source: {type(exc).__name__}: {exc}")
            source.end_reason = "error"
        finally:
            source = source or connection.source
            if source is not None and source.ended is None:
                source.end_reason = source.end_reason or "closed"
                source.ended = time.time()
            self._connections.remove(conn)
            with self._lock:
                self._threads.discard(threading.current_thread())
            conn.close()
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _serve_handshake(self, conn: socket.socket, hello: dict, peer_text: str, fds: list[int], connection: Connection) -> SourceStats | None:
        if hello.get("probe"):
            conn.sendall(encode_handshake({"ok": True, "protocol": PROTOCOL_VERSION, "viewer": "rerun_app"}))
            return None
        if self.limits.token is not None and not _token_matches(hello.get("token"), self.limits.token):
            conn.sendall(encode_handshake({"ok": False, "error": "this viewer requires a token: set RERUN_TOKEN to the viewer's --token"}))
            raise _Unauthorised("missing or wrong token in the handshake")
        protocol = hello.get("protocol")
        if protocol != PROTOCOL_VERSION:
            conn.sendall(encode_handshake({"ok": False, "error": f"unsupported protocol {protocol!r}; this viewer speaks {PROTOCOL_VERSION}"}))
            raise WireError(f"handshake with unsupported protocol {protocol!r}")
        format_version = hello.get("format_version", FORMAT_VERSION)
        if not isinstance(format_version, int) or not 0 < format_version <= FORMAT_VERSION:
            error = f"stream format version {format_version!r} is not supported (this viewer reads up to {FORMAT_VERSION})"
            conn.sendall(encode_handshake({"ok": False, "error": error}))
            raise WireError(error)
        pid = hello.get("pid")
        ring_info = hello.get("ring")
        ring = None
        ring_error = None
        if isinstance(ring_info, dict):
            try:
                # Only the process really on the other end may hand over a ring (its own): anything
                # else could make the viewer map, and remove, a file that is not that peer's.
                ring = RingReader(
                    ring_info.get("name"), ring_info.get("capacity"), self.dispatcher.max_frame_bytes or (4 << 30),
                    owner_pid=pid, owner_is_peer=lambda: peer_is_process(conn, pid), buffers=self.receive_budget,
                )
            except WireError as exc:
                ring_error = str(exc)
        elif ring_info is not None:
            ring_error = "handshake field 'ring' must be an object or null"
        # "eventfd": the two fds sent with the hello (data, space) carry the ring's wake-ups.
        wake = None
        if ring is not None and len(fds) == 2 and hello.get("wake") == "eventfd" and all(is_eventfd(fd) for fd in fds):
            for fd in fds:
                os.set_blocking(fd, False)
            wake = (fds[0], fds[1])
        # "segments": big frames may come in shared-memory segments the store keeps without a copy.
        reply = {
            "ok": True, "protocol": PROTOCOL_VERSION, "viewer": "rerun_app", "pid": os.getpid(), "ring": ring is not None,
            "segments": ring is not None, "wake": "eventfd" if wake else "socket",
        }
        if ring_error:
            reply["ring_error"] = ring_error
        conn.sendall(encode_handshake(reply))
        kind = "ring" if ring is not None else "tcp"
        source = connection.source = self.registry(f"{kind} pid {pid} ({peer_text})", kind)
        source.format_version = format_version  # a ring's frames follow no stream header: the hello says it
        if ring_error:
            Dispatcher.report_error(source, f"could not attach the ring ({ring_error}); using TCP")
        if ring is None:
            magic_and_version = bytearray(8)
            _recv_into(conn, memoryview(magic_and_version), False)
            source.format_version = parse_stream_header(bytes(magic_and_version))
            self._serve_stream(conn, source, connection)
        else:
            connection.ring = True  # its frames arrive in shared memory, not on this socket: never idle-closed
            conn.settimeout(None)
            try:
                self._serve_ring(conn, ring, source, wake)
            finally:
                ring.close()
                self.receive_budget.forget(ring)
        return source

    def _serve_stream(self, conn: socket.socket, source: SourceStats, connection: Connection) -> None:
        """Frames from a plain stream until the peer leaves.

        Until its first frame a connection may stay silent for ``half_open_timeout_s``; inside a
        frame, for ``frame_stall_timeout_s`` between two reads. Each frame is admitted against the
        shared :class:`ReceiveBudget`; its memory is committed only as its bytes arrive.
        """
        header = bytearray(FRAME_HEADER.size)
        header_view = memoryview(header)
        limit = self.dispatcher.max_frame_bytes or (4 << 30)
        limits = self.limits
        budget = self.receive_budget
        pace = self._frame_pace()
        try:
            self._receive_frames(conn, source, connection, header, header_view, limit, limits, budget, pace)
        finally:
            budget.forget(conn)  # the buffer this connection kept goes with it

    def _frame_pace(self) -> FramePace:
        limits = self.limits
        return FramePace(limits.min_frame_rate, limits.frame_rate_window_s, limits.frame_stall_timeout_s, self.receive_budget.held_back)

    def _receive_frames(self, conn, source, connection, header, header_view, limit, limits, budget, pace) -> None:
        while True:
            # Between frames a logger that already sent one may be quiet for as long as it likes.
            conn.settimeout(None if source.frames else limits.half_open_timeout_s)
            _recv_timed(conn, header_view[:1], False, "sent no frame")
            connection.frame_started()
            conn.settimeout(limits.frame_stall_timeout_s)
            _recv_timed(conn, header_view[1:], True, "stalled inside a frame header")
            _kind, length = parse_frame_header(header, 0, limit)  # before allocating anything
            size = FRAME_HEADER.size + length
            # The whole frame is admitted against the shared budget before its first byte (frames
            # that each held part of it could wait on one another for ever), but its memory is
            # committed only as bytes arrive: a peer that sends a header alone costs no memory.
            # Admitted in turn (the frames ahead are bounded by their stall timeout), maybe into a pooled buffer.
            frame = budget.reserve(size, key=conn)
            fresh = frame is None
            payload = owner = None
            try:
                if frame is not None:
                    owner = frame.base
                else:
                    frame = default_pool.take_free(size)
                if frame is None:
                    frame = owner = lazy_buffer(size)
                frame[: FRAME_HEADER.size] = np.frombuffer(header, dtype=np.uint8)
                payload = memoryview(frame)[FRAME_HEADER.size :]
                pace.begin(size)
                _recv_paced(conn, payload, pace)
                payload.release()
                self.dispatcher.handle(source, frame)
                frame = payload = None
                if owner is not None and not budget.keep(conn, owner):  # if nothing holds it now, the next frame lands in it
                    budget.lend(owner)  # else once the store lets it go
            finally:
                frame = payload = owner = None  # a torn frame's memory goes now, not when the next one arrives
                budget.release(size, fresh)
            budget.reclaim()  # what the store evicted while storing this frame
            connection.frame_done()

    def _serve_ring(self, conn: socket.socket, ring: RingReader, source: SourceStats, wake: tuple[int, int] | None = None) -> None:
        """Drain the ring whenever woken: by the data eventfd of ``wake`` (data, space) when the
        producer sent them, else by a byte on ``conn``; EOF on ``conn`` means the producer left."""
        data_fd, space_fd = wake if wake is not None else (None, None)
        watched = [conn] if data_fd is None else [conn, data_fd]
        eof = False
        last_data = time.monotonic()
        # A chunked frame holds its share of the receive budget until it is whole: like a TCP frame, it must
        # not stall, nor trickle while other frames wait (frame_pace.py).
        pace = self._frame_pace()
        paced_frame = 0  # ring.partial_serial of the chunked frame the pace follows
        waited = 0.0  # seconds spent waiting for the producer since the last look at the ring
        while True:
            chunk_bytes = ring.chunk_bytes
            try:
                for frame in ring.frames(lambda: _peer_left(conn)):
                    source.zero_copy_frames = ring.segment_frames
                    if frame is None:  # a frame in a segment that could not be opened: lost, counted
                        Dispatcher.report_error(source, ring.last_lost)
                        continue
                    self.dispatcher.handle(source, frame)
                    frame = None  # (the reader takes a chunked frame's buffer and reservation back when resumed)
                    last_data = time.monotonic()
                    if ring.producer_waiting():
                        self._wake_producer(conn, space_fd)
            except Withdrawn:
                Dispatcher.report_error(source, "the producer left while its chunked frame waited for room in the receive budget; discarded it")
                raise _Closed(False) from None
            if ring.partial_frame:
                if ring.partial_serial != paced_frame:
                    paced_frame = ring.partial_serial
                    pace.begin(ring.partial_size)
                else:
                    try:
                        pace.record(ring.chunk_bytes - chunk_bytes, waited)
                    except Stalled as exc:
                        raise _Silent(f"{exc} (chunked, over the ring)") from None
            waited = 0.0
            if ring.producer_waiting():
                self._wake_producer(conn, space_fd)
            if eof:
                if ring.available():
                    continue
                if ring.partial_frame:
                    Dispatcher.report_error(source, "the producer left in the middle of a chunked frame; discarded it")
                raise _Closed(False)
            ring.set_consumer_waiting(True)
            if ring.available():
                ring.set_consumer_waiting(False)
                continue
            try:
                # A lost wake-up needs both sides racing on the flags; after a quiet second the
                # flag has long been visible to the producer, so the safety timeout can grow.
                idle = time.monotonic() - last_data > 1.0
                poll = RING_POLL_IDLE_S if idle and not ring.partial_frame else RING_POLL_S
                started = time.monotonic()
                readable, _, _ = select.select(watched, [], [], poll)
                waited = min(time.monotonic() - started, poll)
                if data_fd is not None and data_fd in readable:
                    try:
                        os.eventfd_read(data_fd)
                    except BlockingIOError:
                        pass
                if conn in readable and not conn.recv(4096):
                    eof = True  # the producer is gone: drain what it published, then stop
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                eof = True
            finally:
                ring.set_consumer_waiting(False)

    @staticmethod
    def _wake_producer(conn: socket.socket, space_fd: int | None = None) -> None:
        if space_fd is not None:
            try:
                os.eventfd_write(space_fd, 1)
            except OSError:
                pass
            return
        try:
            conn.send(WAKE_SPACE, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            pass
