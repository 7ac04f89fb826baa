"""Issue 9 leftover: two honest frames that together exceed the receive budget are both received, one
after the other, however long the first takes; and the data kept plus the frames in flight stay within
``--memory-limit`` (the store makes room for a frame before it arrives)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pyarrow as pa

from rerun.wire.frames import STREAM_HEADER
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.log_table import build_log_batch
from peer_kit import rss, run_viewer_until_it_exits, start_viewer, wait_until

LIMIT = 300 * 10**6
MB = 10**6

LOGGER = """
import sys, numpy as np, rerun as rr
rr.init("big-frame")
rr.connect(sys.argv[1])
side = int(sys.argv[2])
rr.log_image("camera/" + sys.argv[3], np.full((side, side), int(sys.argv[3]), np.uint8))
rr.disconnect()
"""


def test_two_loggers_each_sending_65_percent_of_the_budget_both_arrive_within_the_limit(tmp_path):
    proc, port, stats_path = start_viewer(tmp_path, "--memory-limit", "300MB", "--exit-after-idle", "1")
    # The viewer gives frames in flight 90 % of what it does not use yet (cli.receive_budget_for).
    budget = (LIMIT - rss(proc.pid)) * 9 // 10
    side = int((0.65 * budget) ** 0.5)  # ~60 %: the two do not fit the budget together

    def feed() -> None:
        env = dict(os.environ, RERUN_TRANSPORT="tcp")
        loggers = [subprocess.Popen([sys.executable, "-c", LOGGER, f"127.0.0.1:{port}", str(side), str(value)], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for value in (1, 2)]
        for logger in loggers:
            _, err = logger.communicate(timeout=300)
            assert logger.returncode == 0, err[-2000:]

    peak, stats, viewer_err = run_viewer_until_it_exits(proc, stats_path, feed)
    # Both frames arrived whole: no source was dropped for want of room.
    assert [(s["log_rows"], s["errors"], s["end_reason"]) for s in stats["sources"]] == [(1, 0, "closed")] * 2, (stats["sources"], viewer_err[-2000:])
    assert "no room" not in viewer_err
    # Both images together do not fit the limit: the older went to make room for the newer (the newest is shown).
    recordings = list(stats["store"]["recordings"].values())
    kept = [r["rows_per_entity"] for r in recordings if sum(r["rows_per_entity"].values())]
    assert len(kept) == 1 and sum(r["evicted_rows"] for r in recordings) == 1, recordings
    # Honest peers: within the limit itself (the goal under any peer is 1.1x).
    assert peak <= LIMIT, f"private resident memory peaked at {peak / MB:.0f} MB under a {LIMIT / MB:.0f} MB limit (frames of {side * side / MB:.0f} MB)"


def _log_frame(entity: str, nbytes: int, value: int) -> bytes:
    cells = pa.ListArray.from_arrays(pa.array([0, nbytes], pa.int32()), pa.array(np.full(nbytes, value, np.uint8)))
    batch = build_log_batch(entity, "rec", {("frame", "sequence"): [value]}, {"test.blob": cells})
    return serialize_log_frame(batch).tobytes()  # with its checksum, as every frame of a format-3 stream has


def test_a_frame_waiting_behind_a_slow_big_frame_is_received_after_it(tmp_path):
    """The first frame takes several times the stall timeout to arrive (a slow link, never silent for a whole
    timeout): the second, which does not fit beside it, waits for it instead of being dropped for "no room"."""
    from rerun_app.ingest import Ingest, RecordingTarget
    from rerun_app.ingest.limits import ConnectionLimits

    stall = 1.0
    budget = 10 << 20
    slow, fast = _log_frame("slow", 6 << 20, 1), _log_frame("fast", 6 << 20, 2)
    target = RecordingTarget()
    ingest = Ingest(target, max_frame_bytes=budget)
    server = ingest.listen("127.0.0.1", 0, ConnectionLimits(frame_stall_timeout_s=stall, receive_budget_bytes=budget))
    try:
        slow_peer = socket.create_connection(("127.0.0.1", server.port))
        slow_peer.sendall(STREAM_HEADER + slow[:64 << 10])
        wait_until(lambda: server.receive_budget.reserved >= len(slow), 30, "the slow frame to be admitted")
        fast_peer = socket.create_connection(("127.0.0.1", server.port))
        sent_fast = threading.Thread(target=fast_peer.sendall, args=(STREAM_HEADER + fast,))
        sent_fast.start()
        wait_until(lambda: server.receive_budget.waiting == 1, 30, "the fast frame to wait for room")
        # Trickle the rest of the slow frame over 3 stall timeouts, never pausing for a whole one.
        pieces = np.array_split(np.frombuffer(slow, np.uint8)[64 << 10 :], 12)
        started = time.monotonic()
        for i, piece in enumerate(pieces):
            while time.monotonic() - started < i * 3 * stall / len(pieces):
                time.sleep(0.02)
            slow_peer.sendall(piece.tobytes())
        sent_fast.join(30)
        wait_until(lambda: len(target.events) == 2, 30, "both frames to be ingested")
        assert [e.entity_path for e in target.events] == ["slow", "fast"]
        assert [e.batch.column("test.blob")[0].values.to_numpy()[-1] for e in target.events] == [1, 2]
        assert all(s.errors == 0 and s.end_reason is None for s in ingest.sources())
        slow_peer.close()
        fast_peer.close()
    finally:
        ingest.close()
