"""Turn the ``LogMsg`` records of a Rerun 0.4 ``.rrd`` file into this project's stream events.

Events have the shapes :mod:`rerun.recording` reads from our own files:

- ``("begin", {"application_id", "recording_id", "started_ns", ...})`` for each ``BeginRecordingMsg``;
- ``("log", entity_path, recording_id, batch)`` with ``batch`` a ``pa.RecordBatch`` in the LOG-frame
  layout of :mod:`rerun.wire.log_table` (one row per log call, several calls of one entity per batch);
- ``("clear", {"recording_id", "entity_path", "recursive", "time_point"})`` for each ``EntityPathOpMsg``,
  with ``time_point`` a list of ``[timeline name, "sequence" | "time", int]`` triples (``log_time``
  included), as in our own CLEAR frames.

Rerun 0.4 sends the splatted components of one log call (one value for every instance, with
``rerun.instance_key = [2**64 - 1]``) as a separate message just before the per-instance one. The two are
merged back into one row, as our SDK writes it (:func:`rerun.legacy.rows.merge_splat`). A splat that
cannot be merged becomes a row of its own that keeps the splat instance key, so its meaning stays visible.
Rows are then grouped into batches per entity (:class:`rerun.legacy.rows.RowGrouper`, which states the
ordering guarantees).
"""

from __future__ import annotations

import uuid
from typing import Iterator

import numpy as np
import pyarrow as pa

from rerun.legacy.container import RecordStats, decode_record, iter_records, parse_legacy_header
from rerun.legacy.convert import convert_component
from rerun.legacy.ipc import IpcReader
from rerun.legacy.rows import Row, RowGrouper, TimePoint, merge_splat
from rerun.wire.events import BeginRecording, ClearEvent
from rerun.wire.frames import WireError

NIL_RECORDING_ID = str(uuid.UUID(int=0))
_TIMELINE_TYPES = {0: "time", 1: "sequence"}  # Rerun's TimeType discriminants
_TIME_POINT_TYPES = {"Time": "time", "Sequence": "sequence"}


def read_legacy_rrd(data: bytes | memoryview, warnings: list[str] | None = None, stats: RecordStats | None = None) -> Iterator[tuple]:
    """Read a ``.rrd`` file written by the original rerun-sdk 0.4.0, as a stream of our events.

    Parameters
    ----------
    data : bytes or memoryview
        The whole file.
    warnings : list of str, optional
        Problems that did not stop reading: a writer version other than 0.4, a torn tail (with the
        number of records read), components dropped from a row because they could not be converted, unknown
        message kinds. When a list is given they are appended to it; otherwise each is yielded in stream
        order as a ``("warning", message)`` event.
    stats : RecordStats, optional
        Filled in as reading goes: records read, damaged stretches skipped, compressed bytes lost, torn tail.

    Yields
    ------
    tuple
        ``("begin", dict)``, ``("log", entity_path, recording_id, pa.RecordBatch)``, ``("clear", dict)``
        (and ``("warning", str)`` when ``warnings`` is None), in file order up to the batching of rows
        described in :mod:`rerun.legacy.rows`.

    Damage is skipped with a warning (see :func:`rerun.legacy.container.iter_records`): a record that
    does not decode (MessagePack, Arrow, or messages without the fields Rerun 0.4 writes) is dropped
    and the next one read; everything decoded before damaged compression is kept.

    Raises
    ------
    WireError
        For a file that is not a 0.4-era ``.rrd`` (wrong magic or no header), or a record of a file
        written by another Rerun version that does not decode (its layout, not damage).
    """
    as_events = warnings is None
    collected: list[str] = [] if as_events else warnings
    version = parse_legacy_header(data, collected)
    decoder = _Decoder(collected, str(version))
    stats = stats if stats is not None else RecordStats()
    for record in iter_records(data, collected, stats):
        events: list[tuple] = []  # rows of earlier records flushed before a failure are kept
        try:
            events.extend(decoder.handle(decode_record(record, stats.records), stats.records))
        except WireError as exc:
            if not decoder.version.startswith("0.4."):
                raise  # another writer's layout, not damage: skipping would drop every record
            stats.reject_last = True  # the next record is looked for inside this one (its length may be damaged)
            collected.append(f"skipped record {stats.records} at byte {stats.offset} of the decompressed stream: {exc}")
        yield from events
        if as_events and collected:
            yield from _drain(collected)
    yield from decoder.finish()
    if as_events:
        yield from _drain(collected)


