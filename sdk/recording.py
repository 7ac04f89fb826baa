"""Reading ``.rrd`` recordings back as pyarrow tables.

``load(path)`` memory-maps the file and decodes every frame without copying array data. Our own
``RRPY`` streams and Rerun 0.4.0 ``RRF0`` files (through :mod:`rerun.legacy`) are both accepted.

Example
-------
>>> rec = rerun.recording.load("run.rrd")          # doctest: +SKIP
>>> tbl = rec.table("world/points")                 # doctest: +SKIP
>>> duckdb.sql("select frame, len(\\"rerun.point3d\\") from tbl")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Iterator

import pyarrow as pa

from rerun.wire.events import BeginRecording, ClearEvent, LogEvent
from rerun.wire.frames import FRAME_HEADER, FrameKind, WireError, iter_frames, parse_stream_header
from rerun.wire.log_table import parse_timeline_column, read_log_payload

LEGACY_MAGIC = b"RRF0"


class Recording:
    """The decoded contents of one ``.rrd`` file.

    Attributes
    ----------
    path : str
        Where it was read from.
    begins : list of dict
        Every BEGIN_RECORDING, in order.
    clears : list of dict
        Every CLEAR: ``entity_path``, ``recursive``, ``recording_id``, ``time_point`` ([name, type, value] triples).
    warnings : list of str
        Problems that did not stop reading (for example a torn tail: the writer died mid-frame).
    complete : bool
        Whether the stream ended with GOODBYE (the writer closed it cleanly).
    """

    def __init__(self, path: str, events: list, warnings: list[str], complete: bool) -> None:
        self.path = path
        self._events = events
        self.warnings = warnings
        self.complete = complete
        self.begins = [e.info for e in events if isinstance(e, BeginRecording)]
        self.clears = [e.info for e in events if isinstance(e, ClearEvent)]
        self._batches: dict[str, list[pa.RecordBatch]] = {}
        self._batch_recordings: dict[str, list[str]] = {}
        for event in events:
            if isinstance(event, LogEvent):
                self._batches.setdefault(event.entity_path, []).append(event.batch)
                self._batch_recordings.setdefault(event.entity_path, []).append(event.recording_id)

    @property
    def application_id(self) -> str | None:
        """The application id of the last BEGIN_RECORDING (``init`` after early logs wins), or None."""
        return self.begins[-1].get("application_id") if self.begins else None

    @property
    def recording_id(self) -> str | None:
        """The recording id of the last BEGIN_RECORDING, or None if the file has none."""
        return self.begins[-1].get("recording_id") if self.begins else None

    @property
    def recording_ids(self) -> list[str]:
        """Every recording id in the file, in order of first appearance (usually just one)."""
        seen: dict[str, None] = {}
        for begin in self.begins:
            seen.setdefault(begin.get("recording_id"))
        for ids in self._batch_recordings.values():
            for rid in ids:
                seen.setdefault(rid)
        return [rid for rid in seen if rid is not None]

    @property
    def entity_paths(self) -> list[str]:
        """Every entity path with at least one logged row, sorted."""
        return sorted(self._batches)

    def events(self) -> Iterator[tuple]:
        """The stream in file order: :class:`~rerun.wire.events.BeginRecording`, :class:`~rerun.wire.events.LogEvent`
        and :class:`~rerun.wire.events.ClearEvent` (named tuples: ``("begin", dict)``, ``("log", entity_path,
        recording_id, batch)``, ``("clear", dict)``)."""
        return iter(self._events)

    def num_rows(self, entity_path: str) -> int:
        """How many rows (log calls) ``entity_path`` has."""
        return sum(b.num_rows for b in self.batches(entity_path))

    def batches(self, entity_path: str) -> list[pa.RecordBatch]:
        """The LOG batches of ``entity_path`` in file order (raises KeyError naming the known paths)."""
        try:
            return self._batches[entity_path]
        except KeyError:
            known = ", ".join(repr(p) for p in self.entity_paths[:10]) or "none"
            raise KeyError(f"entity path {entity_path!r} is not in {self.path} (entity paths: {known})") from None

    def timelines(self, entity_path: str | None = None) -> list[tuple[str, str]]:
        """Sorted ``(name, type)`` of every timeline used (by ``entity_path``, or by any entity)."""
        paths = [entity_path] if entity_path is not None else list(self._batches)
        found = set()
        for path in paths:
            for batch in self.batches(path):
                for column in batch.schema.names:
                    parsed = parse_timeline_column(column)
                    if parsed is not None:
                        found.add(parsed)
        return sorted(found)

    def table(self, entity_path: str, recording_id: str | None = None, *, time_unit: str = "us") -> pa.Table:
        """All rows of ``entity_path`` in log order, as one table.

        ``recording_id`` keeps only the rows of that recording (a file holds several when the
        program called ``set_recording_id``); by default rows of every recording are included.

        Columns: one per timeline, named by the timeline name (``"frame"``, ``"log_time"``; on a
        clash of names, ``"<name>:<type>"``), ``timestamp[<time_unit>]`` for time timelines and int64
        for sequences, null where a row was not on that timeline (timeless rows are null in all of
        them); then one ``list<T>`` column per component, null where a row did not log it.

        Time timelines are stored to the nanosecond. By default the table gives them to the
        microsecond (truncated), the resolution of Python's ``datetime``: ``to_pydict()``,
        ``to_pylist()`` and ``as_py()`` then work without pandas (pyarrow turns a nanosecond
        timestamp that is not a whole microsecond into a datetime only through pandas). Pass
        ``time_unit="ns"`` for the exact values (what :meth:`export_parquet` writes).

        A batch whose column types cannot be combined with the others' (a damaged version 1 file)
        is left out, with a warning added to :attr:`warnings`.

        Raises
        ------
        KeyError
            If the recording has no rows for ``entity_path``.
        ValueError
            If ``time_unit`` is not ``"us"`` or ``"ns"``.
        """
        if time_unit not in ("us", "ns"):
            raise ValueError(f"argument 'time_unit': expected 'us' or 'ns', got {time_unit!r}")
        time_type = pa.timestamp(time_unit)
        batches = self.batches(entity_path)
        if recording_id is not None:
            owners = self._batch_recordings[entity_path]
            batches = [b for b, rid in zip(batches, owners) if rid == recording_id]
            if not batches:
                raise KeyError(f"entity path {entity_path!r} has no rows in recording {recording_id!r} of {self.path}")
        timeline_fields: dict[str, pa.DataType] = {}
        component_fields: dict[str, pa.DataType] = {}
        kept = []
        for batch in batches:
            widened: dict[str, pa.DataType] = {}
            try:
                for field in batch.schema:
                    target = timeline_fields if parse_timeline_column(field.name) is not None else component_fields
                    known = target.get(field.name, field.type)
                    if known != field.type:
                        widened[field.name] = _common_type(known, field.type, f"{self.path}: entity {entity_path!r}, {field.name!r}")
            except WireError as exc:  # a damaged batch (or a writer's bug): leave it out, keep the others
                warning = f"{exc}; the {batch.num_rows} row(s) of that batch are left out of the table"
                if warning not in self.warnings:
                    self.warnings.append(warning)
                continue
            for field in batch.schema:
                target = timeline_fields if parse_timeline_column(field.name) is not None else component_fields
                target[field.name] = widened.get(field.name, target.get(field.name, field.type))
            kept.append(batch)
        batches = kept
        timeline_columns = sorted(timeline_fields, key=parse_timeline_column)
        name_counts: dict[str, int] = {}
        for column in timeline_columns:
            name = parse_timeline_column(column)[0]
            name_counts[name] = name_counts.get(name, 0) + 1

        out_names: list[str] = []
        out_types: list[pa.DataType] = []
        for column in timeline_columns:
            name, typ = parse_timeline_column(column)
            clash = name_counts[name] > 1 or name in component_fields
            out_names.append(f"{name}:{typ}" if clash else name)
            out_types.append(time_type if typ == "time" else pa.int64())
        out_names.extend(component_fields)
        out_types.extend(component_fields.values())
        source_columns = timeline_columns + list(component_fields)
        schema = pa.schema([pa.field(n, t) for n, t in zip(out_names, out_types)])

        pieces = []
        for batch in batches:
            arrays = []
            for column, typ in zip(source_columns, out_types):
                index = batch.schema.get_field_index(column)
                if index < 0:
                    arrays.append(pa.nulls(batch.num_rows, type=typ))
                    continue
                array = batch.column(index)
                if array.type != typ:
                    array = _time_column(array, typ) if pa.types.is_timestamp(typ) else array.cast(typ)
                arrays.append(array)
            pieces.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
        return pa.Table.from_batches(pieces, schema=schema)


    def export_parquet(self, directory: str | os.PathLike) -> dict[str, str]:
        """Write each entity's :meth:`table` to ``directory/<quoted entity path>.parquet``.

        The files are plain Parquet: DuckDB, Spark or Trino query a fleet's recordings without rerun,
        e.g. ``select * from read_parquet('out/*.parquet', filename=true)``.

        Returns
        -------
        dict
            Entity path -> file written.
        """
        import urllib.parse

        import pyarrow.parquet as pq

        directory = os.fspath(directory)
        os.makedirs(directory, exist_ok=True)
        written = {}
        for entity_path in self.entity_paths:
            table = self.table(entity_path, time_unit="ns")
            metadata = dict(table.schema.metadata or {})
            metadata.update(
                {
                    b"rerun.entity_path": entity_path.encode("utf-8"),
                    b"rerun.recording_id": (self.recording_id or "").encode("utf-8"),
                    b"rerun.application_id": (self.application_id or "").encode("utf-8"),
                }
            )
            target = os.path.join(directory, urllib.parse.quote(entity_path, safe="") + ".parquet")
            pq.write_table(table.replace_schema_metadata(metadata), target)
            written[entity_path] = target
        return written

    def __repr__(self) -> str:
        return (
            f"Recording({self.path!r}, application_id={self.application_id!r}, recording_id={self.recording_id!r}, "
            f"entities={len(self._batches)}, complete={self.complete})"
        )


def _common_type(a: pa.DataType, b: pa.DataType, what: str) -> pa.DataType:
    """One column type for two batches' types: ``list<T>`` and ``large_list<T>`` meet at the latter."""
    lists = (pa.types.is_list(a) or pa.types.is_large_list(a)) and (pa.types.is_list(b) or pa.types.is_large_list(b))
    if lists and a.value_type == b.value_type:
        return pa.large_list(a.value_field)
    raise WireError(f"{what} has two types that cannot be combined ({a} and {b})")


