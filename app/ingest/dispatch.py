"""Decoding whole frames and handing them to the target, with per-source counters and error isolation."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
import pyarrow as pa

from rerun.wire.events import BeginRecording, ClearEvent, Event, Goodbye, LogEvent, deliver
from rerun.wire.frames import (
    FRAME_HEADER,
    STREAM_HEADER,
    ChecksumError,
    Frame,
    FrameKind,
    MissingChecksumError,
    WireError,
    checked_payload,
    parse_frame_header,
    verified_payload,
    with_checksum,
)
from rerun.wire.log_table import LOG_TIME_COLUMN, read_log_payload

from rerun_app.ingest.log_limit import ingest_log
from rerun_app.ingest.schema_check import ComponentTypeMismatch, check_components
from rerun_app.ingest.stats import SourceStats

logger = logging.getLogger("rerun_app.ingest")

#: Errors logged per source before the rest are only counted.
_LOGGED_ERRORS_PER_SOURCE = 5
#: Decoded schemas kept, keyed by their IPC message bytes (entities x schema variants in flight).
_SCHEMA_CACHE_SIZE = 1024
#: ... and bytes of schema messages kept (peers choose their size: a 1 MiB entity path makes a 1 MiB schema).
_SCHEMA_CACHE_BYTES = 32 << 20
_IPC_EOS = b"\xff\xff\xff\xff\x00\x00\x00\x00"


class LogPayloadDecoder:
    """:func:`rerun.wire.log_table.read_log_payload` with the schema decoded once per distinct schema.

    A LOG payload is an IPC stream: schema message, one record-batch message, end-of-stream. A
    stream of one entity repeats the same schema message, so its decoded schema (and the entity
    path and recording id in its metadata) is looked up by the message's bytes; anything that is not
    exactly that shape goes through ``read_log_payload``, which gives the precise error.
    """

    def __init__(self) -> None:
        self._schemas: dict[bytes, tuple[pa.Schema, str, str]] = {}
        self.cached_bytes = 0

    def decode(self, payload: pa.Buffer) -> tuple[str, str, pa.RecordBatch]:
        try:
            reader = pa.BufferReader(payload)
            schema_msg = pa.ipc.read_message(reader)
            batch_msg = pa.ipc.read_message(reader)
            rest = payload.size - reader.tell()
        except (pa.ArrowInvalid, OSError, EOFError):
            return read_log_payload(payload)
        if schema_msg.type != "schema" or batch_msg.type != "record batch" or rest != len(_IPC_EOS) or payload.slice(payload.size - rest).to_pybytes() != _IPC_EOS:
            return read_log_payload(payload)
        key = schema_msg.metadata.to_pybytes()
        cached = self._schemas.get(key)
        if cached is None:
            entity_path, recording_id, batch = read_log_payload(payload)
            if len(key) > _SCHEMA_CACHE_BYTES // 32:
                return entity_path, recording_id, batch  # too big to be worth keeping
            if len(self._schemas) >= _SCHEMA_CACHE_SIZE or self.cached_bytes + 2 * len(key) > _SCHEMA_CACHE_BYTES:
                self._schemas.clear()
                self.cached_bytes = 0
            self._schemas[key] = (batch.schema, entity_path, recording_id)
            self.cached_bytes += 2 * len(key)  # the message bytes, and about as much for the decoded schema
            return entity_path, recording_id, batch
        schema, entity_path, recording_id = cached
        try:
            batch = pa.ipc.read_record_batch(batch_msg, schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OSError) as exc:
            raise WireError(f"LOG payload is not a valid Arrow IPC stream: {exc}") from None
        return entity_path, recording_id, batch


class FrameSaver:
    """``--save``: every frame that ingest accepted, from every source, appended to one stream file.

    Writes are unbuffered (complete frames reach the OS at once), so a killed viewer leaves a
    readable file.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._file = pa.OSFile(path, "wb")
        except OSError as exc:
            raise OSError(f"--save: cannot create {path!r}: {exc}") from None
        self._file.write(STREAM_HEADER)
        self._lock = threading.Lock()

    def write(self, frame: np.ndarray | memoryview) -> None:
        """Append ``frame``; one that came without a checksum (ring, TCP) gets one, as files have."""
        parts = with_checksum(frame)
        with self._lock:
            if self._file is not None:
                for part in parts:
                    self._file.write(part)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


_CONTROL_EVENTS = {FrameKind.BEGIN_RECORDING: BeginRecording, FrameKind.CLEAR: ClearEvent, FrameKind.GOODBYE: Goodbye}


