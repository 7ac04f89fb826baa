"""Issue 9 item 6: connections are contained. A flood of peers that send only a stream header holds a
bounded number of viewer threads, each for a bounded time; they leave one aggregate counter, a bounded
number of log lines, and a real logger still gets through afterwards."""

from __future__ import annotations

import subprocess
import sys

from peer_kit import closed_by_peer, header_only_peer, proc_status, wait_until

FLOOD = 300
MAX_CONNECTIONS = 16

LOGGER = """
import sys, rerun as rr
rr.init("after-flood")
rr.connect(sys.argv[1])
rr.set_time_sequence("frame", 0)
rr.log_scalar("ok/value", 1.5)
rr.disconnect()
"""


def test_header_only_flood_is_bounded_timed_out_counted_once_and_quiet(viewer_factory):
    started = viewer_factory("--max-connections", str(MAX_CONNECTIONS), "--idle-timeout", "1")
    pid = started.proc.pid
    threads_before = proc_status(pid, "Threads")
    peers = []
    peak_threads = threads_before
    try:
        for _ in range(FLOOD):
            peers.append(header_only_peer(started.port, None))
            peak_threads = max(peak_threads, proc_status(pid, "Threads"))
        # Every one of them is closed by the viewer: turned away at the cap, or timed out after 1 s of silence.
        wait_until(lambda: all(closed_by_peer(p) for p in peers), 120, "the viewer to close every header-only connection")
    finally:
        for p in peers:
            p.close()
    assert peak_threads <= threads_before + MAX_CONNECTIONS + 2, (threads_before, peak_threads)
    wait_until(lambda: proc_status(pid, "Threads") <= threads_before, 60, "the connection threads to end")
    logger = subprocess.run([sys.executable, "-c", LOGGER, started.addr], capture_output=True, text=True, timeout=120)
    assert logger.returncode == 0, logger.stderr[-2000:]
    stats = started.stop()
    assert stats["connections"]["without_a_frame"] == FLOOD
    (source,) = stats["sources"]  # the logger: the flood left no source of its own
    assert source["log_rows"] == 1 and source["errors"] == 0
    warnings = [line for line in started.stderr.splitlines() if "ingest:" in line]
    assert len(warnings) <= 25, f"{len(warnings)} ingest lines for {FLOOD} connections:\n" + "\n".join(warnings[:40])
    assert any("refused a connection" in line and "--max-connections" in line for line in warnings)
    assert f"{FLOOD} connections refused or closed before their first frame" in started.stdout