def _decode_frames(path: str, buf: pa.Buffer) -> tuple[list, list[str], bool]:
    """Every frame that is intact, as events; a damaged frame is skipped with a warning naming its offset."""
    data = memoryview(buf)
    format_version = parse_stream_header(data)  # from format 3 on, a frame without a checksum is damaged
    events: list = []
    warnings: list[str] = []
    complete = False
    tail: list = []
    corrupt: list = []
    for frame in iter_frames(data, 8, tail, corrupt, format_version):
        try:
            event = _decode_frame(buf, frame)
        except WireError as exc:
            warnings.append(f"{path}: skipped the frame at byte {frame.offset}: {exc}")
            continue
        if event is None:
            complete = True
        else:
            events.append(event)
    for region in corrupt:
        warnings.append(
            f"{path}: skipped {region.length} corrupt bytes at byte {region.offset} ({region.reason}); "
            f"reading went on at byte {region.offset + region.length}"
        )
    for torn in tail:
        warnings.append(
            f"{path}: the stream ends in the middle of a frame at byte {torn.offset} "
            f"({torn.missing_bytes} bytes missing; the writer probably died); every earlier frame was read"
        )
    return events, warnings, complete


def _decode_frame(buf: pa.Buffer, frame) -> tuple | None:
    """One intact frame as an event (None for GOODBYE).

    A LOG batch is validated in full (offsets, lengths, UTF-8) before it is kept, so a damaged one
    is a WireError here instead of a crash when a column is read later.

    Raises
    ------
    WireError
        If the payload does not decode or its batch is not valid.
    """
    if frame.kind == FrameKind.LOG:
        start = frame.offset + FRAME_HEADER.size
        entity_path, recording_id, batch = read_log_payload(buf.slice(start, len(frame.payload)))
        try:
            batch.validate(full=True)
            names = batch.schema.names
        except pa.ArrowException as exc:
            raise WireError(f"its record batch is not valid Arrow data: {exc}") from None
        except UnicodeDecodeError:
            raise WireError("a column name is not valid UTF-8") from None
        for name, field in zip(names, batch.schema):
            if parse_timeline_column(name) is not None and field.type != pa.int64():
                raise WireError(f"timeline column {name!r} has type {field.type}, expected int64")
        return LogEvent(entity_path, recording_id, batch)
    if frame.kind == FrameKind.BEGIN_RECORDING:
        return BeginRecording(frame.json())
    if frame.kind == FrameKind.CLEAR:
        return ClearEvent(frame.json())
    return None  # GOODBYE


