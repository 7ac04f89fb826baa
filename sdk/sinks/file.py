"""The ``.rrd`` file sink behind ``rr.save``: frames go through the OS as soon as they are sent."""

from __future__ import annotations

import os

import pyarrow as pa

from rerun.sinks.base import Sink
from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_frame_header, encode_json_frame
from rerun.wire.log_table import write_log_frame, write_log_payload

#: Batches up to this size are serialised into one buffer and written with a single write() (fewer
#: syscalls for batched small rows); larger ones are written by Arrow straight from their buffers
#: into the file (no copy).
_ONE_WRITE_LIMIT = 64 << 10
_COALESCE_BYTES = 64 << 10


class FileSink(Sink):
    """Writes a stream (header, then frames) to ``path``.

    The file is created at once. Writes are unbuffered (``pa.OSFile``): every complete frame is in
    the OS page cache when ``send_*`` returns, so a ``kill -9`` of the logging process loses at most
    the frame being written (readers stop cleanly at such a torn tail). ``close()`` adds GOODBYE.

    Raises
    ------
    OSError
        If the file cannot be created; the message names the path.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self.path = os.fspath(path)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as exc:
            raise type(exc)(exc.errno, f"Failed to create file {self.path!r}: {exc.strerror}") from None
        os.close(fd)
        self._raw = pa.OSFile(self.path, "wb")
        # Coalesces the IPC writer's many small writes (metadata, padding) into few syscalls; array
        # buffers larger than the buffer go straight from their memory to the OS. Flushed after
        # every frame, so what the OS has is always whole frames (plus at most one torn tail).
        self._file = pa.BufferedOutputStream(self._raw, buffer_size=_COALESCE_BYTES)
        self._file.write(STREAM_HEADER)
        self._file.flush()
        self._closed = False

    def send_log(self, batch: pa.RecordBatch) -> None:
        if self._closed:
            self._dropped_messages += 1
            return
        if batch.nbytes <= _ONE_WRITE_LIMIT:
            stream = pa.BufferOutputStream()
            write_log_payload(batch, stream)
            payload = stream.getvalue()
            self._file.write(encode_frame_header(FrameKind.LOG, payload.size) + memoryview(payload))
            written = payload.size + 16
        else:
            written = write_log_frame(batch, self._file)
        self._file.flush()
        self._sent_messages += 1
        self._sent_bytes += written

    def send_control(self, kind: FrameKind, obj: dict) -> None:
        if self._closed:
            self._dropped_messages += 1
            return
        frame = encode_json_frame(kind, obj)
        self._file.write(frame)
        self._file.flush()
        self._sent_messages += 1
        self._sent_bytes += len(frame)

    def close(self, goodbye: dict | None = None) -> None:
        if self._closed:
            return
        try:
            self.send_control(FrameKind.GOODBYE, goodbye or {})
        finally:
            self._closed = True
            self._file.close()  # flushes, then closes the OSFile under it

    def stats(self) -> dict:
        stats = super().stats()
        stats["path"] = self.path
        return stats
