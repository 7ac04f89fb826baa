"""Arrow IPC stream writers kept per schema: a LOG payload without a new stream writer per frame.

A LOG payload is an IPC stream: the schema message, one record batch message, the end-of-stream marker
(:func:`rerun.wire.log_table.write_log_payload`). Opening a new stream writer for every frame costs
15-30 us in pyarrow, more than copying a 256 KiB frame. :class:`KeptWriters` keeps, for each of the
schemas logged last, the serialised schema message and a stream writer that has already written it;
a payload is then that message, the writer's next batch message and the marker: byte for byte what
a new writer would produce (``tests/transport/test_frame_encoder.py``, ``tests/sdk/test_file_sink_frames.py``).

Each writer writes into a sink of its owner's making (a file-like object for ``pyarrow.PythonFile``
with ``reset(target)`` / ``release()``): the shared-memory ring's copies and hashes into the ring,
the file sink's collects Arrow's pieces (the batch's own buffers, not copied) for one ``writev``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pyarrow as pa

from rerun.wire.frames import FRAME_HEADER, FrameKind, encode_frame_header
from rerun.wire.log_table import END_OF_STREAM, log_payload_size, schema_has_dictionary, write_log_payload

#: Schemas whose writers are kept (the most recently used); a stream of many entities beyond it still
#: works, each miss costing a new writer.
MAX_KEPT_SCHEMAS = 32


@dataclass(eq=False)
class KeptWriter:
    """A stream writer past its schema message, writing into ``sink``."""

    schema: pa.Schema
    schema_message: pa.Buffer
    sink: object
    writer: pa.ipc.RecordBatchStreamWriter

    def payload_size(self, batch: pa.RecordBatch) -> int:
        """Byte size of the LOG payload of ``batch`` (a batch of this schema)."""
        return self.schema_message.size + pa.ipc.get_record_batch_size(batch) + len(END_OF_STREAM)


class KeptWriters:
    """The stream writers of the schemas used last, each on a sink made by ``new_sink()``.

    Not thread-safe: the owner serialises calls.
    """

    def __init__(self, new_sink: Callable[[], object]) -> None:
        self._new_sink = new_sink
        self._kept: list[KeptWriter] = []  # most recently used first

    def find(self, schema: pa.Schema) -> KeptWriter | None:
        """The writer kept for ``schema`` (metadata included), or None."""
        for i, kept in enumerate(self._kept):
            if kept.schema.equals(schema, check_metadata=True):
                if i:
                    self._kept.insert(0, self._kept.pop(i))
                return kept
        return None

    def get(self, batch: pa.RecordBatch) -> KeptWriter | None:
        """The writer for ``batch``'s schema, made now if none is kept; None for a schema with a
        dictionary-encoded field (the dictionaries travel in each stream: a kept writer would leave them out)."""
        schema = batch.schema
        kept = self.find(schema)
        if kept is not None or schema_has_dictionary(schema):
            return kept
        schema_message = schema.serialize()
        # The writer sends its schema message with its first batch: an empty batch takes it now, so that
        # every later write_batch writes the batch message alone.
        empty = batch.slice(0, 0)
        sink = self._new_sink()
        sink.reset(bytearray(schema_message.size + pa.ipc.get_record_batch_size(empty)))
        writer = pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), schema)
        writer.write_batch(empty)
        sink.release()
        kept = KeptWriter(schema, schema_message, sink, writer)
        self._kept.insert(0, kept)
        del self._kept[MAX_KEPT_SCHEMAS:]
        return kept

    def forget(self, kept: KeptWriter) -> None:
        """Drop a writer that failed half-way through a message (it is never used again)."""
        if kept in self._kept:
            self._kept.remove(kept)

    def payload_size(self, batch: pa.RecordBatch) -> int:
        """Byte size of the LOG payload of ``batch`` (as :func:`rerun.wire.log_table.log_payload_size`)."""
        kept = self.find(batch.schema)
        return log_payload_size(batch) if kept is None else kept.payload_size(batch)

    def write_frame(self, sink, kept: KeptWriter | None, batch: pa.RecordBatch, payload_size: int) -> None:
        """Write the LOG frame header and payload of ``batch`` into ``sink`` (already reset): through
        ``kept`` (this schema's kept writer, whose sink it is) or, for None, a new stream writer. A kept
        writer that fails is forgotten (it may be half-way through a message).

        Raises
        ------
        RuntimeError
            If Arrow wrote another number of bytes than ``payload_size`` (the sink holds no valid frame).
        """
        sink.write(encode_frame_header(FrameKind.LOG, payload_size, checksum=True))
        if kept is None:  # a schema with dictionaries: a new stream writer each time
            write_log_payload(batch, pa.PythonFile(sink, mode="w"))
        else:
            sink.write(kept.schema_message)
            try:
                kept.writer.write_batch(batch)
            except BaseException:
                self.forget(kept)
                raise
            sink.write(END_OF_STREAM)
        if sink.tell() != FRAME_HEADER.size + payload_size:  # never seen; the frame would be corrupt
            raise RuntimeError(f"Arrow wrote {sink.tell() - FRAME_HEADER.size} bytes for a LOG payload sized at {payload_size}")
