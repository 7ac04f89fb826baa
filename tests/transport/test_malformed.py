"""Bad bytes on the wire and in files: the viewer drops that frame or source, says why, keeps serving."""

from __future__ import annotations

import json
import socket
import struct
import time

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rerun.recording import load
from rerun.transport.address import Address
from rerun.transport.handshake import HANDSHAKE_MAGIC, encode_handshake, read_handshake
from rerun.transport.viewer_sink import ViewerSink, serialize_log_frame
from rerun.wire.events import LogEvent
from rerun.wire.frames import STREAM_HEADER, STREAM_MAGIC, FrameKind, encode_frame_header, encode_json_frame
from rerun.wire.log_table import build_log_batch
from rerun_app.ingest import Ingest, RecordingTarget, make_target

from transport_kit import HeadlessViewer


def scalar_frame(entity: str, frame: int, value: float) -> bytes:
    cells = pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array([value]))
    batch = build_log_batch(entity, "rec-bad", {("frame", "sequence"): [frame]}, {"rerun.scalar": cells})
    return serialize_log_frame(batch).tobytes()


BEGIN = encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-bad", "application_id": "bad"}, checksum=True)
#: A format-1 stream's header: its frames carry no checksum, so a bad payload is found only by decoding it.
FORMAT_1_HEADER = STREAM_MAGIC + struct.pack("<HH", 1, 0)
VALID_STREAM = STREAM_HEADER + BEGIN + scalar_frame("ok/a", 1, 1.5) + scalar_frame("ok/b", 2, 2.5)
#: The same on other entities (built anew: frames are checksummed, so changing their bytes would damage them).
FALLBACK_STREAM = STREAM_HEADER + BEGIN + scalar_frame("fb/a", 1, 1.5) + scalar_frame("fb/b", 2, 2.5)


#: How long a test waits for the viewer to finish with one connection. Generous: on a loaded 2-core CI machine
#: the viewer's accept and reader threads can be descheduled for seconds; a quick viewer answers at once.
VIEWER_DONE_S = 60


def wait_until_viewer_hangs_up(sock: socket.socket) -> None:
    """Block until the viewer closes its end: it closes a connection only after recording the source's outcome
    (the error or the ingested rows), so a later ``viewer.stop()`` cannot lose it. A connection still waiting in
    the listen backlog at stop would never be accepted at all."""
    sock.settimeout(VIEWER_DONE_S)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        raise
    except OSError:
        pass  # the viewer hung up on unread bytes (a reset): it is done with us all the same


def send_raw(port: int, data: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=VIEWER_DONE_S) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except TimeoutError:
            raise
        except OSError:
            pass  # the viewer may hang up on us first: that is one of the allowed outcomes
        wait_until_viewer_hangs_up(sock)


def scalars_saved(path, entity: str) -> dict[int, float]:
    recording = load(path)
    if entity not in recording.entity_paths:
        return {}
    table = recording.table(entity)
    return {f: c[0] for f, c in zip(table.column("frame").to_pylist(), table.column("rerun.scalar").to_pylist())}


CASES = {
    "wrong magic": (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "not a rerun stream"),
    "newer version": (struct.pack("<4sHH", b"RRPY", 99, 0) + BEGIN, "newer than this reader"),
    "impossible length": (STREAM_HEADER + encode_frame_header(FrameKind.LOG, 1 << 40) + b"x" * 100, "exceeds the limit"),
    "bad frame marker": (STREAM_HEADER + b"ZZ" + b"\0" * 14, "bad marker"),
    # Gone before its first frame: counted with the connections that sent none, and said on stderr.
    "truncated frame": (STREAM_HEADER + encode_frame_header(FrameKind.LOG, 5000) + b"x" * 10, "closed after 10 of 5000 bytes"),
    "garbage payload then valid frame": (
        FORMAT_1_HEADER + encode_frame_header(FrameKind.LOG, 64) + bytes(range(64)) + scalar_frame("after/garbage", 3, 3.5),
        "not a valid Arrow IPC stream",
    ),
    "control frame that is not JSON": (FORMAT_1_HEADER + encode_frame_header(FrameKind.CLEAR, 5) + b"nope!", "not valid JSON"),
    "frame without a checksum in a format-3 stream": (
        STREAM_HEADER + encode_frame_header(FrameKind.LOG, 64) + bytes(range(64)), "has no checksum, but every frame"
    ),
    "handshake too long": (HANDSHAKE_MAGIC + struct.pack("<I", 1 << 30), "exceeds the limit"),
    "handshake not JSON": (HANDSHAKE_MAGIC + struct.pack("<I", 3) + b"{{{", "not valid JSON"),
    "handshake wrong protocol": (encode_handshake({"protocol": 42}), "unsupported protocol"),
    "handshake newer format": (encode_handshake({"protocol": 1, "format_version": 7}), "is not supported"),
}


