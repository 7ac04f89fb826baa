"""Frames the store keeps land, once the store lets them go, in reused memory (pages already committed)
instead of fresh mappings (a page fault per 4 KiB): within the memory limit, and let go at once beyond the
cap on pooled buffers (issue 9 leftover: with-store TCP ingest ran at half the ingest-only speed)."""

from __future__ import annotations

import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

from peer_kit import run_viewer_until_it_exits, start_viewer
from rerun_app.ingest.receive_budget import ReceiveBudget, lazy_buffer

MiB = 1 << 20
LIMIT = 300 * 10**6


def test_a_lent_buffer_is_reused_once_nothing_holds_it_and_asks_the_store_for_no_room():
    asked: list[int] = []
    budget = ReceiveBudget(100 * MiB, make_room=asked.append)
    assert budget.reserve(8 * MiB, key="a") is None and asked == [8 * MiB]
    owner = lazy_buffer(8 * MiB)
    owner[:4] = [1, 2, 3, 4]  # committed
    stored = owner[100:200]  # the store's zero-copy view of the frame
    budget.release(8 * MiB, fresh=True)
    budget.lend(owner)
    del owner
    budget.reclaim()
    assert budget.free_bytes == 0, "a buffer the store still holds was made free"
    del stored  # evicted
    budget.reclaim()
    assert budget.free_bytes == 8 * MiB
    frame = budget.reserve(8 * MiB - 16, key="b")  # any connection's next fitting frame
    assert frame is not None and frame[:4].tolist() == [1, 2, 3, 4] and len(frame) == 8 * MiB - 16
    assert asked == [8 * MiB], "a frame landing in committed memory asked the store to make room"
    assert budget.reused_frames == 1 and budget.fresh_frames == 1 and budget.free_bytes == 0


def test_buffers_beyond_the_cap_are_let_go_when_the_store_frees_them():
    budget = ReceiveBudget(40 * MiB)  # pooled buffers: at most a quarter, 10 MiB
    owners = [lazy_buffer(6 * MiB) for _ in range(2)]
    gone = [weakref.ref(o.base.obj) for o in owners]  # the mappings
    for owner in owners:
        budget.lend(owner)
    del owner, owners
    budget.reclaim()
    assert budget.free_bytes == 6 * MiB
    assert sum(ref() is None for ref in gone) == 1, "the buffer over the cap was kept"
    # A frame that needs the room drops the free buffer too.
    budget.reserve(38 * MiB, timeout=0.0)
    assert budget.free_bytes == 0 and all(ref() is None for ref in gone)


LOGGER = """
import sys, numpy as np, rerun as rr
rr.init("reuse")
rr.connect(sys.argv[1])
image = np.zeros((4000, 10000), np.uint8)  # 40 MB frames
for i in range(int(sys.argv[2])):
    rr.set_time_sequence("frame", i)
    image[0, 0] = i
    rr.log_image("camera/image", image)
rr.disconnect()
"""


# TCP, and the ring's chunked path (frames bigger than a ring record, no shared-memory segments).
TRANSPORTS = {"tcp": {}, "ring-chunked": {"RERUN_SEGMENT_BYTES": "0", "RERUN_RING_BYTES": str(4 << 20)}}


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_a_stream_the_store_keeps_lands_in_reused_memory_within_the_limit(tmp_path, transport):
    frames = 16
    proc, port, stats_path = start_viewer(tmp_path, "--memory-limit", "300MB", "--exit-after-idle", "1")

    def feed() -> None:
        env = dict(os.environ, RERUN_TRANSPORT=transport.split("-")[0], **TRANSPORTS[transport])
        logger = subprocess.run([sys.executable, "-c", LOGGER, f"127.0.0.1:{port}", str(frames)], env=env,
                                capture_output=True, text=True, timeout=300)
        assert logger.returncode == 0, logger.stderr[-2000:]

    peak, stats, _ = run_viewer_until_it_exits(proc, stats_path, feed)
    (source,) = stats["sources"]
    assert source["kind"] == transport.split("-")[0] and source["zero_copy_frames"] == 0
    # (A logger faster than the viewer may drop its oldest queued frames: its queue is bounded.)
    assert frames // 2 <= source["log_rows"] <= frames and source["errors"] == 0
    (recording,) = stats["store"]["recordings"].values()
    assert recording["rows_per_entity"]["camera/image"] >= 2  # the newest frames the limit has room for
    # The store evicts in batches (down to 90 % of its share) and the pool keeps at most a quarter of the
    # receive budget (one 40 MB buffer here), so about every other frame lands in reused memory.
    reused = stats["connections"]["frames_into"]["reused_memory"]
    assert reused >= source["log_rows"] // 3, stats["connections"]
    assert peak <= 1.1 * LIMIT, f"private resident memory peaked at {peak / 1e6:.0f} MB"
