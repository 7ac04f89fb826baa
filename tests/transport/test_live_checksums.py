"""Frames damaged on the live transports (TCP, the shared-memory ring) are caught by their XXH3: the viewer
drops that frame with a warning naming where it was in the stream, and keeps the frames before and after."""

from __future__ import annotations

import mmap
import os
import socket
import threading

import numpy as np
import pyarrow as pa

from rerun.recording import load
from rerun.transport.ring import RECORD_HEADER, RingWriter, align_record
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.events import LogEvent
from rerun.wire.frames import FRAME_HEADER, STREAM_HEADER, FrameKind, encode_frame_header, encode_json_frame, frame_size
from rerun.wire.log_table import build_log_batch, log_payload_size, write_log_payload
from rerun_app.ingest import RecordingTarget
from rerun_app.ingest.dispatch import Dispatcher
from rerun_app.ingest.ring_reader import RingReader
from rerun_app.ingest.stats import SourceStats

from transport_kit import HeadlessViewer

VIEWER_DONE_S = 60


def scalar_batch(entity: str, frame: int, value: float) -> pa.RecordBatch:
    cells = pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array([value]))
    return build_log_batch(entity, "rec-live", {("frame", "sequence"): [frame]}, {"rerun.scalar": cells})


def test_a_tcp_frame_damaged_in_transit_is_dropped_with_a_warning_and_the_rest_kept(tmp_path):
    frames = [serialize_log_frame(scalar_batch("tcp/plot", i, i * 1.5)).tobytes() for i in range(5)]
    begin = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-live", "application_id": "live"}, checksum=True)
    damaged = bytearray(frames[2])
    damaged[len(damaged) // 2] ^= 0x08  # a payload bit: the length still holds, only the checksum can tell
    stream = STREAM_HEADER + begin + frames[0] + frames[1] + bytes(damaged) + frames[3] + frames[4]
    offset_of_damaged = len(STREAM_HEADER) + len(begin) + len(frames[0]) + len(frames[1])
    viewer = HeadlessViewer(tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", viewer.port), timeout=VIEWER_DONE_S) as sock:
            sock.sendall(stream)
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(VIEWER_DONE_S)
            while sock.recv(65536):  # the viewer hangs up once it has recorded the source's outcome
                pass
        assert viewer.alive()
        stats = viewer.stop()
    finally:
        viewer.kill()
    (source,) = [s for s in stats["sources"] if s["kind"] == "tcp"]
    assert source["errors"] == 1
    assert f"LOG frame at byte {offset_of_damaged} of the stream" in source["last_error"]
    assert "checksum mismatch" in source["last_error"]
    assert "checksum mismatch" in viewer.stderr  # the warning a user sees
    table = load(viewer.save_path).table("tcp/plot")
    assert table.column("frame").to_pylist() == [0, 1, 3, 4]
    assert [c[0] for c in table.column("rerun.scalar").to_pylist()] == [0.0, 1.5, 4.5, 6.0]


def _unchecksummed_frame(batch: pa.RecordBatch) -> np.ndarray:
    """A LOG frame as a format-1 peer sends it (no checksum)."""
    out = pa.BufferOutputStream()
    out.write(encode_frame_header(FrameKind.LOG, log_payload_size(batch)))
    write_log_payload(batch, out)
    return np.frombuffer(out.getvalue(), np.uint8)


def test_ring_frames_damaged_in_shared_memory_are_dropped_and_the_rest_kept():
    """Each way the SDK writes a ring frame (Arrow straight into the ring, a small serialised frame copied in,
    a frame bigger than the ring in chunks) seals it; a second mapping of the ring scribbles on one frame
    of each kind between the write and the read."""
    writer = RingWriter(1 << 20)
    fd = os.open(writer.path, os.O_RDWR)  # another mapping of the same memory, as a stray process would have
    try:
        scribbler = mmap.mmap(fd, 0, flags=mmap.MAP_SHARED)
    finally:
        os.close(fd)
    reader = RingReader(writer.name, writer.capacity)
    target = RecordingTarget()
    dispatcher = Dispatcher(target, threading.RLock())
    source = SourceStats("ring test", "ring")
    data_start = len(scribbler) - writer.capacity
    big = 1_500_000  # > the 1 MiB ring: sent in chunks

    def log_frame(i: int) -> pa.RecordBatch:
        if i % 3 == 2:
            cells = pa.ListArray.from_arrays(pa.array([0, big // 8], pa.int32()), pa.array(np.full(big // 8, float(i))))
            return build_log_batch("ring/plot", "rec-live", {("frame", "sequence"): [i]}, {"rerun.scalar": cells})
        return scalar_batch("ring/plot", i, float(i))

    def record_data(n: int) -> int:
        """Where the data of the record just written (``n`` data bytes) lies in the scribbler's mapping."""
        return data_start + (writer.head - align_record(n)) % writer.capacity + RECORD_HEADER.size

    def drain() -> None:
        for got in reader.frames():
            if got is not None:
                dispatcher.handle(source, got)

    def write(i: int, damage: bool) -> None:
        batch = log_frame(i)
        if i % 3 == 0:
            n = frame_size(log_payload_size(batch))
            assert writer.try_write_log(batch, log_payload_size(batch))
        elif i % 3 == 1:
            sink = pa.BufferOutputStream()
            write_log_payload(batch, sink)
            payload = np.frombuffer(sink.getvalue(), np.uint8)
            n = frame_size(payload.nbytes)
            assert writer.try_write_frame_parts(encode_frame_header(FrameKind.LOG, payload.nbytes, checksum=True), payload)
        else:
            frame = serialize_log_frame(batch)
            offset = 0
            while offset < frame.nbytes:
                taken = writer.write_chunk(frame[offset:])
                if damage and offset == 0 and taken:  # the first chunk: scribble on it before the reader copies it
                    scribbler[record_data(taken) + FRAME_HEADER.size + 5000] ^= 0x40
                offset += taken
                if not taken:
                    drain()
            return
        if damage:
            scribbler[record_data(n) + n - 12] ^= 0x01  # a payload byte just before the trailer

    try:
        for i in range(9):
            write(i, damage=i in (3, 4, 5))
            drain()
        assert writer.try_write_frame(_unchecksummed_frame(scalar_batch("ring/plot", 9, 9.0)))  # a format-1 peer: read as before
        drain()
    finally:
        reader.close()
        writer.close()
        scribbler.close()
    kept = [e.batch.column("rerun.scalar")[0][0].as_py() for e in target.events if isinstance(e, LogEvent)]
    assert kept == [0.0, 1.0, 2.0, 6.0, 7.0, 8.0, 9.0]
    assert source.errors == 3 and source.frames == 10
    assert "LOG frame at byte" in source.last_error and "(frame 6)" in source.last_error and "checksum mismatch" in source.last_error
