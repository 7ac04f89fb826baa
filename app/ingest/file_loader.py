"""Loading ``.rrd`` files (ours, ``RRPY``, and Rerun 0.4.0's ``RRF0``) into the viewer.

Into a ``StoreHub`` (a :class:`~rerun_app.ingest.targets.HubTarget`) a file goes through the store's
bulk path, ``StoreHub.add_events``, which concatenates runs of small batches of one entity first
(one-row-per-message files load several times faster). Every LOG payload is still decoded and
validated on its own, so a bad frame is dropped and counted, never handed to the store.
"""

from __future__ import annotations

import mmap
import os
import time
from typing import Iterable, Iterator

import numpy as np

from rerun.wire.events import Event, LogEvent, deliver
from rerun.wire.frames import FRAME_HEADER, STREAM_MAGIC, WireError, iter_frames, parse_frame_header, parse_stream_header

from rerun_app.ingest.dispatch import Dispatcher
from rerun_app.ingest.schema_check import ComponentTypeMismatch, check_components
from rerun_app.ingest.stats import SourceStats
from rerun_app.ingest.targets import HubTarget

LEGACY_MAGIC = b"RRF0"
#: ``SourceStats.end_reason`` of a file that could not be opened or read at all (the CLI exits non-zero).
UNREADABLE = "unreadable"
#: Events handed to ``StoreHub.add_events`` per hold of the ingest lock (the window reads between), and the
#: most bytes of LOG batches in one such slice: the store makes room for what comes as it comes, so a slice
#: of copied-out frames (under a memory limit) must not hold much more than the limit leaves.
BULK_EVENTS_PER_LOCK = 4096
BULK_BYTES_PER_LOCK = 8 << 20
#: While a 0.4.0 file loads into a store, the C heap's free pages are handed back after every this many bytes of
#: decoded LOG batches (see :func:`rerun_app.store.trim_c_heap`): 145 MB of points peaked ~85 MB lower.
TRIM_EVERY_BYTES = 8 << 20
#: Under a memory limit, the pages of the mapped file already read are handed back after every this many bytes.
RELEASE_EVERY_BYTES = 8 << 20


def load_file(path: str, dispatcher: Dispatcher, source: SourceStats) -> None:
    """Ingest every frame of the file at ``path``; problems are counted on ``source`` and logged.

    A torn tail (the writer died mid-frame) keeps every complete frame; a corrupt frame header stops
    reading at that point; an unreadable or foreign file is reported, never raised.
    """
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                raise WireError("the file is empty")
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, WireError, ValueError) as exc:
        Dispatcher.report_error(source, f"cannot read {path!r}: {exc}")
        source.end_reason = UNREADABLE
        return
    try:
        if data[:4] == LEGACY_MAGIC:
            _load_legacy(data, path, dispatcher, source)
        else:
            _load_stream(data, dispatcher, source)
    except Exception as exc:  # noqa: BLE001 - a bad file must never take the viewer down
        Dispatcher.report_error(source, f"stopped reading {path!r}: {type(exc).__name__}: {exc}")
        source.end_reason = "error"
    finally:
        if isinstance(dispatcher.target, HubTarget):  # the loader's temporaries, freed between the kept arrays
            from rerun_app.store import trim_c_heap

            trim_c_heap()


def _load_stream(data: mmap.mmap, dispatcher: Dispatcher, source: SourceStats) -> None:
    if data[:4] != STREAM_MAGIC:
        raise WireError(f"not a rerun recording: magic {bytes(data[:4])!r}, expected {STREAM_MAGIC!r} or {LEGACY_MAGIC!r}")
    source.format_version = parse_stream_header(data[:8])  # from format 3 on, a frame without a checksum is damaged
    whole = np.frombuffer(data, dtype=np.uint8)
    tail: list = []
    corrupt: list = []  # damaged frames are skipped (named below); reading goes on after them
    # Verified here, as they are found (which a damaged frame needs to be skipped): the dispatcher need not hash them again.
    found = iter_frames(whole, 8, tail, corrupt, source.format_version)
    bounded = isinstance(dispatcher.target, HubTarget) and dispatcher.target.hub.budget.bounded
    frames = _copied_out(data, whole, found) if bounded else _views(whole, found)
    if isinstance(dispatcher.target, HubTarget):
        failure: list[Exception] = []
        _bulk_ingest(dispatcher, source, _decoded(dispatcher, source, frames, failure))
        if failure:
            raise failure[0]  # after everything before the corrupt frame went in
    else:
        for frame in frames:
            dispatcher.handle(source, frame, verified=True)
    for region in corrupt:
        Dispatcher.report_error(
            source, f"skipped {region.length} corrupt bytes at byte {region.offset} ({region.reason}); kept the frames around them"
        )
    if tail:
        Dispatcher.report_error(
            source, f"the file ends mid-frame at byte {tail[0].offset} ({tail[0].missing_bytes} bytes missing); kept everything before it"
        )
    source.end_reason = "end of file"


def _views(whole: np.ndarray, found: Iterator) -> Iterator[np.ndarray]:
    """Each frame as a view of the mapping (zero copy: the store keeps the file's pages)."""
    for f in found:
        yield whole[f.offset : f.offset + FRAME_HEADER.size + parse_frame_header(whole, f.offset)[1]]


