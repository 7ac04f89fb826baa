"""``rerun ws://host:port`` pulls a serving logger's stream: the backlog (rows logged before it connected, even
before ``rr.serve``) and then the live rows, each exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import rerun.recording
from gl_support import headless_gl_env
from net_support import free_port
from serving_logger import GREEN, RED
from web_kit import DEADLINE_S, ServingLogger, primary_mask

pytestmark = [pytest.mark.gl, pytest.mark.slow]

ROWS = 400  # scalar rows logged before rr.serve, and as many after


def saved_rows(path) -> dict[str, int]:
    try:
        recording = rerun.recording.load(path)
    except Exception:  # noqa: BLE001 (not written yet)
        return {}
    return {entity: recording.table(entity).num_rows for entity in recording.entity_paths}


def wait_rows(path, expected: dict[str, int], proc) -> dict[str, int]:
    deadline = time.monotonic() + DEADLINE_S
    while (rows := saved_rows(path)) != expected:
        if proc.poll() is not None:
            pytest.fail(f"the ws:// viewer exited ({proc.returncode}): {proc.stderr.read()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"saved rows {rows}, expected {expected}")
        time.sleep(0.1)
    return rows


@pytest.fixture
def logger():
    serving = ServingLogger(rows=ROWS)
    yield serving
    serving.close()


def test_ws_viewer_gets_every_row_logged_before_and_after_it_connected(logger, tmp_path):
    out = tmp_path / "pulled.rrd"
    viewer = subprocess.Popen(
        [sys.executable, "-m", "rerun_app", logger.ws_url, "--headless", "--save", str(out), "--port", str(free_port())],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=headless_gl_env(),
    )
    try:
        expected = {"world/a_red": 1, "world/b_green": 1, "metrics/value": 2 * ROWS}
        wait_rows(out, expected, viewer)
        assert logger.command("rows 250") == f"logged {2 * ROWS + 250}"
        expected["metrics/value"] += 250
        wait_rows(out, expected, viewer)
        values = rerun.recording.load(out).table("metrics/value")["rerun.scalar"].to_pylist()
        assert sorted(v[0] for v in values) == [float(i) for i in range(2 * ROWS + 250)]  # each row once, none lost
    finally:
        viewer.send_signal(signal.SIGTERM)
        viewer.wait(timeout=DEADLINE_S)


def test_ws_screenshot_shows_the_served_backlog(logger, tmp_path):
    from PIL import Image

    png = tmp_path / "ws.png"
    result = subprocess.run([sys.executable, "-m", "rerun_app", logger.ws_url, "--screenshot", str(png)],
                            capture_output=True, text=True, env=headless_gl_env(), timeout=DEADLINE_S * 2)
    assert result.returncode == 0, result.stderr[-3000:]
    image = np.asarray(Image.open(png).convert("RGB"))
    assert primary_mask(image, RED).sum() > 300 and primary_mask(image, GREEN).sum() > 300


def test_ws_url_nobody_serves_is_a_clear_error(tmp_path):
    port = free_port()
    result = subprocess.run([sys.executable, "-m", "rerun_app", f"ws://127.0.0.1:{port}", "--screenshot",
                             str(tmp_path / "x.png")], capture_output=True, text=True, env=headless_gl_env(),
                            timeout=DEADLINE_S)
    assert result.returncode != 0
    assert f"ws://127.0.0.1:{port}" in result.stderr
