"""The default sink: keeps every message in memory until a real sink takes the backlog."""

from __future__ import annotations

import warnings

import pyarrow as pa

from rerun.sinks.base import Sink
from rerun.wire.frames import FrameKind
from rerun.wire.log_table import log_payload_size, read_log_payload, write_log_payload


#: Above this many buffered bytes, warn once: a program that never sets a sink grows without bound
#: (as Rerun 0.4 did), which is rarely what its author meant.
WARN_BUFFERED_BYTES = 1 << 30


class MemorySink(Sink):
    """Buffers messages in RAM, as Rerun 0.4's default sink does.

    LOG batches are serialised to Arrow IPC on arrival (one copy), so later changes to the caller's
    arrays cannot alter what was logged. :meth:`replay_into` hands the backlog, in order, to the next sink.
    """

    def __init__(self) -> None:
        super().__init__()
        self._messages: list[tuple[FrameKind, object]] = []
        self._buffered_bytes = 0
        self._warned = False
        self.last_begin: dict | None = None

    def send_log(self, batch: pa.RecordBatch) -> None:
        # Sized first, so the payload is written once into a buffer of exactly its size (a growing
        # BufferOutputStream would copy big images several times).
        payload = pa.allocate_buffer(log_payload_size(batch))
        write_log_payload(batch, pa.FixedSizeBufferWriter(payload))
        self._messages.append((FrameKind.LOG, payload))
        self._sent_messages += 1
        self._sent_bytes += payload.size
        self._buffered_bytes += payload.size
        if self._buffered_bytes > WARN_BUFFERED_BYTES and not self._warned:
            self._warned = True
            warnings.warn(
                f"rerun: {self._buffered_bytes / 1e9:.1f} GB of log data is buffered in memory because no sink is "
                "set; call rr.save(path), rr.connect() or rr.spawn() to send it somewhere, or rr.set_enabled(False)",
                ResourceWarning,
                stacklevel=2,
            )

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        self._messages.append((FrameKind(kind), dict(obj)))
        if kind == FrameKind.BEGIN_RECORDING:
            self.last_begin = dict(obj)
        self._sent_messages += 1

    def __len__(self) -> int:
        return len(self._messages)

    def messages(self):
        """Iterate the backlog as ``(kind, obj)``: a ``pa.RecordBatch`` for LOG, a dict otherwise."""
        for kind, value in self._messages:
            if kind == FrameKind.LOG:
                yield kind, read_log_payload(value)[2]
            else:
                yield kind, value

    def replay_into(self, sink: Sink) -> None:
        """Send the whole backlog to ``sink`` in order and forget it."""
        messages, self._messages = self._messages, []
        self._buffered_bytes = 0
        for kind, value in messages:
            if kind == FrameKind.LOG:
                sink.send_log(read_log_payload(value)[2])
            else:
                sink.send_control(kind, value)

    def close(self, goodbye: dict | None = None) -> None:
        """Drop the buffered messages (a memory buffer has no GOODBYE)."""
        self._messages = []
        self._buffered_bytes = 0
