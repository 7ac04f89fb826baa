"""A live stream: a logger process streams to the real viewer (CLI, window under Xvfb); the viewer shows the data as
it arrives, then its window is closed mid-stream: the viewer exits cleanly and the logger keeps running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from net_support import free_port, stop_processes, wait_listening

pytestmark = pytest.mark.gl

LOGGER = """
import sys, time
import numpy as np
import rerun as rr
rr.init("live-test")
rr.connect("127.0.0.1:" + sys.argv[1])
frame = 0
while True:
    frame += 1
    rr.set_time_sequence("frame", frame)
    rr.log_points("live/points", np.random.rand(500, 3).astype(np.float32), colors=[255, 128, 0])
    rr.log_scalar("live/count", float(frame))
    time.sleep(0.01)
"""






def test_viewer_shows_a_live_stream_and_closing_it_mid_stream_is_clean(xvfb_display, tmp_path):
    port = free_port()
    steps = [
        {"wait_entities": 2, "timeout": 30},
        {"wait_layer": "live/points|points", "kind": "3d", "timeout": 30},
        {"wait_live": True, "timeout": 30},
        {"snapshot": "early"},
        {"wait_time_after": "early", "timeout": 30},  # returns as soon as the cursor has moved on
        {"snapshot": "later"},
        {"run": 1.0},
    ]
    (tmp_path / "steps.json").write_text(json.dumps(steps))
    env = dict(os.environ, DISPLAY=xvfb_display, RERUN_VIEWER_SCRIPT=str(tmp_path / "steps.json"),
               RERUN_VIEWER_SCRIPT_OUT=str(tmp_path))
    env.pop("RERUN_GL_BACKEND", None)
    viewer = subprocess.Popen([sys.executable, "-m", "rerun_app", "--port", str(port), "--size", "1000x700"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    logger = None
    try:
        wait_listening(port, viewer)
        logger = subprocess.Popen([sys.executable, "-c", LOGGER, str(port)], stderr=subprocess.PIPE, text=True)
        try:
            viewer.wait(timeout=90)
        except subprocess.TimeoutExpired:
            pytest.fail("the viewer did not exit after its window closed")
        stderr = viewer.stderr.read()
        assert viewer.returncode == 0, stderr[-3000:]
        assert "Traceback" not in stderr, stderr[-3000:]
        early = json.loads((tmp_path / "early.json").read_text())
        later = json.loads((tmp_path / "later.json").read_text())
        assert {"live/points", "live/count"} <= set(later["entities"])
        assert later["following"] and later["time"] > early["time"]  # the cursor follows the live tail
        layers = next(v["layers"] for v in later["views"].values() if v["kind"] == "3d")
        assert "live/points|points" in layers
        time.sleep(0.5)
        assert logger.poll() is None, "the logger must keep running when the viewer goes away"
    finally:
        stop_processes(logger, viewer)
    assert "Traceback" not in (logger.stderr.read() if logger else "")
