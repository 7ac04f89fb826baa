"""Per-source counters of the viewer's ingest: frames, rows, bytes, errors and end-to-end latency."""

from __future__ import annotations

import threading
import time

import numpy as np

from rerun.wire.frames import FORMAT_VERSION

_LATENCY_SAMPLES = 1 << 13


class SourceStats:
    """What one source (a TCP connection, a ring, a file) delivered.

    Latency is measured per LOG frame as the time the store finished ingesting it minus the
    newest ``log_time`` in the frame (both wall-clock ns on this host); the last 8192 samples are
    kept for percentiles.
    """

    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind
        self.started = time.time()
        self.ended: float | None = None
        self.end_reason: str | None = None
        self.frames = 0
        self.log_rows = 0
        self.bytes = 0
        self.errors = 0
        self.zero_copy_frames = 0  # frames that came in shared-memory segments (kept without a copy)
        self.goodbye = False
        #: Format version of the source's stream (its stream header; a ring's handshake): from version 3 on
        #: every frame must carry a checksum, and one without is dropped as damaged. Set by whoever reads
        #: the stream header, before the first frame.
        self.format_version = FORMAT_VERSION
        self.first_frame_time: float | None = None  # wall clock, seconds
        self.last_frame_time: float | None = None
        self.last_error: str | None = None
        #: Built-in components this source sent with a wrong type (warned about once each).
        self.mistyped_components: set[str] = set()
        self._latency: np.ndarray | None = None  # allocated at the first sample
        self._latency_count = 0
        self._lock = threading.Lock()

    def add_latency_ns(self, ns: int) -> None:
        with self._lock:
            if self._latency is None:
                self._latency = np.zeros(_LATENCY_SAMPLES, dtype=np.int64)
            self._latency[self._latency_count % _LATENCY_SAMPLES] = ns
            self._latency_count += 1

    def latency_ms(self) -> dict:
        """p50 / p99 / max of the kept latency samples in milliseconds (empty dict if none)."""
        with self._lock:
            n = min(self._latency_count, _LATENCY_SAMPLES)
            if n == 0:
                return {}
            samples = self._latency[:n].astype(np.float64) / 1e6
        p50, p99 = np.percentile(samples, [50, 99])
        return {"samples": int(n), "p50": float(p50), "p99": float(p99), "max": float(samples.max())}

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "frames": self.frames,
            "log_rows": self.log_rows,
            "bytes": self.bytes,
            "errors": self.errors,
            "zero_copy_frames": self.zero_copy_frames,
            "format_version": self.format_version,
            "last_error": self.last_error,
            "goodbye": self.goodbye,
            "open": self.ended is None,
            "end_reason": self.end_reason,
            "first_frame_time": self.first_frame_time,
            "last_frame_time": self.last_frame_time,
            "latency_ms": self.latency_ms(),
        }

    def summary_line(self) -> str:
        lat = self.latency_ms()
        lat_text = f"latency p50 {lat['p50']:.2f} ms p99 {lat['p99']:.2f} ms" if lat else "latency n/a"
        return (
            f"{self.name:<32} {self.kind:<5} frames {self.frames:>8} rows {self.log_rows:>9} "
            f"{self.bytes / 1e6:>10.1f} MB errors {self.errors:>3}  {lat_text}"
        )
