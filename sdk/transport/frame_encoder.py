"""Write sealed LOG frames into shared memory with one Arrow stream writer kept per schema.

A LOG payload is an IPC stream: the schema message, one record batch message, the end-of-stream marker
(:func:`rerun.wire.log_table.write_log_payload`). Opening a new stream writer for every frame costs
15-30 us in pyarrow, more than copying a 256 KiB frame. :class:`LogFrameEncoder` keeps, for each of the
schemas logged last, the serialised schema message and a stream writer that has already written it; a
frame is then the frame header, that message, the writer's next batch message and the marker, byte for
byte what a new writer would produce. Every piece goes through the copy-and-hash sink of
:mod:`rerun.transport.hashing_writer`, re-aimed at each frame's place, so the XXH3 trailer comes out of
the same pass as the copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from rerun.transport.hashing_writer import NATIVE_COPY_HASH, new_sealing_sink
from rerun.wire.frames import FRAME_HEADER, FrameKind, encode_frame_header
from rerun.wire.log_table import END_OF_STREAM, log_payload_size, schema_has_dictionary, write_log_payload

#: Schemas whose writers are kept (the most recently used); a stream of many entities beyond it still
#: works, each miss costing a new writer as before.
MAX_KEPT_SCHEMAS = 32


@dataclass
class _SchemaWriter:
    schema: pa.Schema
    schema_message: pa.Buffer
    sink: object  # CopyHasher or ChunkHashingWriter: write/tell/seal/reset/release
    writer: pa.ipc.RecordBatchStreamWriter


class LogFrameEncoder:
    """Writes the sealed LOG frame of a batch (header, IPC payload, XXH3 trailer) into a given buffer.

    Not thread-safe: its owner (a ring writer) serialises calls.

    Parameters
    ----------
    native : bool
        Copy and hash with the native ``rerun._copy_hash`` (when built); False: the Python sink.
    """

    def __init__(self, native: bool = NATIVE_COPY_HASH) -> None:
        self._native = native
        self._kept: list[_SchemaWriter] = []  # most recently used first

    def payload_size(self, batch: pa.RecordBatch) -> int:
        """Byte size of the LOG payload of ``batch`` (as :func:`rerun.wire.log_table.log_payload_size`)."""
        kept = self._find(batch.schema)
        if kept is None:
            return log_payload_size(batch)
        return kept.schema_message.size + pa.ipc.get_record_batch_size(batch) + len(END_OF_STREAM)

    def write(self, target, batch: pa.RecordBatch, payload_size: int) -> None:
        """Write the frame into ``target``, a writable buffer exactly ``frame_size(payload_size)`` long.

        Raises
        ------
        RuntimeError
            If Arrow wrote another number of bytes than ``payload_size`` (nothing is then valid in
            ``target``; the caller must not publish it).
        """
        kept = self._find(batch.schema)
        if kept is None:
            if schema_has_dictionary(batch.schema):  # dictionaries go with each stream: no writer is kept
                self._write_with_new_writer(target, batch, payload_size)
                return
            kept = self._keep(batch.schema)
        sink = kept.sink
        sink.reset(target)
        try:
            sink.write(encode_frame_header(FrameKind.LOG, payload_size, checksum=True))
            sink.write(kept.schema_message)
            kept.writer.write_batch(batch)
            sink.write(END_OF_STREAM)
            written = sink.tell()
            if written != FRAME_HEADER.size + payload_size:
                raise RuntimeError(f"Arrow wrote {written - FRAME_HEADER.size} bytes for a payload sized at {payload_size}")
            sink.seal()
        except BaseException:
            self._kept.remove(kept)  # the writer may be half-way through a message: never reuse it
            raise
        finally:
            sink.release()  # no view of the target may outlive this call (a ring's mapping must close later)

    def _write_with_new_writer(self, target, batch: pa.RecordBatch, payload_size: int) -> None:
        sink = new_sealing_sink(target, self._native)
        try:
            sink.write(encode_frame_header(FrameKind.LOG, payload_size, checksum=True))
            write_log_payload(batch, pa.PythonFile(sink, mode="w"))
            written = sink.tell()
            if written != FRAME_HEADER.size + payload_size:
                raise RuntimeError(f"Arrow wrote {written - FRAME_HEADER.size} bytes for a payload sized at {payload_size}")
            sink.seal()
        finally:
            sink.release()

    def _find(self, schema: pa.Schema) -> _SchemaWriter | None:
        for i, kept in enumerate(self._kept):
            if kept.schema.equals(schema, check_metadata=True):
                if i:
                    self._kept.insert(0, self._kept.pop(i))
                return kept
        return None

    def _keep(self, schema: pa.Schema) -> _SchemaWriter:
        schema_message = schema.serialize()
        # The writer sends its schema message with its first batch: write an empty batch into scratch
        # memory now, so that every later batch message goes alone into a frame.
        empty = pa.RecordBatch.from_arrays([pa.array([], type=field.type) for field in schema], schema=schema)
        sink = new_sealing_sink(bytearray(schema_message.size + pa.ipc.get_record_batch_size(empty)), self._native)
        writer = pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), schema)
        writer.write_batch(empty)
        sink.release()
        kept = _SchemaWriter(schema, schema_message, sink, writer)
        self._kept.insert(0, kept)
        del self._kept[MAX_KEPT_SCHEMAS:]
        return kept
