"""The viewer command line: memory limits, files, headless reports, the no-display message, rr.get_sink_stats."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from rerun_app.cli import parse_memory_limit, total_ram_bytes

from transport_kit import free_port


@pytest.mark.parametrize(
    "text, expected",
    [("2GB", 2 * 10**9), ("512MiB", 512 * 2**20), ("1.5gib", int(1.5 * 2**30)), ("1000", 1000), ("100kb", 100_000)],
)
def test_memory_limit_sizes(text, expected):
    assert parse_memory_limit(text) == expected


def test_memory_limit_percent_of_ram():
    assert parse_memory_limit("75%") == int(total_ram_bytes() * 0.75)


@pytest.mark.parametrize("text", ["lots", "-1GB", "0", "150%", "2 parsecs"])
def test_bad_memory_limits_are_clear_errors(text):
    with pytest.raises(ValueError, match="--memory-limit"):
        parse_memory_limit(text)


def _write_recording(path, count: int) -> None:
    code = (
        "import rerun as rr, numpy as np\n"
        "rr.init('cli-test'); rr.save(%r)\n"
        "for i in range(%d):\n"
        "    rr.set_time_sequence('frame', i); rr.log_points('pts', np.full((5, 3), i, dtype=np.float32))\n"
        "rr.disconnect()\n"
    ) % (str(path), count)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("entry", [["-m", "rerun_app"], ["-m", "rerun"]])
def test_headless_opens_files_and_reports_counts(tmp_path, entry):
    recording = tmp_path / "in.rrd"
    _write_recording(recording, 12)
    stats_path = tmp_path / "stats.json"
    result = subprocess.run(
        [sys.executable, *entry, str(recording), "--headless", "--port", str(free_port()),
         "--exit-after-idle", "0.1", "--stats-json", str(stats_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"file {recording}" in result.stdout and "rows" in result.stdout
    stats = json.loads(stats_path.read_text())
    (source,) = stats["sources"]
    assert source["kind"] == "file" and source["errors"] == 0 and source["log_rows"] == 12
    (per_entity,) = [r["rows_per_entity"] for r in stats["store"]["recordings"].values()]
    assert per_entity["pts"] == 12


def test_a_bad_file_is_reported_and_the_viewer_still_runs(tmp_path):
    bad = tmp_path / "bad.rrd"
    bad.write_bytes(b"this is not a recording at all")
    stats_path = tmp_path / "stats.json"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(bad), "--headless", "--port", str(free_port()),
         "--exit-after-idle", "0.1", "--stats-json", str(stats_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0
    assert "not a rerun recording" in result.stderr
    assert json.loads(stats_path.read_text())["sources"][0]["errors"] == 1


def test_window_without_display_points_to_headless():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", "--port", str(free_port())], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 2
    assert "cannot open a window" in result.stderr
    assert "--headless" in result.stderr and "--screenshot" in result.stderr and "rr.save" in result.stderr


def test_get_sink_stats_counts_what_an_absent_viewer_made_us_drop():
    code = (
        "import json, time, numpy as np, rerun as rr\n"
        "rr.init('drops'); rr.connect('127.0.0.1:%d')\n"
        "slowest = 0.0\n"
        "for i in range(40):\n"
        "    t = time.perf_counter(); rr.log_points('p', np.full((100_000, 3), i, np.float32))\n"
        "    slowest = max(slowest, time.perf_counter() - t)\n"
        "print(json.dumps({'stats': rr.get_sink_stats(), 'slowest': slowest}))\n"
    ) % free_port()
    env = dict(os.environ, RERUN_SINK_BUFFER_BYTES=str(4 << 20))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    stats = out["stats"]
    frame_bytes = 100_000 * 12
    # 40 frames of 1.2 MB into a 4 MiB bound with nobody listening: all but the newest few dropped.
    assert stats["connected"] is False and stats["sent_messages"] == 0
    assert stats["dropped_messages"] >= 40 - (4 << 20) // frame_bytes - 1
    assert stats["dropped_bytes"] >= stats["dropped_messages"] * frame_bytes
    assert stats["queued_bytes"] <= (4 << 20) + frame_bytes * 2
    assert out["slowest"] < 2.0  # a hang check: no call waited on the absent viewer
    assert result.stderr.count("dropping the oldest") == 1
