"""Issue 9 leftover: a peer that trickles a big frame (a few bytes at a time, never silent for the stall timeout)
held its share of the receive budget for as long as it liked, and every frame that did not fit beside it waited
as long. A frame that holds others back must now arrive at a minimum pace (frame_pace.py) or is abandoned with a
warning naming the peer and its rate; an honest slow link (10 MB/s) still gets through."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from peer_kit import PacedPeer, blob_frame, rss, run_viewer_until_it_exits, start_viewer, viewer_unread_bytes, wait_until
from rerun.wire.frames import FrameKind, encode_frame_header
from rerun_app.ingest.frame_pace import FramePace, Stalled, TooSlow

MB = 10**6

LOGGER = """
import sys, numpy as np, rerun as rr
rr.init("honest")
rr.connect(sys.argv[1])
side = int(sys.argv[2])
for i in range(int(sys.argv[3])):
    rr.set_time_sequence("frame", i)
    rr.log_image("camera/image", np.full((side, side), i + 1, np.uint8))
rr.disconnect()
"""


def _logger(port: int, side: int, images: int) -> subprocess.Popen:
    # A queue big enough for every image: the logger itself must not drop any while the viewer makes it wait.
    env = dict(os.environ, RERUN_TRANSPORT="tcp", RERUN_SINK_BUFFER_BYTES=str(4 * images * side * side))
    return subprocess.Popen([sys.executable, "-c", LOGGER, f"127.0.0.1:{port}", str(side), str(images)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_admitted(port: int, peer: PacedPeer) -> None:
    """Until the viewer reads the peer's payload: it does so only once the frame was admitted to the budget."""
    wait_until(lambda: peer.sent > 1024 and viewer_unread_bytes(port, [peer.sock]) == 0, 60, "the viewer to admit the peer's frame")


def test_a_trickling_peer_is_abandoned_and_an_honest_loggers_frames_all_arrive(tmp_path):
    limit = 300 * MB
    proc, port, stats_path = start_viewer(tmp_path, "--memory-limit", "300MB", "--exit-after-idle", "1")
    budget = (limit - rss(proc.pid)) * 9 // 10  # what frames in flight may hold (cli.receive_budget_for)
    side = int((0.6 * budget) ** 0.5)  # an image does not fit beside the trickler's frame
    # The trickler announces a frame of 60 % of the budget and sends it 64 bytes every 20 ms (3.2 kB/s): never
    # silent for the 20 s stall timeout, it would take 9 hours.
    announced = int(0.6 * budget)
    data = np.zeros(announced + 16, np.uint8)  # zero pages: not committed in this process either
    header = encode_frame_header(FrameKind.LOG, announced)
    data[: len(header)] = np.frombuffer(header, np.uint8)
    trickler = PacedPeer(port, data, rate=3200, piece=64)
    outcome = {}

    def feed() -> None:
        _wait_admitted(port, trickler)
        logger = _logger(port, side, 3)
        try:
            _, outcome["logger_err"] = logger.communicate(timeout=120)  # before: held back as long as the trickler trickles
        finally:
            if logger.poll() is None:
                logger.kill()
                logger.communicate()
        assert logger.returncode == 0, outcome["logger_err"][-2000:]
        # (Before, the logger gave up flushing after 10 s and dropped its images: the trickler still held the room.)
        assert "rerun: the viewer" not in outcome["logger_err"], outcome["logger_err"][-2000:]
        wait_until(lambda: trickler.closed_by_viewer or not trickler.thread.is_alive(), 60, "the viewer to close the trickler")

    try:
        peak, stats, viewer_err = run_viewer_until_it_exits(proc, stats_path, feed)
    finally:
        trickler.stop()
    # The honest logger lost nothing: its three images arrived (the older ones then evicted for the newer).
    assert [(s["log_rows"], s["errors"]) for s in stats["sources"]] == [(3, 0)], (stats["sources"], viewer_err[-3000:])
    (recording,) = stats["store"]["recordings"].values()
    assert recording["rows_per_entity"]["camera/image"] + recording["evicted_rows"] == 3, recording
    # The trickler (it completed no frame: counted with the connections that never became a source) is named,
    # with its rate.
    assert stats["connections"]["without_a_frame"] == 1, stats["connections"]
    warning = [line for line in viewer_err.splitlines() if trickler.address in line]
    assert len(warning) == 1 and "abandoned its frame" in warning[0] and "kB/s" in warning[0], viewer_err[-3000:]
    assert peak <= 1.1 * limit, f"private resident memory peaked at {peak / MB:.0f} MB"