def test_malformed_input_is_dropped_with_a_clear_reason_and_the_viewer_keeps_serving(tmp_path):
    viewer = HeadlessViewer(tmp_path)
    try:
        for data, _ in CASES.values():
            send_raw(viewer.port, data)
        # A ring announcement pointing outside /dev/shm is refused; the connection falls back to TCP.
        with socket.create_connection(("127.0.0.1", viewer.port), timeout=VIEWER_DONE_S) as sock:
            sock.sendall(encode_handshake({"protocol": 1, "ring": {"name": "../../etc/passwd", "capacity": 1 << 20}}))
            reply = read_handshake(sock)
            assert reply["ok"] and reply["ring"] is False and "ring name" in reply["ring_error"]
            sock.sendall(FALLBACK_STREAM)
            sock.shutdown(socket.SHUT_WR)
            wait_until_viewer_hangs_up(sock)
        send_raw(viewer.port, VALID_STREAM)
        assert viewer.alive()
        stats = viewer.stop()
    finally:
        viewer.kill()
    errors = [s["last_error"] or "" for s in stats["sources"]] + viewer.stderr.splitlines()
    for name, (_, fragment) in CASES.items():
        assert any(fragment in e for e in errors), f"{name}: no source reported {fragment!r}; got {errors}"
    assert scalars_saved(viewer.save_path, "ok/a") == {1: 1.5}
    assert scalars_saved(viewer.save_path, "fb/b") == {2: 2.5}
    assert scalars_saved(viewer.save_path, "after/garbage") == {3: 3.5}  # the frame after the bad one


def _mutations():
    positions = st.integers(0, len(VALID_STREAM) - 1)
    flip = st.tuples(st.just("flip"), st.lists(st.tuples(positions, st.integers(0, 255)), min_size=1, max_size=8))
    cut = st.tuples(st.just("cut"), positions)
    insert = st.tuples(st.just("insert"), st.tuples(positions, st.binary(min_size=1, max_size=64)))
    rand = st.tuples(st.just("random"), st.binary(min_size=0, max_size=512))
    return st.one_of(flip, cut, insert, rand)


def mutate(kind_and_arg) -> bytes:
    kind, arg = kind_and_arg
    data = bytearray(VALID_STREAM)
    if kind == "flip":
        for pos, value in arg:
            data[pos] = value
    elif kind == "cut":
        del data[arg:]
    elif kind == "insert":
        pos, extra = arg
        data[pos:pos] = extra
    else:
        data = bytearray(arg)
    return bytes(data)


def test_fuzzed_streams_never_take_the_viewer_down(tmp_path):
    viewer = HeadlessViewer(tmp_path)
    try:

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(_mutations())
        def throw(mutation):
            send_raw(viewer.port, mutate(mutation))

        throw()
        assert viewer.alive()
        sink = ViewerSink(Address("127.0.0.1", viewer.port), transport="ring")
        sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-after-fuzz"})
        cells = pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array([42.0]))
        sink.send_log(build_log_batch("after/fuzz", "rec-after-fuzz", {("frame", "sequence"): [9]}, {"rerun.scalar": cells}))
        sink.close()
        stats = viewer.stop()
    finally:
        viewer.kill()
    assert scalars_saved(viewer.save_path, "after/fuzz") == {9: 42.0}
    after = [s for s in stats["sources"] if s["kind"] == "ring"]
    assert len(after) == 1 and after[0]["errors"] == 0 and after[0]["goodbye"]


def test_fuzzed_files_never_raise_from_the_loader(tmp_path):
    # No memory limit: make_target's limit is for the whole process, and in a full run this pytest process
    # already holds more than any fixed figure (1 GiB failed at 1.2 GB resident); these stores hold bytes.
    hub, target = make_target()
    ingest = Ingest(target)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_mutations())
    def load_one(mutation):
        path = tmp_path / "fuzz.rrd"
        path.write_bytes(mutate(mutation))
        ingest.load_file(str(path))

    load_one()
    good = tmp_path / "good.rrd"
    good.write_bytes(VALID_STREAM)
    source = ingest.load_file(str(good))
    assert source.errors == 0 and source.log_rows == 2
    assert hub.store("rec-bad") is not None
    recorder = RecordingTarget()
    Ingest(recorder).load_file(str(good))
    assert [e.entity_path for e in recorder.events if isinstance(e, LogEvent)] == ["ok/a", "ok/b"]


def test_file_into_a_hub_matches_frame_by_frame_ingest_and_skips_a_bad_frame(tmp_path):
    values = [float(v) * 0.5 for v in range(300)]
    garbage = encode_frame_header(FrameKind.LOG, 40) + bytes(range(40))
    path = tmp_path / "many.rrd"
    frames = [scalar_frame("bulk/x" if i % 3 else "bulk/y", i, v) for i, v in enumerate(values)]
    path.write_bytes(STREAM_HEADER + BEGIN + b"".join(frames[:150]) + garbage + b"".join(frames[150:]))

    hub, target = make_target()
    source = Ingest(target).load_file(str(path))
    assert source.errors == 1 and source.log_rows == len(values)

    recorder = RecordingTarget()
    Ingest(recorder).load_file(str(path))
    one_by_one, _ = make_target()
    for event in recorder.events:
        one_by_one.add_event(event)

    for entity in ("bulk/x", "bulk/y"):
        expected = {i: v for i, v in enumerate(values) if (entity == "bulk/x") == bool(i % 3)}
        for store in (hub.store("rec-bad"), one_by_one.store("rec-bad")):
            times, cells = store.range(entity, "rerun.scalar", "frame", 0, len(values))
            got = {int(t): c[0].as_py() for t, c in zip(times, cells)}
            assert got == expected
