"""The connections a viewer serves, and which one gives way when ``--max-connections`` are open.

A logger may stay quiet for minutes between two frames (and loggers of other tools send no
heartbeat), so a quiet connection is not timed out. But once the limit is reached, a new peer would
otherwise be turned away for as long as quiet connections stay open: instead, the connection that
has been idle the longest (between frames, not inside one) gives way. Peers that never completed a
frame go first, then the longest idle. The one that gives way is closed gently: the viewer stops
writing (FIN) and goes on reading for :data:`CLOSE_GRACE_S`, so a frame already on its way is still
received; this project's loggers notice the FIN while idle and reconnect when they next log.
Connections inside a frame, ring connections, and connections active within :data:`MIN_IDLE_S`
never give way, nor more than a quarter of the limit at once.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

#: A connection quieter than this may give way to a new one at the limit.
MIN_IDLE_S = 2.0
#: After its FIN, a connection that gives way is read from for this long before it is closed.
CLOSE_GRACE_S = 5.0


@dataclass(eq=False)
class Connection:
    """One served connection: who it is, and whether it is between frames and since when."""

    sock: socket.socket
    peer_text: str
    opened: float = field(default_factory=time.monotonic)
    #: When its last frame completed (or it opened).
    last_active: float = field(default_factory=time.monotonic)
    frames: int = 0
    #: Inside a frame, or serving a shared-memory ring: never closed to make room.
    busy: bool = False
    ring: bool = False
    #: Closed to admit another connection (why, for its source's end reason), or None.
    gave_way: str | None = None
    #: Its source's counters (a ``SourceStats``) once it has some.
    source: object = None

    def frame_started(self) -> None:
        self.busy = True

    def frame_done(self) -> None:
        self.frames += 1
        self.busy = False
        self.last_active = time.monotonic()

    def idle_s(self, now: float) -> float:
        return now - self.last_active


class ConnectionTable:
    """Open connections, bounded by ``max_connections``; see the module docstring for who gives way."""

    def __init__(self, max_connections: int) -> None:
        self.max_connections = max_connections
        self._open: dict[socket.socket, Connection] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._open)

    def sockets(self) -> list[socket.socket]:
        with self._lock:
            return list(self._open)

    def get(self, sock: socket.socket) -> Connection | None:
        with self._lock:
            return self._open.get(sock)

    def admit(self, sock: socket.socket, peer_text: str) -> tuple[Connection | None, Connection | None]:
        """``(connection, gave_way)``: the new connection (None: the limit is reached and nobody is idle
        enough to give way), and the one closed to make room for it (None if there was room)."""
        now = time.monotonic()
        with self._lock:
            active = [c for c in self._open.values() if c.gave_way is None]
            victim = None
            if len(active) >= self.max_connections:
                leaving = len(self._open) - len(active)
                if leaving >= max(1, self.max_connections // 4):
                    return None, None
                victim = self._longest_idle(active, now)
                if victim is None:
                    return None, None
                idle = victim.idle_s(now)
                victim.gave_way = (
                    f"closed after {idle:.0f} s idle to admit a new connection ({self.max_connections} were open, --max-connections)"
                )
            connection = self._open[sock] = Connection(sock, peer_text)
        if victim is not None:
            _close_gently(victim.sock)
        return connection, victim

    @staticmethod
    def _longest_idle(active: list[Connection], now: float) -> Connection | None:
        candidates = [c for c in active if not c.busy and not c.ring and c.idle_s(now) >= MIN_IDLE_S]
        if not candidates:
            return None
        # Never-completed connections first (a flood's), then the longest idle.
        return max(candidates, key=lambda c: (c.frames == 0, c.idle_s(now)))

    def remove(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.pop(sock, None)


def _close_gently(sock: socket.socket) -> None:
    """Send FIN (the peer sees the close) but keep reading for :data:`CLOSE_GRACE_S`, then close for good."""
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        return

    def close_for_good() -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # the serving thread's read returns, and it closes the socket
        except OSError:
            pass

    timer = threading.Timer(CLOSE_GRACE_S, close_for_good)
    timer.daemon = True
    timer.start()