def test_an_honest_slow_link_holding_back_a_logger_still_gets_through(tmp_path):
    limit = 300 * MB
    proc, port, stats_path = start_viewer(tmp_path, "--memory-limit", "300MB", "--exit-after-idle", "1")
    budget = (limit - rss(proc.pid)) * 9 // 10
    size = int(0.3 * budget)  # at 10 MB/s: several of the pace's 2 s windows
    side = int((0.75 * budget) ** 0.5)  # does not fit beside it: waits the whole time
    slow = PacedPeer(port, blob_frame("slow", size, 7), rate=10 * MB, piece=100_000)

    def feed() -> None:
        _wait_admitted(port, slow)
        logger = _logger(port, side, 1)
        try:
            _, err = logger.communicate(timeout=120)
        finally:
            if logger.poll() is None:
                logger.kill()
                logger.communicate()
        assert logger.returncode == 0, err[-2000:]
        slow.thread.join(60)
        assert slow.sent == len(slow.data) and not slow.closed_by_viewer
        slow.sock.close()

    try:
        peak, stats, viewer_err = run_viewer_until_it_exits(proc, stats_path, feed)
    finally:
        slow.stop()
    assert "abandoned" not in viewer_err, viewer_err[-3000:]
    by_kind = {s["log_rows"] + 10 * (s["name"] == f"tcp {slow.address}"): s for s in stats["sources"]}
    assert sorted(by_kind) == [1, 11] and all(s["errors"] == 0 for s in stats["sources"]), stats["sources"]
    # The logger's image did wait for the slow frame: it arrived after it.
    assert by_kind[1]["last_frame_time"] >= by_kind[11]["last_frame_time"]
    assert peak <= 1.1 * limit, f"private resident memory peaked at {peak / MB:.0f} MB"


class _Budget:
    def __init__(self) -> None:
        self.waiting = 0

    def held_back(self) -> int:
        return self.waiting


def _feed(pace: FramePace, start: float, end: float, nbytes: int, waited: float) -> float | None:
    """Bytes every 0.1 s from ``start`` to ``end``; the time the pace abandoned the frame, or None."""
    for step in range(round((end - start) * 10)):
        now = start + (step + 1) / 10
        try:
            pace.record(nbytes, waited, now=now)
        except TooSlow as exc:
            _feed.last = str(exc)
            return now
    return None


def test_the_pace_judges_only_frames_that_hold_others_back_after_two_slow_windows():
    budget = _Budget()
    pace = FramePace(min_rate=1 << 20, window_s=2.0, stall_s=20.0, held_back=budget.held_back)
    # A trickle (640 B/s) with nobody waiting: nothing to judge, however long.
    pace.begin(100 << 20, now=0.0)
    assert _feed(pace, 0.0, 30.0, 64, 0.1) is None
    # Somebody waits now: abandoned at the end of the current window (it has been slow for many), naming the rate.
    budget.waiting = 50 << 20
    assert 30.0 < _feed(pace, 30.0, 40.0, 64, 0.1) <= 32.0
    assert "arrived at 640 B/s over the last 2.0 s of waiting for it, under the minimum of 1.0 MB/s while a frame of 52428800 bytes waited" in _feed.last
    # A slow link at 10 MB/s (the viewer waiting on the peer all the time), somebody waiting: kept.
    pace.begin(100 << 20, now=50.0)
    assert _feed(pace, 50.0, 70.0, 10**6, 0.1) is None
    # One slow window (a hiccup on either side) is forgiven; the next fast one starts the count again.
    assert _feed(pace, 70.0, 72.0, 64, 0.1) is None
    assert _feed(pace, 72.0, 74.0, 10**6, 0.1) is None
    assert _feed(pace, 74.0, 76.0, 64, 0.1) is None
    # A viewer busy elsewhere (it waited on the peer for little of the window): not the peer's fault.
    assert _feed(pace, 76.0, 90.0, 64, 0.01) is None
    # Two slow windows in a row: abandoned.
    assert _feed(pace, 90.0, 96.0, 64, 0.1) is not None
    # Silence for the stall timeout ends any frame, whether or not others wait.
    budget.waiting = 0
    pace.begin(100 << 20, now=100.0)
    with pytest.raises(Stalled, match="sent nothing for 21 s"):
        pace.record(0, 0.5, now=121.0)
