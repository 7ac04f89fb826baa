"""Faults: a viewer killed or stalled, a logger killed mid-frame, a taken port, no display."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pyarrow as pa
import pytest

from rerun.recording import load
from rerun.transport.address import Address
from rerun.transport.viewer_sink import ViewerSink
from rerun.wire.frames import FrameKind
from rerun.wire.log_table import build_log_batch

from transport_kit import free_port, start_logger
from logger_proc import MID_FRAME_LINE, expected_points, wait_for_line

#: A hang check, not a benchmark: a log call that takes this long is blocked on the viewer.
HANG_S = 2.0


def blob_batch(i: int, nbytes: int) -> pa.RecordBatch:
    values = pa.array(np.full(nbytes, i % 251, dtype=np.uint8))
    cells = pa.ListArray.from_arrays(pa.array([0, nbytes], pa.int32()), values)
    return build_log_batch("blobs", "rec-faults", {("frame", "sequence"): [i]}, {"ext.blob": cells})


def send_all(sink: ViewerSink, frames: range, nbytes: int) -> float:
    """Send one blob per frame number; return the slowest call in seconds."""
    slowest = 0.0
    for i in frames:
        start = time.perf_counter()
        sink.send_log(blob_batch(i, nbytes))
        slowest = max(slowest, time.perf_counter() - start)
    return slowest


def wait_connected(sink: ViewerSink, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not sink.stats()["connected"]:
        assert time.monotonic() < deadline, sink.stats()
        time.sleep(0.01)


def saved_frames(path) -> list[int]:
    recording = load(path)
    if "blobs" not in recording.entity_paths:
        return []
    return recording.table("blobs").column("frame").to_pylist()


@pytest.mark.parametrize("transport", ["ring", "tcp"])
def test_viewer_killed_mid_stream_leaves_the_logger_running_and_a_new_viewer_is_found(viewer_factory, transport, caplog):
    first = viewer_factory()
    sink = ViewerSink(Address("127.0.0.1", first.port), transport=transport, buffer_bytes=4 << 20, ring_bytes=4 << 20)
    try:
        sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-faults", "application_id": "faults"})
        wait_connected(sink)
        send_all(sink, range(0, 10), 100_000)
        assert sink.flush()
        first.proc.kill()
        first.proc.wait()
        with caplog.at_level(logging.WARNING, logger="rerun"):
            slowest = send_all(sink, range(10, 200), 100_000)  # 19 MB into a 4 MiB bound
        assert slowest < HANG_S
        stats = sink.stats()
        assert stats["dropped_messages"] > 0 and stats["dropped_bytes"] >= 100_000 * stats["dropped_messages"]
        drop_warnings = [r for r in caplog.records if "dropping the oldest" in r.getMessage()]
        assert len(drop_warnings) == 1
        # A viewer started again on that port receives the recording header and the newest data.
        second = viewer_factory(port=first.port)
        wait_connected(sink)
        send_all(sink, range(200, 205), 1000)
        assert sink.flush()
    finally:
        sink.close()
    second.stop()
    frames = saved_frames(second.save_path)
    assert frames[-5:] == list(range(200, 205))
    assert frames == sorted(frames)  # what survived arrives in order
    assert load(second.save_path).recording_id == "rec-faults"


def _blobs_through(sink: ViewerSink, viewer, sent: range, stalled: bool = False) -> dict:
    """Send a 200 kB blob per frame of ``sent`` through ``sink`` once connected (the viewer stopped with SIGSTOP
    meanwhile if ``stalled``), no call hanging; flush, close, stop the viewer; return the sink's stats."""
    try:
        sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-faults"})
        wait_connected(sink)
        if stalled:
            os.kill(viewer.proc.pid, signal.SIGSTOP)
        try:
            slowest = send_all(sink, sent, 200_000)
        finally:
            if stalled:
                os.kill(viewer.proc.pid, signal.SIGCONT)
        assert slowest < HANG_S
        assert sink.flush()
        stats = sink.stats()
    finally:
        sink.close()
    viewer.stop()
    return stats


