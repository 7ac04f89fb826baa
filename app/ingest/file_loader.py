"""Loading ``.rrd`` files (ours, ``RRPY``, and Rerun 0.4.0's ``RRF0``) into the viewer."""

from __future__ import annotations

import mmap
import os

import numpy as np

from rerun.wire.frames import FRAME_HEADER, STREAM_MAGIC, WireError, iter_frames, parse_stream_header

from rerun_app.ingest.dispatch import Dispatcher
from rerun_app.ingest.stats import SourceStats

LEGACY_MAGIC = b"RRF0"


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
        source.end_reason = "error"
        return
    try:
        if data[:4] == LEGACY_MAGIC:
            _load_legacy(path, dispatcher, source)
        else:
            _load_stream(data, dispatcher, source)
    except Exception as exc:  # noqa: BLE001 - a bad file must never take the viewer down
        Dispatcher.report_error(source, f"stopped reading {path!r}: {type(exc).__name__}: {exc}")
        source.end_reason = "error"


def _load_stream(data: mmap.mmap, dispatcher: Dispatcher, source: SourceStats) -> None:
    if data[:4] != STREAM_MAGIC:
        raise WireError(f"not a rerun recording: magic {bytes(data[:4])!r}, expected {STREAM_MAGIC!r} or {LEGACY_MAGIC!r}")
    parse_stream_header(data[:8])
    whole = np.frombuffer(data, dtype=np.uint8)  # frames stay views of the mapping (zero copy)
    tail: list = []
    for frame in iter_frames(whole, 8, tail):
        end = frame.offset + FRAME_HEADER.size + len(frame.payload)
        dispatcher.handle(source, whole[frame.offset : end])
    if tail:
        Dispatcher.report_error(
            source, f"the file ends mid-frame at byte {tail[0].offset} ({tail[0].missing_bytes} bytes missing); kept everything before it"
        )
    source.end_reason = "end of file"


def _load_legacy(path: str, dispatcher: Dispatcher, source: SourceStats) -> None:
    from rerun.recording import load

    recording = load(path)
    for warning in recording.warnings:
        Dispatcher.report_error(source, warning)
    target = dispatcher.target
    for event in recording.events():
        with dispatcher.lock:
            if event[0] == "begin":
                target.on_begin(event[1])
            elif event[0] == "log":
                _, entity_path, recording_id, batch = event
                target.on_log(recording_id, entity_path, batch)
                source.log_rows += batch.num_rows
            elif event[0] == "clear":
                target.on_clear(event[1])
        source.frames += 1
    source.end_reason = "end of file"