def _drain(collected: list[str]) -> Iterator[tuple]:
    messages = list(collected)
    collected.clear()
    for message in messages:
        yield ("warning", message)


class _Decoder:
    """Stateful part of the reading: current recording id and splats waiting for their instanced row."""

    def __init__(self, warnings: list[str], version: str):
        self.warnings = warnings
        self.version = version
        self.recording_id: str | None = None
        self.pending_splats: dict[str, Row] = {}
        self.grouper = RowGrouper()
        self.ipc = IpcReader()
        self.warned_components: set[str] = set()
        self.warned_kinds: set[str] = set()

    # -- dispatch ----------------------------------------------------------------------------------------

    def handle(self, message: object, index: int) -> Iterator[tuple]:
        if isinstance(message, str):  # serde unit variant, e.g. "Goodbye"
            kind, body = message, None
        elif isinstance(message, dict) and len(message) == 1:
            ((kind, body),) = message.items()
        else:
            raise self._error(index, f"expected a LogMsg (a one-key map), got {_describe(message)}")
        if kind == "BeginRecordingMsg":
            yield from self.flush_all()
            yield BeginRecording(self._begin(body, index))
        elif kind == "ArrowMsg":
            yield from self._arrow(body, index)
        elif kind == "EntityPathOpMsg":
            yield from self._clear(body, index)
        elif kind == "Goodbye":
            pass
        elif kind not in self.warned_kinds:
            self.warned_kinds.add(kind)
            self.warnings.append(f"record {index}: skipped a message of unknown kind {kind!r}")

    def finish(self) -> Iterator[tuple]:
        yield from self.flush_all()

    def flush_all(self) -> Iterator[tuple]:
        """Emit every row held back (splats waiting for their instanced half, grouped rows)."""
        pending, self.pending_splats = self.pending_splats, {}
        for row in pending.values():
            yield from self.grouper.add(row, self._current_recording_id())
        yield from self.grouper.flush_all()

    # -- message kinds -----------------------------------------------------------------------------------

    def _begin(self, body: object, index: int) -> dict:
        info = body.get("info") if isinstance(body, dict) else None
        if not isinstance(info, dict):
            raise self._error(index, "BeginRecordingMsg without an info map")
        recording_id = _uuid_string(info.get("recording_id"))
        if recording_id is None:
            raise self._error(index, f"BeginRecordingMsg recording_id is not 16 bytes: {_describe(info.get('recording_id'))}")
        self.recording_id = recording_id
        application_id = info.get("application_id")
        return {
            "application_id": application_id if isinstance(application_id, str) else "unknown_app_id",
            "recording_id": recording_id,
            "started_ns": info.get("started") if isinstance(info.get("started"), int) else None,
            "is_official_example": bool(info.get("is_official_example", False)),
            "recording_source": _describe_source(info.get("recording_source")),
            "rrd_version": self.version,
        }

    def _arrow(self, body: object, index: int) -> Iterator[tuple]:
        if isinstance(body, (list, tuple)) and len(body) == 2 and isinstance(body[1], (bytes, bytearray)):
            payload = body[1]
        else:
            raise self._error(index, f"ArrowMsg body is not [msg_id, bytes]: {_describe(body)}")
        try:
            rows = list(self._rows(payload, index))
        except WireError:
            raise
        except (pa.ArrowException, UnicodeDecodeError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            # Damaged bytes that still decoded as Arrow (no checksum protects them): names that are not
            # UTF-8, fields of unexpected types.
            raise self._error(index, f"ArrowMsg content is damaged ({type(exc).__name__}: {exc})") from None
        for row in rows:
            yield from self._add_row(row)

    def _clear(self, body: object, index: int) -> Iterator[tuple]:
        if not isinstance(body, dict) or not isinstance(body.get("path_op"), dict) or len(body["path_op"]) != 1:
            raise self._error(index, f"EntityPathOpMsg without a path_op: {_describe(body)}")
        ((op, target),) = body["path_op"].items()
        if op not in ("ClearComponents", "ClearRecursive"):
            self.warnings.append(f"record {index}: skipped an unknown entity path operation {op!r}")
            return
        parts = target.get("parts") if isinstance(target, dict) else target
        entity_path = _format_path(parts, index)
        yield from self.flush_all()
        point = _time_point_from_msgpack(body.get("time_point"), index)
        yield ClearEvent(
            {
                "recording_id": self._current_recording_id(),
                "entity_path": entity_path,
                "recursive": op == "ClearRecursive",
                "time_point": [[name, typ, value] for (name, typ), value in sorted(point.items())],
            },
        )

    # -- rows and splats ---------------------------------------------------------------------------------

    def _rows(self, payload: bytes, index: int) -> Iterator[Row]:
        try:
            table_batches = self.ipc.read(payload)
        except (pa.ArrowException, OSError) as exc:
            raise self._error(index, f"ArrowMsg does not hold a valid Arrow IPC stream ({exc})") from None
        for batch in table_batches:
            metadata = batch.schema.metadata or {}
            raw_path = metadata.get(b"RERUN:entity_path")
            if raw_path is None:
                raise self._error(index, "ArrowMsg schema lacks the RERUN:entity_path metadata")
            entity_path = raw_path.decode("utf-8", errors="replace")
            names = batch.schema.names
            if "timelines" not in names or "components" not in names:
                raise self._error(index, f"ArrowMsg columns are {names}, expected 'timelines' and 'components'")
            timelines = batch.column("timelines").to_pylist()
            components = batch.column("components")
            if not pa.types.is_struct(components.type):
                raise self._error(index, f"ArrowMsg 'components' column is {components.type}, expected a struct")
            cells = dict(zip(components.type.names, components.flatten()))
            row_bytes = len(payload) // max(1, batch.num_rows)
            for row_index, row_timelines in enumerate(timelines):
                row = Row(entity_path, _time_point_from_arrow(row_timelines, index), nbytes=row_bytes)
                for name, column in cells.items():
                    values = _cell(column, row_index)
                    if values is None:
                        continue
                    converted = convert_component(
                        name, values, self.warnings, self.warned_components, f"record {index} ({entity_path!r})"
                    )
                    if converted is not None:
                        row.components[name] = converted
                yield row

    def _add_row(self, row: Row) -> Iterator[tuple]:
        pending = self.pending_splats.pop(row.entity_path, None)
        if pending is not None and not merge_splat(pending, row):
            yield from self.grouper.add(pending, self._current_recording_id())
        if row.is_splat:
            self.pending_splats[row.entity_path] = row
        else:
            yield from self.grouper.add(row, self._current_recording_id())

    def _current_recording_id(self) -> str:
        if self.recording_id is None:
            self.warnings.append("data before any BeginRecordingMsg: using the nil recording id")
            self.recording_id = NIL_RECORDING_ID
        return self.recording_id

    def _error(self, index: int, what: str) -> WireError:
        hint = "" if self.version.startswith("0.4.") else "; only the Rerun 0.4 message layout is supported"
        return WireError(f"corrupt or unsupported .rrd (written by Rerun {self.version}): record {index}: {what}{hint}")


# --- helpers ---------------------------------------------------------------------------------------------


def _cell(column: pa.Array, row_index: int) -> pa.Array | None:
    """The instances in row ``row_index`` of a ``list<T>`` component column (None when null)."""
    if column.null_count and not column.is_valid()[row_index].as_py():
        return None
    if not isinstance(column, pa.ListArray):
        raise WireError(f"component column of type {column.type} is not a list")
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32, count=2, offset=4 * (column.offset + row_index))
    start, end = int(offsets[0]), int(offsets[1])
    values = column.values
    return values if start == 0 and end == len(values) else values.slice(start, end - start)


