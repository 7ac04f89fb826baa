"""What one viewer grants its peers: connections at once, silence allowed, memory for frames in flight."""

from __future__ import annotations

from dataclasses import dataclass

#: Connections served at once (each holds a thread); more are turned away until some close.
DEFAULT_MAX_CONNECTIONS = 64
#: A connection that has not completed a frame within this long is closed (a logger sends its
#: BEGIN_RECORDING as soon as it connects; a peer that sends only a header holds a thread for nothing).
DEFAULT_HALF_OPEN_TIMEOUT_S = 30.0
#: Inside a frame, the longest pause between two reads
#: before the connection is dropped: an announced frame holds its share of the budget meanwhile.
DEFAULT_FRAME_STALL_TIMEOUT_S = 20.0
#: A frame that holds back other peers' frames (they do not fit beside it in the receive budget) and
#: arrives slower than this (bytes per second of waiting for it) is abandoned (frame_pace.py). An
#: honest logger on loopback sends hundreds of MB/s, a slow link 10 MB/s; a trickler a few bytes.
DEFAULT_MIN_FRAME_RATE = 1 << 20
#: The rate is judged over windows this long.
DEFAULT_FRAME_RATE_WINDOW_S = 2.0


@dataclass(frozen=True)
class ConnectionLimits:
    """Limits of a :class:`~rerun_app.ingest.tcp_server.TcpServer`.

    Parameters
    ----------
    max_connections : int
        Connections open at once (TCP and Unix socket together).
    half_open_timeout_s : float
        Seconds a connection may stay before its first complete frame.
    frame_stall_timeout_s : float
        Seconds without a byte inside a frame (waiting for room in the receive budget has no deadline:
        the frames ahead are bounded by this timeout).
    min_frame_rate : float
        Bytes per second below which a frame that holds back other frames is abandoned.
    frame_rate_window_s : float
        Seconds over which that rate is measured.
    receive_budget_bytes : int or None
        Bytes that all frames being received may announce together (None: unbounded).
    token : str or None
        If set, only peers whose handshake carries this token are served (plain streams, which
        have no handshake, are refused): for a viewer bound beyond loopback.
    """

    max_connections: int = DEFAULT_MAX_CONNECTIONS
    half_open_timeout_s: float = DEFAULT_HALF_OPEN_TIMEOUT_S
    frame_stall_timeout_s: float = DEFAULT_FRAME_STALL_TIMEOUT_S
    min_frame_rate: float = DEFAULT_MIN_FRAME_RATE
    frame_rate_window_s: float = DEFAULT_FRAME_RATE_WINDOW_S
    receive_budget_bytes: int | None = None
    token: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max_connections, bool) or not isinstance(self.max_connections, int) or self.max_connections < 1:
            raise ValueError(f"max_connections: expected an int >= 1, got {self.max_connections!r}")
        for name in ("half_open_timeout_s", "frame_stall_timeout_s", "min_frame_rate", "frame_rate_window_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
