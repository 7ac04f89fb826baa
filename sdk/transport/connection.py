"""One connection of a viewer sink to a viewer: opening it (Unix socket or TCP), the handshake that offers a
shared-memory ring, ring wake-ups, and closing it."""

from __future__ import annotations

# getaddrinfo imports this codec lazily; if a sink thread does that while the process forks, the child
# inherits a half-imported module and its connect() fails with "unknown encoding: idna". Import it up front.
import encodings.idna  # noqa: F401
import os
import select
import socket
import sys
import time

from rerun.transport.address import Address
from rerun.transport.handshake import (
    TOKEN_ENV,
    PROTOCOL_VERSION,
    WAKE_DATA,
    encode_handshake,
    read_handshake,
    unix_socket_name,
)
from rerun.transport.ring import RingWriter
from rerun.wire.frames import FORMAT_VERSION, STREAM_HEADER

CONNECT_TIMEOUT_S = 2.0
HANDSHAKE_TIMEOUT_S = 5.0
#: How long a log call may wait for ring space before it copies its frame aside instead.
CALLER_WAIT_S = 0.005
#: One segment of this size is made as soon as a ring connection takes segments, so the first big
#: frames (point clouds, HD images: 4-16 MiB) need not wait for one (nor take the two-copy path).
INITIAL_SEGMENT_BYTES = 16 << 20
#: Same-host ring connections go through the viewer's Unix socket, passing eventfds for wake-ups
#: (env ``RERUN_UNIX_SOCKET=0``: over TCP, woken by bytes on the socket).
USE_UNIX_SOCKET = (
    hasattr(socket, "AF_UNIX") and hasattr(os, "eventfd") and sys.platform.startswith("linux")
    and os.environ.get("RERUN_UNIX_SOCKET", "1") != "0"
)


