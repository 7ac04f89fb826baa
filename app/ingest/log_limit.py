"""Ingest warnings, at most a few per interval across every source: a flood of bad peers must not flood stderr."""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("rerun_app.ingest")

#: Warnings written per interval, all sources together; the rest are counted and summarised.
LINES_PER_INTERVAL = 20
INTERVAL_S = 10.0


class RateLimitedLog:
    """``warning()`` writes at most ``lines`` lines per ``interval`` seconds; when a new interval
    starts after some were held back, one line says how many."""

    def __init__(self, lines: int = LINES_PER_INTERVAL, interval: float = INTERVAL_S) -> None:
        self.lines = lines
        self.interval = interval
        self.suppressed_total = 0
        self._window_start = time.monotonic()
        self._written = 0
        self._suppressed = 0
        self._lock = threading.Lock()

    def warning(self, message: str, *args) -> bool:
        """Log ``message % args`` unless this interval's lines are used up; returns whether it was written."""
        with self._lock:
            now = time.monotonic()
            if now - self._window_start >= self.interval:
                if self._suppressed:
                    logger.warning("ingest: %d more warnings in the last %.0f s were not shown", self._suppressed, now - self._window_start)
                self._window_start, self._written, self._suppressed = now, 0, 0
            if self._written >= self.lines:
                self._suppressed += 1
                self.suppressed_total += 1
                return False
            self._written += 1
        logger.warning(message, *args)
        return True


#: The one limiter of the viewer's ingest warnings.
ingest_log = RateLimitedLog()
