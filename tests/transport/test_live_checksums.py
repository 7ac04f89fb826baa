"""Frames damaged on the live transports (TCP, the shared-memory ring) are caught by their XXH3: the viewer
drops that frame with a warning naming where it was in the stream, and keeps the frames before and after.
In a format-3 stream a frame without a checksum is damaged too (its flag and tag cleared by a burst)."""

from __future__ import annotations

import mmap
import os
import socket
import struct
import threading

import numpy as np
import pyarrow as pa

from rerun.recording import load
from rerun.transport.handshake import PROTOCOL_VERSION, encode_handshake, read_handshake
from rerun.transport.ring import RECORD_HEADER, RingWriter, align_record
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.events import LogEvent
from rerun.wire.frames import (
    FLAG_XXH3,
    FRAME_HEADER,
    STREAM_HEADER,
    STREAM_MAGIC,
    FrameKind,
    encode_frame_header,
    encode_json_frame,
    frame_size,
)
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
        elif i % 3 == 1:  # a frame the sink serialised aside (queued) and its worker copies in whole
            frame = serialize_log_frame(batch)
            n = frame.nbytes
            assert writer.try_write_frame(frame)
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
        assert source.errors == 3 and "(frame 6)" in source.last_error and "checksum mismatch" in source.last_error
        # A frame without a checksum: what a format-1 peer sends, read as before on a ring whose handshake said
        # format 1; in this format-3 ring it can only be a frame whose flag and tag were damaged away.
        old_peer = SourceStats("format-1 ring", "ring")
        old_peer.format_version = 1
        for got_by in (old_peer, source):
            assert writer.try_write_frame(_unchecksummed_frame(scalar_batch("ring/plot", 9, 9.0)))
            for got in reader.frames():
                dispatcher.handle(got_by, got)
    finally:
        reader.close()
        writer.close()
        scribbler.close()
    kept = [e.batch.column("rerun.scalar")[0][0].as_py() for e in target.events if isinstance(e, LogEvent)]
    assert kept == [0.0, 1.0, 2.0, 6.0, 7.0, 8.0, 9.0]
    assert old_peer.errors == 0 and old_peer.log_rows == 1
    assert source.errors == 4 and source.frames == 10
    assert "LOG frame at byte" in source.last_error and "(frame 10)" in source.last_error and "has no checksum" in source.last_error


def _flag_and_tag_cleared(frame: bytes) -> bytes:
    """``frame`` after a burst that zeroed its checksum flag and the b"XXH3" tag beside it (header bytes 3-7):
    read as format 1 frames were, it would pass unverified."""
    damaged = bytearray(frame)
    assert damaged[3] == FLAG_XXH3 and damaged[4:8] == b"XXH3"
    damaged[3:8] = bytes(5)
    return bytes(damaged)


def _format_1_stream_header() -> bytes:
    return STREAM_MAGIC + struct.pack("<HH", 1, 0)


def _until_the_viewer_hangs_up(sock: socket.socket) -> None:
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(VIEWER_DONE_S)
    while sock.recv(65536):  # the viewer hangs up once it has recorded the source's outcome
        pass


def _scalars(path, entity: str) -> tuple[list, list]:
    table = load(path).table(entity)
    return table.column("frame").to_pylist(), [c[0] for c in table.column("rerun.scalar").to_pylist()]


def _assert_only_the_unchecksummed_frame_was_dropped(viewer, stats: dict, kind: str, offset: int, values: list) -> None:
    """Of the two ``kind`` sources (format 3, then format 1), the first dropped only its frame 4 (the one without a
    checksum, at stream byte ``offset``) with the warning a user sees; the second kept all three of its frames."""
    new_source, old_source = [s for s in stats["sources"] if s["kind"] == kind]  # in the order they connected
    assert new_source["errors"] == 1 and new_source["frames"] == 6
    assert f"dropped the LOG frame at byte {offset} of the stream (frame 4)" in new_source["last_error"]
    assert "has no checksum" in new_source["last_error"]
    assert f"at byte {offset} of the stream" in viewer.stderr and "has no checksum" in viewer.stderr
    assert old_source["errors"] == 0 and old_source["log_rows"] == 3
    assert _scalars(viewer.save_path, f"{kind}/plot") == ([0, 1, 3, 4], values)
    assert _scalars(viewer.save_path, f"{kind}/old") == ([0, 1, 2], [0.0, -1.0, -2.0])
    assert new_source["format_version"] == 3 and old_source["format_version"] == 1