def _time_column(array: pa.Array, time_type: pa.TimestampType) -> pa.Array:
    """A stored time timeline (int64 nanoseconds) as ``time_type``; microseconds are truncated toward zero."""
    nanos = array.view(pa.timestamp("ns"))
    return nanos if time_type.unit == "ns" else nanos.cast(time_type, safe=False)


def load(path: str | os.PathLike) -> Recording:
    """Read a ``.rrd`` file (ours, or Rerun 0.4.0's).

    Parameters
    ----------
    path : str or os.PathLike
        The file. It is memory-mapped; tables returned later reference the mapping (no copies).

    Returns
    -------
    Recording

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    rerun.wire.WireError
        On a wrong magic or a newer format version (the message names the file). A damaged frame
        does not raise: it is skipped, every intact frame before and after it is kept, and
        :attr:`Recording.warnings` names its byte offset and what was wrong. Frames written with a
        checksum (format versions 2 and 3) are verified, and in a format-3 file a frame without one is
        skipped as damaged; every record batch is validated before it is kept.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(21, f"{path} is a directory, not a .rrd file")
    size = os.path.getsize(path)
    if size < 8:
        raise WireError(f"{path}: not a rerun recording: the file has {size} bytes, too short for a stream header")
    buf = pa.memory_map(path, "r").read_buffer()
    magic = buf.slice(0, 4).to_pybytes()
    if magic == LEGACY_MAGIC:
        return _load_legacy(path, buf)
    try:
        events, warnings, complete = _decode_frames(path, buf)
    except WireError as exc:
        raise WireError(f"{path}: {exc}") from None
    return Recording(path, events, warnings, complete)


def _load_legacy(path: str, buf: pa.Buffer) -> Recording:
    from rerun.legacy import read_legacy_rrd  # only for 0.4.0 files
    from rerun.legacy.container import RecordStats

    warnings: list[str] = []
    events = []
    stats = RecordStats()
    try:
        for event in read_legacy_rrd(memoryview(buf), stats=stats):
            if event[0] == "warning":
                warnings.append(f"{path}: {event[1]}")
            else:
                events.append(event)
    except WireError as exc:
        if not events:  # nothing readable: not a usable 0.4.0 file
            raise WireError(f"{path}: {exc}") from None
        warnings.append(f"{path}: stopped reading at data this reader does not understand ({exc}); kept the {len(events)} messages before it")
        return Recording(path, events, warnings, complete=False)
    damaged = bool(stats.skipped or stats.lost_compressed_bytes)
    if damaged and not events:
        raise WireError(f"{path}: nothing readable: {warnings[0] if warnings else 'damaged'}")
    # Damage was skipped with a warning (rerun.legacy.container.iter_records says what can be recovered).
    return Recording(path, events, warnings, complete=not (damaged or stats.torn))