def _time_point_from_arrow(timelines: list | None, index: int) -> TimePoint:
    point: TimePoint = {}
    for entry in timelines or []:
        if not isinstance(entry, dict):
            raise WireError(f"corrupt .rrd: record {index}: malformed timeline entry {entry!r}")
        typ = _TIMELINE_TYPES.get(entry.get("type"))
        name, value = entry.get("timeline"), entry.get("time")
        if typ is None or not isinstance(name, str) or not isinstance(value, int):
            raise WireError(f"corrupt .rrd: record {index}: malformed timeline entry {entry!r}")
        point[(name, typ)] = value
    return point


def _time_point_from_msgpack(raw: object, index: int) -> TimePoint:
    # A serde map keyed by {name, typ} maps: decoded as a list of (key, value) pairs.
    pairs = raw.items() if isinstance(raw, dict) else (raw or [])
    point: TimePoint = {}
    for pair in pairs:
        key, value = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, None)
        if (
            not isinstance(key, dict)
            or not isinstance(key.get("name"), str)
            or not isinstance(value, int)
            or key.get("typ") not in _TIME_POINT_TYPES
        ):
            raise WireError(f"corrupt .rrd: record {index}: malformed time point entry {pair!r}")
        point[(key.get("name"), _TIME_POINT_TYPES[key["typ"]])] = value
    return point