def test_a_tcp_frame_whose_checksum_flag_and_tag_were_cleared_is_dropped_in_a_format_3_stream(tmp_path):
    """The stream header says format 3, so a frame without a checksum is damaged, not an old frame; a
    format-1 peer's frames (no checksums, stream header version 1) are still read."""
    frames = [serialize_log_frame(scalar_batch("tcp/plot", i, i * 1.5)).tobytes() for i in range(5)]
    begin = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-live", "application_id": "live"}, checksum=True)
    stream = STREAM_HEADER + begin + frames[0] + frames[1] + _flag_and_tag_cleared(frames[2]) + frames[3] + frames[4]
    offset_of_damaged = len(STREAM_HEADER) + len(begin) + len(frames[0]) + len(frames[1])
    old_begin = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-live", "application_id": "live"})
    old_stream = _format_1_stream_header() + old_begin + b"".join(_unchecksummed_frame(scalar_batch("tcp/old", i, -float(i))).tobytes() for i in range(3))
    viewer = HeadlessViewer(tmp_path)
    try:
        for data in (stream, old_stream):
            with socket.create_connection(("127.0.0.1", viewer.port), timeout=VIEWER_DONE_S) as sock:
                sock.sendall(data)
                _until_the_viewer_hangs_up(sock)
        assert viewer.alive()
        stats = viewer.stop()
    finally:
        viewer.kill()
    _assert_only_the_unchecksummed_frame_was_dropped(viewer, stats, "tcp", offset_of_damaged, [0.0, 1.5, 4.5, 6.0])


def _ring_peer(port: int, format_version: int, frames: list[bytes]) -> None:
    """A producer that hands a real viewer a shared-memory ring, as ``rr.connect`` does (its own pid, over
    TCP), writes ``frames`` into it and leaves; returns once the viewer has drained the ring and hung up."""
    writer = RingWriter(1 << 20)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=VIEWER_DONE_S) as sock:
            hello = {"protocol": PROTOCOL_VERSION, "format_version": format_version, "pid": os.getpid(),
                     "ring": {"name": writer.name, "capacity": writer.capacity}}
            sock.sendall(encode_handshake(hello))
            reply = read_handshake(sock)
            writer.unlink()
            assert reply["ok"] and reply["ring"], reply
            for frame in frames:
                assert writer.try_write_frame(np.frombuffer(frame, np.uint8))
            _until_the_viewer_hangs_up(sock)  # at EOF the viewer drains what was published, then ends the source
    finally:
        writer.close()


def test_a_ring_frame_whose_checksum_flag_and_tag_were_cleared_is_dropped_by_a_real_viewer(tmp_path):
    """A ring's frames follow no stream header: the handshake's format version decides. In a format-3 ring the
    frame without a checksum is dropped with a warning naming its stream byte; a format-1 ring is read as before."""
    begin = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-live", "application_id": "live"}, checksum=True)
    frames = [serialize_log_frame(scalar_batch("ring/plot", i, i * 2.0)).tobytes() for i in range(5)]
    sent = [begin, frames[0], frames[1], _flag_and_tag_cleared(frames[2]), frames[3], frames[4]]
    offset_of_damaged = len(STREAM_HEADER) + sum(len(f) for f in sent[:3])
    old_begin = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-live", "application_id": "live"})
    old_frames = [old_begin] + [_unchecksummed_frame(scalar_batch("ring/old", i, -float(i))).tobytes() for i in range(3)]
    viewer = HeadlessViewer(tmp_path)
    try:
        _ring_peer(viewer.port, 3, sent)
        _ring_peer(viewer.port, 1, old_frames)
        assert viewer.alive()
        stats = viewer.stop()
    finally:
        viewer.kill()
    _assert_only_the_unchecksummed_frame_was_dropped(viewer, stats, "ring", offset_of_damaged, [0.0, 2.0, 6.0, 8.0])


def test_frames_re_served_over_websocket_carry_a_checksum_even_from_a_format_1_peer():
    """The ``--ws-server-port`` stream is format 3: a frame that came without a checksum (a format-1 logger) is
    given one before it is re-served, so a ``rerun ws://`` viewer reading it keeps it instead of dropping it."""
    from rerun_app.ingest import Ingest
    from rerun_app.web.log_stream import LogStreamServer
    from rerun_app.web.ws_source import WsSource

    server = LogStreamServer(port=0)
    server.start()
    try:
        for i in range(3):  # as Dispatcher.accepted hands the frames of a format-1 source to its taps
            server.tap(_unchecksummed_frame(scalar_batch("ws/old", i, i + 0.5)))
        recorder = RecordingTarget()
        pulled = WsSource(f"ws://127.0.0.1:{server.port}", Ingest(recorder)).start()
        assert pulled.backlog_done.wait(VIEWER_DONE_S) and pulled.error is None
    finally:
        server.close()
    assert pulled.source.format_version == 3 and pulled.source.errors == 0, pulled.source.last_error
    assert [e.batch.column("rerun.scalar")[0][0].as_py() for e in recorder.events if isinstance(e, LogEvent)] == [0.5, 1.5, 2.5]
