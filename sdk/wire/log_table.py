"""The columns of a LOG frame: one Arrow record batch whose rows are log calls on one entity.

Schema conventions
------------------
- Schema metadata: ``rerun.entity_path`` (the path string as logged) and ``rerun.recording_id``.
- Timeline columns come first. Each is int64 (sequence number, or nanoseconds for time timelines),
  named ``"timeline:<type>:<name>"`` with ``<type>`` one of ``sequence`` / ``time``; a null means the
  row was not logged on that timeline. A timeless row is null in every timeline column.
  The built-in ``log_time`` timeline is an ordinary time column named ``timeline:time:log_time``.
- Every other column is a component, named as on the Rerun wire (``rerun.point3d``, ``ext.foo``), of
  Arrow type ``list<T>``: one list cell per row holding that row's instances. A null cell means the
  component was not logged in that row. Within a row, a cell of length 1 beside longer cells is a
  *splat* (one value for every instance).

Writing sizes the IPC stream first with a counting stream, so a sink can reserve exactly that many
bytes (file offset or ring slot) and Arrow writes the array buffers straight into it.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pyarrow as pa

from rerun.wire.frames import FRAME_HEADER, FrameKind, WireError, encode_frame_header

#: The IPC stream's end-of-stream marker: the continuation word and a zero length.
END_OF_STREAM = b"\xff\xff\xff\xff\x00\x00\x00\x00"
ENTITY_PATH_KEY = b"rerun.entity_path"
RECORDING_ID_KEY = b"rerun.recording_id"
TIMELINE_PREFIX = "timeline:"
TIMELINE_TYPES = ("sequence", "time")


def timeline_column_name(name: str, timeline_type: str) -> str:
    """Column name for a timeline; ``timeline_type`` is ``"sequence"`` or ``"time"``."""
    if timeline_type not in TIMELINE_TYPES:
        raise ValueError(f"timeline_type must be one of {TIMELINE_TYPES}, got {timeline_type!r}")
    return f"{TIMELINE_PREFIX}{timeline_type}:{name}"


#: The built-in timeline every timed row is on: the wall clock of the log call (ns); null for timeless rows.
LOG_TIME = ("log_time", "time")
LOG_TIME_COLUMN = timeline_column_name(*LOG_TIME)


def parse_timeline_column(column: str) -> tuple[str, str] | None:
    """(name, type) for a timeline column name, or None for a component column."""
    if not column.startswith(TIMELINE_PREFIX):
        return None
    typ, sep, name = column[len(TIMELINE_PREFIX) :].partition(":")
    if not sep or typ not in TIMELINE_TYPES:
        return None
    return name, typ


def build_log_batch(
    entity_path: str,
    recording_id: str,
    timelines: Mapping[tuple[str, str], pa.Array | np.ndarray | list],
    components: Mapping[str, pa.Array],
) -> pa.RecordBatch:
    """Assemble a LOG record batch.

    Parameters
    ----------
    entity_path, recording_id : str
        Stored in the schema metadata.
    timelines : mapping of (name, type) to int64 values
        One value (or None) per row.
    components : mapping of component name to list arrays
        Each a ``pa.ListArray`` (or large list) with one cell per row.
    """
    names: list[str] = []
    arrays: list[pa.Array] = []
    for (name, typ), values in sorted(timelines.items()):
        names.append(timeline_column_name(name, typ))
        arrays.append(values if isinstance(values, pa.Array) else pa.array(values, type=pa.int64()))
    for name, cells in components.items():
        names.append(name)
        arrays.append(cells)
    metadata = {ENTITY_PATH_KEY: entity_path.encode("utf-8"), RECORDING_ID_KEY: recording_id.encode("utf-8")}
    schema = pa.schema([pa.field(n, a.type) for n, a in zip(names, arrays)], metadata=metadata)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _type_has_dictionary(typ: pa.DataType) -> bool:
    if pa.types.is_dictionary(typ):
        return True
    return any(_type_has_dictionary(typ.field(i).type) for i in range(typ.num_fields))


#: Whether a schema (by its serialised message) has a dictionary-encoded field somewhere: walking the
#: types costs ~3 us a column in pyarrow, the lookup well under one. Bounded: cleared when full.
_DICTIONARY_BY_SCHEMA: dict[bytes, bool] = {}
_DICTIONARY_CACHE_ENTRIES = 1024


def schema_has_dictionary(schema: pa.Schema, schema_message: pa.Buffer | None = None) -> bool:
    """True if a field of ``schema``, or a type nested in one, is dictionary-encoded (an IPC writer then
    sends dictionary messages). ``schema_message``: ``schema.serialize()``, if the caller has it."""
    key = (schema_message if schema_message is not None else schema.serialize()).to_pybytes()
    found = _DICTIONARY_BY_SCHEMA.get(key)
    if found is None:
        if len(_DICTIONARY_BY_SCHEMA) >= _DICTIONARY_CACHE_ENTRIES:
            _DICTIONARY_BY_SCHEMA.clear()
        found = _DICTIONARY_BY_SCHEMA[key] = any(_type_has_dictionary(field.type) for field in schema)
    return found


def log_payload_size(batch: pa.RecordBatch) -> int:
    """Exact byte size of the IPC stream :func:`write_log_payload` will produce for ``batch``.

    An IPC stream is the schema message, the record batch message and an 8-byte end-of-stream marker;
    Arrow sizes the batch message without writing it (a counting writer pass costs 4x as much)."""
    schema = batch.schema
    schema_message = schema.serialize()
    if schema_has_dictionary(schema, schema_message):  # the writer adds dictionary messages
        mock = pa.MockOutputStream()
        with pa.ipc.new_stream(mock, schema) as writer:
            writer.write_batch(batch)
        return mock.size()
    return schema_message.size + pa.ipc.get_record_batch_size(batch) + len(END_OF_STREAM)


def write_log_payload(batch: pa.RecordBatch, out: pa.NativeFile) -> None:
    """Write ``batch`` as an IPC stream into ``out`` (a file, or a fixed-size buffer writer)."""
    with pa.ipc.new_stream(out, batch.schema) as writer:
        writer.write_batch(batch)


def write_log_frame(batch: pa.RecordBatch, out: pa.NativeFile) -> int:
    """Write a whole LOG frame (header + payload, no checksum: a format-1 frame, which a format-3 stream
    treats as damaged) into ``out``; return the bytes written. Frames for a format-3 stream come from
    :func:`rerun.transport.viewer_sink.serialize_log_frame`."""
    size = log_payload_size(batch)
    out.write(encode_frame_header(FrameKind.LOG, size))
    write_log_payload(batch, out)
    return FRAME_HEADER.size + size


def read_log_payload(payload: memoryview | bytes | pa.Buffer) -> tuple[str, str, pa.RecordBatch]:
    """Decode a LOG payload into (entity_path, recording_id, batch) without copying array data.

    The returned batch references ``payload``'s memory: keep that memory alive as long as the batch.

    Raises
    ------
    WireError
        If the payload is not an IPC stream with exactly one record batch and the rerun metadata.
    """
    buf = payload if isinstance(payload, pa.Buffer) else pa.py_buffer(payload)
    try:
        reader = pa.ipc.open_stream(buf)
        batches = list(reader)
    except (pa.ArrowException, OSError) as exc:  # every pyarrow error, never a raw one to the caller
        raise WireError(f"LOG payload is not a valid Arrow IPC stream: {exc}") from None
    if len(batches) != 1:
        raise WireError(f"LOG payload must hold exactly one record batch, found {len(batches)}")
    batch = batches[0]
    meta = batch.schema.metadata or {}
    if ENTITY_PATH_KEY not in meta or RECORDING_ID_KEY not in meta:
        raise WireError("LOG payload lacks rerun.entity_path / rerun.recording_id metadata")
    try:
        entity_path = meta[ENTITY_PATH_KEY].decode("utf-8")
        recording_id = meta[RECORDING_ID_KEY].decode("utf-8")
    except UnicodeDecodeError:
        raise WireError("LOG payload metadata is not valid UTF-8") from None
    return entity_path, recording_id, batch
