"""Issue 9 item 1: memory for a frame is committed as its bytes arrive, within the memory limit for all
connections together, and returned when the connection goes. Measured as the real viewer's RSS."""

from __future__ import annotations

import threading

import numpy as np

from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_frame_header
from peer_kit import header_only_peer, proc_status, rss, viewer_unread_bytes, wait_until

LIMIT = 300 * 10**6
MB = 10**6


def test_header_only_frames_commit_no_memory_and_what_arrives_goes_with_the_connection(viewer_factory):
    started = viewer_factory("--memory-limit", "300MB")
    pid = started.proc.pid
    baseline = rss(pid)
    declared = 150 * MB
    peers = [header_only_peer(started.port, declared) for _ in range(8)]
    try:
        # Once the viewer has read every header (nothing left unread in its sockets), nothing was committed for them.
        wait_until(lambda: viewer_unread_bytes(started.port, peers) == 0, 60, "the viewer to read the 8 frame headers")
        assert rss(pid) - baseline < 30 * MB, f"8 announced frames of 150 MB grew the viewer by {(rss(pid) - baseline) / MB:.0f} MB"
    finally:
        for peer in peers:
            peer.close()
    # Real bytes of such a frame: committed as they arrive.
    peer = header_only_peer(started.port, declared)
    try:
        peer.sendall(np.random.default_rng(0).integers(0, 255, 60 * MB, dtype=np.uint8).tobytes())
        wait_until(lambda: viewer_unread_bytes(started.port, [peer]) == 0, 60, "the viewer to read 60 MB of payload")
        grown = rss(pid) - baseline
        assert 40 * MB < grown < 100 * MB, f"60 MB received grew the viewer by {grown / MB:.0f} MB"
    finally:
        peer.close()
    # The torn frame's memory is returned with its connection.
    wait_until(lambda: rss(pid) - baseline < 30 * MB, 60, "the viewer to return the torn frame's memory")
    assert started.alive()
    stats = started.stop()
    # Peers gone before their first frame leave one aggregate count, not a source each.
    assert stats["connections"]["without_a_frame"] == 9 and stats["sources"] == []


def test_many_peers_sending_big_frames_at_once_stay_within_the_limit(viewer_factory):
    """Four peers each push a whole 150 MB frame at the same time (a TCP fuzz at full size): the frames in
    flight share one budget, so the viewer's peak RSS stays within 1.1x --memory-limit."""
    started = viewer_factory("--memory-limit", "300MB")
    pid = started.proc.pid
    payload = np.random.default_rng(1).integers(0, 255, 150 * MB, dtype=np.uint8).tobytes()  # not Arrow: dropped after arrival
    errors: list[BaseException] = []

    def push() -> None:
        try:
            peer = header_only_peer(started.port, len(payload))
            with peer:
                peer.sendall(payload)
                peer.shutdown(1)
                peer.recv(1)  # until the viewer closes or keeps going: either way the frame went in
        except OSError:
            pass  # the viewer may drop a peer it has no room for; that is allowed, a crash is not
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=push) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors and not any(t.is_alive() for t in threads)
    assert started.alive()
    peak = proc_status(pid, "VmHWM")
    assert peak <= 1.1 * LIMIT, f"peak RSS {peak / MB:.0f} MB under a {LIMIT / MB:.0f} MB limit"
    stats = started.stop()
    sources = stats["sources"]
    assert len(sources) == 4 and all(s["frames"] == 1 and s["errors"] == 1 for s in sources), sources  # garbage: dropped, counted
