"""A live depth stream under a pinhole: the 3D view that appears mid-stream is shown next to the 2D one (not hidden
behind its tab), its cloud back-projects every 2nd pixel while the stream is live, and every pixel once it pauses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from net_support import free_port, stop_processes, wait_listening
from rerun_app.views.spatial import depth_step

pytestmark = pytest.mark.gl

WIDTH, HEIGHT = 400, 300  # 120 k pixels: over the live point budget set below (the default keeps 640x480 whole)
LIVE_DEPTH_POINT_BUDGET = 100_000
STREAM_SECONDS = 3.0
LOGGER = """
import sys, time
import numpy as np
import rerun as rr
rr.init("live-depth-test")
rr.connect("127.0.0.1:" + sys.argv[1])
w, h, seconds = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rr.log_pinhole("cam", child_from_parent=[[300.0, 0, w / 2], [0, 300.0, h / 2], [0, 0, 1]], width=w, height=h,
               timeless=True)
yy, xx = np.mgrid[0:h, 0:w]
end, frame = time.monotonic() + seconds, 0
while time.monotonic() < end:
    frame += 1
    rr.set_time_sequence("frame", frame)
    rr.log_depth_image("cam/depth", (2000 + 300 * np.sin(xx / 30 + frame / 4) + yy).astype(np.uint16), meter=1000)
    time.sleep(0.05)
time.sleep(60)  # stays connected but quiet: the stream is paused, not gone
"""






def test_live_depth_stream_shows_both_views_and_a_decimated_cloud_until_it_pauses(xvfb_display, tmp_path):
    step = depth_step(WIDTH * HEIGHT, LIVE_DEPTH_POINT_BUDGET)
    assert step == 2
    port = free_port()
    cloud = {"wait_layer": "cam/depth|depth_cloud", "kind": "3d", "timeout": 30}
    steps = [{"wait_entities": 2, "timeout": 30}, cloud, {"wait_live": True, "timeout": 30}, {"snapshot": "live"},
             {"wait_live": False, "timeout": 60}, cloud, {"snapshot": "paused"}]
    (tmp_path / "steps.json").write_text(json.dumps(steps))
    env = dict(os.environ, DISPLAY=xvfb_display, RERUN_VIEWER_SCRIPT=str(tmp_path / "steps.json"),
               RERUN_VIEWER_SCRIPT_OUT=str(tmp_path), RERUN_LIVE_DEPTH_POINTS=str(LIVE_DEPTH_POINT_BUDGET))
    env.pop("RERUN_GL_BACKEND", None)
    viewer = subprocess.Popen([sys.executable, "-m", "rerun_app", "--port", str(port), "--size", "1000x700"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    logger = None
    try:
        wait_listening(port, viewer)
        logger = subprocess.Popen([sys.executable, "-c", LOGGER, str(port), str(WIDTH), str(HEIGHT),
                                   str(STREAM_SECONDS)], stderr=subprocess.PIPE, text=True)
        viewer.wait(timeout=120)
        stderr = viewer.stderr.read()
        assert viewer.returncode == 0, stderr[-3000:]
        live = json.loads((tmp_path / "live.json").read_text())
        paused = json.loads((tmp_path / "paused.json").read_text())
    finally:
        stop_processes(logger, viewer)
    views = {v["kind"]: v for v in live["views"].values()}
    assert {"3d", "2d"} <= set(views)
    r3, r2 = views["3d"]["rect"], views["2d"]["rect"]
    assert views["3d"]["visible"] and views["2d"]["visible"]
    side_by_side = r3[0] + r3[2] <= r2[0] or r2[0] + r2[2] <= r3[0]
    stacked = r3[1] + r3[3] <= r2[1] or r2[1] + r2[3] <= r3[1]
    assert side_by_side or stacked, f"the views overlap (tabbed?): {r3} {r2}"
    assert live["live"] and not paused["live"]
    every_2nd = ((HEIGHT + step - 1) // step) * ((WIDTH + step - 1) // step)
    p3 = next(v for v in paused["views"].values() if v["kind"] == "3d")
    assert views["3d"]["points"]["cam/depth|depth_cloud"] == every_2nd
    assert p3["points"]["cam/depth|depth_cloud"] == WIDTH * HEIGHT