class Dispatcher:
    """Turns frames into typed events and delivers them to the target (:func:`rerun.wire.events.deliver`).
    Thread-safe: one lock orders every store mutation."""

    def __init__(self, target, lock: threading.RLock, saver: FrameSaver | None = None, max_frame_bytes: int | None = None) -> None:
        self.target = target
        self.lock = lock
        self.saver = saver
        self.max_frame_bytes = max_frame_bytes
        self.last_frame_time = time.monotonic()
        self.frames_handled = 0
        self._decoder = LogPayloadDecoder()
        #: Called with every accepted frame (``rerun --ws-server-port`` re-serves the stream); must copy what it keeps.
        self.frame_taps: list = []

    def handle(self, source: SourceStats, frame: np.ndarray, verified: bool = False) -> None:
        """Decode one whole frame (header + payload, in memory the store may keep) and ingest it.

        A bad payload is dropped with a log line and counted; the source stays open. A bad frame
        header raises :class:`WireError` (the caller can no longer find frame boundaries).
        ``verified``: as in :meth:`decode`.
        """
        self.last_frame_time = time.monotonic()
        event = self.decode(source, frame, verified)
        if event is None:
            return
        try:
            with self.lock:
                deliver(event, self.target)
        except Exception as exc:  # noqa: BLE001 - one bad message must never stop the viewer
            self.report_error(source, f"dropped a {event.kind} frame: {type(exc).__name__}: {exc}")
            return
        if isinstance(event, LogEvent):
            source.log_rows += event.batch.num_rows
            self._measure_latency(source, event.batch)
        self.accepted(source, frame)

    def make_room(self, incoming: int) -> None:
        """Let the target drop its oldest data so that frames of ``incoming`` bytes now being received fit
        the memory limit beside it (under the ingest lock: readers never see a store mid-eviction)."""
        with self.lock:
            self.target.make_room(incoming)

    def decode(self, source: SourceStats, frame: np.ndarray, verified: bool = False) -> Event | None:
        """One whole frame as a typed event (:mod:`rerun.wire.events`); None (counted and logged) when the
        payload is bad.

        The frame's checksum is verified here unless ``verified`` says the caller already did
        (:func:`rerun.wire.frames.iter_frames` verifies a file's frames as it finds them): each frame is
        hashed once. In a stream whose ``source.format_version`` requires checksums, a frame without
        one is dropped as damaged. Counts the frame on ``source``. Raises :class:`WireError` on a bad
        frame header.
        """
        kind, length = parse_frame_header(frame, 0)
        if FRAME_HEADER.size + length != frame.nbytes:
            raise WireError(f"frame length {length} does not match the {frame.nbytes - FRAME_HEADER.size} bytes received")
        self.frames_handled += 1
        stream_offset = len(STREAM_HEADER) + source.bytes  # where this frame starts in the source's byte stream
        source.frames += 1
        source.bytes += frame.nbytes
        try:
            # A checksummed frame is verified (once), its checksum cut off.
            payload = verified_payload(frame, 0, length) if verified else checked_payload(frame, 0, length, source.format_version)
            if kind == FrameKind.LOG:
                entity_path, recording_id, batch = self._decoder.decode(pa.py_buffer(payload))
                batch.validate(full=True)  # offsets and lengths checked before the store touches them
                check_components(batch)  # types too: one wrong column must not break every view
                return LogEvent(entity_path, recording_id, batch)
            info = Frame(kind, memoryview(payload), 0).json()
            if kind == FrameKind.GOODBYE:
                source.goodbye = True
            return _CONTROL_EVENTS[kind](info)
        except ChecksumError as exc:  # damaged in transit or in shared memory: this frame only
            self.report_error(
                source,
                f"dropped the {kind.name} frame at byte {stream_offset} of the stream (frame {source.frames}): checksum "
                f"mismatch (stored {exc.stored}, computed {exc.computed}): its bytes changed after they were sent",
            )
            return None
        except MissingChecksumError:  # its flag and tag were cleared by damage: nothing can vouch for its bytes
            self.report_error(
                source,
                f"dropped the {kind.name} frame at byte {stream_offset} of the stream (frame {source.frames}): it has no "
                f"checksum, but every frame of a format-{source.format_version} stream carries one: its header was damaged",
            )
            return None
        except ComponentTypeMismatch as exc:
            self.report_component_mismatch(source, exc)
            return None
        except Exception as exc:  # noqa: BLE001 - one bad message must never stop the viewer
            self.report_error(source, f"dropped a {kind.name} frame: {type(exc).__name__}: {exc}")
            return None

    def accepted(self, source: SourceStats, frame: np.ndarray) -> None:
        """Bookkeeping for a frame the target took: arrival time, and ``--save``."""
        source.last_frame_time = time.time()
        if source.first_frame_time is None:
            source.first_frame_time = source.last_frame_time
        for tap in self.frame_taps:
            tap(frame)
        if self.saver is not None:
            try:
                self.saver.write(frame)
            except OSError as exc:
                logger.error("--save: writing %s failed (%s); no longer saving", self.saver.path, exc)
                self.saver = None

    @staticmethod
    def _measure_latency(source: SourceStats, batch: pa.RecordBatch) -> None:
        index = batch.schema.get_field_index(LOG_TIME_COLUMN)
        if index < 0 or batch.num_rows == 0:
            return
        logged = batch.column(index)[batch.num_rows - 1].as_py()
        if logged is not None:
            source.add_latency_ns(time.time_ns() - logged)

    @staticmethod
    def report_component_mismatch(source: SourceStats, exc: ComponentTypeMismatch) -> None:
        """Count a batch rejected for a component's type; warn once per source and component."""
        source.errors += 1
        source.last_error = str(exc)
        if exc.component not in source.mistyped_components:
            source.mistyped_components.add(exc.component)
            ingest_log.warning("ingest: %s: %s (said once per component of this source)", source.name, exc)

    @staticmethod
    def report_error(source: SourceStats, message: str) -> None:
        source.errors += 1
        source.last_error = message
        if source.errors <= _LOGGED_ERRORS_PER_SOURCE:
            ingest_log.warning("ingest: %s: %s", source.name, message)
        elif source.errors == _LOGGED_ERRORS_PER_SOURCE + 1:
            ingest_log.warning("ingest: %s: more errors; counting them silently from now on", source.name)

