"""The sink interface: where the session sends finished LOG batches and control messages."""

from __future__ import annotations

import pyarrow as pa

from rerun.wire.frames import FrameKind


class Sink:
    """Destination of a logging session (memory buffer, file, TCP, shared-memory ring).

    Contract for implementers
    -------------------------
    - ``send_log(batch)`` receives a LOG record batch (see :mod:`rerun.wire.log_table`). Its buffers
      may be views of the *caller's* numpy arrays, which the caller is free to overwrite as soon as
      ``send_log`` returns: write the bytes out before returning, or copy them.
    - ``send_control(kind, obj)`` receives a control message (BEGIN_RECORDING, CLEAR, GOODBYE) as a
      JSON-able dict.
    - The session serialises calls (it holds its lock), so a sink sees one call at a time; a sink
      must never call back into ``rerun._session`` (that would deadlock).
    - ``close(goodbye)`` flushes, sends GOODBYE (with the ``goodbye`` dict, the session gives the
      recording id) where the medium has one, releases resources, and is idempotent. It must return in bounded time (never join a thread that waits on the session).
    """

    def __init__(self) -> None:
        self._sent_messages = 0
        self._sent_bytes = 0
        self._dropped_messages = 0
        self._dropped_bytes = 0

    def send_log(self, batch: pa.RecordBatch) -> None:
        """Deliver one LOG batch."""
        raise NotImplementedError

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        """Deliver one control message."""
        raise NotImplementedError

    def flush(self) -> None:
        """Push anything buffered towards its destination."""

    def close(self, goodbye: dict | None = None) -> None:
        """Flush, send GOODBYE (``goodbye``: its body) where the medium has one, and release the sink
        (idempotent)."""

    def stats(self) -> dict:
        """Counters since creation: ``sent_messages``, ``sent_bytes``, ``dropped_messages``, ``dropped_bytes``."""
        return {
            "sink": type(self).__name__,
            "sent_messages": self._sent_messages,
            "sent_bytes": self._sent_bytes,
            "dropped_messages": self._dropped_messages,
            "dropped_bytes": self._dropped_bytes,
        }
