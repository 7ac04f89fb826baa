"""Issue 9 leftover: frames that come over the shared-memory ring in CHUNK records (too big for one ring record)
take their memory from the receive budget that TCP frames share, under the same rules: they wait in arrival
order, admitting one makes the store drop its oldest data first, and a producer gone mid-frame gives its
reservation back. Before, every ring assembled its chunked frame in fresh memory, however many did so at once."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from peer_kit import RingPeer, push_in_turn, rss, run_viewer_until_it_exits, start_viewer, wait_until
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.log_table import build_log_batch

LIMIT = 300 * 10**6
MB = 10**6


def blob_frame(entity: str, nbytes: int, value: int) -> np.ndarray:
    """A sealed LOG frame holding one ``nbytes`` blob of ``value`` bytes for ``entity``."""
    cells = pa.ListArray.from_arrays(pa.array([0, nbytes], pa.int32()), pa.array(np.full(nbytes, value, np.uint8)))
    return serialize_log_frame(build_log_batch(entity, "rec", {("frame", "sequence"): [value]}, {"test.blob": cells}))


def test_chunked_ring_frames_share_the_receive_budget_and_a_producer_gone_mid_frame_gives_it_back(tmp_path):
    proc, port, stats_path = start_viewer(tmp_path, "--memory-limit", "300MB", "--exit-after-idle", "1")
    budget = (LIMIT - rss(proc.pid)) * 9 // 10  # what frames in flight may hold (cli.receive_budget_for)
    size = int(0.6 * budget)  # no two fit together
    frames = [blob_frame(f"ring/{i}", size, i + 1) for i in range(4)]
    peers: list[RingPeer] = []

    def feed() -> None:
        # A producer gets its frame admitted, sends half of it, and then leaves.
        quitter = RingPeer(port)
        peers.append(quitter)
        quitter.start(frames[0])
        push_in_turn([quitter], 60, "the first half of the quitter's frame to be taken", upto=frames[0].nbytes // 2)
        wait_until(lambda: quitter.consumed() == quitter.ring.head, 60, "the viewer to take the quitter's half frame")
        # Four producers each start a frame that does not fit beside it; then the quitter goes.
        loggers = [RingPeer(port) for _ in frames]
        peers.extend(loggers)
        for logger, frame in zip(loggers, frames):
            logger.start(frame)
            logger.push()
        quitter.close()
        # Every frame arrives whole, one after the other, however the producers interleave their chunks.
        push_in_turn(loggers, 60, "the four producers' frames to be taken")
        for logger in loggers:
            wait_until(lambda: logger.consumed() == logger.ring.head, 60, "the viewer to take the last chunks")
            logger.close()

    try:
        peak, stats, viewer_err = run_viewer_until_it_exits(proc, stats_path, feed)
    finally:
        for peer in peers:
            peer.close()
    # (The quitter completed no frame: it is counted with the connections that never became a source.)
    sources = [(s["log_rows"], s["errors"], s["kind"], s["end_reason"]) for s in stats["sources"]]
    assert sources == [(1, 0, "ring", "closed")] * 4, (stats["sources"], viewer_err[-3000:])
    assert viewer_err.count("the producer left in the middle of a chunked frame") == 1, viewer_err[-3000:]
    # No intact frame lost: each was stored; the older ones were evicted (oldest first) to make room for the
    # next, which was admitted only once the one before it was whole (they do not fit together).
    (recording,) = stats["store"]["recordings"].values()
    assert sorted(recording["rows_per_entity"].values()) == [0, 0, 0, 1] and recording["evicted_rows"] == 3, recording
    assert peak <= 1.1 * LIMIT, f"private resident memory peaked at {peak / MB:.0f} MB under a {LIMIT / MB:.0f} MB limit (frames of {size / MB:.0f} MB)"
