"""Real processes streaming into a real headless viewer; every value checked at its entity and time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import numpy as np
import pytest

from rerun.recording import load

from transport_kit import HERE, free_port, run_logger, start_logger
from logger_proc import expected_points, expected_scalar


def _check_entity_values(recording, prefix: str, count: int, points: int) -> None:
    """Every frame 0..count-1 of ``prefix`` arrived once, with the values logged at that frame."""
    table = recording.table(f"{prefix}/points")
    frames = table.column("frame").to_pylist()
    assert sorted(frames) == list(range(count))
    cells = table.column("rerun.point3d").combine_chunks()
    for row, frame in enumerate(frames):
        got = cells[row].values.flatten().to_numpy().reshape(-1, 3)
        np.testing.assert_array_equal(got, expected_points(prefix, frame, points))
    scalars = recording.table(f"{prefix}/scalar")
    got = {f: cell[0] for f, cell in zip(scalars.column("frame").to_pylist(), scalars.column("rerun.scalar").to_pylist())}
    assert got == {i: expected_scalar(prefix, i) for i in range(count)}


def _rows_in_store(stats: dict, recording_id: str) -> dict:
    return stats["store"]["recordings"][recording_id]["rows_per_entity"]


def test_three_processes_ring_tcp_ring_into_one_recording(viewer):
    recording_id = str(uuid.uuid4())
    plan = [("ring_a", "ring", 30, 2000), ("tcp_b", "tcp", 25, 50), ("ring_c", "ring", 20, 300_000)]
    procs = [
        start_logger("--addr", viewer.addr, "--transport", transport, "--prefix", prefix, "--count", str(count),
                     "--points", str(points), "--recording-id", recording_id)
        for prefix, transport, count, points in plan
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    for (prefix, transport, _, _), output in zip(plan, outputs):
        assert output["stats"]["dropped_messages"] == 0
        assert output["stats"]["transport"] in (transport, None)  # None: not connected at that instant
    stats = viewer.stop()
    kinds = sorted(s["kind"] for s in stats["sources"])
    assert kinds == ["ring", "ring", "tcp"]
    assert all(s["errors"] == 0 and s["goodbye"] for s in stats["sources"])
    rows = _rows_in_store(stats, recording_id)
    for prefix, _, count, _ in plan:
        assert rows[f"{prefix}/points"] == count
        assert rows[f"{prefix}/scalar"] == count
    recording = load(viewer.save_path)
    assert recording.recording_id == recording_id
    for prefix, _, count, points in plan:
        _check_entity_values(recording, prefix, count, points)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_children_each_get_their_own_connection(viewer, method):
    result = run_logger("--addr", viewer.addr, "--prefix", "parent", "--count", "10", "--points", "64", "--children", method)
    assert result.returncode == 0, result.stderr
    stats = viewer.stop()
    rings = [s for s in stats["sources"] if s["kind"] == "ring"]
    assert len(rings) == 3, stats["sources"]  # the parent and each child on a ring of its own
    assert all(s["errors"] == 0 for s in stats["sources"])
    recording = load(viewer.save_path)
    recording_ids = {b["recording_id"] for b in recording.begins}
    assert len(recording_ids) == 1  # children log into the parent's recording
    for prefix in ("parent", "parent/child0", "parent/child1"):
        _check_entity_values(recording, prefix, 10, 64)


def test_spawn_starts_a_viewer_then_reuses_it(tmp_path):
    port = free_port()
    stats_path = tmp_path / "spawned.json"
    env = dict(os.environ, RERUN_VIEWER_ARGS=f"--headless --stats-json {stats_path}")
    viewer_pid = None
    try:
        for prefix, count in (("first", 5), ("second", 7)):
            # Output to files, not pipes: the spawned viewer inherits them and outlives the logger.
            with open(tmp_path / f"{prefix}.out", "w") as out:
                code = subprocess.call(
                    [sys.executable, str(HERE / "logger_proc.py"), "--spawn-viewer", str(port), "--prefix", prefix, "--count", str(count)],
                    stdout=out, stderr=subprocess.STDOUT, env=env, timeout=60,
                )
            assert code == 0, (tmp_path / f"{prefix}.out").read_text()
            pids = _viewer_pids(port)
            assert len(pids) == 1, pids  # the second logger reused the first viewer
            assert viewer_pid in (None, pids[0])
            viewer_pid = pids[0]
        os.kill(viewer_pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _viewer_pids(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        stats = json.loads(stats_path.read_text())
    finally:
        for pid in _viewer_pids(port):
            os.kill(pid, signal.SIGKILL)
    rows = {}
    for recording in stats["store"]["recordings"].values():
        rows.update(recording["rows_per_entity"])
    assert rows["first/points"] == 5 and rows["second/points"] == 7


def _viewer_pids(port: int) -> list[int]:
    """Pids of viewers started for ``port`` (found by their command line)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if b"rerun_app" in cmdline and b"--port" in cmdline and str(port).encode() in cmdline and b"--ready-fd" in cmdline:
                found.append(int(entry))
    return found


def test_interpreter_exit_flushes_without_disconnect(viewer):
    result = run_logger("--addr", viewer.addr, "--prefix", "exit", "--count", "15", "--no-disconnect")
    assert result.returncode == 0, result.stderr
    stats = viewer.stop()
    recording = load(viewer.save_path)
    _check_entity_values(recording, "exit", 15, 100)
    assert [s["goodbye"] for s in stats["sources"]] == [True]


def test_threads_of_one_process_share_its_ring(viewer):
    result = run_logger("--addr", viewer.addr, "--prefix", "thr", "--count", "25", "--points", "32", "--threads", "4")
    assert result.returncode == 0, result.stderr
    stats = viewer.stop()
    assert [s["kind"] for s in stats["sources"]] == ["ring"]
    recording = load(viewer.save_path)
    for prefix in ["thr"] + [f"thr/thread{k}" for k in range(4)]:
        _check_entity_values(recording, prefix, 25, 32)


@pytest.mark.parametrize("unix", ["1", "0"], ids=["eventfd-over-unix-socket", "bytes-over-tcp"])
def test_ring_wake_ups_through_eventfds_or_the_tcp_socket_deliver_everything(viewer, unix):
    # Sleeps between calls make the viewer block, so every frame needs a wake-up.
    result = run_logger("--addr", viewer.addr, "--prefix", "wake", "--count", "30", "--points", "20", "--sleep", "0.003",
                        env={"RERUN_UNIX_SOCKET": unix})
    assert result.returncode == 0, result.stderr
    stats = viewer.stop()
    (source,) = stats["sources"]
    assert source["kind"] == "ring" and source["errors"] == 0 and source["goodbye"]
    assert ("unix socket" in source["name"]) == (unix == "1")
    _check_entity_values(load(viewer.save_path), "wake", 30, 20)


def test_ipv6_loopback_address_streams_through_the_ring(viewer_factory):
    v6 = viewer_factory("--bind", "::1")
    result = run_logger("--addr", f"[::1]:{v6.port}", "--prefix", "v6", "--count", "5")
    assert result.returncode == 0, result.stderr
    stats = v6.stop()
    assert [s["kind"] for s in stats["sources"]] == ["ring"]
    _check_entity_values(load(v6.save_path), "v6", 5, 100)