class Connection:
    """One live connection: the socket, and the ring when payloads go through shared memory.

    Ring wake-ups go through two eventfds when the viewer took them (``wake``: data, space),
    else as one byte on the socket.
    """

    def __init__(self, sock: socket.socket, ring: RingWriter | None, wake: tuple[int, int] | None = None) -> None:
        self.sock = sock
        self.ring = ring
        self.wake = wake
        self._watched = [sock] if wake is None else [sock, wake[1]]
        self.alive = True

    @property
    def kind(self) -> str:
        return "ring" if self.ring is not None else "tcp"

    def wake_consumer(self) -> None:
        if self.ring.consumer_waiting():
            if self.wake is not None:
                try:
                    os.eventfd_write(self.wake[0], 1)
                except OSError:
                    self.alive = False
                return
            try:
                self.sock.send(WAKE_DATA, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                pass  # the socket already holds unread wake-ups
            except OSError:
                self.alive = False

    def poll_socket(self, timeout: float) -> None:
        """Wait up to ``timeout`` for a wake-up; mark the connection dead on EOF or error."""
        try:
            readable, _, _ = select.select(self._watched, [], [], timeout)
            if self.wake is not None and self.wake[1] in readable:
                try:
                    os.eventfd_read(self.wake[1])
                except BlockingIOError:
                    pass
            if self.sock in readable:
                if not self.sock.recv(4096, socket.MSG_DONTWAIT):
                    self.alive = False
        except (BlockingIOError, InterruptedError):
            pass
        except (OSError, ValueError):
            self.alive = False

    def close(self, forked_copy: bool = False) -> None:
        """Close; ``forked_copy``: this is a forked child's copy of its parent's connection (remove
        no shared-memory name the parent still uses)."""
        viewer_alive = forked_copy or (self.ring is not None and self._viewer_still_connected())
        self.alive = False
        try:
            self.sock.close()
        except OSError:
            pass
        if self.wake is not None:
            for fd in self.wake:
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.wake = None
        if self.ring is not None:
            self.ring.close(viewer_alive=viewer_alive, unlink=not forked_copy)

    def _viewer_still_connected(self) -> bool:
        """True unless the viewer's end of the socket is closed (it exited or was killed: the
        kernel closes its sockets at once, even before its parent reaps it)."""
        try:
            while True:
                if not self.sock.recv(4096, socket.MSG_DONTWAIT):
                    return False  # EOF
        except (BlockingIOError, InterruptedError):
            return True  # nothing more to read, and no EOF
        except OSError:
            return False


def connect(address: Address, want_ring: bool, ring_bytes: int, segment_bytes: int,
            recording_id: str | None) -> Connection:
    """Connect to the viewer at ``address`` and shake hands, offering a ring of ``ring_bytes`` when
    ``want_ring`` (taken or refused by the viewer) and segments of up to ``segment_bytes`` (0: none).

    Raises
    ------
    OSError, ValueError
        When the viewer cannot be reached, refuses, or answers something else than a handshake
        (:class:`ConnectionError` names the viewer's reason). Nothing stays open then.
    """
    ring = None
    sock = None
    wake = None
    try:
        sock, wake = _open_socket(address, want_ring)
        if want_ring:
            ring = RingWriter(ring_bytes)
        hello = {
            "protocol": PROTOCOL_VERSION,
            "format_version": FORMAT_VERSION,
            "pid": os.getpid(),
            "recording_id": recording_id,
            "ring": {"name": ring.name, "capacity": ring.capacity} if ring is not None else None,
        }
        if os.environ.get(TOKEN_ENV):  # a viewer reachable from other hosts may require it (``--token``)
            hello["token"] = os.environ[TOKEN_ENV]
        sock.settimeout(HANDSHAKE_TIMEOUT_S)
        if wake is not None and ring is not None:
            hello["wake"] = "eventfd"
            message = encode_handshake(hello)
            sent = socket.send_fds(sock, [message], list(wake))
            if sent < len(message):
                sock.sendall(message[sent:])
        else:
            sock.sendall(encode_handshake(hello))
        reply = read_handshake(sock)
        if ring is not None:
            ring.unlink()  # the viewer has mapped it by now (or refused it): the name can go
        if not reply.get("ok"):
            raise ConnectionError(f"the viewer refused the connection: {reply.get('error', 'no reason given')}")
        if ring is not None and not reply.get("ring"):
            ring.close()
            ring = None
        if ring is not None and reply.get("segments") and segment_bytes > 0:
            ring.enable_segments(segment_bytes)
            _make_initial_segment(ring)
        if wake is not None and (ring is None or reply.get("wake") != "eventfd"):
            for fd in wake:
                os.close(fd)
            wake = None
        sock.settimeout(None)
        if ring is None:
            sock.sendall(STREAM_HEADER)
    except (OSError, ValueError):
        if ring is not None:
            ring.close()
        if sock is not None:
            sock.close()
        if wake is not None:
            for fd in wake:
                os.close(fd)
        raise
    return Connection(sock, ring, wake)


def _open_socket(address: Address, want_ring: bool) -> tuple[socket.socket, tuple[int, int] | None]:
    """Connect: to the viewer's Unix socket (with fresh wake-up eventfds) for a same-host ring
    when it has one, else over TCP."""
    if want_ring and USE_UNIX_SOCKET and address.is_local():
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect("\0" + unix_socket_name(address.port))
        except OSError:
            sock.close()  # an older viewer, or one in another network namespace: TCP
        else:
            flags = os.EFD_NONBLOCK | os.EFD_CLOEXEC
            return sock, (os.eventfd(0, flags), os.eventfd(0, flags))
    sock = socket.create_connection((address.host, address.port), timeout=CONNECT_TIMEOUT_S)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock, None


def _make_initial_segment(ring: RingWriter) -> None:
    """One segment of :data:`INITIAL_SEGMENT_BYTES`, made here (the background thread, before
    the connection is in use) so the first big frames need not wait for one."""
    size = INITIAL_SEGMENT_BYTES
    if not size or size > ring.segments.max_bytes:
        return
    made = ring.segments.make_mapping(size)
    index = ring.segments.slot_for(size) if made is not None else None
    if index is not None:
        ring.segments.adopt(index, size, made)
        ring.announce_segments()  # the connection is not in use yet: the ring is ours


def wait_to_write(conn: "Connection", frame_len: int, try_write, *args) -> bool:
    """Retry ``try_write(*args)`` (a ring write of ``frame_len`` bytes that just found no room)
    until it succeeds, :data:`CALLER_WAIT_S` passes or the connection dies; False at once for a
    frame larger than any ring record."""
    ring = conn.ring
    if frame_len > ring.max_record_data():
        return False
    deadline = time.monotonic() + CALLER_WAIT_S
    ring.set_producer_waiting(True)
    try:
        while not try_write(*args):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not conn.alive:
                return False
            conn.poll_socket(remaining)
        return True
    finally:
        ring.set_producer_waiting(False)