def _format_path(parts: object, index: int) -> str:
    """Entity path string (Rerun's display form) from a serialised list of path parts."""
    if not isinstance(parts, list):
        raise WireError(f"corrupt .rrd: record {index}: entity path parts are {_describe(parts)}")
    texts = []
    for part in parts:
        if isinstance(part, dict) and "Name" in part:
            texts.append(str(part["Name"]))
        elif isinstance(part, dict) and isinstance(part.get("Index"), dict) and len(part["Index"]) == 1:
            ((kind, value),) = part["Index"].items()
            texts.append(_format_index(kind, value, index))
        else:
            raise WireError(f"corrupt .rrd: record {index}: unknown entity path part {part!r}")
    return "/".join(texts) if texts else "/"


def _format_index(kind: str, value: object, index: int) -> str:
    if kind == "Sequence" and isinstance(value, int):
        return f"#{value}"
    if kind == "Integer":
        if isinstance(value, (bytes, bytearray)) and len(value) == 16:  # serde i128: 16 bytes big-endian
            return str(int.from_bytes(value, "big", signed=True))
        if isinstance(value, int):
            return str(value)
    if kind == "Uuid" and _uuid_string(value) is not None:
        return _uuid_string(value)
    if kind == "String" and isinstance(value, str):
        return _quote(value)
    raise WireError(f"corrupt .rrd: record {index}: unknown entity path index {kind}={value!r}")


def _quote(text: str) -> str:
    """Rust ``{:?}`` quoting of a string (the escapes the entity path grammar reads back)."""
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    body = "".join(
        escapes.get(ch) or (f"\\u{{{ord(ch):x}}}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch) for ch in text
    )
    return f'"{body}"'


def _uuid_string(value: object) -> str | None:
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return str(uuid.UUID(bytes=bytes(value)))
    if isinstance(value, list) and len(value) == 16 and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return str(uuid.UUID(bytes=bytes(value)))
    return None


def _describe_source(source: object) -> str:
    if isinstance(source, dict) and len(source) == 1:
        ((kind, detail),) = source.items()
        if isinstance(detail, dict) and {"major", "minor", "patch"} <= detail.keys():
            return f"{kind} (Python {detail['major']}.{detail['minor']}.{detail['patch']})"
        return str(kind)
    return str(source)


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"