def test_stalled_viewer_drops_the_oldest_and_keeps_the_newest(viewer):
    sent = range(0, 120)
    sink = ViewerSink(Address("127.0.0.1", viewer.port), transport="ring", buffer_bytes=3 << 20, ring_bytes=2 << 20)
    stats = _blobs_through(sink, viewer, sent, stalled=True)  # 24 MB against 2 MiB of ring + 3 MiB of queue
    frames = saved_frames(viewer.save_path)
    assert stats["dropped_messages"] > 0
    assert len(frames) + stats["dropped_messages"] == len(sent)
    assert frames == sorted(frames) and frames[-1] == sent[-1]
    # Dropped = the oldest *queued*: kept are what the sender wrote into the (stalled) ring and the newest, a queue
    # bound's worth. Which frames reached the ring depends on when the sender thread got the CPU (on a loaded
    # machine it may get none until frame 60: kept 59..69 and 105..119), so the policy is checked, not that timing:
    # every dropped frame is older than a whole queue's worth of the newest, all kept.
    dropped = sorted(set(sent) - set(frames))
    newest_run = [f for f in frames if f > max(dropped)]
    assert len(newest_run) >= (3 << 20) // 210_000  # 3 MiB of 200 kB frames (+ their headers)


def test_a_live_viewer_slower_than_a_tcp_logger_paces_it_instead_of_losing_frames(viewer):
    """A logger that makes frames faster than the viewer takes them fills its queue (2 MiB here): while the
    viewer keeps taking frames the log call waits for room, and nothing is dropped."""
    sent = range(0, 100)
    stats = _blobs_through(ViewerSink(Address("127.0.0.1", viewer.port), transport="tcp", buffer_bytes=2 << 20), viewer, sent)
    assert stats["dropped_messages"] == 0
    assert saved_frames(viewer.save_path) == list(sent)


def test_logger_killed_mid_frame_leaves_viewer_and_other_producers_unharmed(viewer):
    # 300 k points = 3.6 MB frames, more than a quarter of the 4 MiB test ring: they travel in
    # chunks (segments are off). The doomed logger's sender stops for good right after the first
    # chunk of its second such frame and says so; the kill comes after that line, so it is certain
    # to land inside a frame.
    doomed = start_logger(
        "--addr", viewer.addr, "--transport", "ring", "--prefix", "doomed", "--points", "300000", "--forever", "--freeze-mid-frame",
        env={"RERUN_SEGMENT_BYTES": "0"},
    )
    steady = start_logger("--addr", viewer.addr, "--transport", "ring", "--prefix", "steady", "--count", "40", "--points", "500", "--sleep", "0.02")
    try:
        wait_for_line(doomed, MID_FRAME_LINE, timeout=120)
        doomed.kill()
        doomed.communicate()
        out, err = steady.communicate(timeout=60)
        assert steady.returncode == 0, err
    finally:
        for proc in (doomed, steady):
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert viewer.alive()
    stats = viewer.stop()
    by_name = {s["name"]: s for s in stats["sources"]}
    steady_source = next(s for n, s in by_name.items() if f"pid {steady.pid} " in n)
    assert steady_source["errors"] == 0 and steady_source["goodbye"]
    doomed_source = next(s for n, s in by_name.items() if f"pid {doomed.pid} " in n)
    assert not doomed_source["goodbye"] and doomed_source["frames"] > 0
    recording = load(viewer.save_path)
    table = recording.table("steady/points")
    assert table.column("frame").to_pylist() == list(range(40))
    doomed_table = recording.table("doomed/points")
    assert doomed_table.num_rows == 1  # the frame before the frozen one; the frozen one's chunk is not a frame
    cells = doomed_table.column("rerun.point3d").combine_chunks()
    for row, frame in enumerate(doomed_table.column("frame").to_pylist()):  # every kept frame is whole
        got = cells[row].values.flatten().to_numpy().reshape(-1, 3)
        np.testing.assert_array_equal(got, expected_points("doomed", frame, 300_000))


