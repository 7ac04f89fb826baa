"""How fast a peer delivers the frame it is inside: a frame that holds back others must keep a minimum pace.

A frame is admitted whole against the shared receive budget before its bytes arrive, and frames that
do not fit beside it wait in arrival order. Silence inside a frame is bounded by the stall timeout,
but a peer could send a few bytes every second and hold its reservation for ever, and with it every
frame that waits. So, while the budget holds a frame back (:meth:`ReceiveBudget.held_back`), each
frame in flight is judged over windows of ``window_s``: one whose bytes came slower than
``min_rate`` bytes per second of waiting for them, two windows in a row, is abandoned
(:class:`TooSlow`), its reservation returned. The rate counts only the time spent waiting on the
peer (blocked in ``recv``, or on the ring's wake-up; the caller clamps each wait to its poll period,
so a viewer that was itself stopped or starved of CPU does not count its pause), not the time this
process spent elsewhere, so a viewer busy with other work never blames an honest peer; one slow
window (a hiccup on either side) is forgiven; and nothing is judged while no frame waits, so slow
links are fine until they stand in another peer's way. A frame then makes others wait at most about
its size / ``min_rate`` (plus two windows).
"""

from __future__ import annotations

import time
from typing import Callable


class TooSlow(Exception):
    """A frame that held back other peers' frames arrived slower than the minimum rate."""


class Stalled(Exception):
    """No byte of a frame came for the stall timeout."""


def rate_text(bytes_per_s: float) -> str:
    """``1.5 MB/s``, ``320 B/s``: a rate for a message."""
    for unit, scale in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if bytes_per_s >= scale:
            return f"{bytes_per_s / scale:.1f} {unit}"
    return f"{bytes_per_s:.0f} B/s"


class FramePace:
    """The pace of one connection's current frame.

    Parameters
    ----------
    min_rate : float
        Bytes per second of waiting below which a frame holding others back is abandoned.
    window_s : float
        Length of the windows the rate is measured over.
    stall_s : float
        Longest time without a byte inside a frame.
    held_back : callable() -> int
        Bytes of the frame the receive budget holds back now (0: none), asked once per window.
    """

    def __init__(self, min_rate: float, window_s: float, stall_s: float, held_back: Callable[[], int]) -> None:
        self.min_rate = min_rate
        self.window_s = window_s
        self.stall_s = stall_s
        self._held_back = held_back
        self.begin(0)

    def begin(self, frame_bytes: int, now: float | None = None) -> None:
        """A frame of ``frame_bytes`` was admitted: its bytes are expected from now."""
        now = time.monotonic() if now is None else now
        self.frame_bytes = frame_bytes
        self.received = 0
        self._last_byte = self._window_start = now
        self._window_bytes = 0
        self._window_waited = 0.0
        self._slow_windows = 0

    def record(self, nbytes: int, waited_s: float, now: float | None = None) -> None:
        """``nbytes`` of the frame came after waiting ``waited_s`` for them.

        Raises
        ------
        Stalled
            If no byte came for ``stall_s``.
        TooSlow
            If a window ended slower than ``min_rate`` while another frame was held back.
        """
        now = time.monotonic() if now is None else now
        if nbytes:
            self.received += nbytes
            self._window_bytes += nbytes
            self._last_byte = now
        elif now - self._last_byte > self.stall_s:
            raise Stalled(f"sent nothing for {now - self._last_byte:.0f} s inside a frame of {self.frame_bytes} bytes")
        self._window_waited += waited_s
        if now - self._window_start < self.window_s:
            return
        window_bytes, waited = self._window_bytes, self._window_waited
        self._window_start, self._window_bytes, self._window_waited = now, 0, 0.0
        # Judged only when the peer had the chance to send (most of the window was spent waiting on it).
        if waited < self.window_s / 2 or window_bytes >= self.min_rate * waited:
            self._slow_windows = 0
            return
        self._slow_windows += 1
        blocked = self._held_back() if self._slow_windows >= 2 else 0
        if blocked:
            raise TooSlow(
                f"abandoned its frame of {self.frame_bytes} bytes ({self.received} received): it arrived at "
                f"{rate_text(window_bytes / waited)} over the last {waited:.1f} s of waiting for it, under the minimum of "
                f"{rate_text(self.min_rate)} while a frame of {blocked} bytes waited for its share of the receive budget "
                f"(--min-frame-rate)"
            )
