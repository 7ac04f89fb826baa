"""Read the Arrow IPC stream inside a Rerun 0.4 ArrowMsg, parsing each distinct schema only once.

Every 0.4 message carries a complete IPC stream: a schema message (about 1 KB for one scalar), one
record batch, an end marker. Parsing the schema is most of the cost of a small message, and a recording
repeats the same few schemas (one per entity and set of components) thousands of times. So the schema
message's bytes are the key of a small cache, and a message whose schema is cached is read as
"record batch message + cached schema". Anything that is not exactly schema + one batch + end marker
takes the general path (``pa.ipc.open_stream``).
"""

from __future__ import annotations

import struct

import pyarrow as pa

_PREFIX = struct.Struct("<Ii")  # continuation marker 0xFFFFFFFF, then the metadata length (padding included)
_CONTINUATION = 0xFFFFFFFF
_END_MARKERS = (b"", b"\xff\xff\xff\xff\x00\x00\x00\x00", b"\x00\x00\x00\x00")


class IpcReader:
    """Decodes ArrowMsg payloads into validated record batches, caching schemas by their bytes."""

    def __init__(self, max_schemas: int = 512):
        self.max_schemas = max_schemas
        self._schemas: dict[bytes, pa.Schema] = {}

    def read(self, payload: bytes) -> list[pa.RecordBatch]:
        """All record batches of the IPC stream ``payload``, each fully validated.

        Raises
        ------
        pyarrow.ArrowException
            If the bytes are not a valid IPC stream (validation included: without a checksum,
            damaged offsets would otherwise surface later as out-of-bounds reads).
        """
        buffer = pa.py_buffer(payload)
        schema_end = _message_end(payload, 0, 0)
        batch = None
        if schema_end is not None:
            schema = self._schemas.get(payload[:schema_end])
            if schema is not None:
                batch = _single_batch(payload, buffer, schema_end, schema)
        if batch is not None:
            batches = [batch]
        else:
            reader = pa.ipc.open_stream(buffer)
            batches = list(reader)
            if schema_end is not None:
                if len(self._schemas) >= self.max_schemas:
                    self._schemas.clear()
                self._schemas[payload[:schema_end]] = reader.schema
        for batch in batches:
            batch.validate(full=True)
        return batches


def _message_end(payload: bytes, pos: int, body_length: int) -> int | None:
    """End offset of the IPC message at ``pos`` with a body of ``body_length`` bytes, if well framed."""
    if len(payload) - pos < _PREFIX.size:
        return None
    marker, length = _PREFIX.unpack_from(payload, pos)
    end = pos + _PREFIX.size + length + body_length
    if marker != _CONTINUATION or length <= 0 or end > len(payload):
        return None
    return end


def _single_batch(payload: bytes, buffer: pa.Buffer, pos: int, schema: pa.Schema) -> pa.RecordBatch | None:
    """The record batch at ``pos`` if it is the stream's only one (followed by the end marker), else None."""
    try:
        message = pa.ipc.read_message(buffer.slice(pos))
    except (pa.ArrowException, OSError):
        return None
    if message.type != "record batch":
        return None
    body = message.body
    end = _message_end(payload, pos, body.size if body is not None else 0)
    if end is None or payload[end : end + 8] not in _END_MARKERS:
        return None
    return pa.ipc.read_record_batch(message, schema)