class _SilentListener:
    """Something that is not a viewer holding a port: accepts and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def test_spawn_on_a_port_held_by_another_program_is_a_clear_error():
    from rerun.transport.spawn import probe_viewer

    listener = _SilentListener()
    try:
        with pytest.raises(RuntimeError, match=f"port {listener.port} .* not a rerun viewer"):
            probe_viewer(Address("127.0.0.1", listener.port), timeout=0.5)
    finally:
        listener.close()


def test_viewer_on_a_taken_port_exits_with_a_clear_message():
    listener = _SilentListener()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "rerun_app", "--headless", "--port", str(listener.port)],
            capture_output=True, text=True, timeout=30,
        )
    finally:
        listener.close()
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{listener.port}" in result.stderr and "--port" in result.stderr


def test_spawn_without_a_display_says_what_to_do_instead(tmp_path):
    # Default mode: a warning saying what to do, no traceback, the program goes on and loses nothing.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "RERUN_VIEWER_ARGS",
                                                           "RERUN_STRICT")}
    saved = tmp_path / "after_failed_spawn.rrd"
    code = (f"import rerun as rr, rerun.recording\nrr.init('nodisplay')\nrr.log_scalar('before', 1.0)\n"
            f"print('spawned:', rr.spawn(port={free_port()}))\nrr.log_scalar('after', 2.0)\n"
            f"rr.save({str(saved)!r})\nrr.disconnect()\n"
            f"print('entities:', sorted(rerun.recording.load({str(saved)!r}).entity_paths))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "spawned: False" in result.stdout
    assert "entities: ['after', 'before']" in result.stdout
    assert "Traceback" not in result.stderr
    assert "rr.spawn:" in result.stderr and "--headless" in result.stderr and "rr.save" in result.stderr
    # Strict mode: the same message raised.
    strict = f"import rerun as rr\nrr.set_strict_mode(True)\ntry:\n    rr.spawn(port={free_port()})\nexcept RuntimeError as e:\n    print('ERROR:', e)\n"
    result = subprocess.run([sys.executable, "-c", strict], capture_output=True, text=True, timeout=60, env=env)
    assert "ERROR:" in result.stdout, result.stderr
    assert "--headless" in result.stdout and "rr.save" in result.stdout


def test_logger_leaving_before_a_stopped_viewer_read_its_big_frames_loses_none(viewer):
    # Big frames go in shared-memory segments the ring only names: the producer closing first must
    # leave those names for the viewer, which removes them once it has drained the ring.
    sink = ViewerSink(Address("127.0.0.1", viewer.port), transport="ring", ring_bytes=4 << 20, buffer_bytes=64 << 20)
    sent = range(0, 12)
    try:
        sink.send_control(FrameKind.BEGIN_RECORDING, {"recording_id": "rec-faults"})
        wait_connected(sink)
        send_all(sink, range(100, 103), 2 << 20)  # the spare thread makes segments of this size
        assert sink.flush()
        time.sleep(0.5)
        os.kill(viewer.proc.pid, signal.SIGSTOP)
        try:
            for i in sent:
                sink.send_log(blob_batch(i, 2 << 20))
                time.sleep(0.05)  # lets the spare thread keep a segment ready
            sink.close()
            stats = sink.stats()
        finally:
            os.kill(viewer.proc.pid, signal.SIGCONT)
    finally:
        sink.close()
    viewer_stats = viewer.stop()
    assert stats["dropped_messages"] == 0
    (source,) = viewer_stats["sources"]
    assert source["errors"] == 0 and source["goodbye"], source
    assert source["zero_copy_frames"] > 0
    assert saved_frames(viewer.save_path) == [100, 101, 102, *sent]
