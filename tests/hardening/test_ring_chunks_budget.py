"""Issue 9 leftover: frames that come over the shared-memory ring in CHUNK records (too big for one ring record)
take their memory from the receive budget that TCP frames share, under the same rules: they wait in arrival
order, admitting one makes the store drop its oldest data first, and a producer gone mid-frame gives its
reservation back. Before, every ring assembled its chunked frame in fresh memory, however many did so at once."""

from __future__ import annotations

from peer_kit import RingPeer, blob_frame, push_in_turn, rss, run_viewer_until_it_exits, start_viewer, wait_until

LIMIT = 300 * 10**6
MB = 10**6


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


class _InProcessViewer:
    """An ingest server in this process (real sockets and rings) with a small receive budget and short timeouts."""

    def __init__(self, budget: int, **limits) -> None:
        from rerun_app.ingest import Ingest, RecordingTarget
        from rerun_app.ingest.limits import ConnectionLimits

        self.target = RecordingTarget()
        self.ingest = Ingest(self.target, max_frame_bytes=budget)
        self.server = self.ingest.listen("127.0.0.1", 0, ConnectionLimits(receive_budget_bytes=budget, **limits))
        self.budget = self.server.receive_budget

    def entities(self) -> list[str]:
        return [e.entity_path for e in self.target.events]


def _send_on_thread(port: int, frame) -> tuple:
    import socket
    import threading

    from rerun.wire.frames import STREAM_HEADER

    sock = socket.create_connection(("127.0.0.1", port))
    thread = threading.Thread(target=sock.sendall, args=(STREAM_HEADER + frame.tobytes(),), daemon=True)
    thread.start()
    return sock, thread


def test_a_ring_producer_stalled_inside_a_chunked_frame_is_dropped_and_its_room_goes_to_the_next_frame():
    viewer = _InProcessViewer(10 << 20, frame_stall_timeout_s=1.0)
    staller = RingPeer(viewer.server.port, capacity=1 << 20)
    try:
        staller.start(blob_frame("stalled", 6 << 20, 1))
        staller.push(upto=200 << 10)  # then nothing more
        wait_until(lambda: viewer.budget.reserved >= 6 << 20, 30, "the ring frame to be admitted")
        sock, sent = _send_on_thread(viewer.server.port, blob_frame("next", 6 << 20, 2))
        wait_until(lambda: viewer.entities() == ["next"], 60, "the next frame to be received once the stalled one was dropped")
        assert "sent nothing for 1 s inside a frame" in viewer.ingest.last_refusal and "over the ring" in viewer.ingest.last_refusal
        sent.join(30)
        sock.close()
        wait_until(lambda: viewer.budget.reserved == 0, 30, "every reservation to be given back")
    finally:
        staller.close()
        viewer.ingest.close()


def _hold_the_budget(viewer):
    """A TCP peer whose 6 MiB frame is admitted (its first MiB sent): the 10 MiB budget has no room for another
    such frame until the rest comes. Returns its socket and the frame."""
    import socket

    from rerun.wire.frames import STREAM_HEADER

    holder_frame = blob_frame("holder", 6 << 20, 1)
    holder = socket.create_connection(("127.0.0.1", viewer.server.port))
    holder.sendall(STREAM_HEADER + holder_frame[: 1 << 20].tobytes())
    wait_until(lambda: viewer.budget.reserved >= 6 << 20, 30, "the holder's frame to be admitted")
    return holder, holder_frame


def test_a_ring_producer_gone_while_its_chunked_frame_waits_gives_up_its_place(caplog):
    viewer = _InProcessViewer(10 << 20)
    holder, holder_frame = _hold_the_budget(viewer)
    quitter = RingPeer(viewer.server.port, capacity=1 << 20)
    try:
        quitter.start(blob_frame("quitter", 6 << 20, 2))
        quitter.push()
        wait_until(lambda: viewer.budget.waiting == 1, 30, "the ring frame to wait for room")
        quitter.close()
        # It leaves the line while the holder still holds the room (the store is not asked to make room for it).
        wait_until(lambda: viewer.budget.waiting == 0, 30, "the gone producer's frame to leave the line")
        assert viewer.budget.reserved == holder_frame.nbytes
        holder.sendall(holder_frame[1 << 20 :].tobytes())
        wait_until(lambda: viewer.entities() == ["holder"], 30, "the holder's frame")
        assert [r.getMessage() for r in caplog.records if "left while its chunked frame waited" in r.getMessage()], caplog.text
        wait_until(lambda: viewer.budget.reserved == 0, 30, "every reservation to be given back")
    finally:
        holder.close()
        quitter.close()
        viewer.ingest.close()


def test_a_ring_producer_trickling_a_chunked_frame_while_another_frame_waits_is_abandoned():
    import time

    viewer = _InProcessViewer(10 << 20, frame_rate_window_s=0.5)
    trickler = RingPeer(viewer.server.port, capacity=1 << 20)
    try:
        trickler.start(blob_frame("trickled", 6 << 20, 1))
        trickler.push(upto=64 << 10)
        wait_until(lambda: viewer.budget.reserved >= 6 << 20, 30, "the ring frame to be admitted")
        sock, sent = _send_on_thread(viewer.server.port, blob_frame("honest", 6 << 20, 2))
        deadline = time.monotonic() + 60
        while viewer.entities() != ["honest"]:  # 64 bytes every 20 ms (3.2 kB/s), never silent for the stall timeout
            assert time.monotonic() < deadline, "the waiting frame was held back by the trickling ring producer"
            trickler.push(upto=trickler.sent + 64)
            time.sleep(0.02)
        assert "abandoned its frame" in viewer.ingest.last_refusal and "kB/s" in viewer.ingest.last_refusal
        sent.join(30)
        sock.close()
    finally:
        trickler.close()
        viewer.ingest.close()


def test_a_big_frame_in_one_ring_record_waits_for_its_share_of_the_budget_too():
    """A ring record holds up to half the ring (128 MiB by default): copied out, it takes memory like a chunked frame."""
    viewer = _InProcessViewer(10 << 20)
    holder, holder_frame = _hold_the_budget(viewer)
    producer = RingPeer(viewer.server.port, capacity=16 << 20)
    try:
        assert producer.ring.try_write_frame(blob_frame("whole", 6 << 20, 2))  # one record
        producer.sock.send(b"W")
        wait_until(lambda: viewer.budget.waiting == 1, 30, "the ring frame to wait for room")
        producer.close()  # whole in the ring already: still received once there is room
        holder.sendall(holder_frame[1 << 20 :].tobytes())
        wait_until(lambda: viewer.entities() == ["holder", "whole"], 30, "both frames, in turn")
        wait_until(lambda: viewer.budget.reserved == 0, 30, "every reservation to be given back")
    finally:
        holder.close()
        producer.close()
        viewer.ingest.close()
