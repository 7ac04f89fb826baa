"""Issue 9 leftover: a connection that sent a frame may stay quiet for ever (a logger idles, and loggers
send no heartbeat). Quiet connections are not timed out; at ``--max-connections`` the one idle the
longest gives way to a new peer (a warning names it), and a logger of this project that gave way loses
nothing: it reconnects when it next logs."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_json_frame
from peer_kit import closed_by_peer, start_viewer, wait_until

from rerun_app.ingest.connections import MIN_IDLE_S

# Logs one row, says so, then logs a second row when told (on stdin), and leaves.
IDLE_LOGGER = """
import sys, rerun as rr
rr.init("idle-logger")
rr.connect(sys.argv[1])
rr.set_time_sequence("step", 0)
rr.log_scalar("idle/value", 1.0)
print("logged", flush=True)
sys.stdin.readline()
rr.set_time_sequence("step", 1)
rr.log_scalar("idle/value", 2.0)
rr.disconnect()
print("done", flush=True)
"""

ONE_ROW_LOGGER = """
import sys, rerun as rr
rr.init("newcomer")
rr.connect(sys.argv[1])
rr.log_scalar("newcomer/value", 3.0)
rr.disconnect()
"""


def _stats_rows(stats: dict) -> dict[str, int]:
    rows: dict[str, int] = {}
    for recording in stats["store"]["recordings"].values():
        for path, n in recording["rows_per_entity"].items():
            rows[path] = rows.get(path, 0) + n
    return rows


def test_at_the_limit_the_longest_idle_connection_gives_way_and_its_logger_loses_nothing(tmp_path):
    import json
    import socket

    proc, port, stats_path = start_viewer(tmp_path, "--max-connections", "2")
    env = dict(os.environ, RERUN_TRANSPORT="tcp")
    idle = subprocess.Popen([sys.executable, "-c", IDLE_LOGGER, f"127.0.0.1:{port}"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    quiet_peer = None
    try:
        assert idle.stdout.readline().strip() == "logged"
        # A second connection that sends one frame a second later (the logger's row left within milliseconds
        # of "logged") and then stays quiet: idle, but not the longest.
        logged = time.monotonic()
        quiet_peer = socket.create_connection(("127.0.0.1", port), timeout=30)
        while time.monotonic() - logged < 1.0:
            time.sleep(0.05)
        quiet_peer.sendall(STREAM_HEADER + encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "quiet", "app_id": "quiet"}, checksum=True))
        started_idling = time.monotonic()
        while time.monotonic() - started_idling < MIN_IDLE_S + 0.5:  # both must be idle long enough to give way
            time.sleep(0.05)
        # Both slots taken and idle: a newcomer is admitted, the logger idle the longest gives way.
        newcomer = subprocess.run([sys.executable, "-c", ONE_ROW_LOGGER, f"127.0.0.1:{port}"], env=env,
                                  capture_output=True, text=True, timeout=120)
        assert newcomer.returncode == 0, newcomer.stderr[-2000:]
        assert not closed_by_peer(quiet_peer), "the connection idle for less long was closed"
        # The logger that gave way logs again: it reconnects, nothing is lost.
        idle.stdin.write("go\n")
        idle.stdin.flush()
        assert idle.stdout.readline().strip() == "done"
        idle.wait(60)
        assert idle.returncode == 0
        quiet_peer.close()
        quiet_peer = None
        wait_until(lambda: proc.poll() is None, 5, "the viewer to stay up")
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    finally:
        for p in (idle, proc):
            if p.poll() is None:
                p.kill()
                p.communicate()
        if quiet_peer is not None:
            quiet_peer.close()
    stats = json.loads(stats_path.read_text())
    rows = _stats_rows(stats)
    assert rows.get("idle/value") == 2 and rows.get("newcomer/value") == 1, rows
    # The warning names the connection that gave way, and why.
    gave_way = [line for line in err.splitlines() if "idle to admit a new connection" in line]
    assert len(gave_way) == 1, err[-3000:]
    idle_sources = [s for s in stats["sources"] if s["end_reason"] and "idle to admit" in s["end_reason"]]
    assert len(idle_sources) == 1 and idle_sources[0]["name"].split("(")[-1].rstrip(")") in gave_way[0], (stats["sources"], gave_way)
    assert "refused" not in err


def test_at_the_limit_with_every_connection_busy_a_newcomer_is_turned_away(tmp_path):
    """Connections active within MIN_IDLE_S never give way: the newcomer is refused as before."""
    import socket

    proc, port, _stats = start_viewer(tmp_path, "--max-connections", "1")
    try:
        busy = socket.create_connection(("127.0.0.1", port), timeout=30)
        busy.sendall(STREAM_HEADER + encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": "busy", "app_id": "busy"}, checksum=True))
        newcomer = socket.create_connection(("127.0.0.1", port), timeout=30)
        wait_until(lambda: closed_by_peer(newcomer), 30, "the newcomer to be turned away")
        assert not closed_by_peer(busy)
        busy.close()
        newcomer.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert "none is idle" in err