def _copied_out(data: mmap.mmap, whole: np.ndarray, found: Iterator) -> Iterator[np.ndarray]:
    """Each frame copied out of the mapping, whose pages are handed back to the kernel as reading moves on.

    Under a memory limit: the file's pages count in the viewer's resident memory as long as they are
    mapped in, and the store could never free them by dropping data (a file larger than the limit
    made it drop nearly everything and still stay far over). Copies are memory the store frees when
    it lets a frame go; the page cache keeps the file's pages for whoever reads them again.
    """
    released = 0
    for f in found:
        end = f.offset + FRAME_HEADER.size + parse_frame_header(whole, f.offset)[1]
        yield whole[f.offset : end].copy()
        done = end // mmap.PAGESIZE * mmap.PAGESIZE  # pages up to here are read, verified and copied
        if done - released >= RELEASE_EVERY_BYTES:
            data.madvise(mmap.MADV_DONTNEED, released, done - released)
            released = done


def _load_legacy(data: mmap.mmap, path: str, dispatcher: Dispatcher, source: SourceStats) -> None:
    """A rerun-sdk 0.4.0 file, decoded as it is ingested: neither the compressed file (its pages are released as
    they are decompressed) nor a list of every decoded event is held on top of what the store keeps."""
    from rerun.legacy import read_legacy_rrd

    warnings: list[str] = []
    try:
        _ingest_legacy(read_legacy_rrd(data, warnings), dispatcher, source)
    finally:
        for warning in warnings:
            Dispatcher.report_error(source, f"{path}: {warning}")


def _ingest_legacy(events: Iterator, dispatcher: Dispatcher, source: SourceStats) -> None:
    if isinstance(dispatcher.target, HubTarget):
        _bulk_ingest(dispatcher, source, _validated(dispatcher, source, events))
        source.end_reason = "end of file"
        return
    target = dispatcher.target
    for event in events:
        with dispatcher.lock:
            deliver(event, target)
        if isinstance(event, LogEvent):
            source.log_rows += event.batch.num_rows
        source.frames += 1
    source.end_reason = "end of file"


def _decoded(dispatcher: Dispatcher, source: SourceStats, frames: Iterator[np.ndarray], failure: list) -> Iterator[Event]:
    """Events of the good frames (``frames`` verified already; bad payloads counted and skipped); each is saved with ``--save``.
    A corrupt frame header ends the events and is appended to ``failure``."""
    while True:
        try:
            frame = next(frames)
            event = dispatcher.decode(source, frame, verified=True)
        except StopIteration:
            return
        except WireError as exc:
            failure.append(exc)
            return
        if event is None:
            continue
        if isinstance(event, LogEvent):
            source.log_rows += event.batch.num_rows
        dispatcher.accepted(source, frame)
        yield event


def _validated(dispatcher: Dispatcher, source: SourceStats, events: Iterable[Event]) -> Iterator[Event]:
    """Legacy-file events with every LOG batch fully validated (bad ones counted and skipped); the C heap is
    trimmed every ``TRIM_EVERY_BYTES`` of them (each record's decompressed and decoded copies are freed then)."""
    from rerun_app.store import trim_c_heap

    untrimmed = 0
    for event in events:
        source.frames += 1
        if isinstance(event, LogEvent):
            try:
                event.batch.validate(full=True)
                check_components(event.batch)
            except ComponentTypeMismatch as exc:
                Dispatcher.report_component_mismatch(source, exc)
                continue
            except Exception as exc:  # noqa: BLE001
                Dispatcher.report_error(source, f"dropped a LOG event: {type(exc).__name__}: {exc}")
                continue
            source.log_rows += event.batch.num_rows
            untrimmed += event.batch.nbytes
            if untrimmed >= TRIM_EVERY_BYTES:
                trim_c_heap()
                untrimmed = 0
        yield event


def _next_slice(events: Iterator[Event]) -> list[Event]:
    """The next events, up to :data:`BULK_EVENTS_PER_LOCK` of them or :data:`BULK_BYTES_PER_LOCK` of LOG batches."""
    chunk: list[Event] = []
    nbytes = 0
    for event in events:
        chunk.append(event)
        if isinstance(event, LogEvent):
            nbytes += event.batch.nbytes
        if len(chunk) >= BULK_EVENTS_PER_LOCK or nbytes >= BULK_BYTES_PER_LOCK:
            break
    return chunk


def _bulk_ingest(dispatcher: Dispatcher, source: SourceStats, events: Iterator[Event]) -> None:
    """Feed ``events`` to ``StoreHub.add_events`` in slices, each under the ingest lock.

    The store rejecting an event (it raises) loses at most the slice being added, which is
    counted as one error; loading goes on with the next slice.
    """
    hub = dispatcher.target.hub
    while True:
        chunk = _next_slice(events)
        if not chunk:
            return
        dispatcher.last_frame_time = time.monotonic()
        try:
            with dispatcher.lock:
                hub.add_events(chunk)
        except Exception as exc:  # noqa: BLE001 - a bad file must never take the viewer down
            Dispatcher.report_error(source, f"the store refused part of the file ({len(chunk)} events from here): {type(exc).__name__}: {exc}")
